"""Concurrency: several processes append to the same and to different trades at once, while a
reader lists and (when this build has one) the reminder daemon runs. Afterwards every event is
there exactly once, versions are contiguous, and nobody printed a traceback or "locked"."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from integrity_support import rows

pytestmark = pytest.mark.slow

WRITERS = 5
STEPS = 12  # per writer: STEPS notes on the shared trade and STEPS on its own
EXE = Path(sys.executable).with_name("journal")

WRITER = """
import sys
import cli
me, steps = sys.argv[1], int(sys.argv[2])
failed = cli.main(["add", "listed", "--id", "W" + me, "--platform", "mercari",
                   "--title", "w" + me, "--price", "100"]) != 0
for k in range(steps):
    for trade in ("T1", "W" + me):
        failed |= cli.main(["add", "note", trade, "--note", f"{trade}/{me}/{k}"]) != 0
sys.exit(1 if failed else 0)
"""

READER = """
import os, sys
import cli
stop, failed, rounds = sys.argv[1], False, 0
while not os.path.exists(stop) or rounds < 3:
    for args in (["list", "--json"], ["upcoming", "--within", "30d"], ["show", "T1"]):
        failed |= cli.main(args) != 0
    rounds += 1
sys.exit(1 if failed else 0)
"""


def _spawn(code_or_args, env, *extra):
    command = (
        [sys.executable, "-c", code_or_args, *extra]
        if isinstance(code_or_args, str)
        else code_or_args
    )
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _daemon_available(env) -> bool:
    probe = subprocess.run(
        [str(EXE), "daemon", "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    return probe.returncode == 0


def test_concurrent_writers_reader_and_daemon(tmp_path):
    db = tmp_path / "journal.sqlite"
    env = {
        **os.environ,
        "JOURNAL_DB": str(db),
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }
    created = subprocess.run(
        [str(EXE), "add", "listed", "--platform", "rakuma", "--title", "共有", "--price", "1000"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    stop = tmp_path / "stop"

    # The daemon is started only when this build has one (`journal daemon --help` works);
    # the reader runs either way.
    daemon = None
    if _daemon_available(env):
        daemon = _spawn([str(EXE), "daemon", "--notifier", "console"], env)
    reader = _spawn(READER, env, str(stop))
    writers = [_spawn(WRITER, env, str(i), str(STEPS)) for i in range(WRITERS)]

    time.sleep(0.2)
    backup = subprocess.run(
        [str(EXE), "backup", str(tmp_path / "during.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    outputs = {}
    for number, writer in enumerate(writers):
        out, err = writer.communicate(timeout=300)
        outputs[f"writer {number}"] = (writer.returncode, out, err)
    stop.touch()
    out, err = reader.communicate(timeout=300)
    outputs["reader"] = (reader.returncode, out, err)
    if daemon is not None:
        daemon.send_signal(signal.SIGTERM)
        try:
            out, err = daemon.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            out, err = daemon.communicate()
        outputs["daemon"] = (0, out, err)
    outputs["backup"] = (backup.returncode, backup.stdout, backup.stderr)

    for name, (code, out, err) in outputs.items():
        assert "Traceback" not in out + err, (name, err)
        assert "locked" not in (out + err).lower(), (name, err)
        assert "busy" not in err.lower(), (name, err)
        assert code == 0, (name, err)

    stored = rows(db)
    notes = [json.loads(r[6])["note"] for r in stored if r[4] == "note"]
    expected = {
        f"{t}/{i}/{k}" for i in range(WRITERS) for k in range(STEPS) for t in ("T1", f"W{i}")
    }
    assert len(notes) == len(expected) and set(notes) == expected  # each exactly once
    assert len(stored) == 1 + WRITERS + len(expected)
    by_stream: dict[str, list[int]] = {}
    for r in stored:
        by_stream.setdefault(r[2], []).append(r[3])
    for stream, versions in by_stream.items():
        assert versions == list(range(1, len(versions) + 1)), stream
    assert [r[0] for r in stored] == list(range(1, len(stored) + 1))

    verified = subprocess.run(
        [str(EXE), "verify"], env=env, capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 0, verified.stderr
    copy = subprocess.run(
        [str(EXE), "verify", "--db", str(tmp_path / "during.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert copy.returncode == 0, copy.stderr


def test_first_use_by_several_processes_at_once(tmp_path):
    """The daemon and a command may both be the first to touch a new journal file."""
    db = tmp_path / "new" / "journal.sqlite"
    env = {
        **os.environ,
        "JOURNAL_DB": str(db),
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "JOURNAL_LANG": "en",
    }
    args = ["add", "listed", "--platform", "rakuma", "--price", "100", "--title"]
    processes = [_spawn([str(EXE), *args, f"品 {i}"], env) for i in range(6)]
    results = [(*p.communicate(timeout=120), p.returncode) for p in processes]
    for _out, err, code in results:
        assert code == 0 and err == "", err
    assert sorted(out.strip() for out, _, _ in results) == [f"T{i}" for i in range(1, 7)]
    assert len(rows(db)) == 6
    assert subprocess.run([str(EXE), "verify"], env=env, timeout=60).returncode == 0
