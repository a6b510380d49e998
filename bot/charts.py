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
_fonts: dict[tuple[bool, int], Any] = {}


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


def render(chart: ProgressChart) -> bytes:
    """The chart as PNG bytes."""
    from PIL import Image, ImageDraw

    title_font, big, body, small = _font(34, bold=True), _font(24, bold=True), _font(22), _font(21)
    n = len(chart.interviews)
    colours = {sid: SCRIPT_COLOURS[i % len(SCRIPT_COLOURS)] for i, (sid, _t, _c) in enumerate(chart.scripts)}

    # Lay the legend out first: it decides the height.
    legend_rows: list[list[tuple[str, tuple[int, int, int]]]] = [[]]
    row_width = 0.0
    for sid, title, count in chart.scripts:
        label = _fit(f"{title} ({count})", body, WIDTH - 2 * PAD - 30)
        width = 30 + body.getlength(label) + 24
        if legend_rows[-1] and row_width + width > WIDTH - 2 * PAD:
            legend_rows.append([])
            row_width = 0.0
        legend_rows[-1].append((label, colours[sid]))
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
    radius = 8 if n <= 12 else 6 if n <= 25 else 4
    for (x, y), interview in zip(xy, chart.interviews, strict=True):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colours[interview.script_id],
                     outline=BACKGROUND, width=2)
    draw.text((box[0], plot_bottom + 18), f"{chart.first:%d %b}", font=small, fill=MUTED)
    draw.text((box[2], plot_bottom + 18), f"{chart.last:%d %b}", font=small, fill=MUTED, anchor="ra")
    draw.text(((box[0] + box[2]) / 2, plot_bottom + 18), "oldest → newest", font=small, fill=MUTED, anchor="ma")

    # Which colour is which script.
    for r, entries in enumerate(legend_rows):
        x, y = float(PAD), legend_top + 34 * r
        for label, colour in entries:
            draw.ellipse((x, y + 5, x + 18, y + 23), fill=colour)
            draw.text((x + 28, y), label, font=body, fill=TEXT)
            x += 30 + body.getlength(label) + 24

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
