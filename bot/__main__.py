"""Command line: `python -m bot [run|rehearse|check-prompts|sync|migrate-db]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError

NO_TOKEN_MESSAGE = """\
No Discord token is configured, so the Discord bot cannot start.

To run it on Discord:
  1. Create an application at https://discord.com/developers/applications
  2. Bot -> Reset Token, copy the token, and enable the Message Content intent
  3. Put DISCORD_TOKEN=<your token> in a .env file here (see .env.example)

To practise right now without Discord, rehearse in this terminal:
  python -m bot rehearse --script final --name Sam --role "Data Analyst" --company Acme
  python -m bot rehearse --list      (the available interview scripts)
"""


def build_parser() -> argparse.ArgumentParser:
    from bot.console import add_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Interview Coach: mock second-round and final interviews on Discord or in "
                    "a terminal. With no command: the Discord bot when DISCORD_TOKEN is set, "
                    "otherwise a terminal rehearsal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)",
                   description="Run the Discord bot. Needs DISCORD_TOKEN; exits 2 without it.")
    rehearse = sub.add_parser(
        "rehearse", help="rehearse an interview in this terminal (no Discord needed)",
        description="Rehearse a mock interview in the terminal. An answer ends with an empty "
                    "line typed after it, or /done; pasted text stays one answer, blank lines "
                    "and all. Piped input: two empty lines in a row, or /done, end an answer. "
                    "/done, /skip, /repeat, /pause (/quit) and /help on a line of their own "
                    "are commands; Ctrl-C saves like /pause. Exit status: 0 finished, 2 bad "
                    "usage, 3 saved unfinished (continue with --resume), 130 Ctrl-C before "
                    "it started.")
    add_arguments(rehearse)
    check = sub.add_parser("check-prompts", help="validate every template under prompts/",
                           description="Compile and render every template; exit 1 on any "
                                       "problem, naming the file and line.")
    check.add_argument("--prompts-dir", type=Path, help="folder to check (default: PROMPTS_DIR)")
    sub.add_parser("sync", help="sync the slash commands to Discord now",
                   description="Log in and sync the slash-command tree (to DEV_GUILD_ID when "
                               "set, otherwise globally), then exit. Needs DISCORD_TOKEN.")
    move = sub.add_parser(
        "migrate-db", help="copy the SQLite database into an empty PostgreSQL database",
        description="Copy every table of the SQLite file (DATABASE_PATH, or --from) into an empty "
                    "PostgreSQL database, ids and all, in one transaction, and compare the row "
                    "counts of every table before committing. Refuses a target that is not empty "
                    "and a database of a newer version of the bot. Stop the bot first; then set "
                    "DATABASE_URL to the target and start it again. Exit status: 0 copied, 1 refused "
                    "or failed (nothing copied).")
    move.add_argument("--to", required=True, metavar="postgresql://...", help="the target database")
    move.add_argument("--from", dest="source", type=Path, metavar="PATH",
                      help="the SQLite file (default: DATABASE_PATH)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("--") and argv[0] != "--help":
        argv = ["rehearse", *argv]  # `python -m bot --script final ...` means a rehearsal
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    command = args.command
    _setup_logging(settings, quiet=command != "run" and command != "sync")
    if command is None:
        if settings.token:
            command = "run"
        else:
            print("No DISCORD_TOKEN configured: starting a terminal rehearsal instead.\n"
                  "(See README.md to run the Discord bot.)\n")
            args = parser.parse_args(["rehearse"])
            command = "rehearse"
    if command == "check-prompts":
        return _check_prompts(args.prompts_dir or settings.prompts_dir)
    if command == "migrate-db":
        return _migrate_db(args.source or settings.database_path, args.to)
    if command == "rehearse":
        from bot.console import EXIT_INTERRUPTED, rehearse

        if settings.database_url.get():  # the rehearsal is one person's practice, on this machine
            print(f"Note: the terminal rehearsal always uses the SQLite file {settings.database_path}; "
                  "DATABASE_URL is used by the Discord bot only.", file=sys.stderr)
        try:
            return asyncio.run(rehearse(args, database_path=settings.database_path,
                                        prompts_dir=settings.prompts_dir))
        except KeyboardInterrupt:  # a second Ctrl-C while the first was being handled
            print("\nStopped.", file=sys.stderr)
            return EXIT_INTERRUPTED
    if not settings.token:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run_bot(settings, sync_only=command == "sync"))
    except KeyboardInterrupt:  # Ctrl-C: the bot has closed cleanly (async with), no traceback
        print("Stopped.", file=sys.stderr)
        return 130


def _setup_logging(settings: Settings, *, quiet: bool) -> None:
    import discord

    # Terminal tools keep their output clean: only warnings and errors are logged there.
    level = max(settings.log_level_number, logging.WARNING) if quiet else settings.log_level_number
    discord.utils.setup_logging(level=level, root=True)
    logging.getLogger("discord.http").setLevel(max(settings.log_level_number, logging.INFO))


def _check_prompts(prompts_dir: Path) -> int:
    from bot.library import check_prompts

    problems = check_prompts(prompts_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {prompts_dir}", file=sys.stderr)
        return 1
    count = len(list(prompts_dir.rglob("*.j2")))
    print(f"All {count} templates in {prompts_dir} are valid.")
    return 0


def _migrate_db(source: Path, url: str) -> int:
    from bot.store import StoreError, is_postgres_url

    if not is_postgres_url(url):
        print("--to must be a PostgreSQL URL: postgresql://user:password@host/database", file=sys.stderr)
        return 2
    try:
        from bot.store.transfer import copy_sqlite_to_postgres
    except ImportError:
        print("migrate-db needs asyncpg: pip install 'interview-coach-bot[postgres]'", file=sys.stderr)
        return 2
    from bot.store.postgres import describe

    print(f"Copying {source} into {describe(url)}")
    try:
        counts = asyncio.run(copy_sqlite_to_postgres(source, url, report=lambda line: print("  " + line)))
    except StoreError as error:
        print(f"migrate-db refused: {error}", file=sys.stderr)
        return 1
    print(f"Done: {sum(counts.values())} rows in {len(counts)} tables, every count checked. "
          "Set DATABASE_URL to the new database and start the bot.")
    return 0


async def _run_bot(settings: Settings, *, sync_only: bool) -> int:
    import discord

    from bot.bot import create_bot
    from bot.store import StoreError

    try:
        bot = create_bot(settings)
        async with bot:
            if sync_only:
                bot.sync_on_start = False
                await bot.login(settings.token.get())
                synced = await bot.sync_commands(force=True)
                print(f"Synced {len(synced)} commands.")
                return 0
            await bot.start(settings.token.get())
    except discord.LoginFailure:
        print("Discord rejected the token. Check DISCORD_TOKEN (reset it in the developer "
              "portal if needed).", file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print("Discord refused the Message Content intent. Enable it in the developer portal "
              "(Bot -> Privileged Gateway Intents), or set MESSAGE_CONTENT_INTENT=false to run "
              "without it (candidates then answer through the form button).", file=sys.stderr)
        return 2
    except StoreError as error:  # the database cannot be opened (a newer schema, no asyncpg, ...)
        print(f"Could not open the database: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
