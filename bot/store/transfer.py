"""`python -m bot migrate-db --to postgresql://...`: move a bot that outgrew its SQLite file to
PostgreSQL. Every table is copied, ids and all, in one PostgreSQL transaction; the row counts of
every table are compared before it commits, so the target ends up with all of it or none."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from bot.store.database import Database, StoreError, load_migrations
from bot.store.postgres import PostgresDatabase, describe

log = logging.getLogger(__name__)
CHUNK = 5000  # rows read from SQLite and sent by COPY at a time


def _dependency_order(tables: Sequence[str], references: dict[str, set[str]]) -> list[str]:
    """Tables ordered so that every table comes after the tables its foreign keys name."""
    ordered: list[str] = []
    placed: set[str] = set()
    remaining = sorted(tables)
    while remaining:
        ready = [t for t in remaining if references.get(t, set()) - {t} <= placed]
        if not ready:
            raise StoreError(f"foreign keys form a cycle among {remaining}")
        for table in ready:
            ordered.append(table)
            placed.add(table)
        remaining = [t for t in remaining if t not in placed]
    return ordered


def _converter(pg_type: str) -> Callable[[Any], Any]:
    """Values as COPY needs them for a column of `pg_type` (SQLite is loosely typed)."""
    if pg_type in ("bigint", "integer", "smallint"):
        def to_int(value: Any) -> Any:
            if value is None or isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value)
            raise StoreError(f"{value!r} is not a whole number")
        return to_int
    if pg_type in ("double precision", "real"):
        return lambda value: None if value is None else float(value)
    if pg_type == "text":
        def to_text(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, bytes):
                return value.decode("utf-8")
            return str(value)
        return to_text
    return lambda value: value


async def copy_sqlite_to_postgres(source: Path, url: str, *,
                                  report: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Copy every table of the SQLite file `source` into the empty PostgreSQL database at `url`;
    returns the rows copied per table. Raises StoreError, with what to do, when the file is
    missing or from a newer version of the bot, when the target is not empty or is from a newer
    version, when a row cannot go into PostgreSQL (an orphaned row, say), or when any count
    differs (nothing is then committed).

    The target is checked first: a refused target leaves the SQLite file untouched. Only then is
    the file opened as the bot opens it, which brings an older file to the current schema (the
    bot would do the same at its next start); `report` says so before it happens."""
    if not await asyncio.to_thread(Path(source).is_file):  # else opening would make an empty one
        raise StoreError(f"There is no SQLite database at {source} (set DATABASE_PATH or --from).")
    target = PostgresDatabase(url)
    await target.open()  # the target gets the current schema; a newer one is refused
    try:
        present = await target.tables()
        filled = {table: n for table, n in present.items() if n}
        if filled:
            listed = ", ".join(f"{table} ({n} rows)" for table, n in sorted(filled.items()))
            raise StoreError(f"The target database {describe(target.url)} is not empty: {listed}. "
                             "migrate-db copies only into an empty database; create a new one "
                             "(createdb) or drop these rows first.")
        sqlite = Database(Path(source))
        version, latest = await asyncio.to_thread(_sqlite_version, Path(source)), len(load_migrations())
        if version < latest:
            report(f"Upgrading {source} from schema {version} to {latest} first (as the bot would at start-up)")
        await sqlite.open()  # an older file is brought to the current schema; a newer one refused
        try:
            return await _copy(sqlite, target, present, report)
        finally:
            await sqlite.close()
    finally:
        await target.close()


def _sqlite_version(path: Path) -> int:
    """The schema version (user_version) of an SQLite file, read from its header without opening
    it as a database, so nothing about the file changes; 0 when it has none."""
    with open(path, "rb") as file:
        header = file.read(64)
    return int.from_bytes(header[60:64], "big") if len(header) == 64 else 0


async def _copy(sqlite: Database, target: PostgresDatabase, present: dict[str, int],
                report: Callable[[str], None]) -> dict[str, int]:
    tables = [r[0] for r in await sqlite.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    unknown = sorted(set(tables) - set(present))
    if unknown:
        raise StoreError(f"PostgreSQL has no table for {unknown}: its migrations (bot/store/"
                         "migrations_pg) are behind the SQLite ones. Nothing was copied.")
    references = {t: {str(r[2]) for r in await sqlite.fetch_all(f'PRAGMA foreign_key_list("{t}")')}
                  for t in tables}
    counts: dict[str, int] = {}
    async with target.pool.acquire() as conn, conn.transaction():
        for table in _dependency_order(tables, references):
            try:
                counts[table] = await _copy_table(sqlite, conn, table)
            except asyncpg.PostgresError as error:  # an orphaned row, a value PostgreSQL refuses...
                raise StoreError(f"{table}: {error}; nothing was copied") from error
            report(f"{table}: {counts[table]} rows")
    return counts


async def _copy_table(sqlite: Database, conn: Any, table: str) -> int:
    """One table into the open transaction; its row count, checked."""
    columns = [str(r[1]) for r in await sqlite.fetch_all(f'PRAGMA table_info("{table}")')]
    pg_types = {r[0]: r[1] for r in await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1", table)}
    missing = [c for c in columns if c not in pg_types]
    if missing:
        raise StoreError(f"PostgreSQL's {table} has no column {missing}: its migrations are "
                         "behind the SQLite ones. Nothing was copied.")
    convert = [_converter(pg_types[c]) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    last, copied = None, 0
    while True:
        where = "" if last is None else " WHERE rowid > ?"
        rows = await sqlite.fetch_all(
            f'SELECT rowid, {names} FROM "{table}"{where} ORDER BY rowid LIMIT {CHUNK}',
            () if last is None else (last,))
        if not rows:
            break
        last = rows[-1][0]
        try:
            records = [tuple(f(row[i + 1]) for i, f in enumerate(convert)) for row in rows]
        except StoreError as error:
            raise StoreError(f"{table}: {error}; nothing was copied") from error
        await conn.copy_records_to_table(table, records=records, columns=columns)
        copied += len(rows)
    source_count = int(await sqlite.fetch_value(f'SELECT COUNT(*) FROM "{table}"'))
    target_count = int(await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"'))
    if not source_count == copied == target_count:
        raise StoreError(f"{table}: {source_count} rows in SQLite, {copied} read, "
                         f"{target_count} in PostgreSQL; nothing was committed")
    if "id" in columns and await conn.fetchval(
            "SELECT pg_get_serial_sequence($1, 'id')", table) is not None:
        # New ids continue after the copied ones.
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                           f" COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
    return target_count
