"""The durable nudge dispatcher: the part of the follow-up service (`bot.services.followups`)
that delivers nudges when they fall due.

The database is the source of truth; memory holds only the next due time and the sends under
way. One task sleeps until the earliest pending nudge (`store.nudges.next_due_at()`, an indexed
query: start-up never loads the queue). Creating, snoozing or rescheduling a nudge calls
`wake()`, which sets an `asyncio.Event` and cuts the current sleep short. The safety net is a
coarse periodic re-check: every 5 minutes the sleep ends to compare the clock with the due time
held in memory (cheap: no query; catches clock jumps and a suspended host), and every hour the
next due time is re-read from the database (catches rows written behind the dispatcher's back).
Every sleep is an `asyncio.sleep` driven by the event loop, and "now" comes from the bot's
clock, so a simulator that moves virtual time (simcord's `advance_time`) drives the dispatcher
exactly as the wall clock does in production.

For each due nudge: claim it atomically (pending -> sending, checked by row count), decide with
`bot.core.followups.assess` whether it is on time, late (a "this is late" line) or past its use
(dropped, reason recorded), have the service compose it (or skip it, by
`bot.core.followups.reason_to_skip`: nudges off, plan stopped, outcome known...), send it through
the courier, then mark it. A nudge is never claimed before it is due, so never sent early.
Failures are contained per nudge:

- DMs closed (403, code 50007): final for that nudge, never retried. The fallback happens once:
  in one transaction the notice for the user's next command is kept and the nudge records that
  its fallback began (and in which channel it pings); then a short ping in the server channel
  where the plan was made (mentioning only that user). With no such channel, the notice alone.
- 5xx and 429: back to 'pending' with exponential backoff (30 s, 60 s, 120 s; a 429 waits at
  least the retry-after Discord gave), then 'failed' with the error recorded after
  `max_attempts` tries.
- Anything else unexpected: 'failed' with the error recorded, and the dispatcher moves on.

**Pacing.** Every REST call delivery makes (opening a DM channel, sending, reading a channel's
history for the crash rule, a fallback ping) first takes a token from one bucket (`RestBudget`):
46 a second sustained and at most 4 at once, so never more than 50 in any one second (Discord's
global limit for a bot), with a little room left for the rest of the bot. The courier takes
the tokens, because only it knows what each delivery costs: a DM to a user whose DM channel is
stored (`users.dm_channel_id`) is one call, the first DM to a user two (the channel is opened,
then stored). Up to `in_flight` (16) sends are under way at once: enough to keep 46 calls a
second going when each of Discord's answers takes up to about 300 ms, and one slow recipient
(discord.py waiting out a 429 for that channel, a slow response) holds one of them while the
others go on. One user's nudges still go one at a time and in order. (bench/nudges.py measures
all this against the old one-at-a-time pacing.)

**Across processes** (PostgreSQL, several bot processes on one database): the dispatcher runs
in exactly one of them. Each process's dispatcher tries for the lead (`store.leadership`: a
PostgreSQL advisory lock held on a connection of its own) every `ELECTION_SECONDS` (2 s) until
it gets it; the lock lives as long as that connection, so when the leading process dies (even
by SIGKILL) its socket closes, the server frees the lock, and another process leads within one
try: about 2 s, plus the server's notice of a vanished machine (TCP keepalives, ~25 s) when no
socket close ever arrives. The new leader first applies the crash rule below to what the dead
one left 'sending', then dispatches. A leader whose lock connection drops stops at once: the
moment the connection's end is noticed, every send under way is cancelled (left 'sending', to
the next leader's crash rule) and nothing new is claimed. What remains is a window, not a
guarantee: between the drop and this process noticing it (at once for a closed socket; up to
the keepalive time, ~25 s, for a silent network), and for a REST call already on the wire when
the send is cancelled, the old leader may still deliver a nudge the new leader's crash rule
looks for; the crash rule then finds it delivered (it searches the DMs) unless the message lands
after that search, the one case where a nudge can arrive twice. Claims stay guarded by the status
(and on PostgreSQL skip rows another process is locking: FOR UPDATE SKIP LOCKED), so even two
dispatchers could not send one nudge twice. Wake-ups cross processes by LISTEN/NOTIFY: triggers
on the nudges table NOTIFY `nudge_due` whenever a statement leaves a nudge waiting, and the
leader LISTENs on its lock connection; the periodic re-check stays the safety net. On SQLite
there is one process, which always leads.

Crash rule (rows left 'sending' when the process died between claim and mark), applied once at
start-up before anything else is sent:
- Nudges whose fallback had begun are checked where the fallback went: a ping to that user in
  that channel since the fallback began means it was delivered ('sent', via the channel). No
  ping there: it is pinged now, once, and the notice (kept already) is not kept again. The
  check fails: 'failed' with the notice as the delivery, not pinged again. With no channel,
  the notice was the whole fallback: recorded as such.
- Every other one is looked for in the user's DM channel (every nudge DM carries buttons whose
  custom_id holds the nudge id).
  - Found: it was delivered; it is marked 'sent' ("found delivered after restart") and not
    sent again.
  - Not found: it never left; it goes back to 'pending' and is sent once, by the normal rules
    (with the late line if it is now late, or dropped if it is past its use).
  - The check itself fails (Discord unreachable, DMs gone): 'failed' with the reason
    "interrupted during send; delivery could not be verified, not resent": we would rather
    miss one reminder than send it twice without knowing.
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
from bot.store import Store, from_db_time
from bot.store.nudges import Delivery

log = logging.getLogger(__name__)

RECHECK_SECONDS = 300.0   # wake at least this often to compare the clock with the next due time
RESYNC_SECONDS = 3600.0  # re-read the next due time from the database at least this often
DISCORD_GLOBAL_LIMIT = 50  # REST calls a second for one bot, all routes together
REST_RATE = 46.0           # what delivery may use of it, sustained...
REST_BURST = 4             # ...and at once: REST_RATE + REST_BURST <= DISCORD_GLOBAL_LIMIT
IN_FLIGHT = 16             # sends under way at once: REST_RATE x a slow round trip (0.3 s)
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 900.0
BATCH = 50

ELECTION_SECONDS = 2.0     # a process that does not lead tries for the lead this often
LEAD_NAME = "nudge dispatcher"
NUDGE_CHANNEL = "nudge_due"  # NOTIFY channel of the nudges table's triggers (PostgreSQL)

Sleep = Callable[[float], Coroutine[Any, Any, Any]]


class _LeadLost(Exception):
    """The lead's connection dropped while this process dispatched."""


class DeliveryRefused(Exception):
    """Discord will not deliver this DM (DMs closed: 403/50007, unknown user). Final."""


class DeliveryRetry(Exception):
    """A transient failure (5xx, 429): try again later, not before `retry_after` seconds when
    Discord said so. `everyone` marks a limit on the whole bot (a global 429), not on one
    channel: then no delivery calls Discord until it has passed."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 everyone: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.everyone = everyone


@dataclass(frozen=True, slots=True)
class Sent:
    via: str  # "dm" | "channel" | "notice"
    channel_id: int | None = None
    message_id: int | None = None


class RestBudget:
    """A token bucket over the REST calls delivery makes: `rate` a second sustained, at most
    `burst` at once, so in any one second there are never more than `burst + rate`.

    A call reserves its token at once and then waits until the token exists (the bucket may go
    below zero), so callers are served in the order they asked and none waits longer than the
    calls before it need. Time is the dispatcher's clock and its injectable sleep."""

    def __init__(self, clock: Clock, sleep: Sleep = asyncio.sleep, *, rate: float = REST_RATE,
                 burst: int = REST_BURST) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a REST budget needs a positive rate and a burst of at least 1")
        self.clock = clock
        self._sleep = sleep
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = clock.now()
        self.calls = 0  # every call counted so far

    def reserve(self, calls: int = 1) -> float:
        """Take `calls` tokens now; the seconds to wait before making those calls."""
        now = self.clock.now()
        elapsed = (now - self._at).total_seconds()
        if elapsed > 0:  # a clock that steps back refills nothing
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._at = now
        self._tokens -= calls
        self.calls += calls
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    async def take(self, calls: int = 1) -> None:
        """Wait until `calls` REST calls may be made, and count them."""
        wait = self.reserve(calls)
        if wait > 0:
            await self._sleep(wait)

    def hold(self, seconds: float) -> None:
        """Discord limited the whole bot: no call for `seconds` from now."""
        self.reserve(0)
        self._tokens = min(self._tokens, -seconds * self.rate)


Compose = Callable[[Nudge, str | None], Awaitable[NudgeMessage | Skip]]
"""(nudge, late line or None) -> what the nudge says, or why it does not go out (the service)."""


class Courier(Protocol):
    """The Discord side of delivery: it turns a composed message into a DM and delivers it. Kept
    apart so the dispatcher's rules can be tested with a fake
    (tests/services/test_followup_dispatcher.py) and benchmarked without Discord. Before each
    REST call it makes, it takes a token from `budget`."""

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, *, dm_channel_id: int | None,
                      budget: RestBudget) -> Sent:
        """DM it, in `dm_channel_id` when the user's DM channel is known (else opened first);
        the Sent says which channel it went to. Raises DeliveryRefused or DeliveryRetry;
        anything else is unexpected."""

    async def ping(self, nudge: Nudge, channel_id: int, *, budget: RestBudget) -> Sent | None:
        """After a refusal: tell the user (only them) in `channel_id` to run a command, where
        the kept notice is shown. None when the ping could not be sent. Never raises."""

    async def find_sent(self, nudge: Nudge, *, dm_channel_id: int | None,
                        budget: RestBudget) -> Sent | None:
        """For the crash rule: the already-delivered DM carrying this nudge, if any. Raises when
        it cannot tell."""

    async def find_ping(self, nudge: Nudge, channel_id: int, since: datetime, *,
                        budget: RestBudget) -> Sent | None:
        """For the crash rule: a ping to this nudge's user in `channel_id` since `since`, if
        any. Raises when it cannot tell."""


class NudgeDispatcher:
    def __init__(self, store: Store, clock: Clock, courier: Courier, *, compose: Compose,
                 recheck_seconds: float | None = None, resync_seconds: float | None = None,
                 in_flight: int = IN_FLIGHT, budget: RestBudget | None = None,
                 max_attempts: int = MAX_ATTEMPTS, backoff_seconds: float = BACKOFF_SECONDS,
                 batch: int = BATCH, before_start: Callable[[], Awaitable[Any]] | None = None,
                 sleep: Sleep = asyncio.sleep, election_seconds: float = ELECTION_SECONDS) -> None:
        if in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        self.store = store
        self.clock = clock
        self.courier = courier
        self.compose = compose
        self.recheck_seconds = recheck_seconds or RECHECK_SECONDS
        self.resync_seconds = resync_seconds or RESYNC_SECONDS
        self.in_flight = in_flight
        self._sleep = sleep  # injectable: benchmarks skip the waits instead of sleeping
        self.budget = budget or RestBudget(clock, sleep)
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.batch = batch
        self.before_start = before_start
        self.election_seconds = election_seconds
        self.leading = False  # this process dispatches (always, on SQLite)
        self._lead_lost = False
        self.next_due: datetime | None = None  # the only queue state kept in memory...
        self._sending: dict[int, asyncio.Task[bool]] = {}  # ...with the sends under way
        self._busy_users: dict[int, int] = {}  # user id -> their nudge being sent
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
        """Stop the loop and the sends under way (a send stopped mid-way stays 'sending': the
        crash rule resolves it at the next start)."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        sends = list(self._sending.values())
        for send in sends:
            send.cancel()
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)

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
        while True:
            lead = self.store.leadership(LEAD_NAME)
            try:
                while not await lead.try_acquire():
                    await self._sleep(self.election_seconds)  # another process dispatches
                self._lead_lost = False
                lead.on_lost(self._lost_lead)
                await lead.listen(NUDGE_CHANNEL, self._notified)
                self.leading = True
                await self._lead()
            except _LeadLost:
                log.error("The nudge dispatcher lost its lead; sends under way are left to the "
                          "crash rule of whichever process leads next")
                await self._abandon_sends()
            except Exception:  # the database went away under the lead, say: try again later
                log.exception("The nudge dispatcher stopped; it tries for the lead again in %.0fs",
                              self.election_seconds)
                await self._abandon_sends()
                await self._sleep(self.election_seconds)
            finally:
                self.leading = False
                await lead.release()

    def _lost_lead(self) -> None:
        """The connection holding the lead dropped: another process may lead already, and its
        crash rule may look at this one's 'sending' rows. Every send under way is cancelled at
        once (not when the loop next looks), and no new one starts."""
        self._lead_lost = True
        self._changed.set()
        for send in list(self._sending.values()):
            send.cancel()  # left 'sending': the next leader's crash rule resolves it
        if self._napping and self._task is not None and not self._task.done():
            self._task.cancel()  # lands in _nap's sleep, never in a send

    def _notified(self, payload: str) -> None:
        """A nudge was made waiting by some process (a NOTIFY from the nudges table)."""
        try:
            due = from_db_time(payload)
        except ValueError:
            due = None
        self.wake(due)

    async def _abandon_sends(self) -> None:
        sends = list(self._sending.values())
        for send in sends:
            send.cancel()
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)

    async def _lead(self) -> None:
        """The dispatcher's work while this process leads: the crash rule once, then the loop."""
        await self.recover_interrupted()
        while True:
            if self._lead_lost:
                raise _LeadLost
            self._changed.clear()
            try:
                await self._start_due()
                self.next_due = await self.store.nudges.next_due_at()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Nudge dispatcher pass failed; trying again at the next re-read")
                self.next_due = None
            self.ready.set()
            if self._sending and (len(self._sending) >= self.in_flight or self._due_now()):
                await self._wait_for_a_send()  # more is due: as soon as a send is done
            elif not self._due_now():
                await self._wait_for_work()

    def _due_now(self) -> bool:
        return self.next_due is not None and self.next_due <= self.clock.now()

    async def _wait_for_work(self) -> None:
        """Until the next due time, a wake(), or the periodic re-read of the database. Every
        `recheck_seconds` the sleep ends to compare the clock with the due time held in memory
        (a suspended machine or a clock jump cannot make a nudge hours late); that check needs
        no database. The table itself is re-read at least every `resync_seconds`, for rows
        written behind this dispatcher's back. Sends under way go on meanwhile."""
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

    async def _wait_for_a_send(self) -> None:
        if self._sending:
            await asyncio.wait(list(self._sending.values()), return_when=asyncio.FIRST_COMPLETED)

    async def _start_due(self) -> int:
        """Claim due nudges and start sending them, while fewer than `in_flight` are under way;
        at most one per user at a time. Returns how many were started."""
        free = self.in_flight - len(self._sending)
        if free <= 0:
            return 0
        now = self.clock.now()
        started = 0
        for nudge in await self.store.nudges.due(now, limit=self.batch,
                                                 skip_users=list(self._busy_users)):
            if started >= free or self._lead_lost:
                break
            if nudge.user_id in self._busy_users or nudge.id in self._sending:
                continue  # the user's earlier nudge goes first
            if not await self.store.nudges.claim(nudge.id, now):
                continue  # cancelled, snoozed or taken since it was read
            if self._lead_lost:  # lost while claiming: left 'sending' for the next leader's crash rule
                break
            self._launch(nudge, now)
            started += 1
        return started

    def _launch(self, nudge: Nudge, claimed_at: datetime) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(nudge, claimed_at),
                                                      name=f"nudge-send-{nudge.id}")
        self._sending[nudge.id] = task
        self._busy_users[nudge.user_id] = nudge.id

        def finished(done: asyncio.Task[bool]) -> None:
            self._sending.pop(nudge.id, None)
            if self._busy_users.get(nudge.user_id) == nudge.id:
                del self._busy_users[nudge.user_id]
            if not done.cancelled() and done.exception() is not None:
                log.error("Sending nudge %s failed outside its own handling", nudge.id,
                          exc_info=done.exception())

        task.add_done_callback(finished)

    async def run_due(self) -> int:
        """Send everything due now as the loop does (up to `in_flight` at a time, the next one
        starting as each finishes), without waiting for anything due later; returns when all
        of it is done, with how many nudges were handled."""
        handled = 0
        while True:
            handled += await self._start_due()
            if not self._sending:
                self.next_due = await self.store.nudges.next_due_at()
                if not self._due_now():
                    return handled
                continue  # due, but not startable a moment ago (claimed elsewhere): again
            await self._wait_for_a_send()

    async def drain(self) -> None:
        """Wait for the sends under way."""
        while self._sending:
            await self._wait_for_a_send()

    # ------------------------------------------------------------------ one nudge

    async def dispatch(self, nudge: Nudge) -> bool:
        """Claim, decide, send, mark. Returns True when Discord was called."""
        now = self.clock.now()
        if not await self.store.nudges.claim(nudge.id, now):
            return False  # cancelled, snoozed or taken since it was read
        return await self._deliver(nudge, now)

    async def _deliver(self, nudge: Nudge, now: datetime) -> bool:
        """Decide, send and mark a nudge claimed at `now`. True when Discord was called."""
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
            known = await self.store.users.dm_channel(nudge.user_id)
            try:
                sent = await self.courier.send_dm(nudge, message, dm_channel_id=known,
                                                  budget=self.budget)
            except DeliveryRefused as refused:
                await self._fall_back(nudge, message, str(refused), late is not None)
                return True
            except DeliveryRetry as transient:
                await self._retry(nudge, attempts, transient)
                return True
            await self.store.nudges.mark_sent(nudge.id, self.clock.now(), via=sent.via,
                                              channel_id=sent.channel_id,
                                              message_id=sent.message_id, late=late is not None)
            if sent.via == "dm" and sent.channel_id is not None and sent.channel_id != known:
                await self.store.users.remember_dm_channel(nudge.user_id, sent.channel_id)
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
        """Once: the notice is kept and the fallback recorded in one transaction, then the
        channel ping (if the plan has a channel)."""
        now = self.clock.now()
        channel_id = message.fallback_channel_id
        why = f"DMs closed ({reason})"
        await self.store.nudges.begin_fallback(nudge.id, nudge.user_id, now,
                                               notice=message.summary, channel_id=channel_id,
                                               reason=why, late=late)
        if channel_id is None:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, error=f"{why}; the user will be told at their next command",
                via="notice")
            return
        await self._ping(nudge, channel_id, why, late)

    async def _ping(self, nudge: Nudge, channel_id: int, why: str, late: bool) -> str:
        pinged = await self.courier.ping(nudge, channel_id, budget=self.budget)
        now = self.clock.now()
        if pinged is None:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, via="notice",
                error=f"{why}; the ping in the plan's channel failed, the user will be told at "
                      "their next command")
            return "failed"
        await self.store.nudges.mark_sent(
            nudge.id, now, via="channel", channel_id=pinged.channel_id,
            message_id=pinged.message_id, late=late,
            note=f"{why}; pinged in the plan's channel, details kept for the user's next command")
        return "sent"

    async def _retry(self, nudge: Nudge, attempts: int, transient: DeliveryRetry) -> None:
        now = self.clock.now()
        if transient.everyone and transient.retry_after:
            self.budget.hold(transient.retry_after)
        if attempts >= self.max_attempts:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, error=f"gave up after {attempts} attempts: {transient}")
            return
        delay = min(self.backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
        if transient.retry_after:
            delay = max(delay, transient.retry_after)
        due = now + timedelta(seconds=delay)
        await self.store.nudges.retry_later(nudge.id, due, now,
                                            error=f"attempt {attempts}: {transient}")
        self.wake(due)

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
            delivery = await self.store.nudges.delivery(nudge.id)
            if delivery is not None and delivery.fallback_at is not None:
                decided.append((nudge.id, await self._recover_fallback(nudge, delivery)))
            else:
                decided.append((nudge.id, await self._recover_dm(nudge)))
            log.warning("Nudge %s was left 'sending' by a crash: %s", nudge.id, decided[-1][1])
        return decided

    async def _recover_dm(self, nudge: Nudge) -> str:
        now = self.clock.now()
        known = await self.store.users.dm_channel(nudge.user_id)
        try:
            found = await self.courier.find_sent(nudge, dm_channel_id=known, budget=self.budget)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, error="interrupted during send; delivery could not be "
                                     f"verified ({error!r}), not resent")
            return "failed"
        if found is None:
            await self.store.nudges.mark(
                nudge.id, "pending", now,
                error="interrupted before delivery; sent again after restart")
            return "pending"
        await self.store.nudges.mark_sent(
            nudge.id, now, via=found.via, channel_id=found.channel_id,
            message_id=found.message_id,
            note="interrupted during send; found delivered after restart, not resent")
        return "sent"

    async def _recover_fallback(self, nudge: Nudge, delivery: Delivery) -> str:
        """DMs had been refused and the fallback begun: the notice is kept already; at most the
        ping is missing."""
        now = self.clock.now()
        why = "DMs closed; interrupted during the fallback"
        channel_id, since = delivery.channel_id, delivery.fallback_at
        assert since is not None
        if channel_id is None:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, via="notice",
                error=f"{why}; the user will be told at their next command")
            return "failed"
        try:
            found = await self.courier.find_ping(nudge, channel_id, since, budget=self.budget)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self.store.nudges.mark_undelivered(
                nudge.id, now, via="notice",
                error=f"{why}; the channel ping could not be verified ({error!r}), not resent; "
                      "the user will be told at their next command")
            return "failed"
        if found is None:
            if not assess(nudge.kind, nudge.due_at, nudge.payload, now).sends:
                await self.store.nudges.mark_undelivered(
                    nudge.id, now, via="notice",
                    error=f"{why}; past its use by now, so not pinged; the user will be told "
                          "at their next command")
                return "failed"
            return await self._ping(nudge, channel_id, why, delivery.late)
        await self.store.nudges.mark_sent(
            nudge.id, now, via="channel", channel_id=found.channel_id,
            message_id=found.message_id, late=delivery.late,
            note=f"{why}; the channel ping was found after restart, not resent")
        return "sent"
