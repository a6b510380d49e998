"""One bot process's nudge dispatcher on PostgreSQL, for the multi-process tests and
bench/scale.py: the real `NudgeDispatcher` (election, LISTEN/NOTIFY, claims, crash rule) with a
recording courier in place of Discord.

    python tests/scale/dispatcher_child.py URL FOLDER NAME [--rate 46] [--send-ms 5] [--election 0.5]

Every DM "sent" is a line (the nudge id) appended to FOLDER/NAME.sent with one `os.write` on an
O_APPEND descriptor, so it is in the kernel the moment the send returns and survives a SIGKILL.
Together those files are the recipients' DM history: the crash rule's `find_sent` reads them,
as it reads a DM channel on Discord. When this process takes the lead it writes
FOLDER/NAME.lead with the wall-clock time, and what its crash rule decided to NAME.recovered.
With `--stall-after N`, the first process to lead (no other NAME.lead file exists when it takes
the lead), once it has delivered N nudges, hangs every send it starts, as a send does while
Discord is slow to answer: for a user with an odd id after it was delivered (the answer never
came back), for an even one before (the request never arrived), so a SIGKILL then leaves both kinds 'sending'
for the next leader's crash rule. It runs until SIGTERM (or SIGKILL)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.core.clock import SystemClock
from bot.core.followups import NudgeMessage
from bot.core.models import Nudge
from bot.services._dispatcher import NudgeDispatcher, RestBudget, Sent
from bot.store import Store


class RecordingCourier:
    def __init__(self, folder: Path, name: str, send_seconds: float) -> None:
        self.folder = folder
        self.send_seconds = send_seconds
        self._fd = os.open(folder / f"{name}.sent", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.stall_after: int | None = None  # set when this process is the first to lead
        self.delivered = 0
        self.name = name
        self._stalled: set[str] = set()  # which kinds of hung send this process holds

    def _holding(self, kind: str) -> None:
        """Once sends of both kinds hang here (one delivered, one not), say so in a marker file:
        the test kills this process only then, so the crash rule surely meets both."""
        self._stalled.add(kind)
        if self._stalled == {"delivered", "undelivered"}:
            marker = self.folder / f"{self.name}.stalled"
            if not marker.exists():
                marker.write_text("both\n")

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, *, dm_channel_id: int | None,
                      budget: RestBudget) -> Sent:
        await budget.take(1)
        stall = self.stall_after is not None and self.delivered >= self.stall_after
        await asyncio.sleep(self.send_seconds / 2)  # the request on its way to Discord
        if stall and nudge.user_id % 2 == 0:
            self._holding("undelivered")
            await asyncio.Event().wait()  # never arrives
        os.write(self._fd, f"{nudge.id}\n".encode())  # delivered
        self.delivered += 1
        if stall:
            self._holding("delivered")
            await asyncio.Event().wait()  # the answer never comes back
        await asyncio.sleep(self.send_seconds / 2)  # the answer on its way back
        return Sent("dm", channel_id=10_000 + nudge.user_id, message_id=nudge.id)

    async def ping(self, nudge: Nudge, channel_id: int, *, budget: RestBudget) -> Sent | None:
        return None

    async def find_sent(self, nudge: Nudge, *, dm_channel_id: int | None,
                        budget: RestBudget) -> Sent | None:
        wanted = str(nudge.id)
        for path in self.folder.glob("*.sent"):
            if wanted in path.read_text().split():
                return Sent("dm", channel_id=10_000 + nudge.user_id, message_id=nudge.id)
        return None

    async def find_ping(self, nudge: Nudge, channel_id: int, since: object, *,
                        budget: RestBudget) -> Sent | None:
        return None


async def compose(nudge: Nudge, late: str | None) -> NudgeMessage:
    return NudgeMessage(text=f"nudge {nudge.id}", summary=f"nudge {nudge.id}", late=late)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("folder", type=Path)
    parser.add_argument("name")
    parser.add_argument("--rate", type=float, default=46.0)
    parser.add_argument("--send-ms", type=float, default=5.0)
    parser.add_argument("--election", type=float, default=0.5)
    parser.add_argument("--stall-after", type=int, default=None)
    args = parser.parse_args()
    clock = SystemClock()
    store = await Store(args.url).open()
    courier = RecordingCourier(args.folder, args.name, args.send_ms / 1000)
    dispatcher = NudgeDispatcher(store, clock, courier, compose=compose, election_seconds=args.election,
                                 budget=RestBudget(clock, rate=args.rate, burst=4))
    recover = dispatcher.recover_interrupted

    async def leading_now() -> list[tuple[int, str]]:
        if args.stall_after is not None and not [p for p in args.folder.glob("*.lead") if p.stem != args.name]:
            courier.stall_after = args.stall_after
        (args.folder / f"{args.name}.lead").write_text(f"{time.monotonic()}\n")  # one clock machine-wide
        decided = await recover()
        (args.folder / f"{args.name}.recovered").write_text(repr(decided))
        return decided

    dispatcher.recover_interrupted = leading_now  # type: ignore[method-assign]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    dispatcher.start()
    (args.folder / f"{args.name}.started").write_text(f"{os.getpid()}\n")
    await stop.wait()
    await dispatcher.stop()
    await store.close()


if __name__ == "__main__":
    asyncio.run(main())
