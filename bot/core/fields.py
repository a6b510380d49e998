"""Fields people type (into the journal, a STAR story, a checklist): trimming, limits, and
fitting their text into an embed. Pure."""

from __future__ import annotations

from collections.abc import Sequence


class FieldError(ValueError):
    """A value someone typed cannot be used; the message says which and why."""


def clean_field(value: str | None, label: str, *, limit: int, required: bool = False) -> str:
    """Trim a typed value; refuse it when required and empty, or longer than `limit`."""
    text = (value or "").strip()
    text = "\n".join(line.rstrip() for line in text.splitlines())
    if required and not text:
        raise FieldError(f"The {label} cannot be empty.")
    if len(text) > limit:
        raise FieldError(f"The {label} is {len(text)} characters long; the most I can keep is "
                         f"{limit}. Please shorten it.")
    return text


def clean_single_line(value: str | None, label: str, *, limit: int,
                      required: bool = False) -> str:
    """`clean_field`, with every run of whitespace (newlines too) as one space."""
    return " ".join(clean_field(value, label, limit=limit, required=required).split())


def fit_lines(lines: Sequence[str], compact: Sequence[str], limit: int = 3800) -> str:
    """`lines` joined, or the `compact` ones when user text (which can double in length once
    escaped for Discord) makes them too long for one embed."""
    text = "\n".join(lines)
    return text if len(text) <= limit else "\n".join(compact)
