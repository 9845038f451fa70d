"""Delivery as a function of time, with freezegun on the one clock.

The daemon's threads are not involved: `Reminders.deliver_due` and `Daemon`'s planning
steps are called directly at frozen instants, which is exactly what the running daemon
does when a wake-up job fires or the log moves. Those tests run on a journal in memory
(`door`, the fast middle layer: the same SQL as a file); the commands' own (`daemon --once`,
`reminders`, the lock, the config) run the real `journal` on a real file (`frozen`).
"""

import fcntl
import re
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from support import Recorder, given
from support.daemon import MemoryFeed
from support.stores import approved, held, in_memory

from journal.core import clock
from journal.service import Journal
from scheduler.daemon import Daemon, acquire_lock, lock_path
from scheduler.plan import Warnings
from scheduler.reminders import Reminders

# Approved on 2026-11-20 12:00 JST on Rakuma → payment due 翌々日 23:59 JST.
APPROVED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PAYMENT_DUE = datetime(2026, 11, 22, 14, 59, tzinfo=UTC)
H = timedelta(hours=1)
S = timedelta(seconds=1)


@pytest.fixture
def frozen(ok):
    """A journal with T1: a Rakuma request approved at APPROVED (payment deadline open)."""
    with freeze_time(APPROVED) as ft:
        given.approved_request(ok)
        yield ft


@pytest.fixture
def moment():
    """The one clock, frozen at APPROVED (and moved by the test)."""
    with freeze_time(APPROVED) as ft:
        yield ft


@pytest.fixture
def door(moment):
    """A journal in memory with T1: a Rakuma request approved at APPROVED."""
    with in_memory() as journal:
        assert approved(journal, APPROVED) == "T1"
        yield journal


@pytest.fixture
def reminders(door):
    return Reminders(door)


def deliver(reminders: Reminders, notifier: Recorder) -> list[tuple[str, str, bool]]:
    before = len(notifier.notes)
    reminders.deliver_due(notifier, clock.now())
    return [(n.trade, n.kind, "late" in n.message) for n in notifier.notes[before:]]


def test_the_only_open_deadline_is_the_payment(ok, frozen):
    assert f"{PAYMENT_DUE:%H:%M}" == "14:59"
    rows = ok("upcoming", "--json", "--within", "7d")
    assert '"kind": "payment"' in rows and '"2026-11-22T23:59:00+09:00"' in rows


def test_advance_warnings_at_the_right_minutes(moment, reminders):
    frozen = moment
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE - 24 * H - S)
    assert deliver(reminders, fake) == []
    frozen.move_to(PAYMENT_DUE - 24 * H)
    assert deliver(reminders, fake) == [("T1", "payment", False)]
    assert deliver(reminders, fake) == []
    frozen.move_to(PAYMENT_DUE - 3 * H - S)
    assert deliver(reminders, fake) == []
    frozen.move_to(PAYMENT_DUE - 3 * H)
    assert deliver(reminders, fake) == [("T1", "payment", False)]
    note = fake.notes[-1]
    assert note.title == "T1 ボトムス"
    assert "2026-11-22 Sun 23:59" in note.message and "in 3 h 0 min" in note.message
    assert note.due == "2026-11-22T23:59:00+09:00"


def test_late_delivery_after_downtime_and_no_repeat_after_a_restart(moment, door):
    frozen = moment
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE - 1 * H)  # machine was off through both warnings
    first = Reminders(Journal(door.store))
    assert deliver(first, fake) == [("T1", "payment", True)]
    assert "late by 2 h 0 min" in fake.notes[0].message
    restarted = Reminders(Journal(door.store))  # a new process: only the store remembers
    assert deliver(restarted, fake) == []
    frozen.move_to(PAYMENT_DUE + 5 * H)
    assert deliver(restarted, fake) == []
    sent = restarted.listing(clock.now(), timedelta(days=7))["sent"]
    assert sorted((s["before"], s["how"]) for s in sent) == [("24h", "superseded"), ("3h", "late")]


def test_very_old_reminders_fold_into_one_summary(moment, door):
    frozen = moment
    # with the daily overdue reminder off: otherwise today's one tells each deadline
    # (test_overdue_daily.py), and the old warnings are recorded as superseded by it
    reminders = Reminders(door, warnings=Warnings(overdue_at=None))
    assert held(door, APPROVED, until=datetime(2026, 11, 21, 9, 0, tzinfo=UTC)) == "T2"
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE + 30 * H)  # everything is more than 24 h late
    assert deliver(reminders, fake) == [("T1,T2", "summary", False)]
    assert "2 more deadline(s)" in fake.notes[0].message
    assert "T2 hold_expiry" in fake.notes[0].message and "T1 payment" in fake.notes[0].message
    assert deliver(reminders, fake) == []


def test_lateness_is_configurable(moment, door):
    fake = Recorder()
    moment.move_to(PAYMENT_DUE - 1 * H)
    strict = Reminders(door, lateness=timedelta(minutes=30))
    assert deliver(strict, fake) == [("T1", "summary", False)]  # 2 h late > 30 min


def test_met_deadline_loses_its_pending_reminders_and_wake_ups(moment, door, reminders):
    frozen = moment
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE - 30 * H)
    daemon = Daemon(
        reminders, fake, feed=MemoryFeed()
    )  # not started: jobs stay pending, no threads
    daemon.last_seq = reminders.fresh()
    daemon.refresh()
    assert len(daemon.jobs["T1"]) == 2
    assert all("@payment@" in j for j in daemon.jobs["T1"])
    door.record("paid", "T1", clock.now(), {}, now=clock.now())
    daemon.on_change()
    assert not any("@payment@" in j for j in daemon.jobs.get("T1", ()))
    assert [j.id for j in daemon.scheduler.get_jobs() if j.id.startswith("T1@payment@")] == []
    frozen.move_to(PAYMENT_DUE - 1 * H)
    assert [d for d in deliver(reminders, fake) if d[1] == "payment"] == []
    planned = reminders.listing(clock.now(), timedelta(days=7))["planned"]
    assert [p for p in planned if p["kind"] == "payment"] == []


def test_a_new_deadline_is_planned_when_the_log_moves(moment, door, reminders):
    fake = Recorder()
    daemon = Daemon(reminders, fake, feed=MemoryFeed())
    daemon.last_seq = reminders.fresh()
    daemon.refresh()
    assert held(door, APPROVED, until=APPROVED + timedelta(days=2)) == "T2"
    daemon.on_change()
    # 24 h before falls in the 36 h horizon; 3 h before and the moment itself lie beyond it
    assert daemon.jobs["T2"] == {"T2@hold_expiry@20261121T030000"}
    assert daemon.jobs["T1"] == {"T1@payment@20261121T145900"}  # untouched: kept


def test_a_failing_notifier_keeps_the_reminder_for_later(moment, reminders):
    frozen = moment
    fake = Recorder()
    fake.failing = True
    frozen.move_to(PAYMENT_DUE - 3 * H)
    outcome = reminders.deliver_due(fake, clock.now())
    assert outcome.failed == 1 and fake.notes == []
    fake.failing = False
    frozen.tick(30)
    assert deliver(reminders, fake) == [("T1", "payment", False)]


def test_failing_store_does_not_stop_the_daemon(moment, reminders, monkeypatch):
    fake = Recorder()
    daemon = Daemon(reminders, fake, feed=MemoryFeed())

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(reminders, "due_work", broken)
    outcome = daemon.deliver(None)
    assert outcome.failed == 1
    assert daemon.scheduler.get_job("retry") is not None


def test_japanese_reminder_text(frozen, journal_env, monkeypatch):
    """The composition root hands the reminders their reader: the settings name Japanese."""
    from journal import settings
    from journal.app import App

    monkeypatch.setenv("JOURNAL_LANG", "ja")
    settings.reset()
    app = App.from_settings(None)
    journal = app.journal()
    reminders = app.reminders(journal)
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE - 3 * H)
    deliver(reminders, fake)
    journal.close()
    assert fake.notes[0].message.startswith("支払い: ")
    assert "2026-11-22(日) 23:59" in fake.notes[0].message
    assert "あと3時間0分" in fake.notes[0].message


def test_rebuild_keeps_sent_reminders(moment, door, reminders):
    fake = Recorder()
    moment.move_to(PAYMENT_DUE - 3 * H)
    assert deliver(reminders, fake) == [("T1", "payment", False)]
    door.rebuild()
    assert deliver(reminders, fake) == []


def test_once_prints_one_console_line_per_reminder(run, frozen):
    frozen.move_to(PAYMENT_DUE - 3 * H)
    result = run("daemon", "--once", "--notifier", "console")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 1
    assert "T1" in lines[0] and "payment" in lines[0]
    again = run("daemon", "--once", "--notifier", "console")
    assert again.code == 0 and again.out.strip() == ""


def test_once_as_of_delivers_as_if_it_were_then(run, frozen):
    result = run("daemon", "--once", "--notifier", "console", "--as-of", "2026-11-22T21:00")
    assert result.code == 0, result.err
    assert "T1 " in result.out and ": payment: " in result.out and "in 2 h 59 min" in result.out


def test_reminders_command_lists_planned_and_sent(run, frozen):
    planned = run("reminders", "--json").json()["planned"]
    assert [(p["kind"], p["before"], p["status"]) for p in planned] == [
        ("payment", "24h", "planned"),
        ("payment", "3h", "planned"),
    ]
    assert planned[0]["at"] == "2026-11-21T23:59:00+09:00"
    text = run("reminders").out
    assert re.search(r"^\S.*\bT1\s+payment\b", text, re.M)  # a table row: the id, then the kind
    assert "(due 2026-11-22 Sun 23:59, in 2 d 11 h)" in text
    frozen.move_to(PAYMENT_DUE - 3 * H)
    assert run("daemon", "--once", "--notifier", "console").code == 0
    data = run("reminders", "--json").json()
    assert data["planned"] == []
    assert [(s["before"], s["how"], s["notifier"]) for s in data["sent"]] == [
        ("24h", "superseded", "console"),
        ("3h", "on_time", "console"),
    ]
    text = run("reminders")
    assert text.code == 0 and "superseded" in text.out


def test_a_second_daemon_is_refused_clearly(run, frozen, journal_env):
    run("list")  # creates the journal
    held = acquire_lock(journal_env)
    try:
        result = run("daemon", "--once", "--notifier", "console")
        assert result.code == 1
        assert "already running" in result.err and str(journal_env) in result.err
        assert "Traceback" not in result.err
    finally:
        held.close()
    with open(lock_path(journal_env)) as handle:  # released: anyone can take it again
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--notifier", "command"), "needs a program"),
        (("--command", "/nonexistent/prog"), "not found"),
        (("--as-of", "now"), "--once"),
    ],
)
def test_bad_daemon_options_are_bad_usage(run, frozen, args, needle):
    result = run("daemon", *args)
    assert result.code == 2
    assert needle in result.err


def test_bad_reminder_config_is_one_line(run, frozen, journal_env):
    journal_env.with_name("config.toml").write_text('[reminders]\npayment = "soon"\n')
    result = run("daemon", "--once", "--notifier", "console")
    assert result.code == 2
    assert "[reminders] payment" in result.err and "Traceback" not in result.err


def test_config_warnings_are_used(run, frozen, journal_env):
    journal_env.with_name("config.toml").write_text('[reminders]\npayment = ["90m"]\n')
    planned = run("reminders", "--json").json()["planned"]
    assert [(p["before"], p["at"]) for p in planned] == [("90m", "2026-11-22T22:29:00+09:00")]


def test_daemon_install_writes_a_systemd_user_unit(run, frozen, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    result = run("daemon", "install", "--json")
    assert result.code == 0, result.err
    data = result.json()
    unit = (tmp_path / "xdg" / "systemd" / "user" / "trade-journal.service").read_text()
    assert data["path"].endswith("trade-journal.service")
    assert "systemctl --user enable --now trade-journal.service" in data["enable"]
    assert "daemon --db" in unit and str(tmp_path / "journal.sqlite") in unit
    assert 'Environment="JOURNAL_TZ=Asia/Tokyo"' in unit
    assert "WantedBy=default.target" in unit


def test_daemon_install_writes_a_launchd_agent_on_macos(tmp_path, journal_env):
    from scheduler.install import install

    path, enable = install(journal_env, platform="darwin", home=tmp_path)
    text = path.read_text()
    assert path == tmp_path / "Library/LaunchAgents/jp.trade-journal.daemon.plist"
    assert "<string>daemon</string>" in text and "<key>RunAtLoad</key><true/>" in text
    assert enable.startswith("launchctl bootstrap gui/")


def test_a_refresh_delivers_what_is_due_so_nothing_falls_between_plan_and_jobs(moment, reminders):
    fake = Recorder()
    moment.move_to(PAYMENT_DUE - 3 * H)  # the daemon starts exactly at a warning's second
    daemon = Daemon(reminders, fake, feed=MemoryFeed())
    daemon.refresh()
    assert [(n.trade, n.kind) for n in fake.notes] == [("T1", "payment")]
    assert [j for j in daemon.jobs.get("T1", ()) if "@payment@" in j] == []  # at > now only


def test_a_failed_record_is_remembered_as_delivered_and_only_the_record_is_retried(
    moment, reminders, monkeypatch
):
    frozen = moment
    fake = Recorder()
    frozen.move_to(PAYMENT_DUE - 3 * H)
    real_record = reminders.record

    def full_disk(*_args, **_kwargs):
        raise OSError("database or disk is full")

    monkeypatch.setattr(reminders, "record", full_disk)
    outcome = reminders.deliver_due(fake, clock.now())
    assert len(outcome.delivered) == 1 and outcome.unrecorded == 1
    frozen.tick(10)
    assert deliver(reminders, fake) == []  # remembered as delivered: not told twice
    assert reminders.flush() is False
    monkeypatch.setattr(reminders, "record", real_record)
    frozen.tick(10)
    assert deliver(reminders, fake) == []  # the pass writes the pending record first
    assert len(fake.notes) == 1
    sent = reminders.listing(clock.now(), timedelta(days=7))["sent"]
    assert sorted((s["before"], s["how"]) for s in sent) == [
        ("24h", "superseded"),
        ("3h", "on_time"),
    ]
    assert {s["sent_at"] for s in sent} == {PAYMENT_DUE - 3 * H}  # when it was delivered


def test_a_crash_between_delivery_and_record_repeats_rather_than_loses(moment, door):
    fake = Recorder()
    moment.move_to(PAYMENT_DUE - 3 * H)
    crashed = Reminders(Journal(door.store))
    crashed.record = lambda *_a, **_k: (_ for _ in ()).throw(OSError("power cut"))
    assert crashed.deliver_due(fake, clock.now()).unrecorded == 1
    del crashed  # the process dies with the record only in its memory
    restarted = Reminders(Journal(door.store))
    moment.tick(10)
    assert deliver(restarted, fake) == [("T1", "payment", False)]  # told again, not lost
    assert len(fake.notes) == 2
    assert deliver(restarted, fake) == []


def test_due_times_show_in_the_users_zone_across_a_dst_change(monkeypatch):
    from journal import settings
    from journal.app import App
    from scheduler.notes import reminder_note
    from scheduler.plan import Delivery, Reminder

    monkeypatch.setenv("JOURNAL_TZ", "America/New_York")
    monkeypatch.setenv("JOURNAL_LANG", "en")
    settings.reset()
    due = datetime(2026, 11, 2, 4, 59, tzinfo=UTC)  # 23:59 EST, the day DST ended
    warning = Reminder(due - 24 * H, "T1", "payment", due, 24 * H)
    loc = App.from_settings(None).locale
    note = reminder_note(Delivery(warning, late=False), "ニット", warning.at, loc)
    assert "due 2026-11-01 Sun 23:59 (in 1 d 0 h)" in note.message
    assert note.due == "2026-11-01T23:59:00-05:00"
    assert f"{warning.at.astimezone(settings.user_tz()):%H:%M %z}" == "00:59 -0400"
    settings.reset()


@pytest.mark.parametrize(
    ("before", "after", "jumped"),
    [
        ((1000.0, 50.0), (1000.5, 50.5), False),  # an ordinary poll
        ((1000.0, 50.0), (1003.0, 50.5), False),  # a slow poll, both clocks agree-ish
        ((1000.0, 50.0), (8 * 3600.0, 50.5), True),  # resumed after a night asleep
        ((1000.0, 50.0), (900.0, 50.5), True),  # the clock was set back
    ],
)
def test_a_suspend_or_clock_change_is_noticed(before, after, jumped):
    from scheduler.daemon import clock_jumped

    assert clock_jumped(before, after) is jumped
