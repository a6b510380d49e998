"""UI pieces every feature shares: owner-checked controls, one pager, guarded handlers.

Every persistent control carries its owner's id in its custom_id: anyone else who clicks it
(a shared tips page, or a crafted custom_id) is told it is not theirs, and nothing changes.

The pager: a feature registers how to draw page N of one of its lists (`register_pages`), and
puts `page_buttons(...)` on the message. The buttons are persistent (they carry the feature,
the owner, the page and one short argument in their custom_id), so Previous/Next keep working
after a restart and the list is read again on every click rather than held in memory."""

from __future__ import annotations

import re
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


# --------------------------------------------------------------------------- the pager

PageRenderer = Callable[[discord.Interaction, int, int, str], Awaitable[tuple[discord.Embed, discord.ui.View]]]
"""(interaction, owner id, page, argument) -> the page's embed and view (its own buttons included)."""
_PAGES: dict[str, PageRenderer] = {}
PAGE_ARGUMENT = re.compile(r"^[A-Za-z0-9_.-]{0,40}$")


def register_pages(feature: str, renderer: PageRenderer) -> None:
    """Say how one feature draws its pages (called when its extension loads)."""
    _PAGES[feature] = renderer


def unregister_pages(feature: str) -> None:
    _PAGES.pop(feature, None)


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def clamp_page(page: int, pages: int) -> int:
    return max(0, min(page, pages - 1))


class PageButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                 template=r"page:(?P<feature>[a-z_]{1,20}):(?P<owner>\d{1,20}):(?P<page>\d{1,6}):"
                          r"(?P<action>prev|next):(?P<arg>[A-Za-z0-9_.-]{0,40})"):
    """Previous / Next for any registered list; the target page is worked out on click."""

    def __init__(self, feature: str, owner_id: int, page: int, action: str, arg: str = "") -> None:
        super().__init__(discord.ui.Button(
            label="Previous" if action == "prev" else "Next",
            emoji="◀️" if action == "prev" else "▶️", style=discord.ButtonStyle.secondary,
            custom_id=f"page:{feature}:{owner_id}:{page}:{action}:{arg}"))
        self.feature, self.owner_id, self.page, self.action, self.arg = feature, owner_id, page, action, arg

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PageButton:
        return cls(match["feature"], int(match["owner"]), int(match["page"]), match["action"],
                   match["arg"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"{self.feature} page", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        renderer = _PAGES.get(self.feature)
        if renderer is None:
            raise UserFacingError("This list is not available right now; run its command again.")
        target = max(0, self.page + (1 if self.action == "next" else -1))
        embed, view = await renderer(interaction, self.owner_id, target, self.arg)
        await interaction.response.edit_message(embed=embed, view=view)


def page_buttons(feature: str, owner_id: int, page: int, pages: int, arg: str = "", *,
                 row: int | None = None) -> list[PageButton]:
    """Previous and Next for page `page` of `pages` (none when everything fits on one page)."""
    if pages <= 1:
        return []
    if not PAGE_ARGUMENT.match(arg):
        raise ValueError(f"page argument {arg!r} cannot go in a custom_id")
    buttons = []
    for action in ("prev", "next"):
        button = PageButton(feature, owner_id, page, action, arg)
        button.item.disabled = (action == "prev" and page <= 0) or (action == "next" and page >= pages - 1)
        if row is not None:
            button.item.row = row
        buttons.append(button)
    return buttons
