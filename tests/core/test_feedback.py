"""Deterministic answer feedback: calibration against labelled answers, detection, the report."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from bot.core.feedback import (
    ANSWER_DIMENSIONS,
    DIMENSIONS,
    ScoredAnswer,
    analyze_answer,
    analyze_candidate_questions,
    answer_signals,
    build_report,
)

CALIBRATION = Path(__file__).resolve().parents[1] / "fixtures" / "feedback_calibration.json"


# --- calibration ----------------------------------------------------------------------------

def _calibration() -> list[dict]:
    return json.loads(CALIBRATION.read_text("utf-8"))


def test_calibration_file_shape():
    entries = _calibration()
    assert len(entries) >= 30
    assert len({e["id"] for e in entries}) == len(entries)
    for e in entries:
        assert e["dimension"] in ANSWER_DIMENSIONS, e["id"]
        assert e["label"] in {"strong", "weak"}, e["id"]
        assert e["answer"].strip() and e["question"].strip(), e["id"]
        assert isinstance(e["values"], list), e["id"]
    for dim in ANSWER_DIMENSIONS:
        labels = {e["label"] for e in entries if e["dimension"] == dim}
        assert labels == {"strong", "weak"}, dim


def test_strong_beats_weak_on_its_dimension():
    by_dim: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"strong": [], "weak": []})
    for e in _calibration():
        analysis = analyze_answer(e["answer"], question=e["question"], company=e["company"],
                                  values=e["values"])
        by_dim[e["dimension"]][e["label"]].append(analysis.scores[e["dimension"]])
    total = correct = 0
    lines = []
    for dim in ANSWER_DIMENSIONS:
        strong, weak = by_dim[dim]["strong"], by_dim[dim]["weak"]
        pairs = [(s, w) for s in strong for w in weak]
        wins = sum(s > w for s, w in pairs)
        total += len(pairs)
        correct += wins
        lines.append(f"{dim:<12} {wins}/{len(pairs)} pairs ({wins / len(pairs):.0%}); "
                     f"strong {min(strong):.2f}-{max(strong):.2f}, weak {min(weak):.2f}-{max(weak):.2f}")
    print("\n".join(["", *lines, f"overall      {correct}/{total} ({correct / total:.0%})"]))
    assert total >= 5 * 5
    assert correct / total >= 0.90


# --- detection ------------------------------------------------------------------------------

def test_fillers_are_counted():
    a = analyze_answer("Um, so I was, like, working on it, you know, and um it was fine.")
    assert a.fillers == {"um": 2, "like": 1, "you know": 1}
    assert a.filler_per_100 > 0
    assert any(f.dimension == "concision" and f.kind == "fix" and "'um' x2" in f.message
               for f in a.findings)


@pytest.mark.parametrize("text", [
    "I'd like to join your team.",
    "I would like to learn more about the role.",
    "It looks like a great place to work.",
    "Something like that happened twice.",
    "I'd like a role where I can grow.",
])
def test_like_as_a_verb_or_comparison_is_not_a_filler(text):
    assert "like" not in analyze_answer(text).fillers


def test_like_after_typographic_apostrophe_is_not_a_filler():
    assert "like" not in analyze_answer("I’d like a role where I can grow.").fillers


def test_feels_like_is_not_a_filler():
    assert "like" not in analyze_answer("It feels like home here.").fillers


STAR_FULL = ("At my previous company our checkout was failing. I was responsible for fixing it. "
             "I decided to rebuild the queue and I tested it with the team. As a result, errors "
             "dropped by 40% in two weeks.")
STAR_NO_RESULT = ("At my previous company our checkout was failing. I was responsible for fixing "
                  "it. I decided to rebuild the queue and I tested it with the team.")


def test_star_parts_detected():
    a = analyze_answer(STAR_FULL)
    assert a.star == {"situation": True, "task": True, "action": True, "result": True}
    assert a.has_result
    assert any(f.kind == "good" and f.dimension == "structure" for f in a.findings)


def test_missing_result_detected():
    a = analyze_answer(STAR_NO_RESULT)
    assert a.star == {"situation": True, "task": True, "action": True, "result": False}
    assert not a.has_result
    assert any(f.dimension == "structure" and f.kind == "fix" and f.message.endswith("result.")
               for f in a.findings)
    assert analyze_answer(STAR_FULL).scores["structure"] > a.scores["structure"]
    assert answer_signals(STAR_NO_RESULT)["has_result"] is False
    assert answer_signals(STAR_NO_RESULT)["has_example"] is True


def test_specifics_found():
    a = analyze_answer("We cut costs by 40%, saved $20k, took two weeks and 3 months.")
    assert a.specifics == ["percentage: 40%", "money: $20k", "time frame: two weeks",
                           "time frame: 3 months"]
    assert a.has_numbers
    assert answer_signals("It took 3 months.")["has_numbers"] is True
    assert answer_signals("It took a while.")["has_numbers"] is False
    assert analyze_answer("It took a while and things went well.").specifics == []


def test_vague_phrases_lower_specificity():
    vague = analyze_answer("I did a lot of things and various stuff, etc, and it went really well.")
    assert {"a lot", "things", "various", "stuff", "etc", "really well"} <= set(vague.vague_phrases)
    assert vague.scores["specificity"] == 0.0


def test_hedges_found():
    a = analyze_answer("I guess maybe it went okay, probably. I'm not sure, perhaps.")
    assert {"i guess", "maybe", "probably", "perhaps", "i'm not sure"} <= set(a.hedges)
    assert a.scores["confidence"] < 0.5
    assert any(f.dimension == "confidence" and f.kind == "fix" and "'i guess'" in f.message
               for f in a.findings)
    assert analyze_answer("I decided to rebuild it and I shipped it.").hedges == []


def test_ownership_we_versus_i():
    team = analyze_answer("We did it, we shipped it, our team did well and we were happy with us.")
    assert (team.i_count, team.we_count) == (0, 5)
    assert any("'we' 5 times against 'I' 0" in f.message for f in team.findings)
    mine = analyze_answer("I did it, I shipped it, and I told the team how it went.")
    assert mine.i_count == 3 and mine.we_count == 0
    assert mine.scores["confidence"] > team.scores["confidence"]
    assert answer_signals("We did it, we shipped it.")["says_we_more_than_i"] is True
    assert answer_signals("I did it with my team.")["says_we_more_than_i"] is False


def test_company_and_values_mentions():
    text = "I applied to Acme because I value ownership and I am curious; curiosity drives me."
    a = analyze_answer(text, company="Acme", values=["Ownership", "curiosity", "frugality"])
    assert a.mentions_company
    assert a.values_mentioned == ["Ownership", "curiosity"]
    assert any(f.message == "Mentions Acme." for f in a.findings)
    plain = analyze_answer("I applied because the role sounded fun.", company="Acme",
                           values=["Ownership", "curiosity"])
    assert not plain.mentions_company and plain.values_mentioned == []
    assert a.scores["alignment"] > plain.scores["alignment"]
    assert any(f.dimension == "alignment" and f.kind == "fix" for f in plain.findings)
    signals = answer_signals(text, company="Acme", values=["ownership"])
    assert signals["mentions_company"] and signals["mentions_values"]


def _in_range(scores: dict[str, float]) -> None:
    assert set(scores) == set(ANSWER_DIMENSIONS)
    for dim, value in scores.items():
        assert 0.0 <= value <= 1.0, (dim, value)


def test_empty_answer():
    a = analyze_answer("")
    _in_range(a.scores)
    assert a.words == 0 and a.length_verdict == "empty"
    assert all(v == 0.0 for v in a.scores.values())
    assert [f.message for f in a.findings] == ["No answer was given."]
    signals = answer_signals("   ")
    assert signals["words"] == 0 and signals["is_short"] and signals["key_point"] == ""


def test_one_word_answer():
    a = analyze_answer("Yes")
    _in_range(a.scores)
    assert a.words == 1 and a.length_verdict == "short"
    assert a.scores["structure"] <= 0.3 and a.scores["specificity"] <= 0.3
    assert a.scores["concision"] < 0.1
    assert any(f.dimension == "concision" and f.kind == "fix" and "aim for 90-320" in f.message
               for f in a.findings)


@pytest.mark.parametrize("text", ["Yes", "Yes, definitely."])
def test_short_english_answer_is_not_called_foreign(text):
    a = analyze_answer(text)
    assert a.mostly_english
    assert not any("not in English" in f.message for f in a.findings)


def test_very_long_answer():
    sentence = ("At my last job I led the migration of our billing system, and as a result we "
                "cut invoice errors by 30% in two months. ")
    text = (sentence * 200)[:10_000]
    assert len(text) == 10_000
    a = analyze_answer(text, company="Acme", values=["ownership"])
    _in_range(a.scores)
    assert a.length_verdict == "long" and a.words > 1500
    assert a.scores["concision"] == 0.0
    assert any(f.dimension == "concision" and f.kind == "fix" and f"{a.words} words" in f.message
               for f in a.findings)
    assert a.mostly_english
    # speaking time at 140 words a minute
    assert a.speaking_seconds == round(a.words / 140 * 60)


@pytest.mark.parametrize("text", [
    "En mi trabajo anterior, lideré un proyecto que redujo los costes un 30% en dos meses.",
    "前の職場で、私はチームを率いてコストを30%削減しました。",
])
def test_non_english_answer(text):
    a = analyze_answer(text, company="Acme", values=["ownership"])
    _in_range(a.scores)
    assert a.words > 0
    assert not a.mostly_english
    assert any("not in English" in f.message for f in a.findings)
    assert answer_signals(text)["words"] == a.words


def test_figures_found_in_japanese():
    a = analyze_answer("前の職場で、私はチームを率いてコストを30%削減しました。")
    assert a.has_numbers


def test_same_answer_same_feedback():
    one = analyze_answer(STAR_FULL, company="Acme", values=["ownership"]).to_dict()
    two = analyze_answer(STAR_FULL, company="Acme", values=["ownership"]).to_dict()
    assert one == two


def test_length_range_is_respected():
    text = " ".join(["word"] * 50) + "."
    assert analyze_answer(text, length=(30, 60)).length_verdict == "ok"
    assert analyze_answer(text, length=(80, 160)).length_verdict == "short"
    assert analyze_answer(text, length=(10, 40)).length_verdict == "long"


# --- the report -----------------------------------------------------------------------------

COMPANY, VALUES = "Acme", ["ownership", "curiosity"]

STRONG = ("At my previous company, Acme's competitor, our onboarding was failing: 30% of new "
          "customers churned in the first month. I was responsible for fixing it. I interviewed "
          "twelve customers, then I rebuilt the onboarding emails and I tested two versions. As "
          "a result churn fell to 12% in three months. That kind of ownership is why I want to "
          "join Acme, and curiosity about customers is how I work.")
RAMBLING = ("Um, so basically, like, we had some stuff going on, you know, and we kind of "
            "fixed things, I guess, and it was fine in the end, sort of, I mean, "
            "we just did a lot of stuff, you know, basically everything, um, yeah.")
VAGUE = "We worked on various things and it went really well, I think maybe."


def scored(number: int, qid: str, category: str, text: str, *,
           length: tuple[int, int] = (60, 200)) -> ScoredAnswer:
    analysis = analyze_answer(text, question=f"Question {number}", company=COMPANY, values=VALUES,
                              length=length) if text else None
    return ScoredAnswer(qid, number, category, f"Question {number}", text, not text, 60, length,
                        analysis)


def test_report_improvements_are_three_distinct_and_tied_to_questions():
    answers = [
        scored(1, "opening", "opening", "Hi, I am well, thank you."),
        scored(2, "rambling", "behavioural", RAMBLING),
        scored(3, "vague", "role_fit", VAGUE),
        scored(4, "strong", "behavioural", STRONG),
        scored(5, "skipped", "motivation", ""),
        scored(6, "no_result", "behavioural", STAR_NO_RESULT),
        scored(7, "wrap", "closing", "Thank you."),
    ]
    report = build_report(answers, company=COMPANY, values=VALUES)
    improvements = report["improvements"]
    assert len(improvements) == 3
    dims = [i["dimension"] for i in improvements]
    assert len(set(dims)) == 3
    qids = [i["question_id"] for i in improvements]
    assert len(set(qids)) == 3
    numbers = {a.number: a for a in answers}
    for item in improvements:
        assert item["question_number"] in numbers
        answer = numbers[item["question_number"]]
        assert item["question_id"] == answer.question_id
        assert item["question"] == answer.question_text
        assert item["suggestion"].strip()
        assert item["label"] == DIMENSIONS[item["dimension"]]
        # Never pick the skipped answer, the strong one, or the opening and closing.
        assert answer.question_id not in {"skipped", "strong", "opening", "wrap"}
    gaps = [i["gap"] for i in improvements]
    assert gaps == sorted(gaps, reverse=True)
    assert report["skipped"] == [5]
    assert report["answered"] == 6 and report["total"] == 7
    assert report["complete"] is True
    assert report["candidate_questions"] is None
    assert {d["key"] for d in report["dimensions"]} == set(DIMENSIONS)
    assert 0.0 <= report["overall"] <= 1.0
    assert set(report["weakest_questions"]) <= {"rambling", "vague", "no_result"}


def test_improvements_prefer_distinct_dimensions_even_when_one_dominates():
    # Three answers that all lack structure most of all: the report must still spread out.
    answers = [scored(n, f"q{n}", "behavioural", VAGUE) for n in range(1, 5)]
    improvements = build_report(answers, company=COMPANY, values=VALUES)["improvements"]
    dims = [i["dimension"] for i in improvements]
    assert len(improvements) == 3
    assert len(dims) == len(set(dims))


def test_strengths_point_at_the_best_answer():
    answers = [
        scored(1, "weak", "behavioural", VAGUE),
        scored(2, "strong", "behavioural", STRONG),
        scored(3, "strong_too", "role_fit", STRONG.replace("twelve", "eight")),
    ]
    report = build_report(answers, company=COMPANY, values=VALUES)
    strengths = {s["dimension"]: s for s in report["strengths"]}
    assert strengths, report["dimensions"]
    assert len(report["strengths"]) <= 3
    for s in report["strengths"]:
        assert s["score"] >= 0.7
        assert s["question_number"] in {2, 3}
        assert s["example"]
    assert report["improvements"]
    assert all(i["question_number"] == 1 for i in report["improvements"])


def test_candidate_questions_scored():
    good = "What does success look like in the first 90 days? How is the team structured? " \
           "What are the next steps in the process?"
    info = analyze_candidate_questions(good)
    assert info["count"] == 3
    assert set(info["topics"]) == {"the team", "success in the role", "next steps"}
    assert info["score"] == 1.0
    none = analyze_candidate_questions("No, I think you covered everything, thanks.")
    assert (none["count"], none["topics"], none["score"]) == (0, [], 0.0)
    one = analyze_candidate_questions("How do you think about growth here?")
    assert one["count"] == 1 and one["topics"] == ["growth"]
    assert 0.0 < one["score"] < info["score"]


def test_report_with_candidate_questions():
    base = [scored(1, "story", "behavioural", STRONG)]
    good = build_report([*base, scored(2, "cq", "candidate_questions",
                                       "How is the team structured?\nWhat does success look like "
                                       "in the first 90 days?\nWhat are the next steps?")],
                        company=COMPANY, values=VALUES)
    assert good["candidate_questions"]["count"] == 3
    dims = {d["key"]: d["score"] for d in good["dimensions"]}
    assert dims["questions"] == 1.0
    assert all(i["dimension"] != "questions" for i in good["improvements"])

    poor = build_report([*base, scored(2, "cq", "candidate_questions", "No, nothing from me.")],
                        company=COMPANY, values=VALUES)
    assert poor["candidate_questions"]["count"] == 0
    first = poor["improvements"][0]
    assert (first["dimension"], first["question_number"], first["question_id"]) == ("questions", 2, "cq")
    # The candidate-questions answer does not count towards the answer dimensions.
    assert {d["key"]: d["score"] for d in poor["dimensions"]}["structure"] == dims["structure"]


def test_report_with_nothing_answered():
    report = build_report([scored(1, "a", "behavioural", ""), scored(2, "b", "closing", "")])
    assert report["overall"] == 0.0
    assert report["improvements"] == [] and report["strengths"] == []
    assert report["skipped"] == [1, 2] and report["answered"] == 0
    assert report["total_words"] == 0 and report["filler_per_100"] == 0.0
