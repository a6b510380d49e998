"""A server's own scripts, as its admins and members use them: upload, refusals (broken, hostile,
too big), the autocomplete, an interview on one, and a new version while that interview runs."""

from __future__ import annotations

import discord
import pytest

from tests.integration._support import refusals

SCRIPT = """\
# A careers-service script.
script: careers_panel
title: Careers panel practice
stage: final
minutes: 20
description: Three questions our careers team asks in every final.

question: why_us
category: motivation
length: 40-120
ask:
    Welcome, {{ candidate }}. Why do you want the {{ role }} role at {{ company }}?
guidance:
    Names something specific about the company and links it to their own goals.
probe: answer.words < 30
    Could you say a little more about {{ company }} in particular?

question: a_challenge
category: behavioural
length: 80-200
ask:
    Tell us about a time a project of yours went wrong.
guidance:
    A real story with the candidate's own actions and a result.

question: your_questions
category: candidate_questions
length: 20-120
ask:
    {% if values %}We care about {{ values | join(", ") }}. {% endif %}What would you like to ask us?
guidance:
    Two thoughtful questions about the team or the work.
"""


@pytest.fixture
def admin(world, simcord_env):
    role = world.guild.create_role("Careers team", permissions=discord.Permissions(manage_guild=True))
    return world.guild.add_member(simcord_env.create_user("ada"), roles=[role])


async def upload(member, channel, source: str | bytes, filename: str = "careers_panel.j2"):
    data = source.encode() if isinstance(source, str) else source
    result = await member.slash(channel, "scripts add", file=(filename, data))
    return (result.followups or [result.response])[-1].content


async def stored(env):
    return await env.bot.store.server_scripts.all_versions()


async def test_an_admin_starts_from_the_guide_and_its_example_uploads_as_it_is(world, simcord_env, admin):
    empty = await admin.slash(world.channel, "scripts list")
    assert "`/scripts guide`" in empty.response.content and "README" not in empty.response.content
    guide = await admin.slash(world.channel, "scripts guide")
    assert guide.ephemeral
    embed = guide.response.embeds[0]
    assert "Manage Server" in embed.description and "/scripts add" in embed.description
    assert len(embed.description) <= 4096 and "```" not in embed.description
    [example] = guide.response.attachments
    source = (await example.read()).decode()
    assert example.filename.endswith(".j2") and source.startswith("# ")
    said = await upload(admin, world.channel, source, filename=example.filename)
    assert "Added **Careers service final round**" in said and "3 questions" in said
    # Members are not shown the command at all.
    assert "scripts guide" not in world.candidate.available_commands(world.channel)


async def test_upload_list_show_and_use_in_an_interview(world, simcord_env, admin):
    assert "scripts add" in admin.available_commands(world.channel)
    said = await upload(admin, world.channel, SCRIPT)
    assert "Added **Careers panel practice**" in said and "3 questions" in said
    listing = await admin.slash(world.channel, "scripts list")
    assert "`careers_panel`" in listing.response.embeds[0].description
    shown = await admin.slash(world.channel, "scripts show", script="careers_panel")
    assert (await shown.response.attachments[0].read()).decode() == SCRIPT

    # Members see it in /interview start, marked as the server's; ours are still there.
    choices = await world.candidate.autocomplete(world.channel, "interview start", "script", "")
    names = [c["name"] for c in choices]
    assert names[0].startswith("🏫 Careers panel practice (this server's, v1")
    assert any(n.startswith("Second-round interview") for n in names)
    value = choices[0]["value"]

    started = await world.candidate.slash(world.channel, "interview start", script=value,
                                          role="Data Analyst", company="Acme")
    assert "ready in" in (started.followups or [started.response])[-1].content
    thread = world.thread()
    assert "Why do you want the Data Analyst role at Acme?" in world.current(thread).embeds[0].description
    answered = await world.answer_all(thread)
    assert answered == 3
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert session.status == "finished" and session.script_id == f"g{world.guild.id}:careers_panel:1"
    history = await world.candidate.slash(world.channel, "interview history")
    assert "Careers panel practice" in history.response.embeds[0].description


async def test_a_new_version_does_not_change_a_running_interview(world, simcord_env, admin, settings):
    from bot import create_bot

    await upload(admin, world.channel, SCRIPT)
    await world.candidate.slash(world.channel, "interview start", script=f"g{world.guild.id}:careers_panel",
                                role="Analyst", company="Acme")
    thread = world.thread()
    await world.candidate.send(thread, "I like Acme's mission and the analytics team's work on pricing, "
                               "which I read about in your engineering blog last spring. I want to "
                               "grow into a role where my analysis changes real decisions for customers.")
    await world.candidate.click(world.current(thread), label="Done")

    v2 = SCRIPT.replace("Tell us about a time a project of yours went wrong.",
                        "Tell us about the hardest feedback you have had.")
    said = await upload(admin, world.channel, v2)
    assert "Version 2" in said and "replaces version 1" in said
    assert [s.version for s in await stored(simcord_env)] == [1, 2]

    # The running interview keeps version 1, even after a restart.
    await simcord_env.restart_bot(create_bot(settings))
    current = world.current(thread)
    await world.candidate.click(current, label="Repeat")
    assert "went wrong" in world.current(thread).embeds[0].description
    await world.answer_all(thread)
    body = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "went wrong" in body and "hardest feedback" not in body

    # A new interview takes version 2.
    await world.other.slash(world.channel, "interview start", script=f"g{world.guild.id}:careers_panel",
                            role="Analyst", company="Acme")
    session = (await simcord_env.bot.store.sessions.for_user(world.other.id))[0]
    assert session.script_id.endswith(":2")


@pytest.mark.parametrize(("source", "expected"), [
    (SCRIPT.replace("category: behavioural", "category: heroics"), "careers_panel.j2:19: unknown category"),
    (SCRIPT.replace("{{ company }}?", "{{ company }?"), "careers_panel.j2:12: ask:"),
    # Sandbox escape: attributes starting with "_" are refused.
    (SCRIPT.replace("{{ candidate }}", "{{ candidate.__class__.__mro__[1].__subclasses__() }}"),
     "careers_panel.j2:8: cannot render: access to attribute '__class__'"),
    # Renders forever (10^10 steps): loops inside loops are refused at their line.
    (SCRIPT.replace("Tell us about a time", "{% for a in range(100000) %}{% for b in range(100000) %}x"
                    "{% endfor %}{% endfor %}Tell us about a time"),
     "careers_panel.j2:22: ask: a loop inside a loop is not allowed"),
    # A memory bomb.
    (SCRIPT.replace("{{ candidate }}", "{{ 'x' * 1000000000 }}"), "repeating that would make over"),
    # Only the documented context: no config, no self, no lipsum.
    (SCRIPT.replace("{{ candidate }}", "{{ self }}"), "careers_panel.j2:12: ask: 'self' is not part"),
    (SCRIPT.replace("{{ candidate }}", "{{ lipsum() }}"), "careers_panel.j2:8: cannot render"),
])
async def test_broken_or_hostile_scripts_are_refused_with_file_and_line(world, simcord_env, admin,
                                                                       source, expected):
    await upload(admin, world.channel, source)
    refused = refusals(simcord_env)
    assert refused and expected in refused[-1], refused
    assert await stored(simcord_env) == []


async def test_a_5_mb_file_and_non_text_are_refused_before_checking(world, simcord_env, admin):
    await upload(admin, world.channel, b"# " + b"x" * (5 * 1024 * 1024))
    await upload(admin, world.channel, b"\xff\xfe\x00binary", filename="x.j2")
    await upload(admin, world.channel, SCRIPT, filename="script.exe")
    refused = refusals(simcord_env)
    assert "5,242,882 bytes" in refused[0] and "at most 65,536" in refused[0]
    assert "x.j2:1: the file is not UTF-8 text" in refused[1]
    assert "upload the script as a .j2 or .txt file" in refused[2]
    assert await stored(simcord_env) == []


async def test_members_without_manage_server_are_refused(world, simcord_env):
    # Discord hides /scripts from them (default permissions: Manage Server)...
    visible = world.candidate.available_commands(world.channel)
    assert "interview start" in visible and not any(c.startswith("scripts") for c in visible)
    # ...and a server that grants them the command anyway still gets a refusal from the bot.
    from simcord.backend.errors import SetupError

    with pytest.raises(SetupError):
        await world.candidate.slash(world.channel, "scripts add", file=("s.j2", SCRIPT.encode()))
    assert await stored(simcord_env) == []


async def test_disable_and_delete(world, simcord_env, admin):
    await upload(admin, world.channel, SCRIPT)
    key = f"g{world.guild.id}:careers_panel"
    await world.candidate.slash(world.channel, "interview start", script=key, role="Analyst", company="Acme")
    disabled = await admin.slash(world.channel, "scripts disable", script="careers_panel")
    assert "no longer offered" in disabled.response.content
    choices = await world.other.autocomplete(world.channel, "interview start", "script", "")
    assert not any(c["value"] == key for c in choices)
    await world.other.slash(world.channel, "interview start", script=key, role="Analyst", company="Acme")
    assert "is disabled" in refusals(simcord_env)[-1]
    # The exact versioned key is no way round it.
    await world.other.slash(world.channel, "interview start", script=f"{key}:1", role="Analyst",
                            company="Acme")
    assert "is disabled" in refusals(simcord_env)[-1]
    assert not await simcord_env.bot.store.sessions.for_user(world.other.id)
    deleted = await admin.slash(world.channel, "scripts delete", script="careers_panel")
    assert "Deleted" in deleted.response.content
    listing = await admin.slash(world.channel, "scripts list")
    assert "no scripts of its own" in listing.response.content
    await world.other.slash(world.channel, "interview start", script=f"{key}:1", role="Analyst",
                            company="Acme")
    assert "is deleted" in refusals(simcord_env)[-1]
    assert not await simcord_env.bot.store.sessions.for_user(world.other.id)
    # The interview that used it goes on to a report.
    await world.answer_all(world.thread())
    assert world.reports(world.thread())


async def test_another_servers_script_cannot_be_started(world, simcord_env, admin):
    await upload(admin, world.channel, SCRIPT)
    elsewhere = simcord_env.create_guild()
    channel = elsewhere.create_text_channel("general")
    stranger = elsewhere.add_member(simcord_env.create_user("eve"))
    await stranger.slash(channel, "interview start", script=f"g{world.guild.id}:careers_panel",
                         role="Analyst", company="Acme")
    assert "There is no interview called" in refusals(simcord_env)[-1]
    choices = await stranger.autocomplete(channel, "interview start", "script", "")
    assert not any("Careers panel" in c["name"] for c in choices)


async def test_a_check_that_runs_out_of_time_stores_nothing(world, simcord_env, admin, monkeypatch):
    """Whatever a template finds to keep the worker busy, it is killed at its time limit."""
    import functools
    import sys

    service_module = sys.modules["bot.services.server_scripts"]
    monkeypatch.setattr(service_module, "check_in_worker",
                        functools.partial(service_module.check_in_worker, seconds=0.05))
    await upload(admin, world.channel, SCRIPT)
    refused = refusals(simcord_env)
    assert refused and "did not finish rendering within 0.05 s" in refused[-1]
    assert "careers_panel.j2:" in refused[-1]
    assert await stored(simcord_env) == []


async def test_a_question_that_grows_on_real_input_shows_a_notice_not_its_text(world, simcord_env,
                                                                              admin):
    """The upload check's samples never use the role "Boom"; a candidate does. The text would be
    500,000 characters: it is stopped, the candidate sees a short notice, the interview goes on."""
    from bot.script_sandbox import RUNTIME_NOTICE

    boom = SCRIPT.replace("Welcome, {{ candidate }}.", '{% if role == "Boom" %}{% for i in range(100) %}'
                          '{{ "x" * 4999 }}{% endfor %}{% endif %}Welcome, {{ candidate }}.')
    said = await upload(admin, world.channel, boom)
    assert "Added **Careers panel practice**" in said
    await world.candidate.slash(world.channel, "interview start", script=f"g{world.guild.id}:careers_panel",
                                role="Boom", company="Acme")
    thread = world.thread()
    shown = world.current(thread).embeds[0].description
    assert RUNTIME_NOTICE in shown.replace("\\", "") and "xxxxx" not in shown
    assert await world.answer_all(thread) == 3
    assert world.reports(thread)
