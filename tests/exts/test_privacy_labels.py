"""`/privacy delete` names what it deleted in words: every table export and delete cover has a label."""

from __future__ import annotations

from bot.exts.privacy import TABLE_LABELS, table_label
from bot.store import _USER_TABLES


def test_every_table_the_privacy_commands_cover_has_a_label() -> None:
    missing = sorted(set(_USER_TABLES) - set(TABLE_LABELS))
    assert missing == [], f"add a label in bot/exts/privacy.py for {missing}"
    for table in _USER_TABLES:
        for count in (1, 2):
            text = table_label(table, count)
            assert table not in text or "_" not in table, text
            assert "_" not in text


def test_labels_agree_with_the_count() -> None:
    assert table_label("journal_entries", 1) == "1 journal entry"
    assert table_label("journal_entries", 3) == "3 journal entries"
    assert table_label("users", 1) == "1 settings record"
    assert table_label("some_new_table", 2) == "2 some new table"  # never a raw name, even unlabelled
