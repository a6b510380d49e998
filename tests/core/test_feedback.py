"""The answer analyzer against labelled pairs and the longer-wins baseline, its rubric-aware
rules, and the report built from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.calibration import evaluate, markdown_table
from bot.core.feedback import (
    ANSWER_DIMENSIONS,
    DIMENSIONS,
    ScoredAnswer,
    analyze_answer,
    analyze_candidate_questions,
    answer_signals,
    build_report,
    quotable_point,
)
from bot.core.scripts import CATEGORIES

CALIBRATION = Path(__file__).resolve().parents[1] / "fixtures" / "feedback_calibration.json"


# --- calibration ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pairs() -> list[dict]:
    return json.loads(CALIBRATION.read_text("utf-8"))["pairs"]


def test_calibration_set_covers_every_category_and_is_hard_for_the_baseline(pairs):
    assert len({p["id"] for p in pairs}) == len(pairs) >= 100
    for p in pairs:
        assert p["category"] in CATEGORIES, p["id"]
        assert p["dimension"] in ANSWER_DIMENSIONS, p["id"]
        assert p["split"] in {"dev", "holdout", "fresh"}, p["id"]
        assert p["strong"].strip() and p["weak"].strip() and p["question"].strip(), p["id"]
        assert p["difference"].strip() and isinstance(p["values"], list), p["id"]
    for category in CATEGORIES:
        assert sum(p["category"] == category for p in pairs) >= 3, category
        assert {p["split"] for p in pairs if p["category"] == category} == {"dev", "holdout", "fresh"}, category
    for dim in ANSWER_DIMENSIONS:
        assert sum(p["dimension"] == dim for p in pairs) >= 5, dim
    # A set where picking the longer answer does well would not test the analyzer.
    assert evaluate(pairs).overall().baseline <= 0.62
    strong_shorter = [p for p in pairs if len(p["strong"].split()) < len(p["weak"].split())]
    assert len(strong_shorter) >= 0.35 * len(pairs)


@pytest.mark.parametrize("split", [None, "dev", "holdout", "fresh"])
def test_the_analyzer_beats_longer_answer_wins_by_a_clear_margin(pairs, split):
    result = evaluate(pairs, split=split)
    top = result.overall()
    print("\n" + markdown_table(result))
    assert top.analyzer >= top.baseline + 0.25, top
    assert top.analyzer >= 0.8 and top.dimension is not None and top.dimension >= 0.8


def test_every_dimension_beats_the_baseline(pairs):
    for row in evaluate(pairs).by("dimension"):
        assert row.dimension is not None and row.dimension >= max(0.75, row.baseline), row


def test_no_category_is_left_to_chance(pairs):
    for row in evaluate(pairs).by("category"):
        assert row.analyzer >= 0.6, row


def test_markdown_table_lists_every_group(pairs):
    table = markdown_table(evaluate(pairs))
    assert table.count("\n| category: ") == len(CATEGORIES)
    assert "longer answer wins" in table.splitlines()[0]


# --- the contract -------------------------------------------------------------------------------

STAR_FULL = ("At my previous company our checkout was failing. I was responsible for fixing it. "
             "I decided to rebuild the queue and I tested it with the team. As a result, errors "
             "dropped by 40% in two weeks.")
STAR_NO_RESULT = ("At my previous company our checkout was failing. I was responsible for fixing "
                  "it. I decided to rebuild the queue and I tested it with the team.")


def _in_range(a) -> None:
    assert set(a.scores) == set(ANSWER_DIMENSIONS)
    assert {"structure", "specificity", "concision", "confidence", "alignment"} <= set(a.scores)
    for dim, value in a.scores.items():
        assert 0.0 <= value <= 1.0, (dim, value)
    assert 0.0 <= a.overall <= 1.0


def test_contract_keywords_and_ranges():
    a = analyze_answer(STAR_FULL, question="Tell me about a time you fixed something.", company="Acme",
                       values=("ownership",), category="behavioural", role="Backend Engineer")
    _in_range(a)
    assert a.category == "behavioural" and a.findings
    with pytest.raises(TypeError):
        analyze_answer(STAR_FULL, "Tell me about a time.")  # type: ignore[misc]


def test_the_category_is_inferred_from_the_question_when_not_given():
    assert analyze_answer("£60k to £70k.", question="What are your salary expectations?").category == \
        "salary_benefits"
    assert analyze_answer(STAR_FULL, question="Tell me about a time you failed.").category == "behavioural"


def test_same_answer_same_feedback():
    one = analyze_answer(STAR_FULL, question="Q", company="Acme", values=["ownership"]).to_dict()
    two = analyze_answer(STAR_FULL, question="Q", company="Acme", values=["ownership"]).to_dict()
    assert one == two


def test_empty_answer():
    a = analyze_answer("", question="Tell me about yourself.")
    _in_range(a)
    assert a.words == 0 and a.length_verdict == "empty" and a.overall == 0.0
    assert [f.message for f in a.findings] == ["No answer was given."]
    assert answer_signals("   ")["key_point"] == ""


def test_very_long_answer():
    sentence = ("At my last job I led the migration of our billing system, and as a result we "
                "cut invoice errors by 30% in two months. ")
    a = analyze_answer((sentence * 200)[:10_000], question="Tell me about a project.", category="behavioural")
    _in_range(a)
    assert a.length_verdict == "long" and a.words > 1500 and a.scores["concision"] == 0.0
    assert a.speaking_seconds == round(a.words / 140 * 60)


RAMBLE = ("Well, um, I guess, you know, it's kind of hard to say really, I mean there were lots of things going "
          "on at the time and I was sort of involved in a lot of different stuff, like meetings and emails and so "
          "on, and basically we tried to do our best, and I think things went okay in the end, more or less, "
          "although there were also some problems, and honestly the weather that summer was terrible so everyone "
          "was a bit grumpy, and my cat had been ill, which, you know, anyway, I think I am a hard worker and a "
          "team player and I like data, and I think data is very important for companies nowadays, everyone says "
          "so, and I basically just try to be helpful and do whatever needs doing, and yeah, I suppose that's "
          "about it really, sort of. ") * 3


def test_an_answer_well_over_its_suggested_length_is_told_so_whatever_else_it_gets_wrong():
    question = ("Choose the piece of work on your CV that you think best prepares you for the Data Analyst role, "
                "and walk me through it properly.")
    a = analyze_answer(RAMBLE, question=question, company="Acme", category="qualifications", length=(120, 240))
    assert a.words > 400 and a.scores["concision"] < 0.4
    notes = a.notes()
    long_note = next(n for n in notes if n["signal"] == "too_long")
    assert long_note["text"].startswith("About 440 words (about 3 min spoken)")
    assert "aim for 120-240: lead with" in long_note["text"]


def test_a_strong_answer_within_its_length_is_not_called_long():
    story = ("At Brightline Retail in 2023 our weekly churn dashboard took analysts 6 hours to refresh and was "
             "often wrong. As the lead analyst I was asked to fix it before the Q3 board review. I rebuilt the "
             "pipeline in dbt with 14 tested models, added row-count checks, and moved the refresh to Airflow at "
             "6am. Refresh time dropped from 6 hours to 20 minutes, data errors fell from about 9 a month to 1, "
             "and the board used it to approve a 2 million pound retention budget.")
    a = analyze_answer(story, question="Walk me through the project on your CV that best prepares you for this role.",
                       category="qualifications", length=(60, 240))
    assert a.length_verdict == "ok" and a.scores["concision"] == 1.0
    assert not any(f.signal == "too_long" for f in a.findings)


@pytest.mark.parametrize("text", [
    "En mi trabajo anterior, lideré un proyecto que redujo los costes un 30% en dos meses.",
    "前の職場で、私はチームを率いてコストを30%削減しました。",
])
def test_non_english_answers_get_a_note(text):
    a = analyze_answer(text, question="Tell me about a project.", company="Acme")
    _in_range(a)
    assert not a.mostly_english and a.has_numbers
    assert any("not in English" in n["text"] for n in a.notes())


# --- judged by the rubric of the question -----------------------------------------------------------

def test_star_is_not_asked_of_a_salary_answer():
    a = analyze_answer("£85,000 to £95,000 base. I used Levels.fyi and Pave data for senior developers in "
                       "Bristol, and I'm flexible on the split.", question="What salary range are you looking for?",
                       category="salary_benefits")
    assert a.shape == {"range": True, "basis": True, "open": True}
    assert "situation" not in a.shape and not any(f.signal.startswith("missing_") for f in a.findings)
    assert a.scores["structure"] >= 0.9 and a.overall >= 0.8


def test_a_story_without_a_result_is_missing_the_result():
    full = analyze_answer(STAR_FULL, question="Tell me about a hard problem.", category="behavioural")
    partial = analyze_answer(STAR_NO_RESULT, question="Tell me about a hard problem.", category="behavioural")
    assert partial.shape["result"] is False and full.shape["result"] is True
    assert partial.scores["structure"] < full.scores["structure"]
    assert any(f.signal == "missing_result" for f in partial.findings)


def test_an_answer_that_labels_its_situation_is_not_missing_it():
    a = analyze_answer("Situation: two weeks into the job a case arrived. Task: plan the review. Action: I built "
                       "a checklist. Result: approved first time.", question="Tell me about a time you learned fast.",
                       category="qualifications")
    assert all(a.shape.values())
    assert not any(f.signal.startswith("missing_") for f in a.findings)


def test_a_story_question_in_a_non_story_category_credits_a_story():
    question = "Tell me about a time you stood up for a colleague. What did you do?"
    story = analyze_answer("In my first job a junior analyst was blamed for a missed report that was really late "
                           "data from finance. I showed my manager the timestamps and asked for the deadline to move. "
                           "She agreed, and the analyst was thanked at the next team meeting.",
                           question=question, category="culture_values")
    assert not story.off_question and story.scores["structure"] >= 0.8 and story.overall >= 0.6


def test_a_qualifications_question_that_asks_for_no_story_is_not_judged_by_star():
    a = analyze_answer("SQL and stakeholder reporting. I've written the queries behind our weekly board pack for "
                       "two years, because the board needs it every Monday, and I present it myself.",
                       question="Which two requirements do you meet most convincingly?", category="qualifications")
    assert "situation" not in a.shape and a.scores["structure"] >= 0.9
    story = analyze_answer(STAR_NO_RESULT, question="Walk me through a project you led.", category="qualifications")
    assert story.shape["result"] is False


def test_a_company_move_counts_as_a_connection():
    a = analyze_answer("Your move into same-day delivery. The analyst here works on the routing data behind it.",
                       question="What is drawing you to us?", company="Acme", category="motivation")
    assert a.scores["alignment"] >= 0.6 and not any(f.signal == "no_company_link" for f in a.findings)


def test_length_is_a_soft_band_per_question_type():
    short_salary = analyze_answer("£48,000 to £54,000, based on what similar analyst roles pay in London.",
                                  question="What are your salary expectations?", category="salary_benefits")
    assert short_salary.length_verdict in {"short", "ok"} and short_salary.scores["concision"] == 1.0
    monologue = analyze_answer(" ".join(["I think money matters but so does the work and the people."] * 50),
                               question="What are your salary expectations?", category="salary_benefits")
    assert monologue.words > 550 and monologue.scores["concision"] <= 0.1
    thin_story = analyze_answer("I fixed it.", question="Tell me about a hard problem.", category="behavioural")
    assert thin_story.scores["concision"] < 1.0


def test_a_short_complete_answer_beats_a_long_empty_one():
    short = analyze_answer("Three months, and I could start in early September.",
                           question="What's your notice period?", category="offers_timeline")
    long = analyze_answer("It depends on a lot of things really, I'd have to check with various people and see "
                          "how things go, it shouldn't be a problem, we can probably work something out whenever.",
                          question="What's your notice period?", category="offers_timeline")
    assert short.overall > long.overall + 0.3


def test_a_hedged_answer_gets_the_hedges_quoted_first():
    a = analyze_answer("Probably managing PMs, I guess. I'm not sure, maybe…",
                       question="Where would you like your career to be in five years?", category="motivation")
    first = a.notes()[0]
    assert first["signal"] == "hedges" and "'Probably'" in first["text"] and "'I guess'" in first["text"]
    assert first["quote"] == "Probably managing PMs, I guess."
    assert a.scores["confidence"] < 0.3
    assert not any(n["kind"] == "good" and n["dimension"] == "confidence" for n in a.notes())


def test_we_against_i_is_a_note():
    a = analyze_answer("We had a hard time with deliveries. We looked at the process together and we changed a lot. "
                       "We worked late and we got it sorted, and our manager was pleased with us.",
                       question="Tell me about the toughest problem you've worked through.", category="behavioural")
    assert a.we_only and a.i_count == 0 and a.we_count == 7
    note = next(n for n in a.notes() if n["signal"] == "we_only")
    assert "'we' 7 times against 'I' 0" in note["text"]
    team = answer_signals("We did it, we shipped it.")
    assert team["we_only"] and team["says_we_more_than_i"]


def test_negativity_sinks_a_leaving_answer_and_is_quoted():
    bitter = analyze_answer("My boss is incompetent and the pay is terrible. I can't stand it anymore.",
                            question="Why are you leaving?", category="leaving_job")
    fair = analyze_answer("I've learned a lot in four years, and now I want to lead a bigger category, which this "
                          "role offers.", question="Why are you leaving?", category="leaving_job")
    assert bitter.negativity and bitter.scores["composure"] <= 0.3
    assert bitter.overall < 0.35 < 0.7 < fair.overall
    assert bitter.notes()[0]["signal"] == "negativity"
    assert "incompetent" in bitter.notes()[0]["quote"]


def test_cliches_without_evidence_cost_and_are_named():
    empty = analyze_answer("I'm a hard worker and a team player with great communication skills.",
                           question="What would you bring to this role?", category="role_fit")
    proven = analyze_answer("Pricing. Last year I won back a £1.2m listing by reworking our pitch around the "
                            "buyer's margin targets.", question="What would you bring to this role?",
                            category="role_fit")
    assert set(empty.cliches) >= {"hard worker", "team player"}
    assert any(f.signal == "cliche" for f in empty.findings)
    assert proven.overall > empty.overall + 0.3


def test_a_humblebrag_weakness_is_capped():
    brag = analyze_answer("My biggest weakness is that I'm a perfectionist. I care too much about getting it right.",
                          question="What is your greatest weakness?", category="weakness")
    real = analyze_answer("I used to avoid difficult phone calls. Since March I call every customer whose claim is "
                          "two weeks old, and settlement time dropped by ten days.",
                          question="What is your greatest weakness?", category="weakness")
    assert brag.humblebrags and brag.overall <= 0.35
    assert real.shape == {"weakness": True, "action": True, "progress": True} and real.overall >= 0.7


@pytest.mark.parametrize(("answer", "question", "category"), [
    ("idk, whatever works.", "What salary are you expecting?", "salary_benefits"),
    ("I haven't really looked, to be honest.", "What have you read about us recently?", "company_research"),
    ("I don't know.", "Why do you want this job?", "motivation"),
])
def test_non_answers_score_low_and_say_so(answer, question, category):
    a = analyze_answer(answer, question=question, category=category)
    assert a.non_answer and a.overall <= 0.15 and a.scores["relevance"] <= 0.1
    assert a.notes()[0]["signal"] in {"non_answer", "hedges"}
    assert answer_signals(answer, question=question, category=category)["is_non_answer"]


FIT_QUESTION = "Why do you think you are a good fit for the Data Analyst role at Acme?"


@pytest.mark.parametrize("answer", ["Yes.", "Yes", "Maybe.", "I fixed it.", "Sure, why not"])
def test_a_word_or_two_far_below_the_suggested_length_does_not_answer_yet(answer):
    a = analyze_answer(answer, question=FIT_QUESTION, company="Acme", category="role_fit", length=(60, 150))
    assert a.thin and not a.shape["point"]  # never 'point ✓' for being short
    assert a.overall <= 0.2 and a.scores["relevance"] <= 0.2
    first = a.notes()[0]
    assert first["signal"] == "thin" and "does not answer the question yet" in first["text"]
    assert "60-150 words" in first["text"]
    assert answer_signals(answer, question=FIT_QUESTION, category="role_fit", length=(60, 150))["is_thin"]


def test_a_short_complete_answer_is_not_called_thin():
    salary = analyze_answer("60-70k, based on market data for similar roles.", question="What salary are you after?",
                            category="salary_benefits", length=(60, 140))
    assert not salary.thin and salary.shape["range"] and salary.shape["basis"]
    opening = analyze_answer("Thanks, good to meet you. I'd like to understand how the team works.",
                             question="How are you today?", category="opening", length=(20, 80))
    assert not opening.thin


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(["yes", "no", "maybe", "sure", "definitely", "ok", "I", "agree", "data",
                                       "team", "because", "good", "fit", "thanks"]), min_size=1, max_size=3))
def test_any_answer_of_a_few_words_scores_low_and_says_why(words):
    text = " ".join(words) + "."
    a = analyze_answer(text, question=FIT_QUESTION, company="Acme", category="role_fit", length=(60, 150))
    assert a.overall <= 0.2 and not a.shape["point"]
    assert a.notes() and a.notes()[0]["signal"] in {"thin", "non_answer", "hedges"}


def test_an_off_question_answer_is_flagged():
    question = "What do you picture an ordinary week in this job looking like?"
    off = analyze_answer("I've been a scrum master for four years at two companies. I have my PSM II certification "
                         "and I've coached eight teams.", question=question, category="role_fit")
    on = analyze_answer("Stand-ups every morning, a planning session midweek and time with the product owner on "
                        "the backlog, which is the part I'd enjoy most.", question=question, category="role_fit")
    assert off.off_question and not on.off_question
    assert off.scores["relevance"] < on.scores["relevance"]
    assert any(f.signal == "off_question" for f in off.findings)


TRUST_QUESTION = ("When you join a new team, how do you go about building trust with your manager and your "
                  "colleagues during the first few weeks?")


def test_one_or_two_shared_work_words_do_not_make_an_answer_on_the_question():
    football = analyze_answer("I really love football, my favourite team is Arsenal and I go to matches every other "
                              "weekend with my brother.", question=TRUST_QUESTION, company="Acme",
                              category="culture_values", length=(60, 130))
    assert football.off_question and not football.shape["point"]  # 'team' and 'week' alone are not enough
    assert football.overall <= 0.35 and football.scores["relevance"] < 0.4
    trust = analyze_answer("In my first weeks I book a one-to-one with my manager to agree what good looks like, "
                           "then I deliver one small promise early, because trust with colleagues comes from "
                           "doing what I said I would.", question=TRUST_QUESTION, company="Acme",
                           category="culture_values", length=(60, 130))
    assert not trust.off_question and trust.scores["relevance"] > football.scores["relevance"] + 0.3


def test_an_off_question_note_names_the_question_s_own_words_not_stems():
    question = ("What have you come across about Acme recently, such as a product launch, a new customer or "
                "partner, or a change of direction?")
    a = analyze_answer("I really love football, my favourite team is Arsenal and I go to matches every other "
                       "weekend with my brother.", question=question, company="Acme", category="company_research")
    note = next(f.message for f in a.findings if f.signal == "off_question")
    assert "(about 'product', 'launch', 'customer')" in note
    assert not re.search(r"'(?:acros|chang|custom|recent)'", note)


def test_restating_the_recommendation_answers_what_to_remember_about_it():
    question = ("Thank you, Sam. Before we finish: what is the one thing you want us to remember about your "
                "recommendation when we talk it over?")
    a = analyze_answer("I would recommend we prioritise onboarding: churn rose from 4% to 7% in the brief, and a "
                       "two-week A/B test of onboarding emails, measured on 30-day retention, would tell us within "
                       "a month whether it works. The risk is sample size, so I would run it across all regions.",
                       question=question, company="Acme", category="closing", length=(20, 90))
    assert not a.off_question and "recommendat" in a.matched_terms
    assert not any(f.signal == "off_question" for f in a.findings) and a.overall >= 0.6


def test_a_passage_the_question_quotes_back_is_not_what_it_asks_about():
    question = ('You said: "I would recommend we prioritise onboarding: churn rose from 4% to 7%…" What would you '
                "want to find out with another hour?")
    a = analyze_answer("Honestly I'd say churn rose from 4% to 7% and onboarding matters, we should prioritise "
                       "onboarding because churn is the problem here.", question=question, category="case_challenge")
    assert not {"churn", "onboard", "prioritis"} & set(a.question_terms)


def test_relevance_counts_plural_and_synonyms():
    a = analyze_answer("I love your products, and your customers say the app saves them hours.",
                       question="What do you know about our customers?", company="Acme", category="company_research")
    assert "custom" in a.matched_terms and not a.off_question
    assert a.scores["alignment"] > 0.3  # 'your products' and 'your customers' connect to the company


def test_ages_years_and_labels_are_not_evidence():
    a = analyze_answer("I worked at a Fortune 500 company when I was 22, back in 2015.",
                       question="Tell me about your biggest achievement.", category="qualifications")
    assert not a.has_numbers and set(a.ignored_numbers) == {"Fortune 500", "when I was 22", "2015"}
    assert any(f.signal == "not_evidence" for f in a.findings)
    assert answer_signals("I joined a Fortune 500 company.")["has_numbers"] is False
    assert answer_signals("It took 3 months.")["has_numbers"] is True


def test_company_values_are_matched_by_their_stem():
    a = analyze_answer("I am curious about customers, and ownership is how I work at Acme.", question="Why us?",
                       company="Acme", values=["Ownership", "curiosity", "frugality"], category="culture_values")
    assert a.values_mentioned == ["Ownership", "curiosity"] and a.mentions_company


# --- what scripts can read --------------------------------------------------------------------------

def test_key_point_is_empty_when_nothing_is_worth_quoting():
    assert quotable_point("Basically it went well, I think.") == ""
    assert answer_signals("Basically it went well, I think.")["key_point"] == ""
    assert answer_signals("idk, whatever.")["worth_quoting"] is False
    assert answer_signals("It went fine. I cut the release time from two days to 20 minutes.")["key_point"] == \
        "I cut the release time from two days to 20 minutes"


def test_signals_for_salary_probes():
    basis = answer_signals("£85,000 to £95,000. I used Levels.fyi and Pave data.",
                           question="What salary range are you looking for?", category="salary_benefits")
    bare = answer_signals("£85,000 to £95,000.", question="What salary range?", category="salary_benefits")
    defer = answer_signals("I'd like to understand the scope first before I settle on a figure. Could you share "
                           "the band you've budgeted?", question="What salary?", category="salary_benefits")
    assert basis["gives_range"] and basis["explains_basis"]
    assert bare["gives_range"] and not bare["explains_basis"]
    assert defer["defers_gracefully"] and not defer["gives_range"] and not defer["is_non_answer"]


def test_missing_lists_the_parts_of_the_shape_that_are_absent():
    signals = answer_signals("I'd add a shorter sign-up form.", question="What would you try first?",
                             category="ideas")
    assert signals["missing"] == ["grounding", "measure"]
    assert answer_signals(STAR_NO_RESULT, category="behavioural")["missing"] == ["result"]


# --- candidate questions ----------------------------------------------------------------------------

def test_candidate_questions_scored():
    good = ("What does success look like in the first 90 days? How is the team structured? "
            "What are the next steps in the process?")
    info = analyze_candidate_questions(good)
    assert info["count"] == 3 and info["score"] == 1.0
    assert set(info["topics"]) == {"the team", "success in the role", "next steps"}
    none = analyze_candidate_questions("No, I think you covered everything, thanks.")
    assert (none["count"], none["topics"], none["score"]) == (0, [], 0.0)
    perks = analyze_candidate_questions("How many days of holiday do I get? Can I leave early on Fridays?")
    assert perks["perks"] == 2
    stock = analyze_candidate_questions("What's the culture like? What's a typical day like?")
    assert stock["generic"] == 2


# --- the report ---------------------------------------------------------------------------------------

COMPANY, VALUES = "Acme", ["ownership"]
STRONG_STORY = ("Last winter our depot missed 30% of its delivery slots. I was the shift manager, so I owned the "
                "fix. I mapped the loading with a stopwatch and moved the paperwork to the night before. Within "
                "six weeks we were back to 97% on time.")


def scored(number: int, qid: str, category: str, question: str, text: str) -> ScoredAnswer:
    analysis = analyze_answer(text, question=question, company=COMPANY, values=VALUES, category=category) \
        if text else None
    return ScoredAnswer(qid, number, category, question, text, not text, 60, (40, 200), analysis)


def interview_one() -> list[ScoredAnswer]:
    return [
        scored(1, "hello", "opening", "How are you?", "Good, thanks. I'd like to understand how the team plans."),
        scored(2, "story", "behavioural", "Tell me about the toughest problem you've worked through.", STRONG_STORY),
        scored(3, "salary", "salary_benefits", "What salary range are you looking for?",
               "idk, I'd accept anything really."),
        scored(4, "leaving", "leaving_job", "Why are you leaving your current job?",
               "My boss is incompetent and the company is a mess, honestly."),
        scored(5, "future", "motivation", "Where would you like to be in five years?",
               "Probably managing PMs, I guess. I'm not sure, maybe…"),
        scored(6, "skipped", "culture_values", "What do you need from a manager?", ""),
        scored(7, "asks", "candidate_questions", "What would you like to ask?",
               "How is success judged in the first six months? What is the team's biggest headache?"),
    ]


def test_things_to_work_on_are_the_weakest_answers_quoted_with_their_rubric():
    answers = interview_one()
    report = build_report(answers, company=COMPANY, values=VALUES)
    items = report["improvements"]
    by_score = sorted((a for a in answers if a.analysis and a.category != "opening"),
                      key=lambda a: a.analysis.overall)
    assert [i["question_id"] for i in items] == [a.question_id for a in by_score[:3]]
    assert {i["question_id"] for i in items} == {"salary", "leaving", "future"}
    for item in items:
        answer = next(a for a in answers if a.question_id == item["question_id"])
        assert item["question"] == answer.question_text and item["question_number"] == answer.number
        assert item["quote"] and item["quote"] in answer.text.replace("…", ".")
        assert item["strong_answer"] and item["hint"] and item["issue"]
        assert item["label"] == DIMENSIONS[item["dimension"]]
        assert item["category_label"] == CATEGORIES[answer.category]
    salary = next(i for i in items if i["question_id"] == "salary")
    assert "range" in salary["strong_answer"] and salary["dimension"] == "relevance"
    leaving = next(i for i in items if i["question_id"] == "leaving")
    assert leaving["dimension"] == "composure" and "incompetent" in leaving["quote"]
    assert report["weakest_questions"] == ["salary", "leaving"]


def test_the_same_dimension_may_appear_twice():
    answers = [scored(n, f"q{n}", "motivation", "Why do you want to join us?", "I don't know.") for n in (1, 2, 3)]
    dims = [i["dimension"] for i in build_report(answers)["improvements"]]
    assert dims == ["relevance", "relevance", "relevance"]


def test_strengths_are_quoted_and_never_contradict_the_things_to_work_on():
    report = build_report(interview_one(), company=COMPANY, values=VALUES)
    assert report["strengths"]
    weak_dims = {i["dimension"] for i in report["improvements"]}
    for s in report["strengths"]:
        assert s["example"] and s["quote"]
        assert s["dimension"] not in weak_dims
        assert s["question_number"] in {2, 7}
    assert any("97%" in s["quote"] or "30%" in s["quote"] for s in report["strengths"])


def test_two_different_interviews_get_different_scores_and_strengths():
    one = build_report(interview_one(), company=COMPANY, values=VALUES)
    two = build_report([
        scored(1, "story", "behavioural", "Tell me about a conflict.",
               "A designer and I disagreed about cutting a feature. I suggested we test both on a tenth of traffic; "
               "hers kept 20% more readers, so we used it."),
        scored(2, "why", "motivation", "Why us?", "You're an amazing company and it would be a dream job."),
    ], company=COMPANY, values=VALUES)
    assert one["overall"] != two["overall"]
    assert [s["quote"] for s in one["strengths"]] != [s["quote"] for s in two["strengths"]]


def test_the_score_is_explained_with_what_would_move_it():
    report = build_report(interview_one(), company=COMPANY, values=VALUES)
    explain = report["score_explanation"]
    assert "average of 5 answers" in explain["summary"]  # the opening is not scored
    assert [lever["question_number"] for lever in explain["levers"]] == [3, 4]
    assert all(lever["gain"] >= 5 for lever in explain["levers"])
    assert explain["weakest_dimension"]["key"] in ANSWER_DIMENSIONS


def test_per_answer_notes_are_data_for_discord():
    report = build_report(interview_one(), company=COMPANY, values=VALUES)
    entries = {e["question_id"]: e for e in report["answers"]}
    assert list(entries) == ["hello", "story", "salary", "leaving", "future", "skipped", "asks"]
    assert entries["skipped"]["notes"] == [] and entries["skipped"]["score"] is None
    future = entries["future"]["notes"]
    assert 1 <= len(future) <= 3 and future[0]["signal"] == "hedges"
    assert set(future[0]) == {"kind", "dimension", "label", "signal", "text", "quote"}
    json.dumps(report)  # stored as JSON


def test_report_dimensions_count_only_where_the_rubric_asks():
    report = build_report([scored(1, "salary", "salary_benefits", "What salary?",
                                  "£60k to £70k, based on market data.")])
    dims = {d["key"]: d["score"] for d in report["dimensions"]}
    assert dims["alignment"] is None  # a salary answer is not judged on company alignment
    assert dims["structure"] is not None and dims["questions"] is None
    assert {d["key"] for d in report["dimensions"]} == set(DIMENSIONS)


def test_no_questions_asked_is_a_thing_to_work_on():
    report = build_report([scored(1, "story", "behavioural", "Tell me about a problem.", STRONG_STORY),
                           scored(2, "cq", "candidate_questions", "What would you like to ask?",
                                  "No, nothing from me.")])
    first = report["improvements"][0]
    assert (first["dimension"], first["question_id"]) == ("questions", "cq")
    assert report["candidate_questions"]["count"] == 0


def test_report_with_nothing_answered():
    report = build_report([scored(1, "a", "behavioural", "Q1", ""), scored(2, "b", "closing", "Q2", "")])
    assert report["overall"] == 0.0 and report["improvements"] == [] and report["strengths"] == []
    assert report["skipped"] == [1, 2] and report["answered"] == 0 and report["total_words"] == 0
    assert report["score_explanation"]["levers"] == []


# --- the rendered report --------------------------------------------------------------------------------

def _render(library, report: dict) -> str:
    from bot.sample_contexts import generic_context

    return library.render("reports/report.md.j2", **dict(generic_context(), report=report))


@pytest.mark.parametrize(("count", "heading"), [(1, "One thing to work on"), (2, "Two things to work on"),
                                                (3, "Three things to work on")])
def test_the_heading_matches_the_number_of_items(shipped_library, count, heading):
    answers = [scored(n, f"q{n}", "motivation", "Why us?", "I don't know.") for n in range(1, count + 1)]
    text = _render(shipped_library, build_report(answers))
    assert f"**{heading}**" in text
    assert len(re.findall(r"(?m)^\d\. \*\*Question", text)) == count


def test_the_rendered_report_quotes_and_explains(shipped_library):
    text = _render(shipped_library, build_report(interview_one(), company=COMPANY, values=VALUES))
    assert '"idk, I\'d accept anything really."' in text
    assert "A strong answer to this kind of question gives a researched range" in text
    assert "What would move it most: question 3" in text
    assert "**What went well**" in text and "(question 2)" in text


def test_no_question_asked_means_no_topics_even_if_they_are_mentioned() -> None:
    from bot.core.feedback import analyze_candidate_questions

    said = analyze_candidate_questions("No, I think you covered the next steps and the team already.")
    assert said["count"] == 0 and said["topics"] == []
    asked = analyze_candidate_questions("Thanks. What are the next steps from here?")
    assert asked["count"] == 1 and "next steps" in asked["topics"]


def test_an_answer_pasted_again_for_another_question_is_called_a_repeat_and_marked_down():
    from bot.core.feedback import repeats_of

    answers = [
        scored(1, "story", "behavioural", "Tell me about the toughest problem you've worked through.", STRONG_STORY),
        scored(2, "fail", "behavioural", "Tell me about a time something went wrong.", STRONG_STORY),
        scored(3, "manager", "culture_values", "What do you need from a manager?",
               STRONG_STORY.replace("Last winter", "Last year") + " Thanks."),
        scored(4, "asks", "candidate_questions", "What would you like to ask?",
               "How is success judged in the first six months? What is the team's biggest headache?"),
    ]
    before = [s.analysis for s in answers]
    report = build_report(answers, company=COMPANY, values=VALUES)
    entries = {e["number"]: e for e in report["answers"]}
    assert not any("same answer" in n["text"] for n in entries[1]["notes"])
    for number in (2, 3):
        first = entries[number]["notes"][0]
        assert first["signal"] == "repeat"
        assert first["text"].startswith("This is the same answer you gave to question 1.")
        assert entries[number]["scores"]["relevance"] <= 0.3 and entries[number]["score"] <= 0.4
    assert entries[1]["score"] == answers[0].analysis.overall
    assert [s.analysis for s in answers] == before  # the analyses given are not changed, nor made again
    unrepeated = build_report([answers[0], answers[3]], company=COMPANY, values=VALUES)
    assert report["overall"] < unrepeated["overall"]
    # Different answers that share a phrase are not repeats; nor are very short ones.
    assert repeats_of([STRONG_STORY, "I mapped the loading with a stopwatch and then I asked the drivers.",
                       "Yes.", "Yes."]) == {}
