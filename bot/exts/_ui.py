"""UI pieces every feature shares: owner-checked controls, one pager, one record card,
guarded handlers.

Every persistent control carries its owner's id in its custom_id: anyone else who clicks it
(a shared tips page, or a crafted custom_id) is told it is not theirs, and nothing changes.

The pager: a feature registers how to draw page N of one of its lists (`register_pages`), and
puts `page_buttons(...)` on the message. The buttons are persistent (they carry the feature,
the owner, the page and one short argument in their custom_id), so Previous/Next keep working
after a restart and the list is read again on every click rather than held in memory.

The record card: one of the user's own records (a journal entry, a STAR story) as an embed
with Edit, Delete (which asks first) and back-to-the-list buttons. A feature registers a
`RecordKind` saying how to load, draw, edit and delete its records (`register_record_kind`),
and puts `record_card(kind, owner, record id)` on the message; the buttons carry kind, owner,
record id and action in their custom_id, so they too work after a restart."""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.document_text import DocumentError
from bot.core.fields import FieldError
from bot.core.timeparse import TimeParseError
from bot.errors import UserFacingError, reply_with_error
from bot.exts._common import NO_MENTIONS, reply

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


USER_INPUT_ERRORS = (FieldError, TimeParseError, DocumentError)


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


def text_input(custom_id: str, label: str, *, max_length: int, default: str = "",
               required: bool = False, paragraph: bool = False,
               placeholder: str | None = None) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=custom_id, label=label[:45], max_length=max_length, required=required,
        default=default[:max_length] or None, placeholder=placeholder[:100] if placeholder else None,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short)


# --------------------------------------------------------------------------- the pager

PageRenderer = Callable[[discord.Interaction, int, int, str],
                        Awaitable[tuple[discord.Embed, discord.ui.View | None]]]
"""(interaction, owner id, page, argument) -> the page's embed and view (its own buttons included)."""


@dataclass(frozen=True, slots=True)
class _Pages:
    renderer: PageRenderer
    not_yours: str


_PAGES: dict[str, _Pages] = {}
PAGE_ARGUMENT = re.compile(r"^[A-Za-z0-9_.-]{0,60}$")
CUSTOM_ID_LIMIT = 100  # Discord's


def register_pages(feature: str, renderer: PageRenderer, *, not_yours: str = NOT_YOURS) -> None:
    """Say how one feature draws its pages (called when its extension loads), and what to
    tell someone else who clicks them."""
    _PAGES[feature] = _Pages(renderer, not_yours)


def unregister_pages(feature: str) -> None:
    _PAGES.pop(feature, None)


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def clamp_page(page: int, pages: int) -> int:
    return max(0, min(page, pages - 1))


class PageButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                 template=r"page:(?P<feature>[a-z_]{1,20}):(?P<owner>\d{1,20}):(?P<page>\d{1,6}):"
                          r"(?P<action>prev|next):(?P<arg>[A-Za-z0-9_.-]{0,60})"):
    """Previous / Next for any registered list; the target page is worked out on click."""

    def __init__(self, feature: str, owner_id: int, page: int, action: str, arg: str = "") -> None:
        super().__init__(discord.ui.Button(
            label="Previous" if action == "prev" else "Next",
            emoji="◀️" if action == "prev" else "▶️", style=discord.ButtonStyle.secondary,
            custom_id=f"page:{feature}:{owner_id}:{page}:{action}:{arg}"))
        self.feature, self.owner_id, self.page, self.action, self.arg = feature, owner_id, page, action, arg

    @property
    def not_yours(self) -> str:  # type: ignore[override]
        pages = _PAGES.get(self.feature)
        return pages.not_yours if pages else NOT_YOURS

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PageButton:
        return cls(match["feature"], int(match["owner"]), int(match["page"]), match["action"],
                   match["arg"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"{self.feature} page", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        pages = _PAGES.get(self.feature)
        if pages is None:
            raise UserFacingError("This list is not available right now; run its command again.")
        target = max(0, self.page + (1 if self.action == "next" else -1))
        embed, view = await pages.renderer(interaction, self.owner_id, target, self.arg)
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
        if len(button.custom_id) > CUSTOM_ID_LIMIT:
            raise ValueError(f"page custom_id {button.custom_id!r} is over Discord's limit")
        button.item.disabled = (action == "prev" and page <= 0) or (action == "next" and page >= pages - 1)
        if row is not None:
            button.item.row = row
        buttons.append(button)
    return buttons


# --------------------------------------------------------------------------- the record card

@dataclass(frozen=True, slots=True)
class CardReply:
    """What a card's message shows after an action (None clears that part)."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None


class RecordKind(ABC):
    """One kind of record on the shared card: how to load, draw, edit and delete it, and the
    words around it. Subclass it per kind and register an instance when the feature loads."""

    name: str  # in the custom_id: lowercase letters and _
    not_yours: str = NOT_YOURS
    gone: str = "That is no longer there."
    list_label: str = "All"

    @abstractmethod
    async def load(self, interaction: discord.Interaction, record_id: int) -> Any | None:
        """The clicker's record with this id, or None (gone, or never theirs)."""

    @abstractmethod
    def draw(self, record: Any) -> discord.Embed:
        """The record as the card's embed."""

    @abstractmethod
    def confirm_delete(self, record: Any) -> str:
        """The question above the card before deleting it."""

    @abstractmethod
    async def edit(self, interaction: discord.Interaction, record: Any) -> None:
        """Respond with the form that edits the record."""

    @abstractmethod
    async def delete(self, interaction: discord.Interaction, record: Any) -> CardReply | None:
        """Delete the record and say what the message shows now; None when it was gone."""

    @abstractmethod
    async def listing(self, interaction: discord.Interaction) -> CardReply:
        """The list of the clicker's records, which the back button returns to."""


_KINDS: dict[str, RecordKind] = {}
RECORD_KIND_NAME = re.compile(r"^[a-z_]{1,20}$")


def register_record_kind(bot: discord.Client, kind: RecordKind) -> None:
    """Make cards of this kind work (called when its extension loads): the card buttons are
    one persistent item for every kind, registered with the bot while any kind is."""
    if not RECORD_KIND_NAME.match(kind.name):
        raise ValueError(f"record kind {kind.name!r} cannot go in a custom_id")
    _KINDS[kind.name] = kind
    bot.add_dynamic_items(RecordButton)


def unregister_record_kind(bot: discord.Client, kind: RecordKind) -> None:
    if _KINDS.get(kind.name) is kind:
        del _KINDS[kind.name]
    if not _KINDS:
        bot.remove_dynamic_items(RecordButton)


CARD_ACTIONS = ("edit", "delete", "list", "confirm", "keep")
_CARD_BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "edit": ("Edit", discord.ButtonStyle.primary),
    "delete": ("Delete", discord.ButtonStyle.danger),
    "confirm": ("Yes, delete it", discord.ButtonStyle.danger),
    "keep": ("Keep it", discord.ButtonStyle.secondary),
}


class RecordButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=r"card:(?P<kind>[a-z_]{1,20}):(?P<owner>\d{1,20}):(?P<record>\d{1,20}):"
                            r"(?P<action>edit|delete|list|confirm|keep)"):
    """One button on a record card: `card:<kind>:<owner id>:<record id>:<action>`."""

    def __init__(self, kind: str, owner_id: int, record_id: int, action: str) -> None:
        registered = _KINDS.get(kind)
        label, style = _CARD_BUTTONS.get(action) or (
            registered.list_label if registered else "All", discord.ButtonStyle.secondary)
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"card:{kind}:{owner_id}:{record_id}:{action}"))
        self.kind, self.owner_id, self.record_id, self.action = kind, owner_id, record_id, action

    @property
    def not_yours(self) -> str:  # type: ignore[override]
        kind = _KINDS.get(self.kind)
        return kind.not_yours if kind else NOT_YOURS

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> RecordButton:
        return cls(match["kind"], int(match["owner"]), int(match["record"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"{self.kind} card {self.action}", lambda: self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        kind = _KINDS.get(self.kind)
        if kind is None:
            raise UserFacingError("This is not available right now; run its command again.")
        if self.action == "list":
            await _show(interaction, await kind.listing(interaction))
            return
        record = await kind.load(interaction, self.record_id)
        if record is None:
            raise UserFacingError(kind.gone)
        if self.action == "edit":
            await kind.edit(interaction, record)
        elif self.action == "delete":
            await _show(interaction, CardReply(kind.confirm_delete(record), kind.draw(record),
                                               record_card(kind, self.owner_id, self.record_id,
                                                           confirm=True)))
        elif self.action == "confirm":
            after = await kind.delete(interaction, record)
            if after is None:
                raise UserFacingError(kind.gone)
            await _show(interaction, after)
        else:  # keep
            await _show(interaction, CardReply(None, kind.draw(record),
                                               record_card(kind, self.owner_id, self.record_id)))


async def _show(interaction: discord.Interaction, shown: CardReply) -> None:
    await interaction.response.edit_message(content=shown.content, embed=shown.embed,
                                            view=shown.view, allowed_mentions=NO_MENTIONS)


def record_card(kind: RecordKind, owner_id: int, record_id: int, *,
                confirm: bool = False) -> discord.ui.View:
    """The card's buttons: Edit, Delete and the way back to the list; or, once Delete was
    clicked, "Yes, delete it" and "Keep it"."""
    view = discord.ui.View(timeout=None)
    for action in (("confirm", "keep") if confirm else ("edit", "delete", "list")):
        view.add_item(RecordButton(kind.name, owner_id, record_id, action))
    return view


# --------------------------------------------------------------------------- forms that survive restarts

FormHandler = Callable[[discord.Interaction, "re.Match[str]", dict[str, str]], Awaitable[None]]
_FORMS: dict[str, tuple[re.Pattern[str], FormHandler]] = {}


def register_form(name: str, custom_id: str, handler: FormHandler) -> None:
    """Route submissions of modals whose custom_id matches `custom_id` (a regex) to `handler`,
    with the typed values by input custom_id. Registered when the feature loads."""
    _FORMS[name] = (re.compile(custom_id), handler)


def unregister_form(name: str) -> None:
    _FORMS.pop(name, None)


async def send_form(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    """Show a modal whose submission is routed by its custom_id (`route_form`), not by the modal
    object: discord.py forgets modals on restart, so a form left open across one would
    otherwise be lost when the user submits it."""
    await interaction.response.send_modal(modal)
    modal.stop()  # the in-memory copy never answers; route_form always does


def form_values(interaction: discord.Interaction) -> dict[str, str]:
    """What the user typed in a submitted modal, by text input custom_id."""
    values: dict[str, str] = {}
    data = interaction.data or {}
    for row in data.get("components", []) or []:  # type: ignore[union-attr]
        for component in [row.get("component", row), *row.get("components", [])]:
            if isinstance(component, dict) and "custom_id" in component and "value" in component:
                values[str(component["custom_id"])] = str(component["value"] or "")
    return values


async def route_form(interaction: discord.Interaction) -> bool:
    """Handle a modal submission by a registered form; True when one took it."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    for name, (pattern, handler) in _FORMS.items():
        match = pattern.fullmatch(custom_id)
        if match is None:
            continue
        values = form_values(interaction)
        try:
            await handler(interaction, match, values)
        except Exception as error:  # refused or failed: say why, and hand the text back
            await reply_with_error(interaction, _for_user(error), where=f"form {name}")
            await give_back_form(interaction, values)
        return True
    return False


async def give_back_form(interaction: discord.Interaction, values: dict[str, str]) -> None:
    """After a form was refused: what the user typed in it, as a file, so nothing is lost."""
    typed = "\n\n".join(f"{key}:\n{value}" for key, value in values.items() if value.strip())
    if not typed:
        return
    try:
        await reply(interaction, "So nothing you wrote is lost, here it is:",
                    file=discord.File(io.BytesIO(typed.encode("utf-8")), filename="what-you-wrote.txt"))
    except discord.HTTPException:
        pass  # the refusal itself was shown; nothing more can be done here
