"""The PostgreSQL backend (asyncpg, a connection pool), chosen by `DATABASE_URL=postgresql://...`
for a bot run as several processes (shards) over one database.

It runs the repositories' portable SQL as it is: `?` placeholders become `$1, $2, ...`; an
INSERT into a table with an identity `id` gets `RETURNING id`, so `lastrowid` means what it means
on SQLite; a statement's row count is read from its command tag (or its rows). Unique violations
become `Conflict` and other rule violations `IntegrityError`, as on SQLite. Times are the same
fixed-width UTC text as on SQLite (see migrations_pg/0001_init.sql), so the dataclasses, the
time handling and the export are identical on both.

What several processes need, done by PostgreSQL itself:
- migrations are applied under an advisory lock, so processes starting at once migrate once;
- `leadership(name)`: a session advisory lock held on a connection of its own (not the pool's),
  so the lock lives exactly as long as that connection: a process that dies (even by SIGKILL)
  loses it the moment its socket closes, and another takes it at its next try. The same
  connection LISTENs for wake-ups;
- `exclusive(name)`: an advisory lock held for the length of a piece of work (start-up repairs,
  the idle sweep, the command-tree sync): a second process waits, then finds the work done;
- NOTIFY is sent by triggers on the nudges table (see the migrations), so a nudge written by any
  process, by any code, wakes the dispatcher wherever it runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg

from bot.store.database import (
    Conflict,
    IntegrityError,
    StatementCount,
    StoreError,
    WriteResult,
    load_migrations,
)

log = logging.getLogger(__name__)

PG_MIGRATIONS_DIR = Path(__file__).with_name("migrations_pg")
POOL_SIZE = 10
# Group-commit transactions under way at once, each on its own pooled connection: a statement
# costs a round trip to the server, so one batch at a time would queue every writer behind one
# connection's round trips; a few side by side keep the batches short and the WAL flushes shared.
FLUSHERS = 4
_MIGRATION_LOCK = "interview-coach: schema migrations"
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_FETCHES = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW)\b", re.IGNORECASE)
# Keepalives on the leadership connection: a leader whose machine vanished from the network
# (no FIN ever arrives) is noticed by the server within about 10 + 3 x 5 seconds.
_KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
               "tcp_keepalives_count": "3"}


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=2048)
def placeholders(sql: str) -> str:
    """`?` placeholders as `$1, $2, ...`, leaving quoted text and identifiers alone."""
    out: list[str] = []
    quote: str | None = None
    n = 0
    for ch in sql:
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


def _rowcount(status: str) -> int:
    """The row count in a command tag ("UPDATE 3", "INSERT 0 1"); -1 when it has none."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def _translate(error: asyncpg.PostgresError) -> Exception:
    if isinstance(error, asyncpg.UniqueViolationError):
        translated: Exception = Conflict(str(error))
    elif isinstance(error, asyncpg.IntegrityConstraintViolationError):
        translated = IntegrityError(str(error))
    else:
        return error
    translated.__cause__ = error
    return translated


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", url)


@dataclass(slots=True)
class _Cursor:
    rowcount: int
    lastrowid: int | None
    rows: list[asyncpg.Record]

    async def fetchone(self) -> asyncpg.Record | None:
        return self.rows[0] if self.rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return list(self.rows)

    async def close(self) -> None:
        return None


class _Call:
    """`await conn.execute(...)` or `async with conn.execute(...) as cursor`, as aiosqlite."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self._cursor: _Cursor | None = None

    def __await__(self) -> Any:
        return self._run.__await__()

    async def __aenter__(self) -> _Cursor:
        self._cursor = await self._run
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Connection:
    """A pooled connection inside a transaction, speaking the repositories' dialect."""

    def __init__(self, db: PostgresDatabase, conn: asyncpg.Connection) -> None:
        self._db = db
        self._conn = conn
        self.in_transaction = True

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> _Call:
        return _Call(self._db._run(self._conn, sql, tuple(parameters)))

    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]], /) -> _Call:
        async def run() -> _Cursor:
            total, last = 0, None
            for params in parameters:
                cursor = await self._db._run(self._conn, sql, tuple(params))
                total += max(cursor.rowcount, 0)
                last = cursor.lastrowid if cursor.lastrowid is not None else last
            return _Cursor(total, last, [])
        return _Call(run())


class PostgresDatabase:
    """The pool, migrations and transactions; the same interface as `database.Database`."""

    dialect = "postgresql"

    def __init__(self, url: str, *, migrations_dir: Path = PG_MIGRATIONS_DIR,
                 pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self._migrations_dir = migrations_dir
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._identity: frozenset[str] = frozenset()  # tables whose `id` the database makes
        self._counts: list[StatementCount] = []
        self._queued: list[tuple[list[tuple[str, tuple[Any, ...]]], asyncio.Future[list[int]]]] = []
        self._flushers: set[asyncio.Task[None]] = set()
        self.commits = 0
        self.applied: list[str] = []  # migrations this process applied when it opened the store

    @property
    def path(self) -> str:
        return describe(self.url)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the store is not open")
        return self._pool

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self._pool_size)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise StoreError(f"cannot connect to PostgreSQL at {describe(self.url)}: {error}") from error
        try:
            async with pool.acquire() as conn:
                await self._migrate(conn)
                rows = await conn.fetch(
                    "SELECT table_name FROM information_schema.columns WHERE table_schema ="
                    " current_schema() AND column_name = 'id' AND is_identity = 'YES'")
            self._identity = frozenset(r[0] for r in rows)
        except BaseException:
            await pool.close()
            raise
        self._pool = pool

    async def close(self) -> None:
        running = {f for f in self._flushers if not f.done()}
        if running:
            await asyncio.wait(running)  # writes already queued are committed, not dropped
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    # ------------------------------------------------------------------ migrations

    async def _migrate(self, conn: asyncpg.Connection) -> None:
        migrations = load_migrations(self._migrations_dir)
        latest = len(migrations)
        key = lock_key(_MIGRATION_LOCK)
        await conn.execute("SELECT pg_advisory_lock($1)", key)  # a second process waits here
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                               " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            current = await _schema_version(conn)
            if current > latest:
                raise StoreError(
                    f"The database {describe(self.url)} was written by a newer version of the bot "
                    f"(schema {current}, this version knows up to {latest}). Upgrade the bot, "
                    "or point DATABASE_URL at another database.")
            for migration in migrations[current:]:
                log.info("Applying PostgreSQL migration %s", migration.name)
                try:
                    async with conn.transaction():
                        await conn.execute(migration.sql)
                        await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                           migration.version, migration.name)
                except asyncpg.PostgresError as error:
                    raise StoreError(
                        f"migration {migration.name} failed ({error}); the database stays at "
                        f"schema {await _schema_version(conn)}") from error
                self.applied.append(migration.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)

    async def schema_version(self) -> int:
        async with self.pool.acquire() as conn:
            return await _schema_version(conn)

    # ------------------------------------------------------------------ statements

    def _translate_sql(self, sql: str) -> tuple[str, bool]:
        """The statement in PostgreSQL's dialect, and whether it returns rows."""
        text = placeholders(sql)
        match = _INSERT_INTO.match(text)
        if match and match.group(1).lower() in self._identity and not _RETURNING.search(text):
            return text + " RETURNING id", True
        return text, bool(_FETCHES.match(text) or _RETURNING.search(text))

    def _count(self, kind: str) -> None:
        for count in self._counts:
            count.kinds[kind] += 1

    async def _run(self, conn: asyncpg.Connection, sql: str, params: tuple[Any, ...]) -> _Cursor:
        text, fetches = self._translate_sql(sql)
        if self._counts:
            self._count(sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "")
        try:
            if fetches:
                rows = await conn.fetch(text, *params)
                returned_id = (rows[-1]["id"] if rows and text.endswith(" RETURNING id") else None)
                return _Cursor(len(rows), returned_id, rows)
            status = await conn.execute(text, *params)
        except asyncpg.PostgresError as error:
            raise _translate(error) from error
        return _Cursor(_rowcount(status), None, [])

    def _committed(self) -> None:
        self.commits += 1
        for count in self._counts:
            count.commits += 1

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Connection]:
        """BEGIN ... COMMIT on a pooled connection, or ROLLBACK on any error."""
        async with self.pool.acquire() as conn:
            if self._counts:
                self._count("BEGIN")
            tx = conn.transaction()
            await tx.start()
            try:
                yield _Connection(self, conn)
            except BaseException:
                await tx.rollback()
                raise
            try:
                await tx.commit()
            except asyncpg.PostgresError as error:  # a deferred constraint, say
                raise _translate(error) from error
            if self._counts:
                self._count("COMMIT")
            self._committed()

    async def grouped(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """As `Database.grouped`: a unit of statements, each meant to change one row and run
        only if the one before did, in a transaction it may share with the units queued at the
        same moment (group commit: one WAL flush for all of them instead of one each; up to
        FLUSHERS such transactions side by side); the counts once committed. A batch where some
        statement does not change exactly one row, or fails, is rolled back and each of its
        units run again in its own transaction, so each gets its own counts and any failure is
        its own."""
        unit = [(sql, tuple(params)) for sql, params in statements]
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._queued.append((unit, future))
        self._flushers = {f for f in self._flushers if not f.done()}
        if len(self._flushers) < FLUSHERS:
            self._flushers.add(asyncio.create_task(self._flush(), name="store-group-commit"))
        return await future

    async def _flush(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            batch = [queued for queued in batch if not queued[1].done()]  # callers gone
            if not batch:
                continue
            try:
                together = len(batch) > 1 and await self._run_together([unit for unit, _ in batch])
            except asyncio.CancelledError as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                raise
            except Exception:
                together = False
            if together:
                for unit, future in batch:
                    if not future.done():
                        future.set_result([1] * len(unit))
                continue
            results = await asyncio.gather(*(self._run_alone(unit) for unit, _ in batch),
                                           return_exceptions=True)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    async def _run_together(self, units: Sequence[Sequence[tuple[str, tuple[Any, ...]]]]) -> bool:
        """The units in one transaction; True when committed with one row changed by every
        statement, False (rolled back) otherwise."""
        async with self.pool.acquire() as conn:
            if self._counts:
                self._count("BEGIN")
            tx = conn.transaction()
            await tx.start()
            try:
                for unit in units:
                    for sql, params in unit:
                        if (await self._run(conn, sql, params)).rowcount != 1:
                            await tx.rollback()
                            return False
            except BaseException:
                await tx.rollback()
                raise
            await tx.commit()
            if self._counts:
                self._count("COMMIT")
            self._committed()
            return True

    async def _run_alone(self, unit: Sequence[tuple[str, tuple[Any, ...]]]) -> list[int]:
        counts = [0] * len(unit)
        async with self.transaction() as conn:
            for position, (sql, params) in enumerate(unit):
                counts[position] = (await conn.execute(sql, params)).rowcount
                if counts[position] != 1:
                    break
        return counts

    async def write(self, sql: str, params: Sequence[Any] = ()) -> WriteResult:
        """One statement in its own implicit transaction."""
        async with self.pool.acquire() as conn:
            cursor = await self._run(conn, sql, tuple(params))
        self._committed()
        return WriteResult(cursor.rowcount, cursor.lastrowid)

    @asynccontextmanager
    async def counting(self) -> AsyncIterator[StatementCount]:
        """Count the statements this process runs inside the block, by first keyword, with
        BEGIN and COMMIT of explicit transactions (for tests and benchmarks)."""
        count = StatementCount(Counter())
        self._counts.append(count)
        try:
            yield count
        finally:
            self._counts.remove(count)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            cursor = await self._run(conn, sql, tuple(params))
        return cursor.rows[0] if cursor.rows else None

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            return (await self._run(conn, sql, tuple(params))).rows

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    # ------------------------------------------------------------------ across processes

    def leadership(self, name: str) -> AdvisoryLeadership:
        return AdvisoryLeadership(self.url, name)

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """Work named `name` runs in one process at a time: an advisory lock on a pooled
        connection for the length of the block (a second process waits for it)."""
        key = lock_key(name)
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", key)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", key)

    async def tables(self) -> dict[str, int]:
        """Rows in every table of the bot's schema (for migrate-db's checks)."""
        async with self.pool.acquire() as conn:
            names = [r[0] for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                " current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
                " ORDER BY table_name")]
            return {name: int(await conn.fetchval(f'SELECT COUNT(*) FROM "{name}"')) for name in names}


class AdvisoryLeadership:
    """A session advisory lock on a dedicated connection. `try_acquire` (re)connects when needed
    and tries the lock without waiting; the lock is held as long as the connection lives. When
    a held connection drops, `lost` turns True and the `on_lost` callbacks run: the holder must
    stop, as another process may take over at once."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self.key = lock_key(f"interview-coach: lead {name}")
        self._conn: asyncpg.Connection | None = None
        self._held = False
        self._lost = False
        self._lost_callbacks: list[Callable[[], None]] = []
        self._listeners: list[tuple[str, Any]] = []

    @property
    def held(self) -> bool:
        return self._held and not self._lost

    @property
    def lost(self) -> bool:
        return self._lost

    def on_lost(self, callback: Callable[[], None]) -> None:
        self._lost_callbacks.append(callback)

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        if self._conn is None or self._conn.is_closed():
            self._lost = False
            try:
                self._conn = await asyncpg.connect(
                    self.url, server_settings={**_KEEPALIVES,
                                               "application_name": f"interview-coach {self.name}"})
            except Exception as error:  # unreachable, refused, timed out: try again later
                log.warning("Cannot reach PostgreSQL to lead %s: %r", self.name, error)
                return False
            self._conn.add_termination_listener(self._terminated)
        try:
            self._held = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except Exception as error:  # the connection died under the call: a new one next time
            log.warning("Could not try the %s lead: %r", self.name, error)
            conn, self._conn = self._conn, None
            conn.terminate()
            return False
        if self._held:
            log.info("This process now leads %s", self.name)
        return self._held

    def _terminated(self, conn: asyncpg.Connection) -> None:
        if self._held and not self._lost:
            log.error("Lost the connection holding the %s lead; stopping it here", self.name)
            self._lost = True
            for callback in list(self._lost_callbacks):
                callback()

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` for every NOTIFY on `channel` (on the lead's connection)."""
        if self._conn is None:
            raise StoreError("listen needs the lead's connection: try_acquire first")

        def relay(_conn: object, _pid: int, _channel: str, payload: str) -> None:
            callback(payload)

        await self._conn.add_listener(channel, relay)
        self._listeners.append((channel, relay))

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        held, self._held = self._held, False
        if conn is None or conn.is_closed():
            return
        try:
            if held and not self._lost:
                await conn.fetchval("SELECT pg_advisory_unlock($1)", self.key)
            await asyncio.wait_for(conn.close(), timeout=5)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            conn.terminate()
        except BaseException:
            conn.terminate()  # cancelled while releasing: the server frees the lock with the socket
            raise


async def _schema_version(conn: asyncpg.Connection) -> int:
    value = await conn.fetchval("SELECT MAX(version) FROM schema_migrations")
    return int(value or 0)
