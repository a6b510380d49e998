"""What a strong answer looks like for each kind of interview question.

One rubric per question category (the categories of `bot.core.scripts.CATEGORIES`): what an
experienced interviewer listens for, what sinks the answer, the shape the answer should take,
the soft length band, how the dimensions weigh in the answer's score, and one concrete
rewrite hint. The analyzer in `bot.core.feedback` judges an answer only by its own rubric, so
STAR is asked of stories and not of salary, and a short answer is short only where the
rubric wants more.

Pure data; no Jinja, so the analyzer can use it without the template machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Dimensions the analyzer scores for every answer (each 0..1).
DIMENSION_KEYS = ("structure", "specificity", "concision", "confidence", "alignment", "relevance",
                  "composure")


@dataclass(frozen=True, slots=True)
class Rubric:
    category: str
    label: str
    shape: str  # how `structure` is judged: star, intro, reflection, point, weakness, forward,
    #              idea, range, timeline, questions, opening, closing, case, challenge, strategy
    length: tuple[int, int]  # words: a soft band; below it only matters if the answer is incomplete
    weights: Mapping[str, float]  # how much each dimension counts in this answer's overall score
    strong: tuple[str, ...]  # what a strong answer contains, as an interviewer would say it
    sinks: tuple[str, ...]  # what sinks it
    rewrite: str  # one concrete rewrite hint for this kind of question
    topic: tuple[str, ...] = ()  # word stems an on-topic answer tends to use
    needs_company: bool = False  # alignment with the company is part of a good answer
    parts: Mapping[str, str] = field(default_factory=dict)  # shape part -> what to add

    @property
    def asks_for_star(self) -> bool:
        return self.shape == "star"

    def summary(self, limit: int = 3) -> str:
        """'A strong answer ...' in one sentence, from the first `limit` points."""
        points = list(self.strong[:limit])
        if len(points) > 1:
            return "; ".join(points[:-1]) + " and " + points[-1]
        return points[0] if points else ""


def _w(**weights: float) -> Mapping[str, float]:
    total = sum(weights.values())
    return MappingProxyType({k: round(weights.get(k, 0.0) / total, 4) for k in DIMENSION_KEYS})


_STAR_PARTS = {
    "situation": "one line of situation: where you were and what was at stake",
    "task": "what you were responsible for",
    "action": "two or three things you did yourself, with 'I'",
    "result": "the result: what changed, ideally with a figure, and what you learned",
}

RUBRICS: Mapping[str, Rubric] = MappingProxyType({r.category: r for r in (
    Rubric(
        "opening", "Opening", "opening", (15, 90),
        _w(structure=0.2, concision=0.25, confidence=0.2, relevance=0.2, composure=0.15),
        strong=("is warm and brief", "thanks them for the time",
                "names one thing you want to get out of the conversation"),
        sinks=("a long ramble about the journey or your week", "nerves and apologies",
               "complaints about the process"),
        rewrite="Two sentences: a thank-you, then the one thing you want to understand today.",
        topic=("thank", "today", "understand", "learn", "cover", "good", "glad", "process",
               "round", "conversation"),
        parts={"purpose": "one thing you want from today", "warmth": "a short thank-you",
               "positive": "a positive word about the day or the process"},
    ),
    Rubric(
        "about_yourself", "Tell me about yourself", "intro", (60, 150),
        _w(structure=0.3, specificity=0.2, concision=0.15, confidence=0.1, alignment=0.1,
           relevance=0.1, composure=0.05),
        strong=("says what you do now", "picks the two or three past steps that led here",
                "ends on why this role is the next one",
                "adds one achievement the listener can remember"),
        sinks=("a life story from school onwards", "a list of adjectives about yourself",
               "reciting every job on the CV"),
        rewrite="Present, past, future in three sentences: what you do now and one result, "
                "how you got here, and why this role is next.",
        topic=("currently", "now", "role", "year", "experienc", "career", "start", "before",
               "work", "look", "next", "job", "team"),
        needs_company=True,
        parts={"present": "what you do now", "past": "the steps that led here",
               "future": "why this role is your next step"},
    ),
    Rubric(
        "previous_round", "Since the last round", "reflection", (50, 160),
        _w(structure=0.3, specificity=0.2, concision=0.1, confidence=0.1, relevance=0.2,
           composure=0.1),
        strong=("names a specific point from the earlier round",
                "gives the better answer or the new evidence now",
                "says what you did with the feedback"),
        sinks=("'it all went fine'", "blaming the earlier interviewer or format",
               "vague talk of 'preparing more'"),
        rewrite="Name the exact question or comment, then say the improved answer in two "
                "sentences with one new piece of evidence.",
        topic=("first", "round", "interview", "feedback", "answer", "question", "since",
               "differently", "last", "learn", "example"),
        parts={"point": "the specific question or comment", "change": "what you would say or did differently",
               "evidence": "one concrete example or figure"},
    ),
    Rubric(
        "qualifications", "Depth on your qualifications", "star", (80, 240),
        _w(structure=0.25, specificity=0.3, concision=0.1, confidence=0.15, alignment=0.05,
           relevance=0.1, composure=0.05),
        strong=("picks one real piece of work relevant to this role",
                "makes your own decisions and actions clear",
                "ends with a result someone could check",
                "links it to what this job needs"),
        sinks=("generalities about being good at things", "a team story with no 'I'",
               "no outcome or figure"),
        rewrite="Pick one project; say what you did in two or three 'I' sentences and finish "
                "with the measurable result.",
        topic=("project", "built", "led", "experienc", "result", "skill", "work", "decid",
               "deliver", "design", "team"),
        # A story when the question asks for one; otherwise a direct answer with its proof.
        parts={**_STAR_PARTS, "point": "a direct answer first", "reason": "why it matters for this role",
               "example": "one example or figure that proves it"},
    ),
    Rubric(
        "behavioural", "Challenges you have overcome", "star", (100, 300),
        _w(structure=0.3, specificity=0.25, concision=0.1, confidence=0.15, relevance=0.1,
           composure=0.1),
        strong=("sets the scene in a sentence", "says what you personally did, step by step",
                "ends with the result and what you learned",
                "treats the other people in the story fairly"),
        sinks=("a story told only in 'we'", "no result or lesson",
               "blaming colleagues, customers or bad luck", "hypotheticals instead of a real case"),
        rewrite="Situation in one line, then 'I' for each thing you did, then the result with a "
                "before and after.",
        topic=("i", "then", "result", "decid", "team", "problem", "time", "work", "chang",
               "learn", "end"),
        parts=_STAR_PARTS,
    ),
    Rubric(
        "weakness", "Weaknesses and self-awareness", "weakness", (50, 150),
        _w(structure=0.35, specificity=0.2, concision=0.1, confidence=0.1, relevance=0.15,
           composure=0.1),
        strong=("names a real weakness that matters at work",
                "says what you are doing about it", "shows progress since"),
        sinks=("a humblebrag ('I'm a perfectionist', 'I care too much')",
               "claiming to have no weaknesses", "a weakness that rules you out of the job"),
        rewrite="Name the habit plainly, say the step you took ('since January I...'), and the "
                "sign it is working.",
        topic=("weak", "improv", "work on", "struggl", "tend", "better", "habit", "used to",
               "learn", "feedback", "since", "now"),
        parts={"weakness": "the weakness itself, plainly", "action": "what you are doing about it",
               "progress": "a sign that it is working"},
    ),
    Rubric(
        "role_fit", "Fit with the role", "point", (50, 170),
        _w(structure=0.2, specificity=0.3, concision=0.1, confidence=0.15, alignment=0.1,
           relevance=0.1, composure=0.05),
        strong=("answers the question in the first sentence",
                "backs it with one specific piece of evidence",
                "ties it to what this role needs"),
        sinks=("clichés with nothing behind them ('hard worker', 'team player')",
               "a CV summary that ignores the question", "'it depends' with no view"),
        rewrite="Lead with the answer, prove it with one example or figure, then say why it "
                "matters for this role.",
        topic=("role", "team", "skill", "week", "day", "experienc", "bring", "strength",
               "work", "job"),
        needs_company=True,
        parts={"point": "a direct answer first", "reason": "why (a 'because')",
               "example": "one example or figure that proves it"},
    ),
    Rubric(
        "company_research", "What you know about us", "point", (40, 150),
        _w(structure=0.15, specificity=0.3, concision=0.1, confidence=0.1, alignment=0.15,
           relevance=0.15, composure=0.05),
        strong=("mentions something current and specific about the company",
                "shows you read beyond the careers page",
                "says what it means for the person in this role"),
        sinks=("admitting no research", "industry buzzwords any company would fit",
               "repeating the news without a view"),
        rewrite="Name one recent, specific thing the company did and say what it means for "
                "the work you would do.",
        topic=("launch", "announc", "news", "read", "saw", "recent", "product", "customer",
               "partner", "market", "strategy", "report", "move", "new", "site", "review"),
        needs_company=True,
        parts={"point": "one specific, current fact about the company", "reason": "what it means for the role",
               "example": "where you read or saw it"},
    ),
    Rubric(
        "culture_values", "Culture and values", "point", (50, 170),
        _w(structure=0.2, specificity=0.3, concision=0.1, confidence=0.1, alignment=0.15,
           relevance=0.05, composure=0.1),
        strong=("picks one value or habit and proves it with a real moment",
                "says what you did yourself", "connects it to how this company works"),
        sinks=("agreeing with the values in the abstract", "running down a current or past team",
               "perks (free lunch, leaving early) as the culture you want"),
        rewrite="Choose one value, tell the moment you acted on it in three sentences, and "
                "say how it would show here.",
        topic=("value", "cultur", "team", "trust", "feedback", "collaborat", "honest", "work",
               "manag", "example"),
        needs_company=True,
        parts={"point": "the value or habit", "reason": "why it matters to you",
               "example": "a real moment you acted on it"},
    ),
    Rubric(
        "motivation", "Motivation and enthusiasm", "point", (40, 150),
        _w(structure=0.15, specificity=0.25, concision=0.1, confidence=0.15, alignment=0.2,
           relevance=0.1, composure=0.05),
        strong=("gives reasons specific to this company and role that a rival could not claim",
                "links them to your own direction",
                "sounds genuine rather than flattering"),
        sinks=("flattery ('amazing company', 'dream job') with nothing specific",
               "reasons that fit any employer", "hedging about your own goals"),
        rewrite="Swap praise for one fact only this company can claim, and say how it fits "
                "what you want to do next.",
        topic=("why", "excit", "appeal", "mission", "product", "customer", "join", "draw",
               "role", "team", "grow", "want", "work", "career", "yes", "hesitat"),
        needs_company=True,
        parts={"point": "a reason specific to this company", "reason": "how it fits what you want",
               "example": "a concrete detail about the company or role"},
    ),
    Rubric(
        "leaving_job", "Why you are moving on", "forward", (25, 120),
        _w(structure=0.25, specificity=0.1, concision=0.1, confidence=0.1, alignment=0.15,
           relevance=0.1, composure=0.2),
        strong=("is short and forward-looking: what you want next",
                "is fair, even grateful, about your current or last employer",
                "ties the move to what this role offers"),
        sinks=("bitterness about a boss, a company or pay", "a long grievance",
               "'money, mainly' or 'just felt like it'"),
        rewrite="One sentence on what you got from the current job, one on what you want "
                "next, and how this role gives it.",
        topic=("leav", "move", "look", "next", "step", "grow", "opportunit", "ready", "chance",
               "role", "challeng", "want", "learn", "contract", "finish", "pull"),
        needs_company=True,
        parts={"forward": "what you want next", "fair": "a fair word about where you are",
               "link": "why this role gives it"},
    ),
    Rubric(
        "ideas", "Ideas for the role", "idea", (50, 170),
        _w(structure=0.3, specificity=0.25, concision=0.1, confidence=0.1, alignment=0.1,
           relevance=0.1, composure=0.05),
        strong=("offers one concrete, modest idea", "grounds it in something you observed",
                "says how you would test it and measure success"),
        sinks=("'lots of fresh ideas' with none named", "a long list with no focus",
               "grand plans before understanding the business"),
        rewrite="One idea, the thing you noticed that prompted it, and the number that would "
                "tell you it worked.",
        topic=("idea", "improv", "try", "test", "measur", "experiment", "first", "propos",
               "chang", "suggest", "data", "look"),
        needs_company=True,
        parts={"idea": "one concrete idea", "grounding": "what you saw that prompted it",
               "measure": "how you would test it and know it worked"},
    ),
    Rubric(
        "salary_benefits", "Salary and benefits", "range", (12, 90),
        _w(structure=0.4, specificity=0.15, concision=0.05, confidence=0.2, relevance=0.15,
           composure=0.05),
        strong=("gives a researched range (or defers gracefully and asks for their band)",
                "says what the range rests on (market data, level, current package)",
                "stays calm and open about the whole package"),
        sinks=("'idk, I'd accept anything'", "a guess that negotiates against itself",
               "ultimatums or entitlement"),
        rewrite="Say the range in one breath, then its basis: '£X to £Y, based on market data for this level, "
                "and I'm open on the mix' will do.",
        topic=("salary", "pay", "range", "base", "compensat", "package", "bonus", "equity",
               "benefit", "market", "figure", "band", "pension", "flexib", "budget", "offer"),
        parts={"range": "a range in figures (or a graceful deferral)",
               "basis": "what the range is based on", "open": "openness on the package"},
    ),
    Rubric(
        "offers_timeline", "Other offers and timeline", "timeline", (10, 80),
        _w(structure=0.35, specificity=0.2, concision=0.05, confidence=0.15, relevance=0.15,
           composure=0.1),
        strong=("states your situation honestly", "gives dates or a notice period",
                "says where this role ranks for you"),
        sinks=("bluffing about 'loads of offers'", "naming rival companies to apply pressure",
               "'I'd have to check' with no date"),
        rewrite="Facts in two sentences: where you are elsewhere and by when, then that this "
                "role is your preference if it is.",
        topic=("offer", "process", "interview", "stage", "week", "month", "timeline", "decision",
               "deadline", "notice", "start", "other", "round", "choice", "rank", "top"),
        parts={"status": "where you are in other processes", "timeline": "a date or notice period",
               "preference": "where this role ranks"},
    ),
    Rubric(
        "candidate_questions", "Your questions for us", "questions", (15, 120),
        _w(structure=0.4, specificity=0.2, concision=0.1, relevance=0.2, alignment=0.1),
        strong=("asks two or three questions a website could not answer",
                "builds on something said in the interview",
                "asks about the work: success, the team, what is hard"),
        sinks=("no questions at all", "only perks (holidays, leaving early)",
               "stock questions that would fit any company"),
        rewrite="Ask how success is judged in the first months and one question built on "
                "something the interviewer said today.",
        topic=("success", "team", "measur", "first", "challeng", "work", "decision", "role",
               "review", "support"),
        needs_company=True,
        parts={"questions": "two or three questions of your own",
               "topics": "a question about the work itself: success, the team, what is hard"},
    ),
    Rubric(
        "case_presentation", "Case or presentation", "case", (150, 300),
        _w(structure=0.4, specificity=0.25, concision=0.1, confidence=0.1, relevance=0.1,
           composure=0.05),
        strong=("opens with the recommendation in one sentence",
                "gives two or three reasons, each backed by a figure or fact from the brief",
                "names the main risk and how to contain it",
                "ends with concrete next steps and how success would be measured"),
        sinks=("building up to the answer and never quite giving one", "reasons with no evidence",
               "no risks at all, or only risks and no decision"),
        rewrite="Lead with 'I recommend X', then 'for three reasons', one line of evidence each, the biggest "
                "risk and its mitigation, and the first two next steps.",
        topic=("recommend", "propos", "option", "reason", "risk", "next", "step", "cost", "revenu",
               "customer", "data", "plan", "pilot", "measur", "because"),
        parts={"recommendation": "your recommendation, in the first sentence or two",
               "reasons": "two or three reasons for it", "risks": "the main risk and how you would contain it",
               "next_steps": "the next steps (who does what first, and how you would measure it)"},
    ),
    Rubric(
        "case_challenge", "Questions on your case", "challenge", (40, 180),
        _w(structure=0.35, specificity=0.25, concision=0.1, confidence=0.15, relevance=0.1,
           composure=0.05),
        strong=("takes the challenge seriously instead of brushing it off",
                "answers with evidence or reasoning, not repetition",
                "holds the position for a reason, or changes it and says what would have to be true"),
        sinks=("getting defensive", "caving at once with no reason", "restating the slide"),
        rewrite="Acknowledge the point in a few words, answer it with one fact or reason, then say clearly "
                "whether your recommendation stands or how you would adjust it.",
        topic=("point", "fair", "risk", "assum", "data", "because", "still", "adjust", "chang",
               "test", "evidence", "recommend", "cost", "if"),
        parts={"acknowledge": "a short acknowledgement of the challenge",
               "evidence": "a fact or reason that answers it",
               "position": "whether your recommendation stands or how it changes"},
    ),
    Rubric(
        "strategy", "Strategy and judgement", "strategy", (90, 260),
        _w(structure=0.35, specificity=0.2, concision=0.1, confidence=0.15, alignment=0.1,
           relevance=0.1),
        strong=("takes a clear position early", "weighs a real trade-off: what you would give up and why",
                "turns it into concrete first steps or a sequence", "grounds it in the company's situation"),
        sinks=("fence-sitting: 'it depends' with nothing after it", "buzzwords with no choices in them",
               "a plan that starts by changing everything"),
        rewrite="Say what you would do, what you would not do because of it, and the first two steps "
                "(listen and learn, then one early, visible win).",
        topic=("strateg", "prior", "trade", "first", "day", "month", "vision", "year", "focus", "invest",
               "growth", "risk", "team", "customer", "listen", "plan", "decid"),
        needs_company=True,
        parts={"position": "a clear position, early", "trade_off": "a trade-off: what you would give up",
               "steps": "concrete first steps or a sequence"},
    ),
    Rubric(
        "closing", "Closing", "closing", (15, 90),
        _w(structure=0.3, specificity=0.2, concision=0.15, confidence=0.15, alignment=0.1,
           composure=0.1),
        strong=("leaves one memorable point of evidence that fits the role",
                "says clearly that you want the job", "ends with sincere thanks"),
        sinks=("a long list that buries the point", "apologising for the interview",
               "knocking the other candidates"),
        rewrite="One sentence of proof, one that says you want the role, and a thank-you.",
        topic=("thank", "want", "role", "keen", "excit", "interest", "remember", "bring",
               "enjoy", "team"),
        needs_company=True,
        parts={"proof": "one memorable piece of evidence", "interest": "that you want the role",
               "thanks": "a thank-you"},
    ),
)})


def rubric_for(category: str | None) -> Rubric:
    """The rubric for a category; unknown categories get the general 'fit' rubric."""
    return RUBRICS.get(category or "", RUBRICS["role_fit"])
