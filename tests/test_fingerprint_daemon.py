"""The running daemon follows read models that a command rebuilt for a changed config: it
re-plans at once, and never rebuilds them back with the rule book it started with.

Real, short times (no freezegun: the daemon's scheduler runs in its own threads).
"""

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from journal.core.rules import load_rulebook
from journal.service import Journal
from journal.storage import projections, queries
from tests.conftest import journal_process
from tests.test_daemon_e2e import NOTIFIER, DaemonProcess, _notes

pytestmark = pytest.mark.slow

SETTINGS = "journal: your settings changed, so the deadlines were recomputed\n"


def _completed_sale(env: dict[str, str]) -> None:
    """A Mercari sale completed 30 minutes ago: its message window closes in 7 days."""
    start = datetime.now(UTC) - timedelta(hours=3)
    steps = [
        ("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2000"),
        ("add", "sold", "T1", "--buyer", "はな"),
        ("add", "paid", "T1"),
        ("add", "shipped", "T1"),
        ("add", "received", "T1"),
        ("add", "rated", "T1"),
    ]
    for n, step in enumerate(steps):
        at = start + timedelta(minutes=30 * n)
        done = journal_process(*step, "--at", f"{at:%Y-%m-%dT%H:%M:%SZ}", env=env)
        assert done.returncode == 0, done.stderr


def _windows(path: Path, timeout: float) -> list[dict]:
    """The message-window reminders delivered, waiting up to `timeout` for the first."""
    deadline = time.monotonic() + timeout
    while True:
        found = [n for n in _notes(path) if n["kind"] == "message_window"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_daemon_replans_what_a_command_rebuilt_and_keeps_it(tmp_path, request, engine):
    """On PostgreSQL the rebuild NOTIFYs the listening daemon, as an append does."""
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    base = (
        '[reminders]\nmessage_window = ["2h"]\n'
        f'[notifier]\nkind = "command"\ncommand = "{script}"\n'
        f'[calendar]\npath = "{tmp_path / "deadlines.ics"}"\n'  # kept after every change
    )
    config.write_text(base, encoding="utf-8")
    env = {
        "JOURNAL_DB": (
            str(tmp_path / "journal.sqlite")
            if engine == "sqlite"
            else request.getfixturevalue("pg_url")
        ),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(tmp_path / "notes.jsonl"),
    }
    notes_out = Path(env["NOTES_OUT"])
    _completed_sale(env)
    daemon = DaemonProcess(env, tmp_path / "daemon.log")
    try:
        daemon.wait_ready()
        time.sleep(1.5)
        assert _windows(notes_out, timeout=0) == []
        # the message box now closes an hour after completion: its 2 h warning is due
        config.write_text(
            base + "[rules.mercari.message_window]\ndays = 0\nhours = 1\n", encoding="utf-8"
        )
        listed = journal_process("list", env=env)
        # the daemon reads the changed config at its next poll and rebuilds with it; the
        # command, when first, rebuilds and says so once
        assert listed.returncode == 0 and listed.stderr in ("", SETTINGS), listed.stderr
        done = time.time()
        windows = _windows(notes_out, timeout=10)
        assert windows, daemon.stderr()
        assert windows[0]["at"] - done < 5.0, "not re-planned at once"
        time.sleep(1.5)  # the daemon, following the new book, must not rebuild back
        again = journal_process("verify", env=env)
        assert again.returncode == 0 and again.stderr == "", again.stderr
    finally:
        assert daemon.stop() == 0, daemon.stderr()
    assert "Traceback" not in daemon.stderr()
    assert (tmp_path / "deadlines.ics").exists()  # the calendar was kept: it read, not rebuilt


def test_a_follower_never_rebuilds_with_its_older_book(tmp_path):
    """A journal that follows (the running daemon) leaves read models built with another
    book as they are, whatever it reads; a command's journal rebuilds them."""
    path = tmp_path / "journal.sqlite"
    newer = load_rulebook({"mercari": {"message_window": {"days": 30}}})
    older = load_rulebook()
    with_newer = Journal(path, newer)
    with_newer.add(
        "listed",
        None,
        datetime(2026, 11, 1, tzinfo=UTC),
        {"platform": "mercari", "title": "t", "price": 900},
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    follower = Journal(path, older)
    follower.follow()
    follower.catch_up()
    follower.calendar_entries(datetime(2026, 11, 2, tzinfo=UTC), None)
    with follower.store.read() as conn:
        assert queries.projection_state(conn)["rule_book"] == projections.stamp(newer)["rule_book"]
    command = Journal(path, older)
    command.catch_up()
    with follower.store.read() as conn:
        assert queries.projection_state(conn)["rule_book"] == projections.stamp(older)["rule_book"]
    command.close()
    with_newer.close()
    follower.close()
