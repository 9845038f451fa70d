"""Two processes appending to the same trade at once: nothing lost, nothing doubled, no errors."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent(
    """
    import sys
    import cli
    name, count = sys.argv[1], int(sys.argv[2])
    failures = 0
    for i in range(count):
        failures += cli.main(["add", "note", "T1", "--note", f"{name}-{i}"]) != 0
    sys.exit(1 if failures else 0)
    """
)


def test_two_processes_append_200_events_to_one_trade(journal_env, ok):
    assert ok("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "100") == "T1"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, count in (("a", 100), ("b", 99))
    ]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert err == ""  # no traceback, no "database is locked", nothing at all
        assert out.count("T1 #") == len(out.splitlines())
    with sqlite3.connect(journal_env) as db:
        rows = db.execute("SELECT seq, version, payload FROM events ORDER BY seq").fetchall()
        checkpoint = db.execute(
            "SELECT value FROM projection_state WHERE key='checkpoint'"
        ).fetchone()
    assert len(rows) == 200
    assert [r[0] for r in rows] == list(range(1, 201))
    assert [r[1] for r in rows] == list(range(1, 201))
    notes = [r[2] for r in rows[1:]]
    assert len(set(notes)) == 199
    assert sum('"a-' in n for n in notes) == 100 and sum('"b-' in n for n in notes) == 99
    assert checkpoint == (200,)
