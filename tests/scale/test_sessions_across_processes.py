"""The held-session tests of tests/services/test_interview_cache.py that stand a second store
for another process, run again with both "processes" on one PostgreSQL database: a transition
made elsewhere is noticed by the version check and never overwritten, as on SQLite."""

from __future__ import annotations

import pytest
from services.test_interview_cache import (  # the same tests, collected here with PostgreSQL stores
    clock,
    library,
    test_a_refusal_on_a_copy_behind_the_database_is_checked_first,
    test_an_interview_deleted_elsewhere_is_not_served_from_memory,
    test_an_interview_ended_elsewhere_stops_taking_answers_here,
    test_another_process_writing_behind_our_back_is_noticed,
)

from bot.core.clock import ManualClock
from bot.library import TemplateLibrary
from bot.services.interviews import InterviewService
from bot.store import Store

__all__ = ["clock", "library",
           "test_a_refusal_on_a_copy_behind_the_database_is_checked_first",
           "test_an_interview_deleted_elsewhere_is_not_served_from_memory",
           "test_an_interview_ended_elsewhere_stops_taking_answers_here",
           "test_another_process_writing_behind_our_back_is_noticed"]


@pytest.fixture
async def url(postgres_url: str) -> str:
    from conftest import empty_postgres

    await empty_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def store(url: str):
    async with Store(url) as opened:
        yield opened


@pytest.fixture
def service(store: Store, library: TemplateLibrary, clock: ManualClock) -> InterviewService:
    assert store.db.dialect == "postgresql"  # these fixtures, not test_interview_cache's, are used
    return InterviewService(store, library, clock)


@pytest.fixture
async def other_process(url: str, library: TemplateLibrary, clock: ManualClock):
    async with Store(url) as opened:
        yield InterviewService(opened, library, clock)
