"""The door's reads answer typed values: `Journal.trades` a list of `Listed`, `upcoming` an
`Agenda`; `journal/text/views.py` and `screens.py` render them, and the command line's JSON
is exactly that rendering (its keys unchanged). On a real SQLite file, through the real
command."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from journal.core.datatypes import FrozenInstanceError
from journal.results import Agenda, Dated, Listed, NextDeadline
from journal.service import Journal
from journal.text import views
from journal.text.display import iso

NOW = "2026-11-20T12:00:00+09:00"
ZONE = ZoneInfo("Asia/Tokyo")  # the reader's zone (conftest's JOURNAL_TZ)


def _stories(ok) -> tuple[str, str, str]:
    """A sale whose payment is overdue, a sale just made, and a listing with no deadline."""
    late = ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット",
        "--price",
        "2500",
        "--at",
        "-6d",
    )
    ok("add", "sold", late, "--buyer", "さくら", "--at", "-5d")
    fresh = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900")
    ok("add", "sold", fresh, "--buyer", "みお")
    idle = ok("add", "listed", "--platform", "yahoo-flea", "--title", "皿", "--price", "500")
    return late, fresh, idle


def _jsonable(data):
    return json.loads(json.dumps(views.jsonable(data, ZONE)))


def test_trades_are_listed_values_and_list_json_renders_them(ok, run, journal_env):
    with freeze_time(NOW):
        late, fresh, idle = _stories(ok)
        journal = Journal(journal_env)
        try:
            rows = journal.trades(False, datetime.fromisoformat(NOW))
        finally:
            journal.close()
        assert all(isinstance(r, Listed) for r in rows)
        by_id = {r.id: r for r in rows}
        assert by_id[late].next_deadline == NextDeadline(
            "payment", by_id[late].next_deadline.due, True
        )
        assert by_id[fresh].next_deadline is not None
        assert not by_id[fresh].next_deadline.overdue
        assert by_id[idle].next_deadline is None
        with pytest.raises(FrozenInstanceError):
            rows[0].title = "x"  # type: ignore[misc]
        shown = run("list", "--json").json()
        assert shown == _jsonable(views.list_json(rows))
        assert {tuple(r) for r in shown} == {("id", "platform", "title", "state", "next_deadline")}
        assert set(shown[0]["next_deadline"]) == {"kind", "due", "overdue"}
        found = run("list", "--platform", "rakuma", "--json").json()
        assert [r["id"] for r in found] == [fresh]


def test_upcoming_is_an_agenda_overdue_first_and_upcoming_json_renders_it(ok, run, journal_env):
    with freeze_time(NOW):
        late, fresh, _ = _stories(ok)
        now = datetime.fromisoformat(NOW)
        journal = Journal(journal_env)
        try:
            agenda = journal.upcoming(now, timedelta(days=7))
            book = journal.book
        finally:
            journal.close()
        assert isinstance(agenda, Agenda) and agenda.as_of == now
        assert agenda.within == timedelta(days=7)
        assert all(isinstance(d, Dated) for d in agenda) and len(agenda) == len(agenda.items)
        overdue = [d.overdue for d in agenda]
        assert overdue == sorted(overdue, reverse=True) and overdue[0] is True
        assert agenda.items[0].trade == late and agenda.items[0].title == "ニット"
        assert fresh in {d.trade for d in agenda if not d.overdue}
        shown = run("upcoming", "--within", "7d", "--json").json()
        assert shown == _jsonable(views.upcoming_json(agenda, "en", book))
        assert {tuple(d) for d in shown} == {("trade", "kind", "due", "effect", "overdue")}
        assert shown[0]["due"] == iso(agenda.items[0].due, ZONE)


def test_daemon_status_is_a_typed_answer_rendered_once(run, journal_env, tmp_path, monkeypatch):
    """`journal daemon status`: a `DaemonStatus` built by scheduler/status.py, its JSON and
    its lines rendered from it (before and after a service file is written)."""
    from journal.results import DaemonStatus
    from scheduler.status import daemon_status

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    status = daemon_status(journal_env)
    assert isinstance(status, DaemonStatus)
    assert (status.service, status.program, status.running, status.pid) == (None, None, False, None)
    shown = run("daemon", "status", "--json").json()
    assert shown == views.daemon_status_json(status)
    assert list(shown) == [
        *("journal", "service", "program", "program_exists", "inside_source_folder"),
        *("service_unreadable", "running", "pid"),
    ]
    assert "not installed" in run("daemon", "status").out
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    japanese = run("daemon", "status").out
    assert "not installed" not in japanese and status.journal in japanese
    monkeypatch.setenv("JOURNAL_LANG", "en")
    assert run("daemon", "install").code == 0
    status = daemon_status(journal_env)
    assert status.service and status.program and status.program_exists
    shown = run("daemon", "status", "--json").json()
    assert shown == views.daemon_status_json(status)
    assert status.program in run("daemon", "status").out
    if status.systemd is not None:  # Linux: what systemd says of the file, in JSON too
        assert set(status.systemd) == {"manager", "enabled", "active"}
        assert shown["systemd"]["enabled"] == status.systemd["enabled"]


def test_a_daemon_preview_is_a_typed_answer_rendered_once(ok, run, journal_env):
    """`daemon --dry-run`: a `Preview` (scheduler/status.py), its JSON and its lines (each
    reminder on stdout as the console notifier says it, the counts on stderr) from it."""
    with freeze_time(NOW):
        _stories(ok)
        data = run("daemon", "--dry-run", "--json").json()
        assert list(data) == ["dry_run", "as_of", "would_send", "delivered", "summarized"]
        assert data["dry_run"] is True and data["would_send"]  # the overdue payment
        assert data["delivered"] + data["summarized"] >= len(data["would_send"]) > 0
        first = data["would_send"][0]
        assert list(first) == ["trade", "kind", "due", "title", "message"]
        shown = run("daemon", "--dry-run")
        assert shown.code == 0
        assert len(shown.out.splitlines()) == len(data["would_send"])
        assert first["message"] in shown.out
        assert "nothing was sent or recorded" in shown.err


def test_preview_counts_a_summary_s_reminders():
    from types import SimpleNamespace

    from scheduler.status import preview_of

    one = SimpleNamespace(summary=False, items=[("r1", "on_time")])
    many = SimpleNamespace(summary=True, items=[("r2", "summary"), ("r3", "summary")])
    moment = datetime.fromisoformat(NOW)
    preview = preview_of([one, many], moment)  # type: ignore[list-item]
    assert (preview.delivered, preview.summarized, preview.as_of) == (1, 2, moment)
    assert preview.works == (one, many)
