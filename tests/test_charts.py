"""The progress chart: drawn for 2 and 50 interviews (0 and 1 get a message instead), with
unicode in script titles, within Discord's attachment limit, and never blank."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot import charts
from bot.core.feedback import DIMENSIONS
from bot.core.progress import InterviewScore, progress_chart

T0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
TITLES = [("second_round", "Second-round interview"), ("final", "Entretien final — Café ☕ Ünïcødé"),
          ("panel", "Финальное интервью · 最终面试 · مقابلة")]


def interviews(n: int) -> list[InterviewScore]:
    out = []
    for i in range(n):
        script_id, title = TITLES[i % len(TITLES)]
        overall = 0.3 + 0.6 * i / max(1, n - 1)
        dims = {key: max(0.0, min(1.0, overall + (0.1 if j % 2 else -0.1))) for j, key in enumerate(DIMENSIONS)
                if key != "questions" or i % 2}
        out.append(InterviewScore(i + 1, script_id, title, T0 + timedelta(days=i), overall, dims))
    return out


def image_of(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("n", [0, 1])
def test_too_few_interviews_draw_no_chart(n: int) -> None:
    assert progress_chart(interviews(n), DIMENSIONS) is None


@pytest.mark.parametrize("n", [2, 50])
def test_the_chart_is_a_png_within_limits_and_not_blank(n: int) -> None:
    chart = progress_chart(interviews(n), DIMENSIONS, total=n)
    assert chart is not None
    png = charts.render(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < charts.MAX_BYTES
    image = image_of(png)
    assert image.width == charts.WIDTH and 700 < image.height < 1400
    colours = charts.colours_used(png)
    assert len(colours) > 20  # lines, dots and (antialiased) text, not one flat colour
    # Each script's colour is used (its dots and legend), and text is drawn in the text colour.
    used = {colour for _count, colour in colours}
    for index in range(min(n, len(TITLES))):
        assert charts.SCRIPT_COLOURS[index] in used
    assert charts.TEXT in used
    # The overall panel holds the line (drawn across it) and the interviews' dots.
    panel = image.crop((charts.PAD + 60, 130, charts.WIDTH - charts.PAD - 20, 400)).convert("RGB")
    in_panel = {colour: count for count, colour in panel.getcolors(1 << 16) or []}
    assert in_panel.get(charts.LINE, 0) > 500
    assert in_panel.get(charts.SCRIPT_COLOURS[0], 0) > 20


def test_more_dimensions_make_a_taller_chart_and_the_legend_wraps_long_titles() -> None:
    few = progress_chart([InterviewScore(i, "x", "X", T0 + timedelta(days=i), 0.5, {}) for i in range(3)],
                         DIMENSIONS)
    many = progress_chart(interviews(6), DIMENSIONS)
    assert few is not None and many is not None and not few.dimensions
    assert image_of(charts.render(few)).height < image_of(charts.render(many)).height
    long_titles = [InterviewScore(i, f"s{i}", "Very long script title number " + "é" * 40 + str(i),
                                  T0 + timedelta(days=i), 0.5, {}) for i in range(4)]
    chart = progress_chart(long_titles, DIMENSIONS)
    assert chart is not None and image_of(charts.render(chart)).width == charts.WIDTH


def test_text_is_cut_to_fit_with_an_ellipsis() -> None:
    font = charts._font(22)
    cut = charts._fit("A" * 300, font, 200)
    assert cut.endswith("…") and font.getlength(cut) <= 200
    assert charts._fit("short", font, 200) == "short"


def test_importing_the_bot_does_not_import_pillow() -> None:
    code = "import sys, bot.bot, bot.services.progress; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def drawn_as_box(font, char: str) -> bool:
    """The font's own glyph check: a letter drawn exactly like one no font has is its empty box."""
    box, mask = font.getmask("\U000F0000"), font.getmask(char)
    return not char.isspace() and (mask.size, bytes(mask)) == (box.size, bytes(box))


def test_the_box_check_itself_tells_a_missing_letter() -> None:
    font = charts._font(22)
    assert not drawn_as_box(font, "A") and not drawn_as_box(font, "Ж") and drawn_as_box(font, "\U000F0001")


def test_no_legend_letter_is_drawn_as_an_empty_box() -> None:
    chart = progress_chart(interviews(6), DIMENSIONS)
    assert chart is not None
    for script_id, title, count in chart.scripts:
        label, font = charts.legend_label(script_id, title, count)
        assert not [c for c in label if drawn_as_box(font, c)], (title, label)
        assert label.endswith(f"({count})")


def test_letters_no_installed_font_has_get_a_visible_stand_in(monkeypatch) -> None:
    monkeypatch.setattr(charts, "FALLBACK_FONTS", ())
    monkeypatch.setattr(charts, "_fc_match", lambda chars: None)
    label, font = charts.legend_label("panel", "Финальное интервью · 最终面试 · مقابلة", 3)
    assert label == "Финальное интервью · ? · مقابلة (3)" and not any(drawn_as_box(font, c) for c in label)
    only_cjk, _ = charts.legend_label("panel_zh", "最终面试", 2)
    assert only_cjk == "panel_zh (2)"  # nothing readable left: the script's id
    assert charts.legend_label("final", "Entretien final — Café ☕", 1)[0] == "Entretien final — Café ☕ (1)"


def test_a_font_with_the_letters_is_used_where_one_is_installed() -> None:
    from PIL import ImageFont

    installed = [p for p in charts.FALLBACK_FONTS if charts._fallback(p, 22) is not None]
    found = [p for p in installed if not drawn_as_box(ImageFont.truetype(p, 22), "最")]
    if not found:
        pytest.skip("no CJK font installed here; the stand-in test covers this machine")
    label, font = charts.legend_label("panel", "最终面试", 2)
    assert label == "最终面试 (2)" and not any(drawn_as_box(font, c) for c in "最终面试")
