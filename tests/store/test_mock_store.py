"""Mock interviews and server scripts in the store (migration 0015), on a real SQLite file with
the real migrations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.mocks import MockInterview
from bot.store import Store
from bot.store.database import Stale

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def new_mock(**changes) -> MockInterview:
    base = MockInterview(
        id=0, guild_id=9, kind="pair", status="proposed", candidate_id=1, interviewer_id=2,
        created_by=1, script_key="final", stage="final", role="Analyst", company="Acme",
        starts_at=NOW + timedelta(days=1), proposed_by=1, candidate_ok=True, interviewer_ok=False,
        request_channel_id=None, request_message_id=None, thread_id=77, voice_channel_id=None,
        session_id=None, asked_key=None, ended_by=None, no_show_id=None, swapped_from=None,
        version=0, created_at=NOW, updated_at=NOW)
    return replace(base, **changes)


async def test_a_mock_interview_round_trips_and_writes_over_its_version(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite3") as store:
        created = await store.mocks.create(new_mock())
        assert created.id == 1 and created.version == 0
        assert replace(created, id=0) == new_mock()
        saved = await store.mocks.save(replace(created, interviewer_ok=True, status="confirmed"))
        assert saved.version == 1 and saved.agreed and saved.starts_at == NOW + timedelta(days=1)
        with pytest.raises(Stale):  # written over the version read before: refused, nothing written
            await store.mocks.save(replace(created, status="cancelled"))
        assert (await store.mocks.get(1)).status == "confirmed"
        assert (await store.mocks.by_thread(77)).id == 1
        assert [m.id for m in await store.mocks.live_for(2)] == [1]


async def test_scores_notes_and_settings_are_upserts(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite3") as store:
        await store.mocks.create(new_mock())
        await store.mocks.set_score(1, "q1", 0, 2, NOW)
        await store.mocks.set_score(1, "q1", 0, 4, NOW)
        await store.mocks.set_note(1, "q1", "first", NOW)
        await store.mocks.set_note(1, "q1", "second", NOW)
        assert await store.mocks.scores(1) == [("q1", 0, 4)]
        assert await store.mocks.notes(1) == {"q1": "second"}
        await store.mocks.set_setting(9, "mentor_role_id", 5, NOW)
        await store.mocks.set_setting(9, "request_channel_id", 6, NOW)
        settings = await store.mocks.settings(9)
        assert (settings.mentor_role_id, settings.request_channel_id) == (5, 6)
        with pytest.raises(ValueError):
            await store.mocks.set_setting(9, "guild_id; DROP TABLE users", 1, NOW)


async def test_server_script_versions_are_numbered_and_kept(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite3") as store:
        fields = dict(guild_id=9, script_id="panel", title="Panel", stage="final", minutes=20,
                      questions=3, filename="p.j2", source="x", digest="d", uploaded_by=1, now=NOW)
        first = await store.server_scripts.add_version(**fields)
        second = await store.server_scripts.add_version(**fields)
        other = await store.server_scripts.add_version(**dict(fields, guild_id=10))
        assert (first.version, second.version, other.version) == (1, 2, 1)
        assert [s.version for s in await store.server_scripts.latest(9)] == [2]
        assert await store.server_scripts.set_status(9, "panel", "deleted", NOW) == 2
        assert {s.status for s in await store.server_scripts.versions(9, "panel")} == {"deleted"}
        assert len(await store.server_scripts.all_versions()) == 3  # nothing is removed
