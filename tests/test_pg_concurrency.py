"""Four processes appending to one trade in one PostgreSQL journal at once: `seq` stays
gapless and ordered, versions run 1..N, nothing is lost or doubled, nothing on stderr."""

import os
import subprocess
import sys

import pytest
from conftest import ROOT
from pg_server import psql
from test_concurrency import WRITER

from journal.storage.store import GENESIS_HASH, HEAD_REVISION, event_hash

pytestmark = pytest.mark.slow

WRITERS, EACH = 4, 50


def test_four_writers_append_50_each_gapless(pg_url, tmp_path):
    env = {
        **os.environ,
        "JOURNAL_DB": pg_url,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "PYTHONPATH": str(ROOT),
    }
    first = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "add", "listed", "--platform", "rakuma"]
        + ["--title", "x", "--price", "100"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0 and first.stdout.strip() == "T1", first.stderr
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{n}", str(EACH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert err == ""  # no traceback, no serialization failure, nothing at all
        assert out.count("T1 #") == EACH
    server, name = pg_url.rsplit("/", 1)
    columns = (
        "seq, event_id, stream, version, type, schema_version, payload, occurred_at,"
        " recorded_at, prev_hash, hash"
    )
    rows = [
        line.split("\t")
        for line in psql(server, name, f"SELECT {columns} FROM events ORDER BY seq")
        .replace("|", "\t")
        .splitlines()
    ]
    total = 1 + WRITERS * EACH
    assert [int(r[0]) for r in rows] == list(range(1, total + 1))
    assert [int(r[3]) for r in rows] == list(range(1, total + 1))
    notes = [r[6] for r in rows[1:]]
    assert len(set(notes)) == WRITERS * EACH
    for n in range(WRITERS):
        assert sum(f'"w{n}-' in note for note in notes) == EACH
    checkpoint = psql(server, name, "SELECT value FROM projection_state WHERE key='checkpoint'")
    assert int(checkpoint) == total
    prev = GENESIS_HASH
    for r in rows:
        content = (int(r[0]), r[1], r[2], int(r[3]), r[4], int(r[5]), *r[6:9])
        assert r[9] == prev and r[10] == event_hash(prev, content)
        prev = r[10]


def test_four_first_commands_on_an_empty_database_all_succeed(pg_url, tmp_path):
    env = {
        **os.environ,
        "JOURNAL_DB": pg_url,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
    }
    argv = [sys.executable, str(ROOT / "cli.py"), "add", "listed", "--platform", "rakuma"]
    procs = [
        subprocess.Popen(
            [*argv, "--title", f"t{n}", "--price", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and err == "", err
        ids.append(out.strip())
    assert sorted(ids) == [f"T{n}" for n in range(1, WRITERS + 1)]
    server, name = pg_url.rsplit("/", 1)
    assert psql(server, name, "SELECT version_num FROM alembic_version").strip() == HEAD_REVISION
