"""The STAR story bank: what a story must hold, how it is shown, and which saved story fits a
question the candidate answered weakly in a mock interview. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.core.fields import FieldError, clean_field, clean_single_line
from bot.core.models import StarStory
from bot.core.text import escape_discord, shorten

MAX_STORIES = 25  # one select menu lists them all
STORY_LIMITS: dict[str, int] = {
    "title": 100, "skills": 200, "situation": 1000, "task": 1000, "action": 1000, "result": 1000,
}
TITLE_AND_SKILLS_LIMIT = STORY_LIMITS["title"] + STORY_LIMITS["skills"] + 3
STAR_PARTS = (("situation", "Situation"), ("task", "Task"), ("action", "Action"), ("result", "Result"))
STORY_DISPLAY_LIMIT = 5500  # all of a story's embeds together stay under Discord's 6,000


class StoryBankFull(ValueError):
    """The bank already holds MAX_STORIES stories: one more would not fit its menu."""

    def __init__(self) -> None:
        super().__init__(f"the story bank holds {MAX_STORIES} stories already")


# --- the fields of a story --------------------------------------------------------------------

def split_title_and_skills(text: str) -> tuple[str, str]:
    """ "Cut onboarding to 2 days | process improvement, automation" -> title and skills.

    Discord modals hold at most five text inputs and a story has six parts, so the title and
    its skills share one input, separated by a `|`. Without a `|` it is all title."""
    title, sep, skills = text.partition("|")
    return title, skills if sep else ""


def join_title_and_skills(title: str, skills: str) -> str:
    return f"{title} | {skills}" if skills else title


def normalise_skills(text: str) -> str:
    """Comma-separated, trimmed, without duplicates (case-insensitive), in the order typed."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text):
        skill = " ".join(part.split())
        if skill and skill.lower() not in seen:
            seen[skill.lower()] = skill
    return ", ".join(seen.values())


def clean_story(*, title_and_skills: str, situation: str, task: str, action: str,
                result: str) -> dict[str, str]:
    """Validated story fields from a modal, ready to store. Raises FieldError."""
    title, skills = split_title_and_skills(title_and_skills)
    fields = {
        "title": clean_single_line(title, "title", limit=STORY_LIMITS["title"], required=True),
        "skills": normalise_skills(clean_field(skills, "skills list",
                                               limit=STORY_LIMITS["skills"])),
    }
    for key, label in STAR_PARTS:
        value = {"situation": situation, "task": task, "action": action, "result": result}[key]
        fields[key] = clean_field(value, label.lower(), limit=STORY_LIMITS[key], required=True)
    if len(format_story_text(fields)) > STORY_DISPLAY_LIMIT:
        raise FieldError("This story is too long to show in Discord once formatted. Please "
                         "shorten the longest part.")
    return fields


def story_fields(story: StarStory) -> dict[str, str]:
    return {key: getattr(story, key) for key in STORY_LIMITS}


def format_story_text(story: Mapping[str, str]) -> str:
    """The body of a story for an embed (the title goes in the embed's title); user text
    escaped for Discord."""
    lines = []
    skills = story.get("skills", "")
    lines.append(f"**Skills:** {escape_discord(skills)}" if skills else
                 "**Skills:** *none yet; add them after a | in the title so mock interview "
                 "reports can suggest this story*")
    for key, label in STAR_PARTS:
        lines.append(f"\n**{label}**\n{escape_discord(story.get(key, ''))}")
    return "\n".join(lines)


def story_list_line(number: int, story: StarStory) -> tuple[str, str]:
    """A story as one line of the story bank list, and its compact form for when the full
    lines are too long for one embed."""
    line = f"**{number}.** {escape_discord(story.title)}"
    if story.skills:
        line += f" · *{escape_discord(story.skills)}*"
    return line, f"**{number}.** {escape_discord(shorten(story.title, 40))}"


# --- which story fits a weak answer ------------------------------------------------------------

_STOPWORDS = frozenset(re.findall(r"\S+", """
a about across after again all also am an and any are as at be because been before being but by
can could did didn do does doing done don each for from had has have having how however i if in
into is it its just me more most my no not now of on one or other our out over own really so
some such than that the their them then there these they this those through time times to too
up very was way we were what when where which while who whom why will with would you your
tell describe give example walk let talk share story something someone thing things made make
"""))

# Words that point at the same skill, so "a disagreement with a colleague" finds a story with
# the skill "conflict resolution". Keys are concepts; values are word stems that signal them.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "conflict": ("conflict", "disagre", "argument", "tension", "dispute", "clash", "friction",
                 "difficult colleague"),
    "failure": ("fail", "mistake", "setback", "didn't deliver", "went wrong", "error", "lesson"),
    "feedback": ("feedback", "criticism", "critiqu", "review"),
    "influence": ("influenc", "persua", "convinc", "bring them round", "stakeholder",
                  "didn't report", "buy-in", "negotiat"),
    "leadership": ("lead", "led", "leadership", "manag", "mentor", "coach", "team lead"),
    "prioritisation": ("priorit", "more important work than time", "time management",
                       "workload", "juggl", "drop or delay"),
    "pressure": ("deadline", "pressure", "stakes", "urgent", "crisis", "faster", "tight"),
    "initiative": ("initiative", "no one had asked", "proactiv", "ownership", "took it on",
                   "started", "self-starter"),
    "adaptability": ("adapt", "change", "reorgani", "new tool", "strategy", "pivot",
                     "flexib", "resilien"),
    "ambiguity": ("ambigu", "no clear goal", "unclear", "uncertain", "definition of done"),
    "integrity": ("principle", "integrity", "ethic", "values", "right thing", "honest"),
    "customer": ("customer", "client", "escalation", "user", "service"),
    "collaboration": ("collaborat", "teamwork", "another team", "cross-functional",
                      "colleague", "partner", "depend"),
    "communication": ("communicat", "present", "didn't want to hear", "explain", "writing",
                      "stakeholder update"),
    "analysis": ("analys", "analytic", "data", "metric", "insight", "sql"),
    "problem_solving": ("problem", "solv", "fix", "debug", "root cause", "troubleshoot"),
    "delivery": ("launch", "ship", "deliver", "project", "rollout", "migration"),
    "design": ("design", "user experience", "ux", "hurt users"),
    "technical": ("engineer", "architect", "build", "code", "technical", "system"),
    "learning": ("learn", "new skill", "quickly", "self-taught", "upskill"),
}


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z][a-z'\-]+", text.lower())
            if w not in _STOPWORDS and len(w) > 2}


def _concepts(text: str) -> set[str]:
    lowered = " " + " ".join(re.findall(r"[a-z0-9'\-]+", text.lower())) + " "
    found = set()
    for concept, signals in _CONCEPTS.items():
        for signal in signals:
            # Match at a word start, so "lead" does not fire inside "mislead" and "led" not in "handled".
            if re.search(r"(?<![a-z])" + re.escape(signal), lowered):
                found.add(concept)
                break
    return found


def skill_concepts(text: str) -> set[str]:
    """The skill concepts a text points at ("a disagreement with a colleague" -> conflict, ...),
    for matching stories to other wording too (a job's requirements)."""
    return _concepts(text)


def _fit(story: StarStory, question: str) -> float:
    """How well a story's skills (mostly) and title fit a question's wording."""
    q_concepts, q_words = _concepts(question), _words(question)
    skills = " ".join(story.skill_list)
    score = 2.0 * len(q_concepts & _concepts(skills))
    score += 1.0 * len(q_concepts & _concepts(story.title) - _concepts(skills))
    score += 0.75 * len(q_words & _words(skills))
    score += 0.5 * len(q_words & _words(story.title))
    return score


def suggest_story(stories: Sequence[StarStory], report: Mapping[str, Any]) -> dict[str, Any] | None:
    """A saved story that fits a question the candidate answered weakly, or None.

    Looks at the report's improvements (weakest first) that point at a question, scores every
    story by how its skills and title match the question's wording (shared skill concepts
    count most), and returns the best pair as {"title", "skills", "question_number"}. Ties go
    to the weaker answer, then to the older story."""
    improvements: Iterable[Mapping[str, Any]] = report.get("improvements") or []
    best: tuple[float, int, int, StarStory, int] | None = None
    for rank, item in enumerate(improvements):
        number, question = item.get("question_number"), str(item.get("question") or "")
        if number is None or not question.strip() or item.get("dimension") == "questions":
            continue
        for order, story in enumerate(stories):
            score = _fit(story, question)
            if score <= 0:
                continue
            key = (score, -rank, -order)
            if best is None or key > best[:3]:
                best = (score, -rank, -order, story, int(number))
    if best is None:
        return None
    story, number = best[3], best[4]
    return {"title": story.title, "skills": story.skills, "question_number": number}
