"""A running daemon follows its config file: the real `journal daemon` process, a real journal
file, a real notifier program, the config file edited while it runs (and SIGHUP).

Real, short times (no freezegun: the daemon's scheduler runs in its own threads).
"""

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import journal_process
from tests.test_daemon_e2e import NOTIFIER, DaemonProcess, _add_trade, _notes, _wait_for

pytestmark = pytest.mark.slow

ENGLISH_0M = 'language = "en"\n[reminders]\nhold_expiry = ["0m"]\n'
JAPANESE_2H = 'language = "ja"\n[reminders]\nhold_expiry = ["2h"]\n'


@pytest.fixture
def setup(tmp_path):
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(ENGLISH_0M, encoding="utf-8")
    env = {
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "",  # the language is the config file's
        "LANG": "C.UTF-8",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(tmp_path / "notes.jsonl"),
    }
    _add_trade(env)
    daemon = DaemonProcess(env, tmp_path / "daemon.log", "--notifier", "command", "--command",
                           str(script))  # fmt: skip
    daemon.wait_ready()
    yield env, config, Path(env["NOTES_OUT"]), daemon
    code = daemon.stop()
    assert code == 0, daemon.stderr()
    assert "Traceback" not in daemon.stderr()


def _hold(env: dict[str, str], until: str) -> None:
    added = journal_process("add", "hold", "T1", "--buyer", "はな", "--until", until, env=env)
    assert added.returncode == 0, added.stderr


def _wait_log(daemon: DaemonProcess, text: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while text not in daemon.stderr():
        assert time.monotonic() < deadline, f"not in the log: {text!r}\n{daemon.stderr()}"
        time.sleep(0.05)
    return daemon.stderr()


def test_changed_offsets_and_language_take_effect_without_a_restart(setup):
    env, config, notes_out, daemon = setup
    _hold(env, "+1h")  # its only reminder (offset 0m) is an hour away
    time.sleep(1.5)
    assert _notes(notes_out) == []

    pid = daemon.proc.pid
    config.write_text(JAPANESE_2H, encoding="utf-8")  # warn 2 h before: due already
    notes = _wait_for(notes_out, 1, timeout=10)
    assert [(n["trade"], n["kind"]) for n in notes] == [("T1", "hold_expiry")], daemon.stderr()
    assert "取り置き" in notes[0]["argv"][1]  # the note speaks the new language
    assert daemon.proc.pid == pid and daemon.proc.poll() is None  # the same process
    log = _wait_log(daemon, "設定を読み直しました")
    assert "watching" in log  # what it said before the change stays English


def test_a_refused_config_changes_nothing_and_the_daemon_goes_on(setup):
    env, config, notes_out, daemon = setup
    config.write_text('language = "ja"\n[reminders]\nhold_expiry = ["soon"]\n', encoding="utf-8")
    log = _wait_log(daemon, "the changed settings are not used")
    line = next(x for x in log.splitlines() if "the changed settings are not used" in x)
    assert "hold_expiry" in line and "config.toml" in line  # which file and which key
    assert daemon.proc.poll() is None

    # the command refuses that config too: it records with none; the daemon keeps its old
    # offset (0m) and its old language
    _hold({**env, "JOURNAL_CONFIG": str(config.with_name("none.toml"))}, "+3s")
    notes = _wait_for(notes_out, 1, timeout=15)
    assert [(n["trade"], n["kind"]) for n in notes] == [("T1", "hold_expiry")], daemon.stderr()
    assert "hold" in notes[0]["argv"][1] and "取り置き" not in notes[0]["argv"][1]

    config.write_text(JAPANESE_2H, encoding="utf-8")  # fixed: taken at once
    _wait_log(daemon, "設定を読み直しました")


def test_sighup_reads_the_settings_again(setup):
    env, config, notes_out, daemon = setup
    _hold(env, "+1h")
    before = config.stat()
    # The same size, inode and modification time: a change the daemon cannot see by itself.
    config.write_text(ENGLISH_0M.replace('"0m"', '"2h"'), encoding="utf-8")
    os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert config.stat().st_size == before.st_size and config.stat().st_ino == before.st_ino
    time.sleep(1.5)
    assert _notes(notes_out) == []  # not noticed

    daemon.proc.send_signal(signal.SIGHUP)  # as `systemctl --user reload` sends
    notes = _wait_for(notes_out, 1, timeout=10)
    assert [(n["trade"], n["kind"]) for n in notes] == [("T1", "hold_expiry")], daemon.stderr()
    _wait_log(daemon, "settings read again")
