"""Fields people type: trimmed, refused when empty or too long, and fitted into an embed."""

from __future__ import annotations

import pytest

from bot.core.fields import FieldError, clean_field, clean_single_line, fit_lines


def test_fields_are_trimmed_and_refused_when_empty_or_too_long() -> None:
    assert clean_single_line("  Acme \n Corp ", "company", limit=100, required=True) == "Acme Corp"
    assert clean_field("line one  \n line two", "notes", limit=100) == "line one\n line two"
    with pytest.raises(FieldError, match="The company cannot be empty"):
        clean_single_line("   ", "company", limit=100, required=True)
    with pytest.raises(FieldError, match="101 characters long; the most I can keep is 100"):
        clean_field("x" * 101, "role", limit=100)
    assert clean_field(None, "role", limit=10) == ""


def test_lines_that_do_not_fit_fall_back_to_their_compact_form() -> None:
    assert fit_lines(["one", "two"], ["1", "2"]) == "one\ntwo"
    assert fit_lines(["x" * 30, "y" * 30], ["x", "y"], limit=50) == "x\ny"
