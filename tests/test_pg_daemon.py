"""Two real daemons on one PostgreSQL journal: the leader delivers each reminder exactly
once, the other stands by; SIGKILL the leader and the standby delivers within 30 s."""

import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from pg_server import psql
from test_daemon_e2e import DaemonProcess, _notes, _wait_for

from tests.conftest import journal_process

pytestmark = pytest.mark.slow

NOTIFIER = """#!{python}
import json, os, sys, time
with open(os.environ["NOTES_OUT"], "a", encoding="utf-8") as out:
    out.write(json.dumps({{
        "trade": os.environ.get("JOURNAL_TRADE"),
        "kind": os.environ.get("JOURNAL_KIND"),
        "daemon": os.getppid(),
        "at": time.time(),
    }}) + "\\n")
"""


def _until(log_owner: DaemonProcess, text: str, timeout: float) -> float:
    """Wait for `text` in a daemon's log; returns when it appeared (time.time())."""
    deadline = time.monotonic() + timeout
    while text not in log_owner.stderr():
        assert log_owner.proc.poll() is None, f"daemon exited: {log_owner.stderr()}"
        assert time.monotonic() < deadline, f"no {text!r}: {log_owner.stderr()}"
        time.sleep(0.05)
    return time.time()


def _hold(env: dict[str, str], trade: str, seconds: int) -> None:
    due = (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)
    added = journal_process(
        "add", "hold", trade, "--buyer", "はな", "--until", f"{due:%Y-%m-%dT%H:%M:%SZ}", env=env
    )
    assert added.returncode == 0, added.stderr


def _list(env: dict[str, str], title: str) -> str:
    made = journal_process(
        "add", "listed", "--platform", "mercari", "--title", title, "--price", "100", env=env
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_one_leader_delivers_once_and_a_standby_takes_over(pg_url, tmp_path):
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text('[reminders]\nhold_expiry = ["0m"]\n', encoding="utf-8")
    notes_out = tmp_path / "notes.jsonl"
    env = {
        "JOURNAL_DB": pg_url,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(notes_out),
    }
    assert _list(env, "one") == "T1"
    args = ("--notifier", "command", "--command", str(script))
    first = DaemonProcess(env, tmp_path / "first.log", *args)
    second = None
    try:
        _until(first, "watching", 30)
        second = DaemonProcess(env, tmp_path / "second.log", *args)
        _until(second, "standing by", 30)

        _hold(env, "T1", 4)
        notes = _wait_for(notes_out, 1, timeout=20)
        time.sleep(3)  # time enough for a second delivery, if there were one
        notes = _notes(notes_out)
        assert [(n["trade"], n["kind"], n["daemon"]) for n in notes] == [
            ("T1", "hold_expiry", first.proc.pid)
        ], (first.stderr(), second.stderr())
        server, name = pg_url.rsplit("/", 1)
        assert psql(server, name, "SELECT trade, kind FROM reminders_sent").split() == [
            "T1|hold_expiry"
        ]

        first.proc.kill()  # SIGKILL: no goodbye, the server drops its lock
        killed = time.time()
        first.proc.wait(timeout=10)
        took_over = _until(second, "watching", 30)
        assert took_over - killed < 30
        assert _list(env, "two") == "T2"
        _hold(env, "T2", 3)
        notes = _wait_for(notes_out, 2, timeout=20)
        delivered = notes[-1]["at"]
        time.sleep(3)
        notes = _notes(notes_out)
        assert [(n["trade"], n["daemon"]) for n in notes] == [
            ("T1", first.proc.pid),
            ("T2", second.proc.pid),
        ], second.stderr()
        assert delivered - killed < 30
    finally:
        if first.proc.poll() is None:
            first.proc.kill()
        first.handle.close()
        if second is not None:
            code = second.stop()
    assert code == 0, second.stderr()
    for daemon in (first, second):
        assert "Traceback" not in daemon.stderr()
    assert "stopped" in second.stderr()


def test_a_standby_stops_cleanly_on_sigterm(pg_url, tmp_path):
    env = {
        "JOURNAL_DB": pg_url,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
    }
    first = DaemonProcess(env, tmp_path / "first.log", "--notifier", "console")
    try:
        _until(first, "watching", 30)
        second = DaemonProcess(env, tmp_path / "second.log", "--notifier", "console")
        _until(second, "standing by", 30)
        assert second.stop() == 0
        assert "stopped" in second.stderr() and "Traceback" not in second.stderr()
    finally:
        assert first.stop() == 0
    assert "Traceback" not in first.stderr()


def test_a_leader_whose_connection_breaks_leads_again_and_delivers(pg_url, tmp_path):
    from scheduler.leader import LEADER_LOCK

    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text('[reminders]\nhold_expiry = ["0m"]\n', encoding="utf-8")
    notes_out = tmp_path / "notes.jsonl"
    env = {
        "JOURNAL_DB": pg_url,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(notes_out),
    }
    assert _list(env, "one") == "T1"
    daemon = DaemonProcess(
        env, tmp_path / "d.log", "--notifier", "command", "--command", str(script)
    )
    try:
        _until(daemon, "watching", 30)
        server, name = pg_url.rsplit("/", 1)
        ended = psql(
            server,
            name,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
            f" WHERE locktype = 'advisory' AND objid = {LEADER_LOCK & 0xFFFFFFFF}",
        )
        assert ended.strip() == "1"
        _until(daemon, "leading again", 10)
        _hold(env, "T1", 3)
        notes = _wait_for(notes_out, 1, timeout=20)
        assert [(n["trade"], n["daemon"]) for n in notes] == [("T1", daemon.proc.pid)]
    finally:
        assert daemon.stop() == 0, daemon.stderr()
    assert "Traceback" not in daemon.stderr()
