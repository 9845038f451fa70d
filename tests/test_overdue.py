"""Overdue stays in sight: a deadline that passed while the trade still waits for its step
is overdue in `upcoming` (first, whatever the window), in `list`, in `show`, and the daemon
tells it once a day at 09:00 (the user's zone) until it is resolved, however old."""

import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from support import Recorder, given, stores
from support.daemon import daemon_env
from support.stores import in_memory

from journal.core import clock
from journal.core.errors import BadInput
from scheduler.plan import Warnings, daily_overdue, warnings_from_config
from scheduler.reminders import Reminders

ROOT = Path(__file__).resolve().parent.parent
TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
DAY = timedelta(days=1)


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO).astimezone(UTC)


# -- the pure planner ------------------------------------------------------------------------
def test_daily_reminders_come_at_nine_each_day_after_the_due_time() -> None:
    warnings = Warnings(zone=TOKYO)
    due = jst("2026-11-22T23:59")
    found = list(daily_overdue([("T1", "ship", due)], warnings, due - DAY, due + 3 * DAY))
    assert [r.at for r in found] == [
        jst("2026-11-23T09:00"),
        jst("2026-11-24T09:00"),
        jst("2026-11-25T09:00"),
    ]
    assert all(r.offset < timedelta(0) and r.due == due for r in found)
    assert len({r.key for r in found}) == 3  # each day's reminder is its own


def test_windows_that_simply_close_and_app_actions_get_no_daily_reminder() -> None:
    warnings = Warnings(zone=TOKYO)
    due = jst("2026-11-22T08:00")
    rows = [("T1", "message_window", due), ("T1", "auto_complete", due), ("T1", "proceeds", due)]
    assert list(daily_overdue(rows, warnings, due, due + 5 * DAY)) == []
    assert (
        list(daily_overdue([("T1", "ship", due)], Warnings(overdue_at=None), due, due + DAY)) == []
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("08:30", time(8, 30)), (time(7, 0), time(7, 0)), ("off", None), ([], None)],
)
def test_the_daily_time_is_configurable(value, expected) -> None:
    assert warnings_from_config({"overdue": value}, ["ship"], TOKYO).overdue_at == expected


@pytest.mark.parametrize("value", ["25:00", "9am", 9])
def test_a_bad_daily_time_is_refused(value) -> None:
    with pytest.raises(BadInput):
        warnings_from_config({"overdue": value}, ["ship"], TOKYO)


def test_a_bad_daily_time_in_the_config_file_is_one_line_and_exit_2(run, journal_env) -> None:
    journal_env.with_name("config.toml").write_text('[reminders]\noverdue = "9am"\n')
    result = run("daemon", "--once", "--notifier", "console")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "overdue" in result.err


# -- the command line ------------------------------------------------------------------------
def _shipping_overdue(ok) -> None:
    """T1 on Mercari, paid 2026-11-20 12:00 JST with 1-2 ship days: ship by 11-22 12:00."""
    with freeze_time(START):
        given.knit_sold(ok, buyer="けん")
        ok("add", "paid", "T1")


def test_a_missed_ship_by_is_overdue_everywhere(run, ok) -> None:
    _shipping_overdue(ok)
    with freeze_time(START + 10 * DAY):  # long after: it does not drop out
        ok("add", "listed", "--platform", "rakuma", "--title", "まだ", "--price", "900")
        ok("add", "hold", "T2", "--buyer", "ゆき", "--until", "+5d")
        upcoming = run("upcoming", "--within", "1h", "--json").json()
        assert [(u["trade"], u["kind"], u["overdue"]) for u in upcoming] == [("T1", "ship", True)]
        wide = run("upcoming", "--within", "7d", "--json").json()
        assert [(u["trade"], u["overdue"]) for u in wide] == [("T1", True), ("T2", False)]
        rows = {r["id"]: r["next_deadline"] for r in run("list", "--json").json()}
        assert rows["T1"] == {"kind": "ship", "due": "2026-11-22T12:00:00+09:00", "overdue": True}
        assert rows["T2"]["overdue"] is False
        shown = run("show", "T1", "--json").json()
        ship = next(d for d in shown["deadlines"] if d["kind"] == "ship")
        assert (ship["status"], ship["overdue"]) == ("missed", True)
        assert "OVERDUE" in run("list").out and "OVERDUE" in run("upcoming").out
        ok("add", "shipped", "T1")
        assert [u["trade"] for u in run("upcoming", "--json").json()] == ["T2"]
        assert run("show", "T1", "--json").json()["deadlines"][0]["overdue"] is False


@pytest.mark.parametrize(
    ("steps", "kind"),
    [
        # Rakuma: an unanswered purchase request
        ([["listed", "--platform", "rakuma", "--title", "x", "--price", "1000",
           "--request-required"], ["request", "T1", "--buyer", "さくら"]], "respond_request"),
        # Rakuma: approved, the buyer never paid (the app has probably cancelled it)
        ([["listed", "--platform", "rakuma", "--title", "x", "--price", "1000",
           "--request-required"], ["request", "T1", "--buyer", "さくら"], ["approved", "T1"]],
         "payment"),
        # Yahoo!フリマ: paid (on purchase: `sold` is paid there), not shipped
        ([["listed", "--platform", "yahoo-flea", "--title", "x", "--price", "1000"],
          ["sold", "T1", "--buyer", "b"]], "ship"),
        # ヤフオク: paid, not shipped
        ([["listed", "--platform", "yahoo-auction", "--title", "x", "--price", "1000"],
          ["sold", "T1", "--buyer", "b"], ["paid", "T1"]], "ship"),
        # a hold past its time on a listing still up
        ([["listed", "--platform", "mercari", "--title", "x", "--price", "1000"],
          ["hold", "T1", "--buyer", "ゆき", "--until", "+1d"]], "hold_expiry"),
        # buying: the parcel came, the inspection (and receipt rating) is not done
        ([["bought", "--platform", "mercari", "--title", "x", "--price", "1000"],
          ["shipped", "T1"], ["received", "T1"]], None),
    ],
)  # fmt: skip
def test_each_kind_of_waiting_step_becomes_overdue(run, ok, steps, kind) -> None:
    with freeze_time(START):
        for step in steps:
            ok("add", *step)
    with freeze_time(START + 30 * DAY):
        shown = run("show", "T1", "--json").json()
        overdue = [d["kind"] for d in shown["deadlines"] if d["overdue"]]
        if kind is None:  # the buyer side: whichever of its own deadlines passed
            assert overdue and set(overdue) <= {"inspect", "rate"}
        else:
            assert kind in overdue
        items = run("upcoming", "--json").json()
        assert items and items[0]["overdue"] is True and items[0]["trade"] == "T1"


def test_a_finished_trade_and_closing_windows_are_never_overdue(run, ok) -> None:
    _shipping_overdue(ok)
    with freeze_time(START + 3 * DAY):
        ok("add", "cancelled", "T1", "--reason", "連絡なし")
        assert run("upcoming", "--json").json() == []
        shown = run("show", "T1", "--json").json()
        assert not any(d["overdue"] for d in shown["deadlines"])


def test_japanese_marks_overdue(run, ok, monkeypatch) -> None:
    _shipping_overdue(ok)
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(START + 3 * DAY):
        assert "期限超過" in run("list").out and "期限超過" in run("upcoming").out
        assert "期限超過" in run("show", "T1").out


# -- the daemon --------------------------------------------------------------------------------
def _told(reminders: Reminders, fake: Recorder) -> list[tuple[str, str]]:
    before = len(fake.notes)
    reminders.deliver_due(fake, clock.now())
    return [(n.trade, n.kind) for n in fake.notes[before:]]


def test_the_daemon_tells_an_overdue_deadline_daily_until_resolved() -> None:
    """On a journal in memory (the fast middle layer): the door and the reminders only."""
    fake = Recorder()
    with in_memory() as journal:
        # as `_shipping_overdue`: T1 on Mercari, paid 2026-11-20 12:00 JST, ship by 11-22 12:00
        assert stores.sold(journal, START) == "T1"
        journal.record("paid", "T1", START, {}, now=START)
        reminders = Reminders(journal)
        with freeze_time(jst("2026-11-22T11:00")) as frozen:
            assert _told(reminders, fake) == [("T1", "ship")]  # the advance warning
            frozen.move_to(jst("2026-11-23T09:00"))
            assert _told(reminders, fake) == [("T1", "ship")]
            assert fake.notes[-1].message.startswith("OVERDUE")
            frozen.move_to(jst("2026-11-23T18:00"))
            assert _told(reminders, fake) == []  # once a day
            frozen.move_to(jst("2026-11-24T09:00"))
            assert _told(reminders, fake) == [("T1", "ship")]
            frozen.move_to(jst("2026-12-05T09:01"))  # weeks later: still told, not dropped
            assert _told(reminders, fake) == [("T1", "ship")]
            listing = reminders.listing(clock.now(), timedelta(days=2))
            assert [(p["kind"], p["before"]) for p in listing["planned"]] == [("ship", "+333h")]
            journal.record("shipped", "T1", clock.now(), {}, now=clock.now())
            frozen.move_to(jst("2026-12-06T09:00"))
            assert _told(reminders, fake) == []  # resolved: no more


@pytest.mark.slow
def test_a_real_daemon_reminds_of_a_deadline_missed_long_ago(tmp_path) -> None:
    env = daemon_env(tmp_path / "j.sqlite", tmp_path / "none.toml")
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500"]
        + ["--at", "-12d"],
        ["add", "sold", "T1", "--buyer", "けん", "--at", "-11d"],
        ["add", "paid", "T1", "--at", "-11d"],  # ship-by passed nine days ago
    ):
        subprocess.run([*base, *args], env=env, check=True, capture_output=True)
    first = subprocess.run(
        [*base, "daemon", "--once", "--notifier", "console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    told = [
        line
        for line in first.stdout.splitlines()
        if line.startswith("T1 ") and ": shipping: " in line
    ]
    assert len(told) == 1 and "OVERDUE" in told[0]
    again = subprocess.run(
        [*base, "daemon", "--once", "--notifier", "console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and ": shipping: " not in again.stdout  # today's was sent
