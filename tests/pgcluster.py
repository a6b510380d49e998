"""A throwaway PostgreSQL cluster made from the server binaries on this machine, for the tests
and bench/scale.py: `initdb` into a temporary folder, the server on a unix socket in that folder
(no TCP port to collide with anyone's), stopped and deleted afterwards.

`initdb` refuses to run as root, and sessions and CI run as root: then the cluster belongs to
the unprivileged `postgres` user (`runuser -u postgres --`), whose folder it can write.

Binaries are looked for in $PG_BIN, then /usr/lib/postgresql/<newest>/bin, then on PATH."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with "
                "`apt-get install postgresql` (Debian/Ubuntu; the binaries land in "
                "/usr/lib/postgresql/<version>/bin) or set PG_BIN to their folder.")


def find_binaries() -> Path | None:
    candidates: list[str] = []
    if os.environ.get("PG_BIN"):
        candidates.append(os.environ["PG_BIN"])
    candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                             key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                             reverse=True))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


class Cluster:
    def __init__(self, binaries: Path, *, durable: bool = False) -> None:
        self.binaries = binaries
        self.durable = durable  # False: fsync off (tests); True: the server's defaults (bench)
        self.folder = Path(tempfile.mkdtemp(prefix="coach-pg-"))
        self.data = self.folder / "data"
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.user = "postgres" if self.as_root else None
        self._started = False

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.binaries / argv[0]), *argv[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({result.returncode}): {result.stderr or result.stdout}")
        return result

    def start(self) -> Cluster:
        if self.as_root:
            try:
                shutil.chown(self.folder, user="postgres", group="postgres")
            except LookupError as error:
                raise RuntimeError("running as root, initdb needs the unprivileged `postgres` user "
                                   "(made by the postgresql package: apt-get install postgresql)") from error
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = [f"-k {self.folder}", "-c listen_addresses=''", "-c max_connections=300",
                   "-c shared_buffers=64MB"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", " ".join(options), "start")
        self._started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}"

    def create_database(self, name: str) -> str:
        """A new empty database (dropped first if it exists); its URL."""
        self._run("psql", "-h", str(self.folder), "-U", "postgres", "-d", "postgres", "-q",
                  "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', "-c", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self._started:
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self._started = False
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError(INSTALL_HINT)
    cluster = Cluster(binaries, durable=durable)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
