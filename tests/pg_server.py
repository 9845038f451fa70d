"""A throw-away PostgreSQL server for the tests: its own cluster in a temporary folder.

`JOURNAL_TEST_PG_URL` points the tests at an existing server instead (one they may create
and drop databases on). Otherwise the fixture runs Debian's `initdb` and `pg_ctl` (as the
`postgres` user when the tests run as root, since the server refuses to run as root), on a
free loopback port and a private socket folder, and stops it at the end of the session.
Without a server the PostgreSQL tests skip here and fail in CI (see real_parts.need). The
cluster start itself is bench/pgcluster.py, shared with `python -m bench --pg`.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg  # noqa: F401 - loaded before freezegun swaps datetime out
import pytest
from real_parts import need

# The cluster start is shared with the benchmark (`python -m bench --pg`); bench/ is not
# installed, so plain `pytest` (which puts only tests/ on the path) needs the root here.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.append(ROOT)
from bench.pgcluster import ClusterError, server_bin, start_cluster  # noqa: E402

USER = "journal"
_bin = server_bin


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a running PostgreSQL server (no database part)."""
    given = os.environ.get("JOURNAL_TEST_PG_URL")
    if given:
        yield given.rstrip("/")
        return
    if not _bin("initdb") or not _bin("pg_ctl"):
        need("a PostgreSQL server is needed: apt-get install postgresql (.ci/run does this)")
    try:
        cluster = start_cluster(USER)
    except ClusterError as exc:
        need(str(exc))
    try:
        yield cluster.url
    finally:
        cluster.stop()


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

    TABLES = (
        *("events", "trades", "deadlines", "projection_state", "reminders_sent"),
        "personal_keys",
    )

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
