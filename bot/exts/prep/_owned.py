"""Controls that only their owner may use, shared by /prep and /journal.

Every persistent control carries its owner's id in its custom_id: anyone else who clicks it
(a shared tips page, or a crafted custom_id) is told it is not theirs, and nothing changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import discord

from bot.core.prep import FieldError
from bot.core.timeparse import TimeParseError
from bot.errors import UserFacingError, reply_with_error
from bot.exts._common import reply

NOT_YOURS = "This is not yours, so I left it as it was."


class OwnerOnly:
    """Mixin for `DynamicItem`s with an `owner_id`: stops anyone else, with a reason."""

    owner_id: int
    not_yours: str = NOT_YOURS

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await reply(interaction, self.not_yours)
        return False


USER_INPUT_ERRORS = (FieldError, TimeParseError)


@contextmanager
def as_user_error() -> Iterator[None]:
    """The core's complaints about typed input, shown to the user as they are."""
    try:
        yield
    except USER_INPUT_ERRORS as exc:
        raise UserFacingError(str(exc)) from exc


def _for_user(error: BaseException) -> BaseException:
    return UserFacingError(str(error)) if isinstance(error, USER_INPUT_ERRORS) else error


async def guarded(interaction: discord.Interaction, where: str,
                  action: Callable[[], Awaitable[Any]]) -> None:
    """Run a component handler; expected problems become an ephemeral message."""
    try:
        await action()
    except Exception as error:  # one place turns it into a message for the user
        await reply_with_error(interaction, _for_user(error), where=where)


class GuardedModal(discord.ui.Modal):
    """A modal whose errors reach the user (expected ones as they are, anything else with an
    error id), and nothing is saved."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await reply_with_error(interaction, _for_user(error), where=f"modal {type(self).__name__}")


def text_input(custom_id: str, label: str, *, max_length: int, default: str = "",
               required: bool = False, paragraph: bool = False,
               placeholder: str | None = None) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=custom_id, label=label[:45], max_length=max_length, required=required,
        default=default[:max_length] or None, placeholder=placeholder[:100] if placeholder else None,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short)
