"""The durable nudge dispatcher: the part of the follow-up service (`bot.services.followups`)
that delivers nudges when they fall due.

The database is the source of truth; memory holds only the next due time. One task sleeps until
the earliest pending nudge (`store.nudges.next_due_at()`, an indexed query: start-up never loads
the queue). Creating, snoozing or rescheduling a nudge calls `wake()`, which sets an
`asyncio.Event` and cuts the current sleep short. The safety net is a coarse periodic re-check:
every 5 minutes the sleep ends to compare the clock with the due time held in memory (cheap: no
query; catches clock jumps and a suspended host), and every hour the next due time is re-read
from the database (catches rows written behind the dispatcher's back). Every sleep is an `asyncio.sleep` driven by
the event loop, and "now" comes from the bot's clock, so a simulator that moves virtual time
(simcord's `advance_time`) drives the dispatcher exactly as the wall clock does in production.

For each due nudge: claim it atomically (pending -> sending, checked by row count), decide with
`bot.core.followups.assess` whether it is on time, late (a "this is late" line) or past its use
(dropped, reason recorded), have the service compose it (or skip it, by
`bot.core.followups.reason_to_skip`: nudges off, plan stopped, outcome known...), send it through
the courier, then mark it. Failures are contained per nudge:

- DMs closed (403, code 50007): final for that nudge, never retried. The courier falls back
  once: a short ping in the server channel where the plan was made (mentioning only that user)
  plus the reminder kept for their next command; with no such channel, only the latter.
- 5xx and 429: back to 'pending' with exponential backoff (30 s, 60 s, 120 s; 429 waits at
  least its retry-after), then 'failed' with the error recorded after `max_attempts` tries.
- Anything else unexpected: 'failed' with the error recorded, and the dispatcher moves on.

Sends are paced (`send_interval`, 0.2 s: at most 5 a second, a tenth of Discord's global limit).

Crash rule (rows left 'sending' when the process died between claim and mark), applied once at
start-up before anything else is sent: the dispatcher looks for the nudge in the user's DM
channel (every nudge DM carries buttons whose custom_id holds the nudge id).
- Found: it was delivered; it is marked 'sent' ("confirmed after restart") and not sent again.
- Not found: it never left; it goes back to 'pending' and is sent once, by the normal rules
  (with the late line if it is now late, or dropped if it is past its use).
- The check itself fails (Discord unreachable, DMs gone): 'failed' with the reason
  "interrupted during send; delivery could not be verified, not resent" — we would rather miss
  one reminder than send it twice without knowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.clock import Clock
from bot.core.followups import NudgeMessage, Skip, assess, late_line
from bot.core.models import Nudge
from bot.store import Store

log = logging.getLogger(__name__)

RECHECK_SECONDS = 300.0   # wake at least this often to compare the clock with the next due time
RESYNC_SECONDS = 3600.0  # re-read the next due time from the database at least this often
SEND_INTERVAL = 0.2
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 900.0
BATCH = 50


class DeliveryRefused(Exception):
    """Discord will not deliver this DM (DMs closed: 403/50007, unknown user). Final."""


class DeliveryRetry(Exception):
    """A transient failure (5xx, 429): try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Sent:
    via: str  # "dm" | "channel" | "notice"
    channel_id: int | None = None
    message_id: int | None = None


Compose = Callable[[Nudge, str | None], Awaitable[NudgeMessage | Skip]]
"""(nudge, late line or None) -> what the nudge says, or why it does not go out (the service)."""


class Courier(Protocol):
    """The Discord side of delivery: it turns a composed message into a DM and delivers it. Kept
    apart so the dispatcher's rules can be tested with a fake
    (tests/services/test_followup_dispatcher.py) and benchmarked without Discord."""

    async def send_dm(self, nudge: Nudge, message: NudgeMessage) -> Sent:
        """DM it. Raises DeliveryRefused or DeliveryRetry; anything else is unexpected."""

    async def fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str) -> Sent | None:
        """After a refusal, once: the plan's channel, else a notice for the user's next
        command. Returns how it went (None: not even a notice could be stored). Never raises."""

    async def find_sent(self, nudge: Nudge) -> Sent | None:
        """For the crash rule: the already-delivered DM carrying this nudge, if any. Raises when
        it cannot tell."""


class NudgeDispatcher:
    def __init__(self, store: Store, clock: Clock, courier: Courier, *, compose: Compose,
                 recheck_seconds: float | None = None, resync_seconds: float | None = None,
                 send_interval: float = SEND_INTERVAL,
                 max_attempts: int = MAX_ATTEMPTS, backoff_seconds: float = BACKOFF_SECONDS,
                 batch: int = BATCH, before_start: Callable[[], Awaitable[Any]] | None = None,
                 sleep: Callable[[float], Coroutine[Any, Any, Any]] = asyncio.sleep) -> None:
        self.store = store
        self.clock = clock
        self.courier = courier
        self.compose = compose
        self.recheck_seconds = recheck_seconds or RECHECK_SECONDS
        self.resync_seconds = resync_seconds or RESYNC_SECONDS
        self.send_interval = send_interval
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.batch = batch
        self.before_start = before_start
        self._sleep = sleep  # injectable: benchmarks skip the waits instead of sleeping
        self.next_due: datetime | None = None  # the only queue state kept in memory
        self.sent_count = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._napping = False
        self._stopping = False
        self.ready = asyncio.Event()  # start-up recovery done, first due time known

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._stopping = False
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="nudge-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self, due_at: datetime | None = None) -> None:
        """A nudge was created, snoozed or moved: look again now if it may be the next one."""
        if due_at is not None and self.next_due is not None and due_at >= self.next_due:
            return
        self._changed.set()
        if self._napping and self._task is not None and not self._task.done():
            self._task.cancel()  # lands in _nap's sleep, never in a send

    # ------------------------------------------------------------------ the loop

    async def _run(self) -> None:
        if self.before_start is not None:
            await self.before_start()
        await self.recover_interrupted()
        while True:
            self._changed.clear()
            try:
                busy = await self.run_due()
                self.next_due = await self.store.nudges.next_due_at()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Nudge dispatcher pass failed; trying again at the next re-read")
                busy, self.next_due = False, None
            self.ready.set()
            if not busy:
                await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        """Until the next due time, a wake(), or the periodic re-read of the database. Every
        `recheck_seconds` the sleep ends to compare the clock with the due time held in memory
        (a suspended machine or a clock jump cannot make a nudge hours late); that check needs
        no database. The table itself is re-read at least every `resync_seconds`, for rows
        written behind this dispatcher's back."""
        resync_at = self.clock.now() + timedelta(seconds=self.resync_seconds)
        while not self._changed.is_set():
            now = self.clock.now()
            until = resync_at if self.next_due is None else min(self.next_due, resync_at)
            if now >= until:
                return
            await self._nap(min(self.recheck_seconds, (until - now).total_seconds()))

    async def _nap(self, seconds: float) -> None:
        """A plain sleep that wake() may cut short. The wake-up is a cancellation of this task
        that only ever lands here (`_napping`), is recognised by the Event being set, and is
        undone with `uncancel()`; a real stop() is never swallowed. (Waiting on the Event with
        a timeout would need a second task per sleep, which virtual-time simulators cannot
        settle cheaply; a plain sleep they can.)"""
        if self._changed.is_set():
            return
        self._napping = True
        try:
            await self._sleep(seconds)
        except asyncio.CancelledError:
            if self._stopping or not self._changed.is_set():
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        finally:
            self._napping = False

    async def run_due(self) -> bool:
        """Dispatch up to one batch of due nudges. True when the batch was full (more may wait)."""
        due = await self.store.nudges.due(self.clock.now(), limit=self.batch)
        for nudge in due:
            if await self.dispatch(nudge):
                await self._sleep(self.send_interval)
        return len(due) >= self.batch

    # ------------------------------------------------------------------ one nudge

    async def dispatch(self, nudge: Nudge) -> bool:
        """Claim, decide, send, mark. Returns True when Discord was called (for pacing)."""
        now = self.clock.now()
        if not await self.store.nudges.claim(nudge.id, now):
            return False  # cancelled, snoozed or taken since it was read
        attempts = nudge.attempts + 1
        called = False
        try:
            verdict = assess(nudge.kind, nudge.due_at, nudge.payload, now)
            if not verdict.sends:
                await self.store.nudges.mark(nudge.id, "dropped", now, error=verdict.reason)
                log.info("Dropped nudge %s (%s): %s", nudge.id, nudge.kind, verdict.reason)
                return False
            late = late_line(nudge.due_at, now) if verdict.action == "late" else None
            message = await self.compose(nudge, late)
            if isinstance(message, Skip):
                await self.store.nudges.mark(nudge.id, message.status, now, error=message.reason)
                return False
            called = True
            try:
                sent = await self.courier.send_dm(nudge, message)
            except DeliveryRefused as refused:
                await self._fall_back(nudge, message, str(refused), late is not None)
                return True
            except DeliveryRetry as transient:
                await self._retry(nudge, attempts, transient)
                return True
            await self.store.nudges.mark_sent(nudge.id, self.clock.now(), via=sent.via,
                                              channel_id=sent.channel_id,
                                              message_id=sent.message_id, late=late is not None)
            self.sent_count += 1
            return True
        except asyncio.CancelledError:
            raise  # left 'sending': resolved by the crash rule at the next start
        except Exception as error:
            log.exception("Nudge %s (%s) failed", nudge.id, nudge.kind)
            await self._record_failure(nudge, f"unexpected error: {error!r}")
            return called

    async def _fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str,
                         late: bool) -> None:
        now = self.clock.now()
        outcome = await self.courier.fall_back(nudge, message, reason)
        if outcome is not None and outcome.via == "channel":
            await self.store.nudges.mark_sent(
                nudge.id, now, via="channel", channel_id=outcome.channel_id,
                message_id=outcome.message_id, late=late,
                note=f"DMs closed ({reason}); pinged in the plan's channel, details kept for "
                     "the user's next command")
        else:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, error=f"DMs closed ({reason}); " + (
                    "the user will be told at their next command" if outcome else
                    "no fallback possible"),
                via=outcome.via if outcome else None)

    async def _retry(self, nudge: Nudge, attempts: int, transient: DeliveryRetry) -> None:
        now = self.clock.now()
        if attempts >= self.max_attempts:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, error=f"gave up after {attempts} attempts: {transient}")
            return
        delay = min(self.backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
        if transient.retry_after:
            delay = max(delay, transient.retry_after)
        await self.store.nudges.retry_later(nudge.id, now + timedelta(seconds=delay), now,
                                            error=f"attempt {attempts}: {transient}")

    async def _record_failure(self, nudge: Nudge, error: str) -> None:
        try:
            await self.store.nudges.mark_undelivered(nudge.id, self.clock.now(), error=error)
        except Exception:
            log.exception("Could not record the failure of nudge %s", nudge.id)

    # ------------------------------------------------------------------ the crash rule

    async def recover_interrupted(self) -> list[tuple[int, str]]:
        """Resolve rows left 'sending' by a crash (see the module docstring). Returns
        `(nudge id, what was decided)` for each."""
        decided: list[tuple[int, str]] = []
        for nudge in await self.store.nudges.stuck_sending():
            now = self.clock.now()
            try:
                found = await self.courier.find_sent(nudge)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                await self.store.nudges.mark_undelivered(
                    nudge.id, now, error="interrupted during send; delivery could not be "
                                         f"verified ({error!r}), not resent")
                decided.append((nudge.id, "failed"))
                continue
            if found is not None:
                await self.store.nudges.mark_sent(
                    nudge.id, now, via=found.via, channel_id=found.channel_id,
                    message_id=found.message_id, note="interrupted during send; found delivered "
                                                      "after restart, not resent")
                decided.append((nudge.id, "sent"))
            else:
                await self.store.nudges.mark(
                    nudge.id, "pending", now,
                    error="interrupted before delivery; sent again after restart")
                decided.append((nudge.id, "pending"))
            log.warning("Nudge %s was left 'sending' by a crash: %s", nudge.id, decided[-1][1])
        return decided
