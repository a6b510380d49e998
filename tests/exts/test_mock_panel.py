"""The interviewer's panel stays within Discord's limits whatever the script says."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.interview import AskedQuestion
from bot.exts.mock._views import panel_message
from bot.services.mocks import Panel
from tests.core.test_mocks import request

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_longest_panel_fits_one_embed():
    asked = AskedQuestion("q", 0, 1, 40, "behavioural", "Challenges you have overcome", "x" * 3000,
                          "g" * 3000, (10, 20), "10-20 words")
    panel = Panel(request(status="running", interviewer_id=2), asked, False, ["p" * 3000] * 3,
                  ["point " * 50] * 4, {0: 4}, "@everyone " * 50, "Title " * 40)
    embed, view = panel_message(panel)
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value) <= 1024 for f in embed.fields)
    assert view is not None and len(view.children) == 9  # 5 buttons, 4 score menus
    assert "@everyone" not in "".join(f.value for f in embed.fields)  # escaped, never a ping
