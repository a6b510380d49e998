"""`/journal ...` on a simulated Discord, used the way a candidate would use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest
from simcord.backend.errors import SetupError

from bot import create_bot
from bot.exts._ui import page_buttons
from bot.exts.journal._views import PAGE_SIZE, PAGES, entry_card
from integration._support import refusals

LONDON = ZoneInfo("Europe/London")


def select_menu(message) -> dict:
    [menu] = [c for row in message.components for c in row["components"] if c["type"] == 3]
    return menu


def modal_values(shown) -> dict[str, str | None]:
    return {row["components"][0]["custom_id"]: row["components"][0].get("value")
            for row in shown.modal["components"]}


async def set_zone(channel, actor, zone: str = "Europe/London") -> None:
    """The way a user sets it: the first command with a date asks, and they pick one."""
    asked = await actor.slash(channel, "journal add", company="Zone", date="2026-01-01 10:00")
    assert "which time zone" in asked.response.content and asked.modal is None
    await actor.select(asked.response, [zone])


async def add_entry(channel, actor, notes: str = "", feedback: str = "", **options):
    shown = await actor.slash(channel, "journal add", **options)
    assert shown.modal is not None, shown.response and shown.response.content
    return await actor.submit_modal(shown, {"notes": notes, "feedback": feedback})


async def test_add_an_entry_with_notes_in_a_modal(place, simcord_env) -> None:
    channel, alice, _ = place
    await set_zone(channel, alice)
    shown = await alice.slash(channel, "journal add", company="Acme", role="Data Analyst",
                              stage="second_round", date="2026-11-20 14:00",
                              interviewers="Dana Lee (Head of Data)", outcome="waiting")
    assert shown.modal["title"] == "Journal: Acme"
    assert set(modal_values(shown)) == {"notes", "feedback"}
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []  # not before the form

    saved = await alice.submit_modal(shown, {"notes": "Asked about @everyone *stakeholders*",
                                             "feedback": "Recruiter: strong on SQL"})
    assert saved.ephemeral and saved.response.content == "Saved to your journal."
    embed = saved.response.embeds[0]
    assert embed.title == "Acme · Second round"
    stamp = int(datetime(2026, 11, 20, 14, tzinfo=LONDON).timestamp())
    assert f"<t:{stamp}:F>" in embed.description
    assert "Dana Lee (Head of Data)" in embed.description.replace("\\", "")
    assert "@everyone" not in embed.description and "\\*stakeholders\\*" in embed.description
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)
    assert entry.interview_at == datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert entry.notes == "Asked about @everyone *stakeholders*" and entry.outcome == "waiting"


async def test_a_date_asks_for_the_time_zone_first_and_saves_nothing(place, simcord_env) -> None:
    channel, alice, _ = place
    asked = await alice.slash(channel, "journal add", company="Acme", date="yesterday 10am")
    assert asked.ephemeral and asked.modal is None
    assert "which time zone" in asked.response.content
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []


async def test_list_show_and_the_entry_menu(place) -> None:
    channel, alice, _ = place
    await add_entry(channel, alice, company="Acme", stage="second_round", notes="First")
    await add_entry(channel, alice, company="Globex", role="Analyst", outcome="offer")
    listing = await alice.slash(channel, "journal list")
    assert listing.ephemeral
    text = listing.response.embeds[0].description
    assert "Acme · Second round" in text and "Globex · Analyst" in text and "*offer*" in text
    options = select_menu(listing.response)["options"]
    acme = next(o for o in options if "Acme" in o["label"])
    shown = (await alice.select(listing.response, [acme["value"]])).response
    assert shown.embeds[0].title == "Acme · Second round" and "First" in shown.embeds[0].description
    back = (await alice.click(shown, label="All entries")).response
    assert back.embeds[0].title == "Your interview journal (2)"

    result = await alice.slash(channel, "journal show", entry=acme["value"])
    assert result.ephemeral and result.response.embeds[0].title == "Acme · Second round"
    by_name = await alice.slash(channel, "journal show", entry="globex")
    assert by_name.response.embeds[0].title == "Globex"


async def test_an_empty_journal_says_how_to_start(place) -> None:
    channel, alice, _ = place
    result = await alice.slash(channel, "journal list")
    assert "/journal add" in result.response.embeds[0].description
    assert not result.response.components


async def test_a_long_journal_is_paged(place, simcord_env) -> None:
    channel, alice, _ = place
    bot = simcord_env.bot
    now = bot.clock.now()
    await bot.store.users.ensure(alice.id, now)
    for n in range(PAGE_SIZE + 2):  # long markdown-heavy names: still within Discord's limits
        await bot.store.journal.add(alice.id, now=now, company=f"Company {n:02d} " + "*" * 80,
                                    role="_" * 100, outcome="~" * 100,
                                    interview_at=now - timedelta(days=n))
    first = (await alice.slash(channel, "journal list")).response
    assert first.embeds[0].footer.text.startswith("Page 1 of 2")
    assert len(select_menu(first)["options"]) == PAGE_SIZE
    second = (await alice.click(first, label="Next")).response
    assert second.embeds[0].footer.text.startswith("Page 2 of 2")
    assert "Company 16" in second.embeds[0].description and "Company 01" not in second.embeds[0].description
    assert len(select_menu(second)["options"]) == 2


async def test_autocomplete_offers_only_the_users_own_entries(place, simcord_env) -> None:
    channel, alice, bob = place
    await set_zone(channel, alice)
    await add_entry(channel, alice, company="Acme", stage="final", date="2026-12-03 10:00")
    await add_entry(channel, alice, company="Globex")
    await add_entry(channel, bob, company="Acme Rockets")
    [alice_acme, alice_globex] = sorted(await simcord_env.bot.store.journal.for_user(alice.id),
                                        key=lambda e: e.company)

    choices = await alice.autocomplete(channel, "journal show", "entry", "acme")
    assert choices == [{"name": f"#{alice_acme.id} Acme · Final round · 03 Dec 2026",
                        "value": str(alice_acme.id)}]
    by_date = await alice.autocomplete(channel, "journal edit", "entry", "dec 3")
    assert [c["value"] for c in by_date] == [str(alice_acme.id)]
    everything = await alice.autocomplete(channel, "journal delete", "entry", "")
    assert {c["value"] for c in everything} == {str(alice_acme.id), str(alice_globex.id)}
    bobs = await bob.autocomplete(channel, "journal show", "entry", "acme")
    assert [c["name"].split(" ", 1)[1] for c in bobs] == ["Acme Rockets"]


async def test_edit_with_options_with_the_form_and_with_the_button(place, simcord_env) -> None:
    channel, alice, _ = place
    saved = await add_entry(channel, alice, company="Acme", notes="Old notes")
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)

    changed = await alice.slash(channel, "journal edit", entry=str(entry.id), outcome="next round",
                                stage="second_round")
    assert changed.response.content == "Entry updated."
    assert "next round" in changed.response.embeds[0].description

    form = await alice.slash(channel, "journal edit", entry=str(entry.id))
    assert modal_values(form)["notes"] == "Old notes"
    assert modal_values(form)["outcome"] == "next round"
    edited = await alice.submit_modal(form, {**{k: v or "" for k, v in modal_values(form).items()},
                                             "notes": "New notes", "feedback": "Great energy"})
    assert "New notes" in edited.response.embeds[0].description

    form = await alice.click(saved.response, label="Edit")
    updated = await alice.submit_modal(form, {**{k: v or "" for k, v in modal_values(form).items()},
                                              "interviewers": "Sam Roe (CTO)"})
    assert updated.response.id == saved.response.id  # the entry's message is updated in place
    assert "Sam Roe \\(CTO\\)" in updated.response.embeds[0].description  # escaped markdown
    entry = await simcord_env.bot.store.journal.get(entry.id, alice.id)
    assert (entry.stage, entry.outcome, entry.notes, entry.feedback, entry.interviewers) == (
        "second_round", "next round", "New notes", "Great energy", "Sam Roe (CTO)")


async def test_delete_asks_first(place, simcord_env) -> None:
    channel, alice, _ = place
    saved = await add_entry(channel, alice, company="Acme")
    await add_entry(channel, alice, company="Globex")
    acme, globex = sorted(await simcord_env.bot.store.journal.for_user(alice.id),
                          key=lambda e: e.company)

    asked = await alice.slash(channel, "journal delete", entry=str(acme.id))
    assert asked.ephemeral and "cannot be undone" in asked.response.content
    kept = (await alice.click(asked.response, label="Keep it")).response
    assert kept.embeds[0].title == "Acme"
    assert await simcord_env.bot.store.journal.get(acme.id, alice.id) is not None

    asked = (await alice.click(saved.response, label="Delete")).response
    gone = (await alice.click(asked, label="Yes, delete it")).response
    assert gone.content == f"Deleted journal entry #{acme.id} (Acme)." and not gone.components
    assert [e.id for e in await simcord_env.bot.store.journal.for_user(alice.id)] == [globex.id]

    direct = await alice.slash(channel, "journal delete", entry=str(globex.id))
    await alice.click(direct.response, label="Yes, delete it")
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []


async def test_someone_elses_entry_cannot_be_seen_or_changed(place, simcord_env) -> None:
    channel, alice, bob = place
    saved = await add_entry(channel, alice, company="Acme", notes="Private notes")
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)

    for command, options in (("journal show", {}), ("journal edit", {"outcome": "rejected"}),
                             ("journal edit", {}), ("journal delete", {})):
        result = await bob.slash(channel, command, entry=str(entry.id), **options)
        assert result.ephemeral and result.modal is None
        assert f"can't find '{entry.id}' among your journal entries" in result.response.content
        assert "Private notes" not in str(result.response.embeds)
    assert len(refusals(simcord_env)) == 4

    with pytest.raises(SetupError, match="not visible"):
        await bob.click(saved.response, label="Delete")
    public = await simcord_env.bot.get_channel(channel.id).send(
        "controls", view=entry_card(alice.id, entry.id, confirm=True))
    refused = await bob.click(public, label="Yes, delete it")
    assert refused.ephemeral and "belongs to someone else" in refused.response.content
    public = await simcord_env.bot.get_channel(channel.id).send(
        "controls", view=entry_card(alice.id, entry.id))
    refused = await bob.click(public, label="Edit")
    assert refused.modal is None and "belongs to someone else" in refused.response.content

    assert await simcord_env.bot.store.journal.get(entry.id, alice.id) == entry


@pytest.mark.parametrize(("options", "expected"), [
    ({"company": "   "}, "The company cannot be empty"),
    ({"company": "A" * 101}, "The company is 101 characters long"),
    ({"company": "Acme", "interviewers": "x" * 301}, "The interviewers is 301 characters"),
    ({"company": "Acme", "date": "sometime soon"}, "could not read 'sometime soon'"),
])
async def test_bad_input_is_refused_and_nothing_is_saved(place, simcord_env, options,
                                                         expected) -> None:
    channel, alice, _ = place
    await set_zone(channel, alice)
    result = await alice.slash(channel, "journal add", **options)
    assert result.ephemeral and result.modal is None
    assert expected in result.response.content
    assert len(refusals(simcord_env)) == 1
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []


async def test_bad_edits_change_nothing(place, simcord_env) -> None:
    channel, alice, _ = place
    await add_entry(channel, alice, company="Acme", notes="Kept")
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)
    result = await alice.slash(channel, "journal edit", entry=str(entry.id), company="  ")
    assert "The company cannot be empty" in result.response.content
    result = await alice.slash(channel, "journal show", entry="9999")
    assert "can't find '9999'" in result.response.content
    assert len(refusals(simcord_env)) == 2
    form = await alice.slash(channel, "journal edit", entry=str(entry.id))
    refused = await alice.submit_modal(form, {"role": "", "interviewers": "", "outcome": "",
                                              "notes": "*" * 1500, "feedback": "_" * 1500})
    assert refused.ephemeral and "too long to show" in refused.response.content
    # The form router handles the refusal itself (no error reaches discord.py), and hands the
    # text back so nothing typed is lost.
    assert len(refusals(simcord_env)) == 2
    [given_back] = [m for m in refused.followups if m.attachments]
    assert given_back.attachments[0].filename == "what-you-wrote.txt"
    assert "*" * 1500 in (await given_back.attachments[0].read()).decode()
    assert await simcord_env.bot.store.journal.get(entry.id, alice.id) == entry


async def test_journal_buttons_keep_working_after_a_restart(place, simcord_env, settings) -> None:
    channel, alice, _ = place
    saved = await add_entry(channel, alice, company="Acme")
    await simcord_env.restart_bot(create_bot(settings))
    asked = (await alice.click(saved.response, label="Delete")).response
    assert "cannot be undone" in asked.content
    await alice.click(asked, label="Yes, delete it")
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []


async def test_the_journal_lists_pages_keep_working_after_a_restart_and_only_for_its_owner(
        place, simcord_env, settings) -> None:
    channel, alice, bob = place
    bot = simcord_env.bot
    for n in range(PAGE_SIZE + 1):
        await bot.journal.add_entry(alice.id, {"company": f"Company {n:02d}",
                                               "interview_at": bot.clock.now() - timedelta(days=n)})
    first = (await alice.slash(channel, "journal list")).response
    await simcord_env.restart_bot(create_bot(settings))
    second = (await alice.click(first, label="Next")).response
    assert second.embeds[0].footer.text.startswith("Page 2 of 2")
    assert "Company 15" in second.embeds[0].description

    view = discord.ui.View(timeout=None)  # the list's own page buttons, where Bob can click
    for button in page_buttons(PAGES, alice.id, 0, 2):
        view.add_item(button)
    public = await simcord_env.bot.get_channel(channel.id).send("list", view=view)
    refused = await bob.click(public, label="Next")
    assert refused.ephemeral and "belongs to someone else" in refused.response.content


async def test_the_notes_form_and_the_edit_form_still_land_after_a_restart(place, simcord_env, settings) -> None:
    channel, alice, _ = place
    shown = await alice.slash(channel, "journal add", company="Acme", role="Data Analyst")
    assert await simcord_env.bot.store.journal.for_user(alice.id) == []  # not before the form
    await simcord_env.restart_bot(create_bot(settings))
    saved = await alice.submit_modal(shown, {"notes": "Written before the restart", "feedback": ""})
    assert "Saved to your journal" in saved.response.content
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)
    assert (entry.company, entry.role, entry.notes) == ("Acme", "Data Analyst", "Written before the restart")

    form = await alice.slash(channel, "journal edit", entry=str(entry.id))
    await simcord_env.restart_bot(create_bot(settings))
    await alice.submit_modal(form, {"role": "Senior Analyst", "interviewers": "", "outcome": "offer",
                                    "notes": "Updated after a restart", "feedback": ""})
    [entry] = await simcord_env.bot.store.journal.for_user(alice.id)
    assert (entry.role, entry.outcome, entry.notes) == ("Senior Analyst", "offer", "Updated after a restart")
    assert await simcord_env.bot.store.export_user(alice.id) and not (
        await simcord_env.bot.store.export_user(alice.id))["journal_drafts"]  # the draft was used up
