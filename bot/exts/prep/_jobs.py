"""`/prep job add|list|show|match|delete` and `/prep resume`: the candidate's job descriptions and
résumé. Reading, keeping and matching are `bot.jobs`; this module takes the text (a form, or an
attached file), and draws what was read.

The paste forms are answered by their custom id (`JOB_FORM`, `RESUME_FORM`), so a form left open
across a restart still lands; a refused form hands the text back (`route_form`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import discord

from bot.core.job_fit import MapEntry
from bot.core.text import escape_discord, shorten
from bot.documents import FILE_TYPES, MAX_FILE_BYTES, supported
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, NO_MENTIONS, bot_of, embeds_for, reply
from bot.exts._ui import OwnerOnly, as_user_error, guarded, send_form, text_input
from bot.services.jobs import SavedJob, SavedResume, job_label

FORM_PART = 4000  # Discord's limit for one text input
FORM_PARTS = 3
JOB_FORM = r"jobform:(?P<owner>\d{1,20})"
RESUME_FORM = r"resumeform:(?P<owner>\d{1,20})"
NOT_YOURS = "That belongs to someone else, so I left it as it was."


class PasteModal(discord.ui.Modal):
    """Paste a job description or a résumé, in up to three parts of 4,000 characters."""

    def __init__(self, owner_id: int, *, what: str) -> None:
        job = what == "job"
        super().__init__(title="Paste a job description" if job else "Paste your résumé",
                         custom_id=f"{'jobform' if job else 'resumeform'}:{owner_id}", timeout=None)
        labels = ("The job description" if job else "Your résumé", "More of it (if it did not fit)",
                  "The rest (if it still did not fit)")
        for number, label in enumerate(labels[:FORM_PARTS], start=1):
            self.add_item(text_input(f"part{number}", label, max_length=FORM_PART, required=number == 1,
                                     paragraph=True,
                                     placeholder="Paste it all, headings and bullets included" if number == 1
                                     else None))


def _pasted(values: dict[str, str]) -> str:
    return "\n".join(values.get(f"part{n}", "") for n in range(1, FORM_PARTS + 1)).strip()


async def read_attachment(interaction: discord.Interaction, attachment: discord.Attachment) -> bytes:
    """The attachment's bytes, refused before downloading when its type or size will not do. The
    interaction is deferred before the download, which may take longer than Discord waits."""
    if not supported(attachment.filename):
        raise UserFacingError(f"I can read {', '.join(FILE_TYPES[:2])}, .pdf and .docx files; "
                              f"`{shorten(attachment.filename, 60)}` is not one of those. Nothing was saved.")
    if attachment.size > MAX_FILE_BYTES:
        raise UserFacingError(f"That file is {attachment.size / 1024 / 1024:.1f} MB; the most I read is "
                              f"{MAX_FILE_BYTES // 1024 // 1024} MB. Paste the text instead. Nothing was saved.")
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        return await attachment.read()
    except discord.HTTPException as exc:
        raise UserFacingError("Discord would not give me that file just now. Try again in a moment.") from exc


# --- drawing ------------------------------------------------------------------------------------

def _entry_lines(entries: list[MapEntry]) -> list[dict[str, Any]]:
    return [{"number": e.index + 1, "requirement": e.requirement.text, "kind": e.requirement.kind,
             "status": e.status, "story": e.story.title if e.story else ""}
            for e in sorted(entries, key=lambda e: e.index)]


def job_messages(interaction: discord.Interaction, saved: SavedJob,
                 entries: list[MapEntry]) -> list[list[discord.Embed]]:
    text = bot_of(interaction).library.render(
        "jobs/job.md.j2", job=saved.job.to_dict(), entries=_entry_lines(entries), number=saved.record.id,
        source=saved.record.source)
    return embeds_for(text, title=shorten(f"Job #{saved.record.id}", 256))


def job_view(owner_id: int, job_id: int, entries: list[MapEntry]) -> discord.ui.View | None:
    if not any(e.status == "suggested" for e in entries):
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(AcceptMatches(owner_id, job_id))
    return view


async def send_job(interaction: discord.Interaction, saved: SavedJob, *, note: str | None = None) -> None:
    entries = await bot_of(interaction).jobs.requirement_map(interaction.user.id, saved)
    pages = job_messages(interaction, saved, entries)
    view = job_view(interaction.user.id, saved.record.id, entries)
    for index, embeds in enumerate(pages):
        kwargs: dict[str, Any] = {"embeds": embeds}
        if index == len(pages) - 1 and view is not None:
            kwargs["view"] = view
        await reply(interaction, note if index == 0 else None, **kwargs)


def resume_messages(interaction: discord.Interaction, saved: SavedResume) -> list[list[discord.Embed]]:
    strongest = [{"text": text, "employer": role.employer} for role, text in saved.resume.strongest()]
    text = bot_of(interaction).library.render(
        "jobs/resume.md.j2", resume=saved.resume.to_dict(), strongest=strongest, source=saved.record.source)
    return embeds_for(text, title="Your résumé")


async def send_resume(interaction: discord.Interaction, saved: SavedResume, *, note: str | None = None) -> None:
    pages = resume_messages(interaction, saved)
    for index, embeds in enumerate(pages):
        kwargs: dict[str, Any] = {"embeds": embeds}
        if index == len(pages) - 1:
            kwargs["view"] = resume_view(interaction.user.id)
        await reply(interaction, note if index == 0 else None, **kwargs)


def resume_view(owner_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResumeButton(owner_id, "paste"))
    view.add_item(ResumeButton(owner_id, "delete"))
    return view


def list_embed(jobs: list[Any]) -> discord.Embed:
    embed = discord.Embed(title=f"Your job descriptions ({len(jobs)})", colour=COLOUR)
    if not jobs:
        embed.description = ("None yet. Add one with `/prep job add`: paste the advert, or attach it as a "
                             ".txt, .md, .pdf or .docx file.")
        return embed
    embed.description = "\n".join(f"- {escape_discord(job_label(j))}" for j in jobs) + (
        "\n\nSee one with `/prep job show`; practise against it with `/interview start job:`.")
    return embed


# --- taking a job description or résumé in -----------------------------------------------------

async def add_job(interaction: discord.Interaction, *, text: str | None = None,
                  attachment: discord.Attachment | None = None) -> None:
    """Read and keep a job description, then show what was read. Nothing is kept on a refusal."""
    data = await read_attachment(interaction, attachment) if attachment is not None else None
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    with as_user_error():
        saved = await bot_of(interaction).jobs.add_job(
            interaction.user.id, text=text, filename=attachment.filename if attachment else None, data=data)
    await send_job(interaction, saved, note="Saved. Here is what I read; check it before you practise against it.")


async def job_form_submitted(interaction: discord.Interaction, match: re.Match[str],
                             values: dict[str, str]) -> None:
    if int(match["owner"]) != interaction.user.id:
        raise UserFacingError(NOT_YOURS)
    await add_job(interaction, text=_pasted(values))


async def save_resume(interaction: discord.Interaction, *, text: str | None = None,
                      attachment: discord.Attachment | None = None) -> None:
    data = await read_attachment(interaction, attachment) if attachment is not None else None
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    with as_user_error():
        saved = await bot_of(interaction).jobs.save_resume(
            interaction.user.id, text=text, filename=attachment.filename if attachment else None, data=data)
    await send_resume(interaction, saved, note="Saved. Mock interviews will use it from now on.")


async def resume_form_submitted(interaction: discord.Interaction, match: re.Match[str],
                                values: dict[str, str]) -> None:
    if int(match["owner"]) != interaction.user.id:
        raise UserFacingError(NOT_YOURS)
    await save_resume(interaction, text=_pasted(values))


# --- the persistent buttons --------------------------------------------------------------------

class AcceptMatches(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                    template=r"prep:jobaccept:(?P<owner>\d{1,20}):(?P<job>\d{1,18})"):
    """Keep every suggested story as the choice for its requirement."""

    not_yours = NOT_YOURS

    def __init__(self, owner_id: int, job_id: int) -> None:
        super().__init__(discord.ui.Button(label="Accept the suggested stories", style=discord.ButtonStyle.success,
                                           custom_id=f"prep:jobaccept:{owner_id}:{job_id}"))
        self.owner_id, self.job_id = owner_id, job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AcceptMatches:
        return cls(int(match["owner"]), int(match["job"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "job accept", lambda: self._accept(interaction))

    async def _accept(self, interaction: discord.Interaction) -> None:
        jobs = bot_of(interaction).jobs
        with as_user_error():
            saved, accepted = await jobs.accept_suggestions(interaction.user.id, str(self.job_id))
        entries = await jobs.requirement_map(interaction.user.id, saved)
        pages = job_messages(interaction, saved, entries)
        note = f"Accepted {accepted} suggested stor{'y' if accepted == 1 else 'ies'}."
        if len(pages) == 1:  # the whole card is this message: redraw it in place
            await interaction.response.edit_message(content=note, embeds=pages[0],
                                                    view=job_view(self.owner_id, self.job_id, entries),
                                                    allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.edit_message(view=None)  # a long card: post it again, whole
        await send_job(interaction, saved, note=note)


RESUME_CONFIRM_FOR = timedelta(minutes=10)
_RESUME_BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "paste": ("Paste a new one", discord.ButtonStyle.secondary),
    "delete": ("Delete it", discord.ButtonStyle.danger),
    "confirm": ("Yes, delete my résumé", discord.ButtonStyle.danger),
    "keep": ("Keep it", discord.ButtonStyle.secondary),
}


class ResumeButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=r"prep:resume:(?P<owner>\d{1,20}):(?P<action>paste|delete|confirm|keep)"
                            r"(?::(?P<until>\d{1,12}))?"):
    """Paste a new résumé (replacing the one kept), or delete it: "Delete it" only asks, and
    "Yes, delete my résumé" deletes within ten minutes of the asking (an older one says it
    expired and deletes nothing). Persistent, so the buttons answer after a restart too."""

    not_yours = NOT_YOURS

    def __init__(self, owner_id: int, action: str, until: int = 0) -> None:
        label, style = _RESUME_BUTTONS[action]
        custom_id = f"prep:resume:{owner_id}:{action}" + (f":{until}" if action == "confirm" else "")
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.owner_id, self.action, self.until = owner_id, action, until

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ResumeButton:
        return cls(int(match["owner"]), match["action"], int(match["until"] or 0))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"resume {self.action}", lambda: self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if self.action == "paste":
            await send_form(interaction, PasteModal(self.owner_id, what="resume"))
        elif self.action == "delete":
            until = int((bot.clock.now() + RESUME_CONFIRM_FOR).timestamp())
            await interaction.response.edit_message(
                content="Delete your résumé? New mock interviews will stop using it, and it cannot be undone.",
                view=resume_confirm_view(self.owner_id, until), allowed_mentions=NO_MENTIONS)
        elif self.action == "keep":
            await interaction.response.edit_message(content="Kept your résumé; nothing was deleted.",
                                                    view=resume_view(self.owner_id))
        elif bot.clock.now().timestamp() > self.until:
            await interaction.response.edit_message(
                content="This confirmation has expired, so nothing was deleted. Press **Delete it** again "
                        "if you still want to.", view=resume_view(self.owner_id))
        else:
            deleted = await bot.jobs.delete_resume(interaction.user.id)
            await interaction.response.edit_message(
                content="Deleted your résumé." if deleted else "Your résumé was already gone.", embeds=[],
                view=None)


def resume_confirm_view(owner_id: int, until: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResumeButton(owner_id, "confirm", until))
    view.add_item(ResumeButton(owner_id, "keep"))
    return view
