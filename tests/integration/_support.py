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


async def settle_until(env, check, *, rounds: int = 200) -> None:
    """Settle simcord again and again until `check()` holds; fail after `rounds` settles.

    `env.settle()` joins the bot's own work, but not what is still on the wire from another
    server: a PostgreSQL NOTIFY, say, reaches the listening connection some milliseconds after
    the writer's commit, and on a loaded machine that can be after one settle has returned.
    Each settle waits for a short idle window, so this is bounded (about 10 s at most)."""
    for _ in range(rounds):
        if check():
            return
        await env.settle()
    assert check(), f"the condition never held after {rounds} settles"
