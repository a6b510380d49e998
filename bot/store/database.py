"""The store's backend interface and its SQLite implementation: the one aiosqlite connection,
its pragmas, migrations and transactions.

The repositories (sessions.py, nudges.py, ...) are written once, in portable SQL with `?`
placeholders, over what both backends provide: `write`, `fetch_one` / `fetch_all` /
`fetch_value`, `transaction()` (a connection whose `execute` / `executemany` give a cursor
with `rowcount`, `lastrowid`, `fetchone`, `fetchall`), `grouped` and `counting()`; both raise
`Conflict` for a unique rule and `IntegrityError` for any other rule of the schema. The
PostgreSQL backend (`bot.store.postgres`) adds what several processes need: advisory-lock
leadership, `exclusive()` work and LISTEN/NOTIFY. Here (one process) the caller always leads
and `exclusive()` is an in-process lock."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says why."""


class IntegrityError(Exception):
    """A write refused by one of the schema's rules (a foreign key naming a missing row, a
    CHECK, NOT NULL): a bug in the caller rather than a race. Raised by both backends."""


class Conflict(IntegrityError):
    """A write refused by one of the database's rules (a unique constraint): the state it would
    create already exists, perhaps made a moment ago by a concurrent request."""


def _translated(error: sqlite3.IntegrityError) -> IntegrityError:
    """sqlite3's integrity error as the store's own (the same on both backends)."""
    kind = Conflict if "UNIQUE" in str(error) else IntegrityError
    translated = kind(str(error))
    translated.__cause__ = error
    return translated


class Stale(Exception):
    """A write made against a version of a row that is no longer the stored one: someone else
    (another process on the same database) changed it since it was read. Nothing was written;
    read it again."""


_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})


@dataclass(slots=True)
class StatementCount:
    """What the connection ran while `Database.counting()` was open: statements by their first
    keyword (SELECT, INSERT, ...; BEGIN and COMMIT included; each row of an `executemany` is one
    run) and commits, explicit or implicit (a write outside a transaction commits by itself).
    The schema has no triggers, whose runs SQLite would report too."""

    kinds: Counter[str] = field(default_factory=Counter)
    commits: int = 0

    @property
    def statements(self) -> int:
        """Statements that read or write data (transaction control not counted)."""
        return sum(n for kind, n in self.kinds.items() if kind not in _CONTROL)

    @property
    def reads(self) -> int:
        return self.kinds["SELECT"]


def to_db_time(when: datetime | None) -> str | None:
    """UTC, fixed width, so times stored as text sort and compare correctly."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return when.astimezone(UTC).strftime(_TIME_FORMAT)


def from_db_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"migration file {path.name!r} is not named NNNN_name.sql")
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return migrations


class Row(Protocol):
    """A row as both backends return it (sqlite3.Row, asyncpg.Record): by column name or
    position; `dict(row)` gives every column."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...


class Cursor(Protocol):
    rowcount: int
    lastrowid: int | None

    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Any: ...

    async def close(self) -> None: ...


class Connection(Protocol):
    """What a repository uses inside `transaction()`: `await conn.execute(sql, params)` (a
    cursor), `async with conn.execute(...) as cursor` (to fetch), `await conn.executemany(sql,
    rows)` (rowcount summed over the rows)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...


class Leadership(Protocol):
    """The right to do work that must happen in one process at a time (the nudge dispatcher).
    `try_acquire` takes it if no one holds it; `lost` becomes True when a held lead is gone
    (its connection dropped: stop at once, another process may take over)."""

    @property
    def held(self) -> bool: ...

    @property
    def lost(self) -> bool: ...

    async def try_acquire(self) -> bool: ...

    async def listen(self, channel: str, callback: Any) -> None: ...

    def on_lost(self, callback: Any) -> None: ...

    async def release(self) -> None: ...


class SoloLeadership:
    """One process on one SQLite file: it always leads, and wake-ups stay in the process."""

    def __init__(self) -> None:
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    @property
    def lost(self) -> bool:
        return False

    async def try_acquire(self) -> bool:
        self._held = True
        return True

    async def listen(self, channel: str, callback: Any) -> None:
        """Nothing to listen for: every writer is in this process and wakes the work itself."""

    def on_lost(self, callback: Any) -> None:
        """Never lost."""

    async def release(self) -> None:
        self._held = False


@dataclass(frozen=True, slots=True)
class WriteResult:
    rowcount: int
    lastrowid: int | None


class Backend(Protocol):
    """What the repositories use of a database: `Database` (SQLite) and
    `bot.store.postgres.PostgresDatabase` both provide it."""

    dialect: str
    commits: int

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    def transaction(self) -> Any: ...

    async def grouped(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]: ...

    async def write(self, sql: str, params: Sequence[Any] = ()) -> WriteResult: ...

    def counting(self) -> Any: ...

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def leadership(self, name: str) -> Leadership: ...

    def exclusive(self, name: str) -> Any: ...


class Database:
    """Owns the connection. Writes go through `transaction()` or `write()`, serialised by a lock
    so that concurrent coroutines never interleave inside one transaction."""

    dialect = "sqlite"

    def __init__(self, path: Path, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.path = Path(path)
        self._exclusive: dict[str, asyncio.Lock] = {}
        self._migrations_dir = migrations_dir
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._queued: list[tuple[list[tuple[str, tuple[Any, ...]]], asyncio.Future[list[int]]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._counts: list[StatementCount] = []
        self.commits = 0  # since the store was opened: every COMMIT, explicit or implicit

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StoreError("the store is not open")
        return self._conn

    async def open(self) -> None:
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000",
                           "synchronous=NORMAL"):
                # Read each pragma's result so no statement is left in progress.
                async with conn.execute(f"PRAGMA {pragma}") as cursor:
                    await cursor.fetchall()
            await self._migrate(conn)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        flusher = self._flusher
        if flusher is not None and not flusher.done():
            await asyncio.wait({flusher})  # writes already queued are committed, not dropped
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        migrations = load_migrations(self._migrations_dir)
        latest = len(migrations)
        current = await _user_version(conn)
        if current > latest:
            raise StoreError(
                f"The database {self.path} was written by a newer version of the bot "
                f"(schema {current}, this version knows up to {latest}). Upgrade the bot, "
                "or point DATABASE_PATH at another file."
            )
        for migration in migrations[current:]:
            log.info("Applying migration %s", migration.name)
            script = (
                f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
            try:
                await conn.executescript(script)
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise StoreError(
                    f"migration {migration.name} failed ({exc}); the database stays at "
                    f"schema {await _user_version(conn)}"
                ) from exc

    async def schema_version(self) -> int:
        return await _user_version(self.conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except sqlite3.IntegrityError as error:
                await conn.execute("ROLLBACK")
                raise _translated(error) from error
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")
                self._committed()

    async def grouped(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """Run a unit of statements, each meant to change one row, in a transaction it may share
        with units queued at the same moment (group commit), and return how many rows each
        changed once that transaction is committed. A statement runs only if the one before it
        changed a row (so an UPDATE guarding a write stops it), else it counts 0.

        A unit waits for no one when nothing else is queued; under load, every unit queued while
        one transaction runs goes into the next, where the units' statements of the same text run
        as one `executemany`: the commit and the round trips to the connection's thread are
        shared, and no unit returns before its commit. When a batch does not change one row per
        statement, or fails, it is rolled back and each unit is run again in its own transaction,
        so each gets its own counts and any failure is its own."""
        unit = [(sql, tuple(params)) for sql, params in statements]
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._queued.append((unit, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="store-group-commit")
        return await future

    async def _flush(self) -> None:
        while self._queued:
            async with self._lock:
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
                for unit, future in batch:  # each on its own
                    try:
                        counts = await self._run_alone(unit)
                    except sqlite3.IntegrityError as error:
                        if not future.done():
                            future.set_exception(_translated(error))
                    except Exception as error:
                        if not future.done():
                            future.set_exception(error)
                    else:
                        if not future.done():
                            future.set_result(counts)

    async def _run_together(self, units: Sequence[Sequence[tuple[str, tuple[Any, ...]]]]) -> bool:
        """The units in one transaction, their statements grouped by position and text; True when
        committed with one row changed by every statement, False (rolled back) otherwise."""
        steps: list[dict[str, list[tuple[Any, ...]]]] = []
        for unit in units:
            for position, (sql, params) in enumerate(unit):
                if position == len(steps):
                    steps.append({})
                steps[position].setdefault(sql, []).append(params)
        conn = self.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for step in steps:
                for sql, rows in step.items():
                    cursor = await (conn.execute(sql, rows[0]) if len(rows) == 1
                                    else conn.executemany(sql, rows))
                    if cursor.rowcount != len(rows):
                        await conn.execute("ROLLBACK")
                        return False
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        self._committed()
        return True

    async def _run_alone(self, unit: Sequence[tuple[str, tuple[Any, ...]]]) -> list[int]:
        counts = [0] * len(unit)
        conn = self.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for position, (sql, params) in enumerate(unit):
                counts[position] = (await conn.execute(sql, params)).rowcount
                if counts[position] != 1:
                    break
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        self._committed()
        return counts

    async def write(self, sql: str, params: Sequence[Any] = ()) -> WriteResult:
        """One statement in its own implicit transaction."""
        try:
            async with self._lock, self.conn.execute(sql, params) as cursor:
                self._committed()
                return WriteResult(cursor.rowcount, cursor.lastrowid)
        except sqlite3.IntegrityError as error:
            raise _translated(error) from error

    def _committed(self) -> None:
        self.commits += 1
        for count in self._counts:
            count.commits += 1

    @asynccontextmanager
    async def counting(self) -> AsyncIterator[StatementCount]:
        """Count what the connection runs inside the block (for tests and benchmarks; SQLite's
        trace hook sees every statement, including those run inside transactions)."""
        count = StatementCount()
        self._counts.append(count)
        if len(self._counts) == 1:
            await self.conn.set_trace_callback(self._trace)
        try:
            yield count
        finally:
            self._counts.remove(count)
            if not self._counts and self._conn is not None:
                await self._conn.set_trace_callback(None)

    def _trace(self, sql: str) -> None:
        # Runs on the connection's thread, before the statement does.
        kind = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        for count in list(self._counts):
            count.kinds[kind] += 1

    def leadership(self, name: str) -> Leadership:
        """Always held: a SQLite file has one bot process."""
        return SoloLeadership()

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """Work named `name` (start-up repairs, the idle sweep, the command-tree sync) never runs
        twice at once; across processes on PostgreSQL, here within the one process."""
        lock = self._exclusive.setdefault(name, asyncio.Lock())
        async with lock:
            yield

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


async def _user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
