"""Each answer signal on its own: what it must find, what it must not, and the quote it gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import signals as sig


def spans_of(text: str) -> tuple[str, list[sig.Span]]:
    folded = sig.fold(text)
    return folded, sig.sentences(folded)


# --- text basics --------------------------------------------------------------------------

def test_fold_keeps_positions_and_straightens_quotes():
    text = "I don’t know — it’s “fine”…"
    folded = sig.fold(text)
    assert len(folded) == len(text)
    assert folded == "I don't know - it's \"fine\"."


def test_sentences_split_on_stops_new_lines_and_semicolons():
    text, spans = spans_of("First one. Second one!\nThird; fourth")
    assert [text[s.start:s.end].strip() for s in spans] == ["First one.", "Second one!", "Third;", "fourth"]


def test_quote_trims_long_sentences_at_a_word_boundary():
    long = "I " + " ".join(["rebuilt the reporting pipeline"] * 10) + "."
    text, spans = spans_of(long)
    q = sig.sentence_quote(text, spans, 0)
    assert len(q) <= 111 and q.endswith("…") and not q.endswith(" …")


@pytest.mark.parametrize(("word", "other"), [("products", "product"), ("managing", "managed"),
                                             ("customers", "customer"), ("negotiation", "negotiating"),
                                             ("relied", "relying")])
def test_stem_matches_forms_of_a_word(word, other):
    assert sig.stem(word) == sig.stem(other)


# --- hedges and shorthand ----------------------------------------------------------------------

def test_hedges_with_curly_apostrophes_are_found():
    text, spans = spans_of("I’m not sure, I guess it’s fine.")
    assert [h.words.lower() for h in sig.hedges(text, spans)] == ["i'm not sure", "i guess"]


@pytest.mark.parametrize("shorthand", ["idk", "tbh", "dunno", "ngl"])
def test_typed_shorthand_counts(shorthand):
    text, spans = spans_of(f"{shorthand} it was ok")
    hits = sig.hedges(text, spans)
    assert [h.kind for h in hits] == ["shorthand"] and hits[0].quote == f"{shorthand} it was ok"


def test_plain_statements_have_no_hedges():
    text, spans = spans_of("I rebuilt the pipeline in March and cut the run time by half.")
    assert sig.hedges(text, spans) == []


def test_kind_of_hedges_only_as_a_hedge():
    text, spans = spans_of("It kind of worked.")
    assert [h.words.lower() for h in sig.hedges(text, spans)] == ["kind of"]
    text, spans = spans_of("That is the kind of work this role needs, and the same sort of problem.")
    assert sig.hedges(text, spans) == []


def test_the_longest_hedge_wins_over_its_parts():
    text, spans = spans_of("I think maybe it worked.")
    assert [h.words.lower() for h in sig.hedges(text, spans)] == ["i think maybe"]


@pytest.mark.parametrize("text", ["I'd like to join your team.", "It looks like a good fit.",
                                  "I like working with data.", "Something like that happened twice."])
def test_like_as_a_verb_or_comparison_is_not_a_filler(text):
    assert "like" not in sig.fillers(sig.fold(text))


def test_fillers_are_counted():
    assert sig.fillers("Um, so I was, like, working on it, you know, and um it was fine.") == {
        "um": 2, "like": 1, "you know": 1}


def test_self_doubt_is_found():
    text, spans = spans_of("Sorry, I think I rambled a bit. I'm not sure I explained it well.")
    assert len(sig.self_doubt(text, spans)) >= 2
    text, spans = spans_of("I explained the trade-off and they agreed.")
    assert sig.self_doubt(text, spans) == []


# --- ownership ----------------------------------------------------------------------------------

def test_a_story_told_only_in_we():
    text, spans = spans_of("We had a hard week. We looked at it together and we fixed it; our manager was pleased.")
    own = sig.ownership(text, spans)
    assert (own.i_count, own.we_count) == (0, 4)
    assert own.we_only and own.we_quote == "We had a hard week."


def test_one_owned_action_is_enough():
    text, spans = spans_of("We had a hard week. I rebuilt the loading plan and we fixed it.")
    own = sig.ownership(text, spans)
    assert not own.we_only
    assert own.actions[0].words.lower() == "i rebuilt"


def test_helping_is_not_an_action_of_your_own():
    text, spans = spans_of("We shipped it as a team and I helped a bit; we were happy.")
    own = sig.ownership(text, spans)
    assert own.we_only and own.participation


# --- STAR -----------------------------------------------------------------------------------------

def test_star_labels_count_as_their_parts():
    text, spans = spans_of("Situation: the build broke nightly. Task: keep it green. Action: I split it. "
                           "Result: no broken builds for a month.")
    assert sig.star(text, sig.ownership(text, spans)) == {
        "situation": True, "task": True, "action": True, "result": True}


def test_star_without_a_result():
    text, spans = spans_of("At my previous company the checkout was failing. I was responsible for fixing it. "
                           "I decided to rebuild the queue.")
    parts = sig.star(text, sig.ownership(text, spans))
    assert parts["situation"] and parts["task"] and parts["action"] and not parts["result"]


# --- evidence ---------------------------------------------------------------------------------------

def test_figures_tied_to_an_outcome_are_results():
    text, spans = spans_of("I cut costs by 40%, saved $20k and onboarding went from 3 weeks to 2 days.")
    found = sig.evidence(text, spans)
    assert {h.words for h in found.results} >= {"40%", "$20k", "3 weeks", "2 days"}
    assert found.ignored == []


@pytest.mark.parametrize(("text", "kind"), [
    ("I worked at a Fortune 500 company.", "label"),
    ("I started coding when I was 22.", "age"),
    ("I joined in 2015.", "year"),
    ("I was born in 1994 in Leeds.", "age"),
    ("Our support runs 24/7.", "label"),
])
def test_ages_years_and_labels_are_not_evidence(text, kind):
    folded, spans = spans_of(text)
    found = sig.evidence(folded, spans)
    assert not found.has_figures
    assert [h.kind for h in found.ignored] == [kind]


def test_a_count_without_an_outcome_is_a_fact():
    text, spans = spans_of("I manage twelve engineers across two sites.")
    found = sig.evidence(text, spans)
    assert found.results == [] and [h.words for h in found.facts] == ["twelve engineers", "two sites"]


def test_named_tools_are_detail_but_the_company_is_not():
    text, spans = spans_of("I moved the queue to Postgres and we monitor it in Datadog at Acme.")
    assert sig.evidence(text, spans, company="Acme").names == ["Postgres", "Datadog"]


# --- vague words, clichés, humblebrags -----------------------------------------------------------------

def test_vague_words():
    text, spans = spans_of("We did a lot of things and various stuff, etc.")
    assert {h.words.lower() for h in sig.vague(text, spans)} >= {"a lot of things", "various", "stuff", "etc"}


def _claims(text: str) -> list[sig.Claim]:
    folded, spans = spans_of(text)
    own = sig.ownership(folded, spans)
    return sig.cliches(folded, spans, own, sig.evidence(folded, spans))


def test_cliches_with_nothing_behind_them():
    claims = _claims("I'm a hard worker and a team player. I'm passionate about data.")
    assert [(c.name, c.backed) for c in claims] == [
        ("hard worker", False), ("team player", False), ("passionate", False)]


def test_a_claim_backed_by_the_next_sentence():
    claims = _claims("I'm a fast learner. Last year I learned Rust in six weeks and shipped our parser in it.")
    assert [(c.name, c.backed) for c in claims] == [("fast learner", True)]


@pytest.mark.parametrize("text", ["My weakness is that I'm a perfectionist.", "I just care too much.",
                                  "I work too hard, honestly."])
def test_humblebrags(text):
    folded, spans = spans_of(text)
    assert [h.kind for h in sig.humblebrags(folded, spans)] == ["humblebrag"]


def test_denying_any_weakness_and_a_real_one():
    folded, spans = spans_of("I don't really have any weaknesses.")
    assert [h.kind for h in sig.humblebrags(folded, spans)] == ["no_weakness"]
    folded, spans = spans_of("I used to avoid phone calls, so I now call every customer after two weeks.")
    assert sig.humblebrags(folded, spans) == []


# --- negativity ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "My boss is incompetent and takes credit for everything.",
    "The managers were useless.",
    "My last company was a mess, honestly.",
    "She was lazy and never listened to anyone.",
    "The other candidates probably can't actually do the job.",
])
def test_negativity_about_people_and_employers(text):
    folded, spans = spans_of(text)
    hits = sig.negativity(folded, spans)
    assert len(hits) == 1 and hits[0].quote == text


@pytest.mark.parametrize("text", [
    "The release process was a mess, so I rebuilt it.",
    "I raised it without blaming anyone.",
    "The customer was unhappy after two outages, so I visited them.",
])
def test_a_hard_situation_is_not_negativity(text):
    folded, spans = spans_of(text)
    assert sig.negativity(folded, spans) == []


# --- deflection ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["idk, whatever works.", "I haven't really looked, to be honest.",
                                  "I don't know.", "No, I think you've covered everything, thanks.",
                                  "idk, I'd accept anything really, whatever you think is fair."])
def test_non_answers(text):
    folded, spans = spans_of(text)
    assert sig.deflection(folded, spans).is_non_answer


def test_a_hedged_answer_is_still_an_answer():
    folded, spans = spans_of("Probably managing PMs, I guess. I'm not sure, maybe.")
    assert not sig.deflection(folded, spans).is_non_answer


def test_a_graceful_deferral_is_not_a_non_answer():
    folded, spans = spans_of("I'd like to understand the on-call part and the team size before I settle on a "
                             "figure. Could you share the band you've budgeted for the role?")
    found = sig.deflection(folded, spans)
    assert found.graceful and not found.is_non_answer


def test_an_answer_with_substance_is_not_a_non_answer_for_one_doubt():
    folded, spans = spans_of("I'm not sure of the exact figure, but I cut the backlog from 400 tickets to 90 "
                             "in two months by triaging every morning with the product lead.")
    assert not sig.deflection(folded, spans).is_non_answer


# --- relevance helpers ------------------------------------------------------------------------------------------

def test_question_terms_leave_out_question_words_the_company_and_names():
    terms = sig.question_terms("Tell me, Priya, what do you know about Acme's customers?", company="Acme")
    assert terms == {"custom"}


def test_overlap_uses_stems_and_synonyms():
    answer = sig.stems("Mostly firms with fifty staff, and their reviews are good.")
    assert sig.overlap(answer, {"custom"}) == {"custom"}
    assert sig.overlap(sig.stems("I negotiated the contract."), {"negotiat"}) == {"negotiat"}
    assert sig.overlap(sig.stems("The weather was nice."), {"custom"}) == set()


def test_concreteness_separates_abstract_from_checkable():
    abstract = "It's important to balance both. Speed is important and quality is important too."
    concrete = "I hard-coded the enemy spawn rules before the demo and replaced them in the next sprint."
    assert sig.concreteness(abstract) < 0.35 < 0.6 < sig.concreteness(concrete)


def test_credential_share_spots_a_cv_recital():
    text, spans = spans_of("I've been a scrum master for four years. I have my PSM II certification. "
                           "I studied economics.")
    assert sig.credential_share(text, spans) == 1.0
    text, spans = spans_of("Stand-ups every morning and a planning session on Tuesdays.")
    assert sig.credential_share(text, spans) == 0.0


def test_question_words_keep_the_surface_word_and_skip_quoted_passages():
    words = sig.question_words('You said "we rebuilt the pipeline in dbt". Which customers changed in which regions?')
    assert words["custom"] == "customers" and words["chang"] == "changed" and words["region"] == "regions"
    assert "pipelin" not in words and "rebuilt" not in words


def test_shared_work_words_are_weak_and_synonyms_of_them_are_not():
    stems = sig.stems("My favourite team plays every weekend.")
    took = sig.addressed(stems, sig.question_terms("How do you build trust in a new team in your first weeks?"))
    assert took.weak == {"team", "week"} and not took.strong and not took.on_question
    week = sig.addressed(sig.stems("Stand-ups every morning."), {"week", "ordinary"}, "Stand-ups every morning.")
    assert week.strong == {"week"} and week.on_question  # described in other words, not merely shared
    only_weak = sig.addressed(sig.stems("The team I worked in."), {"team", "work"})
    assert only_weak.on_question  # a question with nothing but work words: sharing them is all there is


def test_a_question_stem_matches_a_slightly_shorter_answer_stem():
    assert sig.overlap(sig.stems("I recommend onboarding."), {"recommendat"}) == {"recommendat"}
    assert sig.overlap(sig.stems("I recommend onboarding."), {"recommendat"}) == sig.overlap(
        sig.stems("My recommendation is onboarding."), {"recommendat"})
    assert sig.overlap(sig.stems("It was a rec."), {"recommendat"}) == set()


def test_synonyms_are_found_by_the_stem_of_their_word():
    assert sig.overlap(sig.stems("The result: errors fell by half."), sig.question_terms(
        "What is the one thing you want us to remember?"), "The result: errors fell by half.") == {"rememb"}


def test_a_window_cut_inside_a_word_ends_on_the_word_before_with_an_ellipsis():
    text, spans = spans_of("Well, I was sort of involved in a lot of different stuff, and I think I am a hard worker "
                           "and a team player and I like data, and I think data is very important for companies "
                           "nowadays, everyone says so, and I try to help.")
    at = text.find("hard worker")
    q = sig.sentence_quote(text, spans, at, at + 11)
    assert q.endswith("…") and not q.endswith("ver…") and q.startswith("…")
    assert q.rstrip("…").split()[-1] in text.split() or q.rstrip("…").split()[-1].rstrip(",") in text


_WORDS = st.sampled_from(["I", "rebuilt", "the", "pipeline", "data", "is", "very", "important", "and", "we",
                          "cut", "errors", "by", "40%", "in", "two", "weeks", "don't", "co-op", "Ümit",
                          "internationalisation", "x" * 130])
_SEPARATORS = st.sampled_from([" ", " ", " ", ", ", ". ", "; ", "\n", " - "])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.tuples(_WORDS, _SEPARATORS), min_size=1, max_size=80), pick=st.integers(0, 10**6),
       limit=st.integers(20, 140))
def test_any_quote_is_a_piece_of_the_answer_that_never_ends_mid_word(parts, pick, limit):
    text = sig.fold("".join(w + sep for w, sep in parts))
    spans = sig.sentences(text)
    matches = list(sig.WORD.finditer(text))
    m = matches[pick % len(matches)]
    q = sig.sentence_quote(text, spans, m.start(), m.end(), limit=limit)
    core = q.removeprefix("…").removesuffix("…")
    flat = " ".join(text.split())
    assert core and core in flat
    # Some place the quote comes from ends at a word boundary (never inside a word).
    ends = [i + len(core) for i in range(len(flat)) if flat.startswith(core, i)]
    assert any(e == len(flat) or not (flat[e - 1].isalnum() and flat[e].isalnum()) for e in ends)
    span = sig.sentence_at(spans, m.start())
    whole = " ".join(text[span.start:span.end].split()).strip(" ,;:-")
    assert q == whole or "…" in q  # cut quotes say so


def test_a_window_that_stops_just_before_the_full_stop_keeps_it_rather_than_dropping_it_silently():
    text = "I I I I rebuilt pipeline pipeline co-op is."
    spans = sig.sentences(text)
    m = list(sig.WORD.finditer(text))[1]
    assert sig.sentence_quote(text, spans, m.start(), m.end(), limit=42) == text  # one character over the limit
