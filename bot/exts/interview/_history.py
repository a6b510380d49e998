"""`/interview history`: the user's past interviews, a page at a time, with their score trends,
the questions still weak after practice, and the progress chart (a PNG, on the first page).
Pages come from the database on every click (the shared pager), so nothing is held in memory and
the buttons keep working after a restart."""

from __future__ import annotations

import discord

from bot.core.interview import STATUS_WORDS
from bot.core.progress import QuestionBest
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.exts._common import bot_of
from bot.exts._ui import clamp_page, page_buttons, page_count

HISTORY_PAGES = "history"
PER_PAGE = 5
CHART_FILE = "progress.png"


def weak_lines(weak: list[QuestionBest]) -> str:
    """Questions practised again whose best is still under 70 (their text was made Discord-safe
    when it was asked)."""
    lines = []
    for q in weak:
        text = shorten(q.question_text, 90).rstrip("\\")
        lines.append(f"• {text} · best {round(q.best_score * 100)}/100 after {q.attempts} attempts")
    return "\n".join(lines)[:1024]


async def history_page(interaction: discord.Interaction, owner_id: int, page: int,
                       arg: str = "") -> tuple[discord.Embed, discord.ui.View]:
    interviews = bot_of(interaction).interviews
    sessions, total = await interviews.history_page(owner_id, page, PER_PAGE)
    pages = page_count(total, PER_PAGE)
    if page >= pages and total:  # the list shrank since this page was shown
        page = clamp_page(page, pages)
        sessions, total = await interviews.history_page(owner_id, page, PER_PAGE)
    lines = []
    for s in sessions:
        overall = (s.report or {}).get("overall")
        score = f"**{round(overall * 100)}/100**" if overall is not None else STATUS_WORDS.get(s.status, s.status)
        lines.append(f"`#{s.id}` {discord_timestamp(s.created_at, 'D')} · {escape_discord(interviews.title(s))} · "
                     f"{escape_discord(s.context.get('company', ''))} · {score}")
    embed = discord.Embed(title="Your mock interviews",
                          description="\n".join(lines)[:4096] or "No interviews on this page.",
                          colour=discord.Colour.blurple())
    trends, finished = await interviews.score_trends(owner_id)
    if trends:
        rows = [f"{t.label}: `{t.sparkline}` {'+' if t.change >= 0 else ''}{t.change}" for t in trends]
        embed.add_field(name="Trend (oldest → newest)", value="\n".join(rows)[:1024], inline=False)
    elif finished == 1:
        embed.add_field(name="Trend (oldest → newest)", value="Finish two interviews to see your trend.",
                        inline=False)
    weak = await bot_of(interaction).progress.still_weak(owner_id)
    if weak:
        embed.add_field(name="Still weak after practice", value=weak_lines(weak), inline=False)
    noun = "interview" if total == 1 else "interviews"
    embed.set_footer(text=f"Page {page + 1} of {pages} · {total} {noun} · "
                          "/interview report shows any of them again")
    view = discord.ui.View(timeout=None)
    for button in page_buttons(HISTORY_PAGES, owner_id, page, pages):
        view.add_item(button)
    return embed, view
