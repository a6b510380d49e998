"""Kept only for `bot/exts/_nudges.py`, which reads `prep.parse_checklist`,
`prep.checklist_key` and `prep.PrepContentError`. The prep rules live in their own modules
now (tips, questions_to_ask, checklists, journal, fields, prep_content); import from those."""

from __future__ import annotations

from bot.core.checklists import checklist_key, parse_checklist
from bot.core.prep_content import PrepContentError

__all__ = ["PrepContentError", "checklist_key", "parse_checklist"]
