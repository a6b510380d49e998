"""The preparation time of a case or presentation exercise: how long the candidate asked for,
when it runs out, and how that is said. Pure: the deadline is the brief's stored asking time plus
the minutes stored in the session's context, so it survives any restart without a timer of its
own."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clock import ensure_aware

DEFAULT_MINUTES = 10
MIN_MINUTES = 1
MAX_MINUTES = 25  # real exercises allow longer; this keeps it inside one sitting (and the 30-minute idle pause)


class PreparationError(ValueError):
    """A preparation time that cannot be used; the message is written for the candidate."""


def check_minutes(value: object, *, limit: int = MAX_MINUTES) -> int:
    """The preparation time asked for, in whole minutes from 1 to `limit` (None: the default).
    Anything else (0, -5, 600, "soon", 2.5) is refused with a friendly PreparationError."""
    limit = max(MIN_MINUTES, min(limit, MAX_MINUTES))
    if value is None or value == "":
        return min(DEFAULT_MINUTES, limit)
    if isinstance(value, bool):
        raise PreparationError("Give the preparation time as a number of minutes.")
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("minutes").removesuffix("mins").removesuffix("min")
        text = text.strip()
        if not (text.isascii() and text.isdigit()):  # "¹" and "٣" are digits to isdigit, not to int
            raise PreparationError(f"Give the preparation time as whole minutes, from {MIN_MINUTES} to {limit}.")
        value = int(text)
    if isinstance(value, float):
        if not value.is_integer():
            raise PreparationError(f"Give the preparation time as whole minutes, from {MIN_MINUTES} to {limit}.")
        value = int(value)
    if not isinstance(value, int) or not MIN_MINUTES <= value <= limit:
        raise PreparationError(f"The preparation time must be from {MIN_MINUTES} to {limit} minutes "
                               f"(you gave {value}).")
    return value


def ready_by(asked_at: datetime, minutes: int) -> datetime:
    """When the preparation time given at `asked_at` runs out."""
    return ensure_aware(asked_at) + timedelta(minutes=minutes)


def is_over(now: datetime, deadline: datetime) -> bool:
    return ensure_aware(now) >= ensure_aware(deadline)


def time_left(now: datetime, deadline: datetime) -> str:
    """'7 minutes left', '40 seconds left' or 'time is up', for the terminal."""
    seconds = int((ensure_aware(deadline) - ensure_aware(now)).total_seconds())
    if seconds <= 0:
        return "time is up"
    if seconds < 90:
        return f"{seconds} seconds left"
    minutes = round(seconds / 60)
    return f"{minutes} minutes left"
