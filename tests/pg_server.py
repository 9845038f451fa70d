"""A throw-away PostgreSQL server for the tests: its own cluster in a temporary folder.

`JOURNAL_TEST_PG_URL` points the tests at an existing server instead (one they may create
and drop databases on). Otherwise the fixture runs Debian's `initdb` and `pg_ctl` (as the
`postgres` user when the tests run as root, since the server refuses to run as root), on a
free loopback port and a private socket folder, and stops it at the end of the session.
Without a server the PostgreSQL tests skip here and fail in CI (see real_parts.need).
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg  # noqa: F401 - loaded before freezegun swaps datetime out
import pytest
from real_parts import need

USER = "journal"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a running PostgreSQL server (no database part)."""
    given = os.environ.get("JOURNAL_TEST_PG_URL")
    if given:
        yield given.rstrip("/")
        return
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        need("a PostgreSQL server is needed: apt-get install postgresql (.ci/run does this)")
    # Not under pytest's own temporary folder: that one is private to us, and the server
    # runs as another user.
    home = Path(tempfile.mkdtemp(prefix="journal-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        os.chmod(home, 0o755)
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    init = subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8"]),
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        need(f"initdb failed: {init.stderr.strip()[-300:]}")
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "log"), "-w"])
        + ["start"],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        log = (home / "log").read_text(errors="replace")[-300:] if (home / "log").exists() else ""
        need(f"PostgreSQL did not start: {start.stderr.strip()[-200:]} {log}")
    try:
        yield f"postgresql://{USER}@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


def psql(server: str, database: str, sql: str) -> str:
    """Run SQL with the server's own client (independent of the journal's driver)."""
    out = subprocess.run(
        [_bin("psql") or "psql", f"{server}/{database}", "-XAtq", "-v", "ON_ERROR_STOP=1"],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"journal_{uuid.uuid4().hex[:12]}"
    psql(pg_server, "postgres", f"CREATE DATABASE {name}")
    try:
        yield f"{pg_server}/{name}"
    finally:
        psql(pg_server, "postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PgJournal(str):
    """A journal's URL that can be asked what a journal file can: does it exist, and a
    digest of everything in it (to prove a refused command wrote nothing)."""

    TABLES = ("events", "trades", "deadlines", "projection_state", "reminders_sent")

    def _split(self) -> tuple[str, str]:
        server, name = self.rsplit("/", 1)
        return server, name

    def exists(self) -> bool:
        """True once the journal's tables are there (a command created it)."""
        found = psql(*self._split(), "SELECT to_regclass('events') IS NOT NULL")
        return found.strip() == "t"

    def digest(self) -> str:
        """A hash over every row of every journal table, in a fixed order."""
        if not self.exists():
            return ""
        parts = " || ".join(
            f"coalesce((SELECT string_agg(t::text, '|' ORDER BY t::text) FROM {name} t), '')"
            for name in self.TABLES
        )
        return psql(*self._split(), f"SELECT md5({parts})").strip()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_journal(request, tmp_path, monkeypatch) -> "Path | PgJournal":
    """A fresh journal on each engine in turn: a file, then a PostgreSQL database.

    Sets JOURNAL_DB (and the display settings the contract tests expect) like
    conftest's `journal_env`, and returns the file's path or the database's URL.
    """
    monkeypatch.setenv("JOURNAL_TZ", "Asia/Tokyo")
    monkeypatch.setenv("JOURNAL_LANG", "en")
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "config.toml"))
    if request.param == "sqlite":
        db: Path | PgJournal = tmp_path / "journal.sqlite"
    else:
        db = PgJournal(request.getfixturevalue("pg_url"))
    monkeypatch.setenv("JOURNAL_DB", str(db))
    return db
