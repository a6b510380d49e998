"""The shared record card and pager in bot/exts/_ui.py: what goes into their custom_ids, and
how a feature's registration wires them to the bot. Journal entries and STAR stories are the
kinds on the card; tips, questions and the journal list are on the pager."""

from __future__ import annotations

from typing import Any

import pytest

from bot.exts import _ui
from bot.exts._ui import (
    CUSTOM_ID_LIMIT,
    NOT_YOURS,
    PageButton,
    RecordButton,
    page_buttons,
    record_card,
    register_pages,
    register_record_kind,
    unregister_pages,
    unregister_record_kind,
)
from bot.exts.journal._views import ENTRY_CARD, PAGES
from bot.exts.journal._views import NOT_YOURS as NOT_YOUR_ENTRY
from bot.exts.prep._stories import NOT_YOUR_STORY, STORY_CARD
from bot.exts.prep._tips import NOT_YOUR_TIPS, TIP_PAGES

OWNER = 12345678901234567890  # 20 digits, longer than any Discord id today


class DynamicItemsOf:
    """Stands in for the bot: which dynamic items are registered with it."""

    def __init__(self) -> None:
        self.items: set[type[Any]] = set()

    def add_dynamic_items(self, *items: type[Any]) -> None:
        self.items.update(items)

    def remove_dynamic_items(self, *items: type[Any]) -> None:
        self.items.difference_update(items)


@pytest.fixture(autouse=True)
def no_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no kinds and no pages registered (and leaves others' alone)."""
    monkeypatch.setattr(_ui, "_KINDS", {})
    monkeypatch.setattr(_ui, "_PAGES", {})


def custom_ids(view: Any) -> list[str]:
    return [item.custom_id for item in view.children]


def test_a_card_carries_kind_owner_record_and_action() -> None:
    register_record_kind(DynamicItemsOf(), ENTRY_CARD)
    view = record_card(ENTRY_CARD, OWNER, 42)
    assert custom_ids(view) == [f"card:journal:{OWNER}:42:{action}"
                                for action in ("edit", "delete", "list")]
    assert [item.item.label for item in view.children] == ["Edit", "Delete", "All entries"]
    asked = record_card(ENTRY_CARD, OWNER, 42, confirm=True)
    assert custom_ids(asked) == [f"card:journal:{OWNER}:42:confirm", f"card:journal:{OWNER}:42:keep"]
    assert [item.item.label for item in asked.children] == ["Yes, delete it", "Keep it"]
    assert all(len(c) <= CUSTOM_ID_LIMIT for c in custom_ids(view) + custom_ids(asked))
    for custom_id in custom_ids(view) + custom_ids(asked):
        assert RecordButton.__discord_ui_compiled_template__.fullmatch(custom_id)


def test_each_kind_says_whose_record_it_is() -> None:
    bot = DynamicItemsOf()
    register_record_kind(bot, ENTRY_CARD)
    register_record_kind(bot, STORY_CARD)
    assert RecordButton("journal", OWNER, 1, "edit").not_yours == NOT_YOUR_ENTRY
    assert RecordButton("story", OWNER, 1, "delete").not_yours == NOT_YOUR_STORY
    assert RecordButton("story", OWNER, 1, "list").item.label == "All stories"
    assert RecordButton("unknown", OWNER, 1, "edit").not_yours == NOT_YOURS


def test_the_card_buttons_stay_registered_while_any_kind_is() -> None:
    bot = DynamicItemsOf()
    register_record_kind(bot, ENTRY_CARD)
    register_record_kind(bot, STORY_CARD)
    assert bot.items == {RecordButton}
    unregister_record_kind(bot, ENTRY_CARD)  # e.g. the journal extension reloading
    assert bot.items == {RecordButton} and set(_ui._KINDS) == {"story"}
    register_record_kind(bot, ENTRY_CARD)
    unregister_record_kind(bot, ENTRY_CARD)
    unregister_record_kind(bot, STORY_CARD)
    assert bot.items == set() and _ui._KINDS == {}


def test_a_stale_unregistration_leaves_a_newer_registration_alone() -> None:
    old_bot, new_bot = DynamicItemsOf(), DynamicItemsOf()
    register_record_kind(old_bot, ENTRY_CARD)
    newer = type(ENTRY_CARD)()
    register_record_kind(new_bot, newer)
    unregister_record_kind(old_bot, ENTRY_CARD)
    assert set(_ui._KINDS) == {"journal"} and _ui._KINDS["journal"] is newer


def test_a_kind_name_must_fit_a_custom_id() -> None:
    class Odd(type(ENTRY_CARD)):  # type: ignore[misc]
        name = "Not A Name"

    with pytest.raises(ValueError, match="cannot go in a custom_id"):
        register_record_kind(DynamicItemsOf(), Odd())


async def _draw(*args: object) -> tuple[Any, None]:
    raise AssertionError("not drawn in these tests")


def test_pages_refuse_others_with_the_features_own_words() -> None:
    register_pages(TIP_PAGES, _draw, not_yours=NOT_YOUR_TIPS)
    register_pages(PAGES, _draw)
    assert PageButton(TIP_PAGES, OWNER, 0, "next", "final.star_method").not_yours == NOT_YOUR_TIPS
    assert PageButton(PAGES, OWNER, 0, "next").not_yours == NOT_YOURS
    unregister_pages(TIP_PAGES)
    assert PageButton(TIP_PAGES, OWNER, 0, "next").not_yours == NOT_YOURS


def test_a_tip_page_argument_fits_the_pager_even_for_the_longest_topic_id() -> None:
    longest = "second_round." + "t" * 40  # a stage and a topic id at its limit
    buttons = page_buttons(TIP_PAGES, OWNER, 999_999, 1_000_000, longest)
    assert [b.action for b in buttons] == ["prev", "next"]
    assert all(len(b.custom_id) <= CUSTOM_ID_LIMIT for b in buttons)
    assert buttons[1].item.disabled and not buttons[0].item.disabled
    assert page_buttons(TIP_PAGES, OWNER, 0, 1, longest) == []
    with pytest.raises(ValueError, match="cannot go in a custom_id"):
        page_buttons(TIP_PAGES, OWNER, 0, 2, "has spaces")
    with pytest.raises(ValueError, match="over Discord's limit"):
        page_buttons("a_long_feature_name_", OWNER, 999_999, 1_000_000, "x" * 60)
