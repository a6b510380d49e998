"""Helpers shared by the integration tests (not a test module)."""

from __future__ import annotations

from bot.errors import UserFacingError


def refusals(env) -> list[str]:
    """Every refusal our commands raised so far in the test (UserFacingError, shown to the
    user). simcord records every command error; reading them here acknowledges these expected
    ones, and any other error fails the test."""
    messages = []
    for error in env.errors:
        original = getattr(error, "original", None) or error
        assert isinstance(original, UserFacingError), repr(error)
        messages.append(str(original))
    return messages

