"""`/prep ...` on a simulated Discord, used the way a candidate would use it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import pytest
from simcord.backend.errors import SetupError

from bot import create_bot
from bot.core.feedback import ScoredAnswer, analyze_answer, build_report
from bot.core.questions_to_ask import QUESTION_CATEGORIES, parse_questions
from bot.core.tips import REQUIRED_TOPICS
from bot.exts.prep._checklist import ChecklistSelect
from bot.exts.prep._stories import story_card
from integration._support import refusals

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def buttons(message) -> dict[str, dict]:
    return {c["label"]: c for row in message.components for c in row["components"] if c["type"] == 2}


def select_menu(message) -> dict:
    menus = [c for row in message.components for c in row["components"] if c["type"] == 3]
    assert len(menus) == 1, message.components
    return menus[0]


def footer(message) -> str:
    return message.embeds[0].footer.text


async def post_as_bot(env, channel, view):
    """The bot posts a public message carrying someone's controls, so another member can
    click them (our own replies with such controls are ephemeral: nobody else sees them)."""
    return await env.bot.get_channel(channel.id).send("controls", view=view)


# --- tips ---------------------------------------------------------------------------------------

async def test_tips_topic_pages_with_previous_and_next(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep tips", topic="star_method")
    assert result.ephemeral
    message = result.response
    assert message.embeds[0].title == "Answering with the STAR method"
    assert footer(message).startswith("Page 1 of 3")
    assert buttons(message)["Previous"]["disabled"] and not buttons(message)["Next"]["disabled"]
    first = message.embeds[0].description

    second = (await alice.click(message, label="Next")).response
    assert footer(second).startswith("Page 2 of 3")
    assert second.embeds[0].description != first
    assert "Sharper STAR" in second.embeds[0].description
    third = (await alice.click(second, label="Next")).response
    assert footer(third).startswith("Page 3 of 3") and buttons(third)["Next"]["disabled"]
    back = (await alice.click(third, label="Previous")).response
    assert footer(back).startswith("Page 2 of 3")


async def test_tips_index_is_a_select_menu_of_topics(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep tips", stage="second_round")
    assert result.ephemeral
    menu = select_menu(result.response)
    values = [o["value"] for o in menu["options"]]
    # Final-round advice is left out of a second-round index.
    assert "final_round" not in values and set(values) == set(REQUIRED_TOPICS) - {"final_round"}
    assert "Getting ready for round two" in result.response.embeds[0].description

    chosen = (await alice.select(result.response, ["follow_up"])).response
    assert chosen.embeds[0].title == "After the interview: thanks and check-ins"
    assert "24 hours" in chosen.embeds[0].description
    assert "Second round" in footer(chosen)
    index = (await alice.click(chosen, label="All topics")).response
    assert select_menu(index)["options"][0]["value"] == "second_round_prep"


async def test_shared_tips_are_public_but_only_the_opener_can_turn_pages(place) -> None:
    channel, alice, bob = place
    result = await alice.slash(channel, "prep tips", topic="salary_negotiation", stage="final",
                               share=True)
    assert not result.ephemeral
    message = result.response
    assert message.embeds[0].title == "Negotiating salary and benefits"

    refused = await bob.click(message, label="Next")
    assert refused.ephemeral and "opened by someone else" in refused.response.content
    assert footer(channel.history()[-1]).startswith("Page 1 of")  # unchanged for everyone
    refused = await bob.click(message, label="All topics")
    assert "opened by someone else" in refused.response.content

    turned = (await alice.click(message, label="Next")).response
    assert footer(turned).startswith("Page 2 of")


async def test_the_topic_select_refuses_others_on_a_shared_index(place) -> None:
    channel, alice, bob = place
    result = await alice.slash(channel, "prep tips", share=True)
    refused = await bob.select(result.response, ["rapport"])
    assert refused.ephemeral and "opened by someone else" in refused.response.content
    assert result.response.embeds[0].title.startswith("Prep tips")


async def test_topic_autocomplete_shows_titles_and_sends_ids(place) -> None:
    channel, alice, _ = place
    choices = await alice.autocomplete(channel, "prep tips", "topic", "salary")
    assert choices == [{"name": "Negotiating salary and benefits", "value": "salary_negotiation"}]
    everything = await alice.autocomplete(channel, "prep tips", "topic", "")
    assert len(everything) == 15


async def test_an_unknown_topic_gets_a_clear_message(place, simcord_env) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep tips", topic="basket weaving")
    assert result.ephemeral
    assert "I have no tips on 'basket weaving'" in result.response.content
    assert not result.response.embeds
    assert len(refusals(simcord_env)) == 1


async def test_every_topic_pages_through_within_discord_limits(place) -> None:
    # simcord rejects any payload over Discord's limits, so paging through every page of
    # every topic proves each one fits (tests/core/test_prep.py renders every stage too).
    channel, alice, _ = place
    for topic_id in REQUIRED_TOPICS:
        message = (await alice.slash(channel, "prep tips", topic=topic_id, stage="final")).response
        total = int(footer(message).split(" of ")[1].split(" ")[0])
        seen = [message.embeds[0].description]
        for _ in range(total - 1):
            message = (await alice.click(message, label="Next")).response
            seen.append(message.embeds[0].description)
        assert len(set(seen)) == total, topic_id
        assert all("{{" not in page and "=== page ===" not in page for page in seen)


async def test_tips_buttons_keep_working_after_a_restart(place, simcord_env, settings) -> None:
    channel, alice, _ = place
    message = (await alice.slash(channel, "prep tips", topic="the_day")).response
    await simcord_env.restart_bot(create_bot(settings))
    turned = (await alice.click(message, label="Next")).response
    assert footer(turned).startswith("Page 2 of")


# --- checklist ----------------------------------------------------------------------------------

async def _set_zone(channel, alice, zone: str = "Europe/London") -> None:
    """The way a user sets it: the first time-dependent command asks."""
    asked = await alice.slash(channel, "prep checklist", stage="final", company="Zone Check",
                              when="2027-01-01 10:00")
    assert "which time zone" in asked.response.content
    await alice.select(asked.response, [zone])


async def test_checklist_with_journal_notes_a_timestamp_and_ticks(place, simcord_env) -> None:
    channel, alice, _ = place
    shown = await alice.slash(channel, "journal add", company="Acme", stage="second_round",
                              interviewers="Dana Lee (Head of Data)")
    await alice.submit_modal(shown, {"notes": "Asked about stakeholder maps",
                                     "feedback": "Wanted more numbers"})

    asked = await alice.slash(channel, "prep checklist", stage="final", company="acme",
                              role="Data Analyst", when="2027-12-03 14:00")
    assert asked.ephemeral and "which time zone" in asked.response.content
    assert await simcord_env.bot.store.checklists.done_items(alice.id, "final:acme") == set()
    await alice.select(asked.response, ["Europe/London"])

    result = await alice.slash(channel, "prep checklist", stage="final", company="acme",
                               role="Data Analyst", when="2027-12-03 14:00")
    assert result.ephemeral
    message = result.response
    checklist, notes = message.embeds
    stamp = int(datetime(2027, 12, 3, 14, tzinfo=ZoneInfo("Europe/London")).timestamp())
    assert f"<t:{stamp}:F>" in checklist.description
    assert "Your final round with acme" in checklist.description
    assert "Data Analyst role" in checklist.description
    assert checklist.description.count("⬜") == len(select_menu(message)["options"])
    assert "Asked about stakeholder maps" in notes.description
    assert "Wanted more numbers" in notes.description and "Dana Lee" in notes.description

    ticked = (await alice.select(message, ["review_all_rounds", "salary_numbers"])).response
    assert ticked.embeds[0].description.count("✅") == 2
    assert footer(ticked).startswith("2 of 16 done")
    defaults = {o["value"] for o in select_menu(ticked)["options"] if o.get("default")}
    assert defaults == {"review_all_rounds", "salary_numbers"}
    unticked = (await alice.select(ticked, ["salary_numbers"])).response
    assert footer(unticked).startswith("1 of 16 done")
    assert await simcord_env.bot.store.checklists.done_items(alice.id, "final:acme") == {
        "salary_numbers"}


async def test_checklist_progress_survives_a_restart(place, simcord_env, settings) -> None:
    channel, alice, _ = place
    message = (await alice.slash(channel, "prep checklist", stage="second_round",
                                 company="Globex")).response
    assert len(message.embeds) == 1  # no journal entries for Globex: no notes
    await alice.select(message, ["review_application", "company_news", "logistics"])

    await simcord_env.restart_bot(create_bot(settings))
    again = (await alice.slash(channel, "prep checklist", stage="second_round",
                               company="  GLOBEX ")).response
    assert footer(again).startswith("3 of 15 done")
    defaults = {o["value"] for o in select_menu(again)["options"] if o.get("default")}
    assert defaults == {"review_application", "company_news", "logistics"}
    # The menu on the message from before the restart still works.
    old = (await alice.select(message, ["review_application"])).response
    assert footer(old).startswith("1 of 15 done")


async def test_the_longest_checklist_still_fits_discords_limits(place, simcord_env) -> None:
    # Markdown characters double in length once escaped; three long journal notes cannot all
    # fit beside the items, so the most recent ones that fit are shown, and the footer says so.
    channel, alice, _ = place
    company = "*_" * 50
    for n in range(3):
        await alice.submit_modal(
            await alice.slash(channel, "journal add", company=company, stage="second_round",
                              interviewers="(_)" * 100),
            {"notes": f"{n} " + "*a " * 200, "feedback": "_b " * 200})
    message = (await alice.slash(channel, "prep checklist", stage="final", company=company,
                                 role="_*" * 50)).response
    _, notes = message.embeds
    assert "of 3 journal entries" in notes.footer.text
    assert sum(len(e) for e in message.embeds) <= 6000
    ticked = (await alice.select(message, ["review_all_rounds"])).response
    assert footer(ticked).startswith("1 of 16 done")


async def test_a_checklist_is_private_to_its_owner(place, simcord_env) -> None:
    channel, alice, bob = place
    message = (await alice.slash(channel, "prep checklist", stage="final", company="Acme")).response
    await alice.select(message, ["review_all_rounds"])
    with pytest.raises(SetupError, match="not visible"):
        await bob.select(message, ["logistics"])  # ephemeral: Bob never sees it

    record = await simcord_env.bot.store.checklists.save(
        alice.id, "final:acme", stage="final", company="Acme", role=None, interview_at=None,
        now=simcord_env.bot.clock.now())
    view = discord.ui.View(timeout=None)
    view.add_item(ChecklistSelect(alice.id, record.id,
                                  *await _checklist_and_done(simcord_env, alice.id, record)))
    public = await post_as_bot(simcord_env, channel, view)
    refused = await bob.select(public, ["logistics"])
    assert refused.ephemeral and "belongs to someone else" in refused.response.content
    assert await simcord_env.bot.store.checklists.done_items(alice.id, "final:acme") == {
        "review_all_rounds"}

    # Bob's own checklist for the same company is his, and starts empty.
    his = (await bob.slash(channel, "prep checklist", stage="final", company="Acme")).response
    assert footer(his).startswith("0 of 16 done")


async def _checklist_and_done(env, user_id, record):
    shown = await env.bot.journal.checklist(user_id, record.id)
    return shown.checklist, shown.done


@pytest.mark.parametrize(("options", "expected"), [
    ({"company": "   "}, "The company cannot be empty"),
    ({"company": "A" * 101}, "101 characters long"),
    ({"company": "Acme", "role": "R" * 150}, "The role is 150 characters"),
    ({"company": "Acme", "when": "whenever suits"}, "could not read 'whenever suits'"),
    ({"company": "Acme", "when": "2020-01-01 10:00"}, "is in the past"),
])
async def test_checklist_bad_input_changes_nothing(place, simcord_env, options, expected) -> None:
    channel, alice, _ = place
    await _set_zone(channel, alice)
    result = await alice.slash(channel, "prep checklist", stage="final", **options)
    assert result.ephemeral and expected in result.response.content
    assert not result.response.embeds
    assert len(refusals(simcord_env)) == 1
    rows = await simcord_env.bot.store.db.fetch_all("SELECT company FROM checklists")
    assert [r["company"] for r in rows] == []


# --- questions ----------------------------------------------------------------------------------

def shipped_questions():
    return parse_questions((PROMPTS / "prep" / "questions.txt").read_text("utf-8"))


async def test_questions_to_ask_are_paginated_with_why(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep questions")
    assert result.ephemeral
    message = result.response
    assert message.embeds[0].title == "Questions to ask · All categories · Any stage"
    assert f"{len(shipped_questions())} questions" in footer(message)
    assert "*Why:*" in message.embeds[0].description
    assert buttons(message)["Previous"]["disabled"]
    first = message.embeds[0].description
    second = (await alice.click(message, label="Next")).response
    assert footer(second).startswith("Page 2 of")
    assert second.embeds[0].description != first


async def test_questions_by_category_and_stage(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep questions", category="team", stage="final")
    text = result.response.embeds[0].description
    expected = [q for q in shipped_questions() if q.category == "team" and "final" in q.stages]
    others = [q for q in shipped_questions() if q not in expected]
    assert expected and all(q.ask in text and q.why in text for q in expected)
    assert not any(q.ask in text for q in others)
    assert not buttons(result.response)  # one page: no page buttons, only the menu to pick them
    assert [o["value"] for o in select_menu(result.response)["options"]] == [q.id for q in expected]


async def test_question_categories_autocomplete_and_unknown_ones_are_refused(place, simcord_env) -> None:
    channel, alice, _ = place
    choices = await alice.autocomplete(channel, "prep questions", "category", "gro")
    assert choices == [{"name": "Growth and success", "value": "growth"}]
    assert len(await alice.autocomplete(channel, "prep questions", "category", "")) == len(
        QUESTION_CATEGORIES)
    result = await alice.slash(channel, "prep questions", category="salary")
    assert result.ephemeral and "no question category called 'salary'" in result.response.content
    assert len(refusals(simcord_env)) == 1


# --- STAR stories -------------------------------------------------------------------------------

STORY = {
    "title_skills": "Settled the roadmap dispute | conflict resolution, negotiation",
    "situation": "Design and engineering disagreed on the Q3 roadmap.",
    "task": "As product lead I had to get one plan agreed within a week.",
    "action": "I met each lead, mapped what both sides needed, and proposed a phased plan.",
    "result": "Both teams signed off in four days and we shipped on time.",
}


async def test_star_modal_saves_a_story_to_the_bank(place, simcord_env) -> None:
    channel, alice, _ = place
    shown = await alice.slash(channel, "prep star")
    assert shown.modal is not None and len(shown.modal["components"]) == 5
    saved = await alice.submit_modal(shown, STORY)
    assert saved.ephemeral
    assert "Saved to your story bank" in saved.response.content
    embed = saved.response.embeds[0]
    assert embed.title == "Settled the roadmap dispute"
    assert "conflict resolution, negotiation" in embed.description
    assert "**Result**\nBoth teams signed off" in embed.description
    [story] = await simcord_env.bot.store.stories.for_user(alice.id)
    assert story.skills == "conflict resolution, negotiation" and story.task.startswith("As product")


async def test_stories_list_show_edit_and_delete(place, simcord_env) -> None:
    channel, alice, _ = place
    await alice.submit_modal(await alice.slash(channel, "prep star"), STORY)
    await alice.submit_modal(await alice.slash(channel, "prep star"),
                             {**STORY, "title_skills": "Cut onboarding to two days | automation"})
    listing = await alice.slash(channel, "prep stories")
    assert listing.ephemeral
    assert listing.response.embeds[0].title == "Your STAR stories (2 of 25)"
    options = select_menu(listing.response)["options"]
    assert [o["label"] for o in options] == ["Settled the roadmap dispute",
                                              "Cut onboarding to two days"]

    shown = (await alice.select(listing.response, [options[1]["value"]])).response
    assert shown.embeds[0].title == "Cut onboarding to two days"

    form = await alice.click(shown, label="Edit")
    prefilled = {c["components"][0]["custom_id"]: c["components"][0].get("value")
                 for c in form.modal["components"]}
    assert prefilled["title_skills"] == "Cut onboarding to two days | automation"
    edited = await alice.submit_modal(form, {**STORY, "title_skills":
                                             "Cut onboarding to two days | automation, process"})
    assert edited.response.content == "Story updated."
    assert "automation, process" in edited.response.embeds[0].description

    asked = (await alice.click(edited.response, label="Delete")).response
    assert "cannot be undone" in asked.content
    kept = (await alice.click(asked, label="Keep it")).response
    assert kept.embeds[0].title == "Cut onboarding to two days"
    assert len(await simcord_env.bot.store.stories.for_user(alice.id)) == 2

    asked = (await alice.click(kept, label="Delete")).response
    gone = (await alice.click(asked, label="Yes, delete it")).response
    assert "Deleted **Cut onboarding to two days**" in gone.content
    assert gone.embeds[0].title == "Your STAR stories (1 of 25)"
    assert [s.title for s in await simcord_env.bot.store.stories.for_user(alice.id)] == [
        "Settled the roadmap dispute"]


async def test_a_full_story_bank_with_long_titles_still_lists_and_refuses_more(place,
                                                                                simcord_env) -> None:
    channel, alice, _ = place
    bot = simcord_env.bot
    await bot.store.users.ensure(alice.id, bot.clock.now())
    for n in range(25):
        await bot.store.stories.add(alice.id, now=bot.clock.now(), title=f"{n:02d} " + "*" * 97,
                                    skills="_" * 200, situation="s", task="t", action="a",
                                    result="r")
    listing = (await alice.slash(channel, "prep stories")).response  # within Discord's limits
    assert listing.embeds[0].title == "Your STAR stories (25 of 25)"
    assert len(select_menu(listing)["options"]) == 25
    refused = await alice.slash(channel, "prep star")
    assert refused.modal is None and "story bank is full" in refused.response.content
    assert len(refusals(simcord_env)) == 1


async def test_empty_story_bank_says_how_to_start(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "prep stories")
    assert "/prep star" in result.response.embeds[0].description
    assert not result.response.components


async def test_a_blank_story_title_is_refused_and_nothing_saved(place, simcord_env) -> None:
    channel, alice, _ = place
    refused = await alice.submit_modal(await alice.slash(channel, "prep star"),
                                       {**STORY, "title_skills": "   | teamwork"})
    assert refused.ephemeral and "The title cannot be empty" in refused.response.content
    refused = await alice.submit_modal(await alice.slash(channel, "prep star"),
                                       {**STORY, "result": "    "})
    assert "The result cannot be empty" in refused.response.content
    # Refused inside the form router (no error reaches discord.py), with the text handed back.
    assert refusals(simcord_env) == []
    [given_back] = [m for m in refused.followups if m.attachments]
    assert STORY["situation"] in (await given_back.attachments[0].read()).decode()
    assert await simcord_env.bot.store.stories.for_user(alice.id) == []


async def test_nobody_else_can_edit_or_delete_a_story(place, simcord_env) -> None:
    channel, alice, bob = place
    saved = await alice.submit_modal(await alice.slash(channel, "prep star"), STORY)
    with pytest.raises(SetupError, match="not visible"):
        await bob.click(saved.response, label="Delete")
    [story] = await simcord_env.bot.store.stories.for_user(alice.id)
    public = await post_as_bot(simcord_env, channel, story_card(alice.id, story.id, confirm=True))
    refused = await bob.click(public, label="Yes, delete it")
    assert refused.ephemeral and "belongs to someone else" in refused.response.content
    refused = await bob.click(public, label="Keep it")
    assert "belongs to someone else" in refused.response.content
    assert len(await simcord_env.bot.store.stories.for_user(alice.id)) == 1
    assert (await bob.slash(channel, "prep stories")).response.embeds[0].title == (
        "Your STAR stories (0 of 25)")


async def test_a_report_suggests_a_saved_story_that_fits_a_weak_answer(place, simcord_env) -> None:
    channel, alice, _ = place
    await alice.submit_modal(await alice.slash(channel, "prep star"),
                             {**STORY, "title_skills": "Cut onboarding to two days | automation"})
    await alice.submit_modal(await alice.slash(channel, "prep star"), STORY)
    weak = "Um, I think we kind of sorted it out in the end."
    report = build_report([ScoredAnswer(
        "conflict_colleague", 3, "behavioural",
        "Tell me about a real disagreement with a colleague. How did you handle it?", weak,
        False, 15, (120, 300), analyze_answer(weak, length=(120, 300)))], company="Acme")
    assert await simcord_env.bot.journal.suggest_story(alice.id, report) == {
        "title": "Settled the roadmap dispute", "skills": "conflict resolution, negotiation",
        "question_number": 3}


async def test_question_pages_keep_working_after_a_restart(place, simcord_env, settings) -> None:
    channel, alice, _ = place
    message = (await alice.slash(channel, "prep questions", stage="final")).response
    await simcord_env.restart_bot(create_bot(settings))
    turned = (await alice.click(message, label="Next")).response
    assert footer(turned).startswith("Page 2 of")
    assert turned.embeds[0].title == "Questions to ask · All categories · Final round"


async def test_story_cards_keep_working_while_the_journal_reloads(place, simcord_env) -> None:
    # Journal entries and stories share one card button: reloading one feature leaves the
    # other's cards working.
    channel, alice, _ = place
    saved = await alice.submit_modal(await alice.slash(channel, "prep star"), STORY)
    await simcord_env.bot.reload_extension("bot.exts.journal")
    asked = (await alice.click(saved.response, label="Delete")).response
    assert "cannot be undone" in asked.content
    listing = (await alice.click(asked, label="Keep it")).response
    assert listing.embeds[0].title == "Settled the roadmap dispute"
    shown = await alice.submit_modal(
        await alice.slash(channel, "journal add", company="Acme"), {"notes": "", "feedback": ""})
    back = (await alice.click(shown.response, label="All entries")).response
    assert back.embeds[0].title == "Your interview journal (1)"


async def test_questions_picked_are_kept_across_pages_and_restarts(place, simcord_env, settings) -> None:
    channel, alice, bob = place
    message = (await alice.slash(channel, "prep questions", stage="final")).response
    menu = select_menu(message)
    first_two = [o["value"] for o in menu["options"][:2]]
    picked = (await alice.select(message, first_two, custom_id=menu["custom_id"])).response
    assert "2 picked" in footer(picked)
    assert [o["value"] for o in select_menu(picked)["options"] if o.get("default")] == first_two
    await simcord_env.restart_bot(create_bot(settings))
    page_two = (await alice.click(picked, label="Next")).response
    other = select_menu(page_two)["options"][0]["value"]
    again = (await alice.select(page_two, [other], custom_id=select_menu(page_two)["custom_id"])).response
    assert "3 picked" in footer(again)
    assert await simcord_env.bot.progress.picked_questions(alice.id) == {*first_two, other}
    # Unpicking on a page drops only that page's picks.
    none = (await alice.select(again, [], custom_id=select_menu(again)["custom_id"])).response
    assert "2 picked" in footer(none)
    # Someone else's menu changes nothing.
    from bot.exts.prep._questions import questions_message

    _, view = questions_message(simcord_env.bot.prep, alice.id, "all", "final", 0)
    shown = await post_as_bot(simcord_env, channel, view)
    refused = await bob.select(shown, first_two[:1])
    assert refused.ephemeral and "someone else's list" in refused.response.content
    assert await simcord_env.bot.progress.picked_questions(bob.id) == set()
    assert await simcord_env.bot.progress.picked_questions(alice.id) == set(first_two)
