"""The daemon keeps the `[calendar] path` file current: written at start, rewritten when the
log changes, parsed here by an independent iCalendar library."""

import os
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest
from support.daemon import daemon_env

pytestmark = pytest.mark.slow  # a real daemon process

ROOT = Path(__file__).resolve().parent.parent


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def events_of(path: Path) -> dict[str, str]:
    """SUMMARY → STATUS of every VEVENT in the file."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {
        str(e.get("SUMMARY")): str(e.get("STATUS", "CONFIRMED")) for e in calendar.walk("VEVENT")
    }


def wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return check()


def test_the_daemon_keeps_the_calendar_file_current(tmp_path) -> None:
    ics = tmp_path / "synced" / "deadlines.ics"
    ics.parent.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(f'[calendar]\npath = "{ics}"\n')
    env = daemon_env(tmp_path / "j.sqlite", config)
    journal(env, "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
    journal(env, "add", "sold", "T1", "--buyer", "けん")
    daemon = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "daemon", "--notifier", "console"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        first = wait_for(lambda: ics.exists() and events_of(ics))
        assert any("T1" in summary and status == "CONFIRMED" for summary, status in first.items())
        journal(env, "add", "paid", "T1")  # payment met, ship-by opens
        later = wait_for(lambda: len(events_of(ics)) == 2 and events_of(ics))
        statuses = sorted(later.values())
        assert statuses == ["CANCELLED", "CONFIRMED"], later
        assert not list(ics.parent.glob(".*.tmp"))  # written atomically, nothing left over
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    assert daemon.returncode == 0, daemon.stderr.read().decode()


def test_once_writes_it_too_and_a_bad_setting_is_refused(tmp_path) -> None:
    ics = tmp_path / "deadlines.ics"
    config = tmp_path / "config.toml"
    config.write_text(f'[calendar]\npath = "{ics}"\nwithin = "14d"\n')
    env = {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(config),
    }
    journal(env, "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
    journal(env, "add", "sold", "T1", "--buyer", "けん")
    assert journal(env, "daemon", "--once", "--notifier", "console").returncode == 0
    assert any("T1" in s for s in events_of(ics))
    config.write_text('[calendar]\npath = ""\n')
    bad = journal(env, "daemon", "--once", "--notifier", "console")
    assert bad.returncode == 2 and "calendar" in bad.stderr
