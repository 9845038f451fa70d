"""End to end: the real `journal daemon` process, a real journal file, a real notifier program.

Real, short times (no freezegun: the daemon's scheduler runs in its own threads).
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT, journal_process

pytestmark = pytest.mark.slow

NOTIFIER = """#!{python}
import json, os, sys, time
with open(os.environ["NOTES_OUT"], "a", encoding="utf-8") as out:
    out.write(json.dumps({{
        "argv": sys.argv[1:],
        "trade": os.environ.get("JOURNAL_TRADE"),
        "kind": os.environ.get("JOURNAL_KIND"),
        "due": os.environ.get("JOURNAL_DUE"),
        "at": time.time(),
    }}, ensure_ascii=False) + "\\n")
"""


def _journal_argv() -> list[str]:
    exe = Path(sys.executable).with_name("journal")
    return [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]


class DaemonProcess:
    """`journal daemon` in the background, its stderr in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self.handle = open(log, "a", encoding="utf-8")  # noqa: SIM115
        self.start_size = log.stat().st_size if log.exists() else 0
        self.proc = subprocess.Popen(
            [*_journal_argv(), "daemon", *args],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.handle,
        )

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8")[self.start_size :]

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while "watching" not in self.stderr():
            assert self.proc.poll() is None, f"daemon exited: {self.stderr()}"
            assert time.monotonic() < deadline, f"daemon not ready: {self.stderr()}"
            time.sleep(0.05)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.handle.close()
        return code


def _notes(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _wait_for(path: Path, count: int, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notes = _notes(path)
        if len(notes) >= count:
            return notes
        time.sleep(0.05)
    return _notes(path)


@pytest.fixture
def setup(tmp_path):
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    env = {
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(tmp_path / "notes.jsonl"),
    }
    return env, script, config, tmp_path


def _add_trade(env: dict[str, str]) -> None:
    created = journal_process(
        "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2000", env=env
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "T1"


def test_daemon_delivers_a_reminder_once_and_not_again_after_restart(setup):
    env, script, config, tmp = setup
    config.write_text('[reminders]\nhold_expiry = ["0m"]\n', encoding="utf-8")
    notes_out = Path(env["NOTES_OUT"])
    log = tmp / "daemon.log"
    daemon = DaemonProcess(env, log, "--notifier", "command", "--command", str(script))
    try:
        daemon.wait_ready()
        _add_trade(env)  # from a second process, while the daemon runs
        due = (datetime.now(UTC) + timedelta(seconds=6)).replace(microsecond=0)
        added = journal_process(
            "add", "hold", "T1", "--buyer", "はな", "--until", f"{due:%Y-%m-%dT%H:%M:%SZ}", env=env
        )
        assert added.returncode == 0, added.stderr
        notes = _wait_for(notes_out, 1, timeout=20)
        assert len(notes) == 1, daemon.stderr()
        note = notes[0]
        assert note["trade"] == "T1" and note["kind"] == "hold_expiry"
        assert note["due"] == due.astimezone(ZoneInfo("Asia/Tokyo")).isoformat()
        assert note["argv"][0] == "T1 ニット"
        assert "hold" in note["argv"][1]
        lag = note["at"] - due.timestamp()
        assert -0.5 <= lag < 2.5, f"delivered {lag:.2f} s after the due time"
        time.sleep(2)
        assert len(_notes(notes_out)) == 1  # once

        second = journal_process("daemon", "--notifier", "console", env=env)
        assert second.returncode == 1
        assert "already running" in second.stderr and "Traceback" not in second.stderr
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr()
    assert "stopped" in daemon.stderr() and "Traceback" not in daemon.stderr()

    restarted = DaemonProcess(env, log, "--notifier", "command", "--command", str(script))
    try:
        restarted.wait_ready()
        time.sleep(2)
        assert len(_notes(notes_out)) == 1, "the restart repeated a reminder"
    finally:
        assert restarted.stop() == 0
    listed = journal_process("reminders", "--json", env=env)
    sent = json.loads(listed.stdout)["sent"]
    assert [(s["trade"], s["kind"], s["how"], s["notifier"]) for s in sent] == [
        ("T1", "hold_expiry", "on_time", "command")
    ]


def test_plan_follows_another_process_within_two_seconds(setup):
    """A warning already due when its deadline appears goes out as soon as the log moves."""
    env, script, config, tmp = setup
    config.write_text(
        f'[reminders]\nhold_expiry = ["2h"]\n[notifier]\nkind = "command"\ncommand = "{script}"\n',
        encoding="utf-8",
    )
    notes_out = Path(env["NOTES_OUT"])
    _add_trade(env)
    daemon = DaemonProcess(env, tmp / "daemon.log")
    try:
        daemon.wait_ready()
        added = journal_process("add", "hold", "T1", "--buyer", "はな", "--until", "+1h", env=env)
        done = time.time()
        assert added.returncode == 0, added.stderr
        notes = _wait_for(notes_out, 1, timeout=10)
        assert [(n["trade"], n["kind"]) for n in notes] == [("T1", "hold_expiry")]
        latency = notes[0]["at"] - done
        assert latency < 2.0, f"re-planned after {latency:.2f} s"
        assert "late" not in notes[0]["argv"][1]
    finally:
        assert daemon.stop(signal.SIGINT) == 0  # Ctrl-C stops it cleanly too
    assert "Traceback" not in daemon.stderr()


def test_a_failing_command_is_logged_and_retried_without_stopping(setup):
    env, _script, config, tmp = setup
    failing = tmp / "fail.sh"
    failing.write_text("#!/bin/sh\necho 'no phone today' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    config.write_text('[reminders]\nhold_expiry = ["2h"]\n', encoding="utf-8")
    daemon = DaemonProcess(
        env, tmp / "daemon.log", "--notifier", "command", "--command", str(failing)
    )
    try:
        daemon.wait_ready()
        _add_trade(env)
        added = journal_process("add", "hold", "T1", "--buyer", "はな", "--until", "+1h", env=env)
        assert added.returncode == 0
        deadline = time.monotonic() + 10
        while "retrying" not in daemon.stderr() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "exited with 3: no phone today" in daemon.stderr()
        assert "retrying" in daemon.stderr()
        assert daemon.proc.poll() is None  # still running
    finally:
        assert daemon.stop() == 0
    listed = json.loads(journal_process("reminders", "--json", env=env).stdout)
    assert listed["sent"] == []
    assert [(p["kind"], p["status"]) for p in listed["planned"]] == [("hold_expiry", "overdue")]
