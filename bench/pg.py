"""The PostgreSQL rows of `python -m bench --pg`: the same journals, on a server.

Each size's generated journal (bench/.cache) is copied into its own new database with
`journal copy --to URL` (timed; the time is printed under the header), then VACUUM
(ANALYZE) as autovacuum soon would, on a throw-away local cluster (bench/pgcluster.py, as
the tests use: fsync=off) or, with `--pg-url`, on an existing server where the bench may
create and drop databases. The rows:

- `list`, `upcoming --as-of …` and `show` at the largest size against the same at 1k, both
  on the server: flat (≤ 1.5 ×);
- `add message` and `add listed` against a process that imports the same driver stack
  (SQLAlchemy + psycopg 3, NullPool) and inserts one row in one transaction into a table on
  the same server (≤ 1.5 ×).

Every command is a whole `journal … --db URL` process, timed from outside and alternated
with its floor like the SQLite rows. The databases are dropped at the end.
"""

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from bench import floors
from bench.generate import GENERATOR_VERSION, Meta

if TYPE_CHECKING:
    from bench.__main__ import Bench, Row

ADD_LIMIT = 1.5
READ_LIMIT = 1.5
FLOOR_NAME = "SQLAlchemy + psycopg 3, 1-row insert"


class Server:
    """A PostgreSQL server the bench may create databases on."""

    def __init__(self, url: str, where: str) -> None:
        parts = urlsplit(re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url))
        self._parts = parts
        self.admin = self.database(parts.path.strip("/") or "postgres")
        self.where = where
        self.made: list[str] = []

    def database(self, name: str) -> str:
        """The URL of database `name` on this server (the given URL's login and options)."""
        return urlunsplit(self._parts._replace(path=f"/{name}"))

    def sql(self, statement: str) -> str:
        """Run one statement on the server's admin database; the first value it returns."""
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return str(row[0]) if row else ""

    def create(self, stem: str) -> str:
        """A new, empty database; its URL. Dropped by `drop_all`."""
        name = f"journal_bench_{stem}_{uuid.uuid4().hex[:8]}"
        self.sql(f"CREATE DATABASE {name}")
        self.made.append(name)
        return self.database(name)

    def drop_all(self) -> None:
        for name in self.made:
            self.sql(f"DROP DATABASE IF EXISTS {name}")
        self.made.clear()

    def version(self) -> str:
        return self.sql("SELECT current_setting('server_version')")


@contextmanager
def server(url: str | None) -> Iterator[Server]:
    """The given server, or a throw-away local cluster stopped (and removed) at the end."""
    if url:
        given = Server(url, "the server given by --pg-url")
        try:
            yield given
        finally:
            given.drop_all()
        return
    from bench.pgcluster import start_cluster

    cluster = start_cluster("journal")
    try:
        yield Server(cluster.url, "a throw-away local cluster (initdb, fsync=off)")
    finally:
        cluster.stop()


def driver_url(url: str) -> str:
    """The URL SQLAlchemy needs for psycopg 3 (as the journal's store builds it)."""
    return re.sub(r"^postgresql://", "postgresql+psycopg://", url)


def fill(b: "Bench", pg: Server, size: str) -> tuple[str, float]:
    """A new database holding the generated `size` journal; its URL and the copy's seconds.

    Copied from an untouched copy of the cached file (the SQLite rows add to theirs).
    """
    from bench.__main__ import say

    pristine = b.work / f"pg-source-{size}.sqlite"
    shutil.copyfile(b.cache / f"{size}-v{GENERATOR_VERSION}.sqlite", pristine)
    url = pg.create(size)
    started = time.perf_counter()
    say(f"copying {size} into PostgreSQL (journal copy --to) …")
    done = subprocess.run(b.j(pristine, "copy", "--to", url), env=b.env, capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"journal copy --to failed: {done.stderr.decode()[-500:]}")
    say(f"  done in {seconds:.0f} s")
    pristine.unlink()
    # What autovacuum does within a minute or so of a bulk load anyway; done here so the
    # read rows do not depend on whether it has run yet (statistics, visibility map).
    run_sql(url, "VACUUM (ANALYZE)")
    return url, seconds


def rows_pg(
    b: "Bench",
    journals: dict[str, tuple[Path, Meta]],
    sizes: list[str],
    url: str | None,
    notes: list[str],
) -> list["Row"]:
    """Fill a server with the journals, measure, drop; returns the rows, adds notes."""
    from bench.__main__ import events, ratio_row, read_commands

    big = sizes[-1]
    with server(url) as pg:
        urls: dict[str, str] = {}
        filled: list[str] = []
        for size in dict.fromkeys(["1k", big]):
            urls[size], seconds = fill(b, pg, size)
            filled.append(f"{size} in {seconds:.0f} s")
        notes.append(
            f"PostgreSQL {pg.version()} on {pg.where}; journals filled by"
            f" `journal copy --to`: {', '.join(filled)}"
        )
        rows = []
        small_meta, big_meta = journals["1k"][1], journals[big][1]
        small_cmds, big_cmds = read_commands(small_meta), read_commands(big_meta)
        label = events(big_meta)
        for name in small_cmds:
            value, base = b.median(
                b.wall(b.j(urls[big], *big_cmds[name])),
                b.wall(b.j(urls["1k"], *small_cmds[name])),
            )
            rows.append(
                ratio_row(
                    f"`journal {name}` at {label}, PostgreSQL",
                    value,
                    base,
                    READ_LIMIT,
                    "same at 1k on PostgreSQL",
                )
            )
        floor_url = pg.create("floor")
        run_sql(floor_url, floors.PG_FLOOR_TABLE)
        floor = b.wall([b.python, "-c", floors.PG_ONE_ROW_INSERT, driver_url(floor_url)])
        for size in dict.fromkeys(["1k", big]):
            meta = journals[size][1]
            adds = {
                "add message": ("add", "message", meta.show_id, "--note", "ベンチマーク"),
                "add listed": ("add", "listed", "--platform", "mercari", "--title", "ベンチ")
                + ("--price", "1000"),
            }
            for name, argv in adds.items():
                value, base = b.median(b.wall(b.j(urls[size], *argv)), floor)
                rows.append(
                    ratio_row(
                        f"`journal {name}` ({events(meta)}, PostgreSQL)",
                        value,
                        base,
                        ADD_LIMIT,
                        FLOOR_NAME,
                    )
                )
        pg.drop_all()
    return rows


def run_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)
