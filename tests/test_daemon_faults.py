"""The daemon under faults: the real `journal` command, real daemon processes, real notifiers.

Each case is a fault seen in a review (issues 8, 15 and 16): a desktop notifier with no
server, previews that consumed reminders, a hostile lock file, two daemons through a
symlink, a hung or flooding notifier, a full disk, SIGTERM during a hung delivery, and the
journal deleted or replaced under a running daemon.
"""

import json
import os
import pty
import re
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import journal_process
from tests.test_daemon_e2e import DaemonProcess, _journal_argv, _notes, _wait_for

pytestmark = pytest.mark.slow

LOGGER = """#!/bin/sh
# Appends one JSON line per call: trade, kind, title, time.
printf '{"trade": "%s", "kind": "%s", "title": "%s", "at": %s}\\n' \
  "$JOURNAL_TRADE" "$JOURNAL_KIND" "$1" "$(date +%s.%N)" >> "$NOTES_OUT"
"""


@pytest.fixture
def env(tmp_path):
    (tmp_path / "config.toml").write_text('[reminders]\nhold_expiry = ["0m"]\n', encoding="utf-8")
    return {
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "NOTES_OUT": str(tmp_path / "notes.jsonl"),
    }


def _script(tmp: Path, name: str, body: str) -> Path:
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    path.chmod(0o755)
    return path


def _ok(env: dict, *args: str) -> str:
    done = journal_process(*args, env=env)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout.strip()


def _trade(env: dict, title: str = "ニット") -> str:
    return _ok(env, "add", "listed", "--platform", "mercari", "--title", title, "--price", "2000")


def _hold(env: dict, trade: str, seconds: float) -> datetime:
    due = (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)
    _ok(env, "add", "hold", trade, "--buyer", "はな", "--until", f"{due:%Y-%m-%dT%H:%M:%SZ}")
    return due


def _sent(env: dict) -> list[dict]:
    return json.loads(_ok(env, "reminders", "--json"))["sent"]


def _wait_log(daemon: DaemonProcess, needle: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while needle not in daemon.stderr():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- 8.1: a reminder printed to nobody is not delivered ----------------------------------
def _no_desktop(env: dict, tmp: Path) -> dict:
    base = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    return {**base, **env, "XDG_RUNTIME_DIR": str(tmp / "no-runtime")}


def test_desktop_without_a_server_is_a_failure_unless_on_a_terminal(env, tmp_path):
    (tmp_path / "config.toml").write_text("")  # default warnings: 3 h before is due at once
    _trade(env)
    _ok(env, "add", "hold", "T1", "--buyer", "はな", "--until", "+2h")
    _ok(env, "add", "listed", "--platform", "rakuma", "--title", "x", "--price", "900")
    quiet = _no_desktop(env, tmp_path)
    cron = subprocess.run(
        [*_journal_argv(), "daemon", "--once", "--notifier", "desktop"],
        env=quiet,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cron.returncode == 1, cron.stderr
    assert "could not be delivered" in cron.stderr and "Traceback" not in cron.stderr
    assert "no desktop notification server" in cron.stderr
    assert _sent(env) == []  # still pending, retried later

    # On an interactive terminal, printing is a real delivery.
    main, child = pty.openpty()
    try:
        tty = subprocess.run(
            [*_journal_argv(), "daemon", "--once", "--notifier", "desktop"],
            env=quiet,
            stdout=child,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert tty.returncode == 0, tty.stderr
    assert "T1 ニット: hold: " in shown.decode(errors="replace")
    sent = [(s["trade"], s["before"], s["how"], s["notifier"]) for s in _sent(env)]
    assert sent == [("T1", "24h", "superseded", "desktop"), ("T1", "3h", "on_time", "desktop")]


# -- 8.2: previews record nothing ----------------------------------------------------------
def test_as_of_and_dry_run_show_what_would_be_sent_and_record_nothing(env, tmp_path):
    logger = _script(tmp_path, "log.sh", LOGGER)
    _trade(env)
    _ok(env, "add", "hold", "T1", "--buyer", "はな", "--until", "+2d")
    common = ("--notifier", "command", "--command", str(logger))
    future = journal_process("daemon", "--once", "--as-of", "+49h", *common, env=env)
    assert future.returncode == 0, future.stderr
    assert re.search(r"would send: T1 ニット: .*hold: ", future.stdout), future.stdout
    assert "nothing was sent or recorded" in future.stderr
    now = journal_process("daemon", "--dry-run", "--json", *common, env=env)
    assert now.returncode == 0, now.stderr
    assert json.loads(now.stdout)["would_send"] == []  # nothing due yet
    assert not Path(env["NOTES_OUT"]).exists()  # the notifier never ran
    assert _sent(env) == []
    planned = json.loads(_ok(env, "reminders", "--json"))["planned"]
    assert [(p["trade"], p["status"]) for p in planned] == [("T1", "planned")]
    helptext = journal_process("daemon", "--help", env=env).stdout
    assert "nothing is sent or recorded" in helptext and "--dry-run" in helptext


# -- 8.3 / 16.5 / 16.7: the lock file and the unit file -------------------------------------
def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(env, tmp_path):
    _trade(env)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious data\n", encoding="utf-8")
    lock = Path(env["JOURNAL_DB"] + ".daemon.lock")
    lock.symlink_to(victim)
    done = journal_process("daemon", "--once", "--notifier", "console", env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "lock file" in done.stderr
    assert "Traceback" not in done.stderr
    assert victim.read_text(encoding="utf-8") == "precious data\n"
    dangling = tmp_path / "nowhere.txt"
    lock.unlink()
    lock.symlink_to(dangling)
    assert journal_process("daemon", "--once", "--notifier", "console", env=env).returncode == 2
    assert not dangling.exists()


def test_the_lock_file_is_private_even_under_umask_000(env):
    _trade(env)
    done = subprocess.run(
        [*_journal_argv(), "daemon", "--once", "--notifier", "console"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, done.stderr
    lock = Path(env["JOURNAL_DB"] + ".daemon.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert int(lock.read_text().strip()) > 0  # the pid, written once the lock was held


def test_daemon_install_writes_an_owner_only_unit_under_umask_000(env, tmp_path):
    xdg = tmp_path / "xdg"
    done = subprocess.run(
        [*_journal_argv(), "daemon", "install", "--json"],
        env={**os.environ, **env, "XDG_CONFIG_HOME": str(xdg)},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    if sys.platform != "linux":
        pytest.skip("the systemd unit is written on Linux")
    assert done.returncode == 0, done.stderr
    unit = Path(json.loads(done.stdout)["path"])
    assert stat.S_IMODE(unit.stat().st_mode) == 0o600
    for folder in (xdg, xdg / "systemd", xdg / "systemd" / "user"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert "ExecStart=" in unit.read_text()


def test_two_daemons_through_a_symlinked_journal_path_exactly_one_runs(env, tmp_path):
    logger = _script(tmp_path, "log.sh", LOGGER)
    _trade(env)
    link = tmp_path / "link.sqlite"
    link.symlink_to(env["JOURNAL_DB"])
    args = ("--notifier", "command", "--command", str(logger))
    first = DaemonProcess(env, tmp_path / "first.log", *args)
    try:
        first.wait_ready()
        second = journal_process("daemon", "--db", str(link), *args, env=env)
        assert second.returncode == 1
        assert "already running" in second.stderr and f"(pid {first.proc.pid})" in second.stderr
        once = journal_process("daemon", "--once", "--db", str(link), *args, env=env)
        assert once.returncode == 1 and "already running" in once.stderr
    finally:
        assert first.stop() == 0


# -- 15.5 / 16.4: a hung notifier holds up nothing, and SIGTERM still stops the daemon ----
HANGS_FOR_T1 = (
    LOGGER
    + """
if [ "$JOURNAL_TRADE" = "T1" ]; then
  echo $$ > "$NOTES_OUT.hung"
  sleep 1000   # not exec: a child of the notifier, which must die with it
fi
"""
)


def test_a_hung_notifier_delays_no_other_reminder_and_sigterm_stops_within_seconds(env, tmp_path):
    hang = _script(tmp_path, "hang.sh", HANGS_FOR_T1)
    _trade(env)
    _trade(env, "ワンピース")
    daemon = DaemonProcess(
        env, tmp_path / "daemon.log", "--notifier", "command", "--command", str(hang)
    )
    notes_out = Path(env["NOTES_OUT"])
    try:
        daemon.wait_ready()
        _hold(env, "T1", 3)
        due_t2 = _hold(env, "T2", 5)
        notes = _wait_for(notes_out, 2, timeout=15)
        assert sorted(n["trade"] for n in notes) == ["T1", "T2"], daemon.stderr()
        t2 = next(n for n in notes if n["trade"] == "T2")
        lag = t2["at"] - due_t2.timestamp()
        assert lag < 2.5, f"T2 delivered {lag:.2f} s late behind a hung notifier"
        hung = int(Path(f"{notes_out}.hung").read_text())
        assert os.path.exists(f"/proc/{hung}")
        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        code = daemon.proc.wait(timeout=20)
        took = time.monotonic() - started
    finally:
        daemon.stop(signal.SIGKILL)
    print(f"T2 lag behind a hung notifier: {lag:.2f} s; stopped {took:.2f} s after SIGTERM")
    assert code == 0 and took < 5.0, f"stopped after {took:.1f} s: {daemon.stderr()}"
    assert "stopped" in daemon.stderr() and "Traceback" not in daemon.stderr()
    time.sleep(0.2)
    # the notifier's whole process group (its `sleep` too) was killed
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _alive_in(int(p), hung)]
    assert leftovers == []
    sent = {(s["trade"], s["how"]) for s in _sent(env)}
    assert ("T2", "on_time") in sent and not any(t == "T1" for t, _ in sent)


def _alive_in(pid: int, group: int) -> bool:
    """Is `pid` a live (not zombie: a container's init may not reap) member of `group`?"""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and int(fields[2]) == group


# -- 15.3: a notifier printing 100 MB ------------------------------------------------------
def test_a_notifier_printing_100_mb_leaves_the_daemon_small(env, tmp_path):
    flood = _script(tmp_path, "flood.sh", LOGGER + "head -c 100000000 /dev/zero\n")
    _trade(env)
    daemon = DaemonProcess(
        env, tmp_path / "daemon.log", "--notifier", "command", "--command", str(flood)
    )
    try:
        daemon.wait_ready()
        _hold(env, "T1", 4)
        deadline = time.monotonic() + 20
        while not _sent(env) and time.monotonic() < deadline:
            time.sleep(0.2)
        status = Path(f"/proc/{daemon.proc.pid}/status").read_text()
        peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
    finally:
        assert daemon.stop() == 0
    assert [(s["trade"], s["how"]) for s in _sent(env)] == [("T1", "on_time")], daemon.stderr()
    print(f"daemon peak RSS with a 100 MB notifier: {peak_kb / 1024:.0f} MB")
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"
    assert len(_notes(Path(env["NOTES_OUT"]))) == 1


# -- 15.4: a full disk never repeats a delivered reminder -----------------------------------
def test_a_full_disk_records_later_and_never_repeats_the_reminder(env, tmp_path):
    logger = _script(tmp_path, "log.sh", LOGGER)
    _trade(env)
    # This connection keeps the -wal and -shm files in place, so the daemon needs to
    # write nothing to open the journal; only its sent-records hit the limit.
    holder = sqlite3.connect(env["JOURNAL_DB"])
    holder.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def small_disk() -> None:  # writes past 4 KiB fail (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))

    log = tmp_path / "daemon.log"
    handle = open(log, "a", encoding="utf-8")  # noqa: SIM115
    proc = subprocess.Popen(
        [*_journal_argv(), "daemon", "--notifier", "command", "--command", str(logger)],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=handle,
        preexec_fn=small_disk,
    )
    notes_out = Path(env["NOTES_OUT"])
    try:
        deadline = time.monotonic() + 20
        while "watching" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        _hold(env, "T1", 4)
        deadline = time.monotonic() + 15
        while "could not record" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "could not record" in log.read_text(), log.read_text()
        time.sleep(6)  # a record retry or more, and a delivery pass, while the disk is full
        assert len(_notes(notes_out)) == 1  # delivered once, not again at every retry
        assert _sent(env) == []
        resource.prlimit(
            proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        )
        deadline = time.monotonic() + 15
        while not _sent(env) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [(s["trade"], s["how"]) for s in _sent(env)] == [("T1", "on_time")]
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        handle.close()
        holder.close()
    text = log.read_text()
    assert code == 0 and "Traceback" not in text
    assert len(_notes(notes_out)) == 1
    assert text.count("could not record") == 1  # said once, not at each retry
    assert "can be written again" in text


# -- 16.6: a journal deleted or replaced under the daemon ----------------------------------
def test_a_deleted_journal_is_not_recreated(env, tmp_path):
    logger = _script(tmp_path, "log.sh", LOGGER)
    _trade(env)
    due = _hold(env, "T1", 8)  # far enough for a loaded machine to start the daemon first
    db = Path(env["JOURNAL_DB"])
    daemon = DaemonProcess(
        env, tmp_path / "daemon.log", "--notifier", "command", "--command", str(logger)
    )
    try:
        daemon.wait_ready()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        assert _wait_log(daemon, "is gone", 3), daemon.stderr()
        # past the hold's due time: its wake-up must not touch the path
        time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1.5)
        assert not db.exists(), "the daemon recreated the journal"
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0
    assert daemon.stderr().count("is gone") == 1 and "Traceback" not in daemon.stderr()
    assert not db.exists() and not _notes(Path(env["NOTES_OUT"]))


def test_a_replaced_journal_is_noticed_and_nothing_of_the_old_one_is_written_into_it(env, tmp_path):
    logger = _script(tmp_path, "log.sh", LOGGER)
    (tmp_path / "config.toml").write_text('[reminders]\nhold_expiry = ["1h", "0m"]\n')
    _trade(env, "A-trade")
    _ok(env, "add", "hold", "T1", "--buyer", "はな", "--until", "+30m")  # 1h warning: at once
    other = {**env, "JOURNAL_DB": str(tmp_path / "other.sqlite")}
    _trade(other, "B-trade")
    daemon = DaemonProcess(
        env, tmp_path / "daemon.log", "--notifier", "command", "--command", str(logger)
    )
    notes_out = Path(env["NOTES_OUT"])
    try:
        daemon.wait_ready()
        assert [n["title"] for n in _wait_for(notes_out, 1, 10)] == ["T1 A-trade"]
        due = _hold(other, "T1", 4)
        os.replace(other["JOURNAL_DB"], env["JOURNAL_DB"])  # a restore with `mv`
        assert _wait_log(daemon, "was replaced", 3), daemon.stderr()
        notes = _wait_for(notes_out, 3, timeout=10)
    finally:
        assert daemon.stop() == 0
    titles = [n["title"] for n in notes]
    assert titles.count("T1 B-trade") == 2, (titles, daemon.stderr())  # the 1h warning, then 0m
    last = notes[-1]
    assert last["at"] - due.timestamp() < 2.5
    sent = _sent(env)
    assert {s["title"] for s in sent} == {"B-trade"}  # no record of journal A in B's file
    assert "Traceback" not in daemon.stderr()
