"""The progress chart, drawn as a PNG: the one place charts are drawn.

Drawn with Pillow (PIL): a light, headless imaging library (about 7 MB installed, imported in
about 30 ms), instead of a plotting package that would bring numpy and fonts along (matplotlib:
about 120 MB with its dependencies, 0.5-0.8 s to import). Pillow is imported inside `render`,
so the bot's start-up does not pay for it until a chart is drawn. Rendering is CPU work: callers
on the event loop run it in a worker thread (`asyncio.to_thread`).

The chart is a card with its own background, so it reads the same in Discord's dark and light
themes; it is 800 pixels wide with large type, so it is still legible on a phone, where Discord
shows it at about half size. Colours follow the Okabe-Ito palette (safe for colour blindness),
and a dimension's change is shown with ▲/▼ as well as colour."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.progress import ChartSeries, ProgressChart

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

WIDTH = 800
PAD = 28
MAX_BYTES = 10 * 1024 * 1024  # Discord's attachment limit for a bot (10 MiB)
BACKGROUND = (30, 33, 40)
PANEL = (39, 43, 52)
TEXT = (236, 238, 241)
MUTED = (160, 166, 176)
GRID = (66, 72, 84)
LINE = (236, 238, 241)
UP = (110, 214, 140)
DOWN = (255, 150, 110)
SCRIPT_COLOURS = ((86, 180, 233), (230, 159, 0), (0, 158, 115), (240, 228, 66), (204, 121, 167),
                  (213, 94, 0))
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
# The dimensions' names as the chart shows them: short enough for half the width of a phone.
SHORT_LABELS = {"structure": "Structure", "specificity": "Specifics", "concision": "Concision",
                "confidence": "Confidence", "alignment": "Company fit", "relevance": "On the question",
                "composure": "Tone", "questions": "Your questions"}
# Fonts tried, in order, for a script title with letters DejaVu has no glyph for (CJK above
# all): Noto CJK and other common fallbacks on Linux, macOS and Windows, then whatever fontconfig
# (`fc-match`) names for the missing letters. A letter no font here has is drawn as "?", never as
# an empty box; a title with nothing readable left is shown by its script id.
FALLBACK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/YuGothM.ttc",
    "C:/Windows/Fonts/malgun.ttf",
)
STAND_IN = "?"
_NO_SUCH_LETTER = "\U000F0000"  # private use: no font draws it, so it shows the font's "missing" box
_fonts: dict[tuple[bool, int], Any] = {}
_fallbacks: dict[tuple[str, int], Any] = {}
_boxes: dict[int, tuple[tuple[int, int], bytes]] = {}
_fc_found: dict[str, str | None] = {}


def _font(size: int, *, bold: bool = False) -> FreeTypeFont:
    """DejaVu Sans where the system has it (wide Unicode coverage), else Pillow's own font."""
    from PIL import ImageFont

    key = (bold, size)
    if key not in _fonts:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        for folder in FONT_DIRS:
            if (folder / name).exists():
                _fonts[key] = ImageFont.truetype(str(folder / name), size)
                break
        else:
            _fonts[key] = ImageFont.load_default(size)
    return _fonts[key]  # type: ignore[no-any-return]


def has_glyph(font: FreeTypeFont, char: str) -> bool:
    """Whether `font` draws `char` as itself rather than its "missing letter" box: the box is
    what it draws for a letter no font has, so a letter drawn exactly like it is missing."""
    if char.isspace() or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return True
    key = id(font)
    if key not in _boxes:
        box = font.getmask(_NO_SUCH_LETTER)
        _boxes[key] = (box.size, bytes(box))
    mask = font.getmask(char)
    return (mask.size, bytes(mask)) != _boxes[key]


def _fc_match(chars: str) -> str | None:
    """The font file fontconfig picks for these letters, if fontconfig is installed."""
    if chars not in _fc_found:
        _fc_found[chars] = None
        if shutil.which("fc-match"):
            charset = " ".join(f"{ord(c):x}" for c in chars)
            try:
                out = subprocess.run(["fc-match", "--format=%{file}", f"sans-serif:charset={charset}"],
                                     capture_output=True, text=True, timeout=3, check=False)
                _fc_found[chars] = out.stdout.strip() or None
            except (OSError, subprocess.SubprocessError):
                pass
    return _fc_found[chars]


def _fallback(path: str, size: int) -> FreeTypeFont | None:
    from PIL import ImageFont

    key = (path, size)
    if key not in _fallbacks:
        try:
            _fallbacks[key] = ImageFont.truetype(path, size) if Path(path).is_file() else None
        except OSError:
            _fallbacks[key] = None
    return _fallbacks[key]  # type: ignore[no-any-return]


def drawable(text: str, size: int, *, stand_in_for: str = "") -> tuple[str, FreeTypeFont]:
    """`text` as it can be drawn at `size`, and the font to draw it in: the usual font when it has
    every letter, else the installed font that has the most of them; letters none has become
    "?" (a run of them one "?"), and when nothing readable is left, `stand_in_for` (a script id)
    is shown instead."""
    font = _font(size)
    missing = [c for c in text if not has_glyph(font, c)]
    if missing:
        wanted = "".join(dict.fromkeys(missing))
        paths = [*FALLBACK_FONTS, *filter(None, [_fc_match(wanted[:8])])]
        for path in dict.fromkeys(paths):
            other = _fallback(path, size)
            if other is None:
                continue
            still = [c for c in text if not has_glyph(other, c)]
            if len(still) < len(missing):
                font, missing = other, still
            if not missing:
                break
    if not missing:
        return text, font
    shown, gap = [], False
    for char in text:
        if has_glyph(font, char):
            shown.append(char)
            gap = False
        elif not gap:
            shown.append(STAND_IN)
            gap = True
    result = re.sub(r"\?(\s*\?)+", STAND_IN, "".join(shown))
    if stand_in_for and not any(c.isalnum() for c in result):
        return stand_in_for, _font(size)
    return result, font


def _fit(text: str, font: FreeTypeFont, width: float) -> str:
    """`text` shortened with an ellipsis until it is at most `width` pixels wide."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _change(points: int) -> tuple[str, tuple[int, int, int]]:
    if points > 0:
        return f"▲{points}", UP
    if points < 0:
        return f"▼{-points}", DOWN
    return "±0", MUTED


def _polyline(draw: ImageDraw, series: ChartSeries, box: tuple[float, float, float, float],
              count: int, *, width: int, colour: tuple[int, int, int]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    step = (x1 - x0) / max(1, count - 1)
    xy = [(x0 + index * step, y1 - score * (y1 - y0)) for index, score in series.points]
    if len(xy) > 1:
        draw.line(xy, fill=colour, width=width, joint="curve")
    return xy


LEGEND_SIZE = 22


def legend_label(script_id: str, title: str, count: int) -> tuple[str, FreeTypeFont]:
    """A script's line in the legend and its font: every letter drawable, cut to the width."""
    text, font = drawable(title, LEGEND_SIZE, stand_in_for=script_id)
    return _fit(f"{text} ({count})", font, WIDTH - 2 * PAD - 30), font


def render(chart: ProgressChart) -> bytes:
    """The chart as PNG bytes."""
    from PIL import Image, ImageDraw

    title_font, big, body, small = _font(34, bold=True), _font(24, bold=True), _font(22), _font(21)
    n = len(chart.interviews)
    colours = {sid: SCRIPT_COLOURS[i % len(SCRIPT_COLOURS)] for i, (sid, _t, _c) in enumerate(chart.scripts)}

    # Lay the legend out first: it decides the height.
    legend_rows: list[list[tuple[str, FreeTypeFont, tuple[int, int, int]]]] = [[]]
    row_width = 0.0
    for sid, title, count in chart.scripts:
        label, font = legend_label(sid, title, count)
        width = 30 + font.getlength(label) + 24
        if legend_rows[-1] and row_width + width > WIDTH - 2 * PAD:
            legend_rows.append([])
            row_width = 0.0
        legend_rows[-1].append((label, font, colours[sid]))
        row_width += width
    cells = len(chart.dimensions)
    grid_rows = (cells + 1) // 2
    plot_top, plot_bottom = 128, 400
    legend_top = plot_bottom + 44
    dims_top = legend_top + 34 * len(legend_rows) + 18
    cell_h = 124
    height = dims_top + (44 + grid_rows * cell_h if cells else 0) + 46

    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    noun = "interview" if n == 1 else "interviews"
    shown = f"latest {n} of {chart.total}" if chart.total > n else f"{n} {noun}"
    draw.text((PAD, 22), "Your progress", font=title_font, fill=TEXT)
    span = f"{shown} · {chart.first:%d %b %Y} – {chart.last:%d %b %Y}"
    draw.text((WIDTH - PAD, 34), _fit(span, small, WIDTH - 2 * PAD - 260), font=small, fill=MUTED, anchor="ra")
    latest = round(chart.overall.latest * 100)
    text, colour = _change(chart.overall.change)
    draw.text((PAD, 74), f"Overall score: {latest}/100", font=big, fill=TEXT)
    draw.text((PAD + big.getlength(f"Overall score: {latest}/100") + 14, 76),
              f"{text} since the first shown", font=body, fill=colour)

    # The overall panel: gridlines every 25 points, the line, a dot per interview in its script's colour.
    left, right = PAD + 48, WIDTH - PAD - 12
    draw.rounded_rectangle((PAD, plot_top - 14, WIDTH - PAD, plot_bottom + 14), radius=12, fill=PANEL)
    for value in (0, 25, 50, 75, 100):
        y = plot_bottom - value / 100 * (plot_bottom - plot_top)
        draw.line((left, y, right, y), fill=GRID, width=2 if value in (0, 100) else 1)
        if value % 50 == 0:
            draw.text((left - 10, y), str(value), font=small, fill=MUTED, anchor="rm")
    box = (left + 10, plot_top, right - 10, plot_bottom)
    xy = _polyline(draw, chart.overall, box, n, width=4, colour=LINE)
    radius = 8 if n <= 12 else 6 if n <= 25 else 4  # many dots: thinner rims, so their colours show
    for (x, y), interview in zip(xy, chart.interviews, strict=True):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colours[interview.script_id],
                     outline=BACKGROUND, width=2 if n <= 25 else 1)
    draw.text((box[0], plot_bottom + 18), f"{chart.first:%d %b}", font=small, fill=MUTED)
    draw.text((box[2], plot_bottom + 18), f"{chart.last:%d %b}", font=small, fill=MUTED, anchor="ra")
    draw.text(((box[0] + box[2]) / 2, plot_bottom + 18), "oldest → newest", font=small, fill=MUTED, anchor="ma")

    # Which colour is which script.
    for r, entries in enumerate(legend_rows):
        x, y = float(PAD), legend_top + 34 * r
        for label, font, colour in entries:
            draw.ellipse((x, y + 5, x + 18, y + 23), fill=colour)
            draw.text((x + 28, y), label, font=font, fill=TEXT)
            x += 30 + font.getlength(label) + 24

    # One small line per dimension, two columns.
    if cells:
        draw.text((PAD, dims_top), "By dimension: latest score and change", font=big, fill=TEXT)
        col_w = (WIDTH - 2 * PAD - 16) / 2
        for index, series in enumerate(chart.dimensions):
            cx = PAD + (index % 2) * (col_w + 16)
            cy = dims_top + 44 + (index // 2) * cell_h
            draw.rounded_rectangle((cx, cy, cx + col_w, cy + cell_h - 12), radius=10, fill=PANEL)
            value = f"{round(series.latest * 100)}"
            change, colour = _change(series.change)
            tail = big.getlength(value) + 10 + body.getlength(change)
            label = _fit(SHORT_LABELS.get(series.key, series.label), body, col_w - 40 - tail)
            draw.text((cx + 14, cy + 10), label, font=body, fill=TEXT)
            draw.text((cx + col_w - 14, cy + 10), change, font=body, fill=colour, anchor="ra")
            draw.text((cx + col_w - 24 - body.getlength(change), cy + 8), value, font=big, fill=TEXT, anchor="ra")
            spark = (cx + 16, cy + 48, cx + col_w - 16, cy + cell_h - 26)
            mid = (spark[1] + spark[3]) / 2
            draw.line((spark[0], mid, spark[2], mid), fill=GRID, width=1)
            points = _polyline(draw, series, spark, n, width=3, colour=colours.get(chart.scripts[0][0], LINE))
            x, y = points[-1]
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=TEXT)
    draw.text((PAD, height - 34), "Scores out of 100 · the line in each box is 50", font=small, fill=MUTED)

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render_to(chart: ProgressChart, path: str | Path) -> int:
    """Write the chart to `path`; returns its size in bytes."""
    data = render(chart)
    Path(path).write_bytes(data)
    return len(data)


def colours_used(png: bytes) -> Sequence[tuple[int, int]]:
    """(count, colour) of the image's colours, for tests and the benchmark: a blank chart has one."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB").getcolors(maxcolors=1 << 20) or []
