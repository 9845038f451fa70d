"""Deadlines of finished trades, and deadlines reopened in the same second as closed.

1. A finished trade (cancelled, taken down, …) waits for no step: an unmet deadline of a
   kind met by a step is `closed`, in `show`, `list`, `upcoming`, `reminders`, the calendar
   and the daemon, whether or not its time had passed; its windows (messages) stay.
2. A deadline is met only by a step recorded after the one it counts from, in the log's
   order: `hold-ended` then `hold`, or `declined` then `request`, in the same second leave
   the new deadline open.
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from tests.conftest import journal_process

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 5, 1, 30, tzinfo=TOKYO).astimezone(UTC)  # Sat 12/05 01:30 JST

NOTIFIER = """#!{python}
import json, os, sys
with open(os.environ["NOTES_OUT"], "a", encoding="utf-8") as out:
    out.write(json.dumps({{
        "argv": sys.argv[1:],
        "trade": os.environ.get("JOURNAL_TRADE"),
        "kind": os.environ.get("JOURNAL_KIND"),
    }}, ensure_ascii=False) + "\\n")
"""


def _deadlines(run, trade: str) -> dict[str, dict]:
    shown = run("show", trade, "--json").json()
    return {d["kind"]: d for d in shown["deadlines"]}


def _calendar(run) -> str:
    result = run("calendar")
    assert result.code == 0, result.err
    return result.out.replace("\r\n ", "")  # unfold


def _confirmed(calendar: str, trade: str, kind: str) -> bool:
    """Whether the calendar holds the event of (trade, kind) as CONFIRMED."""
    for block in calendar.split("BEGIN:VEVENT")[1:]:
        if f"-{trade}-{kind}@" in block:
            return "STATUS:CONFIRMED" in block
    return False


def _planned(run) -> list[tuple[str, str]]:
    listing = run("reminders", "--json").json()
    return [(r["trade"], r["kind"]) for r in listing["planned"]]


# -- 1. a finished trade has no open deadline and no pending reminder ----------------------
def _everywhere_closed(run, trade: str, kind: str) -> None:
    deadline = _deadlines(run, trade)[kind]
    assert (deadline["status"], deadline["overdue"]) == ("closed", False)
    assert "closed" in run("show", trade).out
    assert trade not in [u["trade"] for u in run("upcoming", "--json").json()]
    rows = {r["id"]: r for r in run("list", "--all", "--json").json()}
    assert rows[trade]["next_deadline"] is None
    assert (trade, kind) not in _planned(run)
    assert not _confirmed(_calendar(run), trade, kind)


def test_a_cancelled_unpaid_sale_has_no_open_or_overdue_payment(run, ok) -> None:
    with freeze_time(NOW):
        ok(
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "ニット",
            "--price",
            "1000",
            "--at",
            "12/01 10:00",
        )
        ok("add", "sold", "T1", "--buyer", "x", "--at", "12/02 10:00")
        assert ("T1", "payment") in _planned(run)  # before: overdue, reminded
        ok("add", "cancelled", "T1", "--reason", "未入金")
        _everywhere_closed(run, "T1", "payment")
        ok("rebuild")
        _everywhere_closed(run, "T1", "payment")
        assert run("verify").code == 0


def test_a_listing_taken_down_after_its_hold_passed_has_no_hold_to_remind(run, ok) -> None:
    with freeze_time(NOW):
        ok(
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "x",
            "--price",
            "900",
            "--at",
            "12/01 10:00",
        )
        ok("add", "hold", "T1", "--buyer", "ゆき", "--until", "12/03 12:00", "--at", "12/02 10:00")
        ok("add", "delisted", "T1")
        _everywhere_closed(run, "T1", "hold_expiry")
        assert "closed" in run("show", "T1", "--json").out


def test_a_completed_trade_keeps_its_message_window(run, ok) -> None:
    """Closing is for deadlines that wait for a step; the windows a completion opens stay."""
    with freeze_time(NOW):
        ok(
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "x",
            "--price",
            "900",
            "--at",
            "12/01 10:00",
        )
        ok("add", "sold", "T1", "--buyer", "b", "--at", "12/01 11:00")
        ok("add", "paid", "T1", "--at", "12/01 12:00")
        ok("add", "shipped", "T1", "--at", "12/02 12:00")
        ok("add", "received", "T1", "--at", "12/04 12:00")
        ok("add", "rated", "T1", "--at", "12/04 13:00")
        assert _deadlines(run, "T1")["message_window"]["status"] == "open"
        rows = {r["id"]: r for r in run("list", "--json").json()}
        assert rows["T1"]["next_deadline"]["kind"] == "message_window"
        assert _confirmed(_calendar(run), "T1", "message_window")


@pytest.mark.slow
def test_the_real_daemon_reminds_nothing_of_a_cancelled_trade(tmp_path: Path) -> None:
    """`journal daemon --once` with the command notifier: the cancelled sale's payment is
    not reminded; a running trade's overdue ship-by still is (the daemon did deliver)."""
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    notes = tmp_path / "notes.jsonl"
    env = {
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "NOTES_OUT": str(notes),
    }
    for args in (
        ["listed", "--platform", "mercari", "--title", "取消", "--price", "1000", "--at", "-4d"],
        ["sold", "T1", "--buyer", "x", "--at", "-3d"],  # payment due passed, never paid
        ["cancelled", "T1", "--reason", "未入金"],
        ["listed", "--platform", "mercari", "--title", "発送", "--price", "2500", "--at", "-12d"],
        ["sold", "T2", "--buyer", "けん", "--at", "-11d"],
        ["paid", "T2", "--at", "-11d"],  # ship-by passed nine days ago
    ):
        done = journal_process("add", *args, env=env)
        assert done.returncode == 0, done.stderr
    once = journal_process(
        "daemon", "--once", "--notifier", "command", "--command", str(script), env=env
    )
    assert once.returncode == 0, once.stderr
    told = [json.loads(line) for line in notes.read_text(encoding="utf-8").splitlines()]
    assert ("T2", "ship") in [(n["trade"], n["kind"]) for n in told]
    assert not [n for n in told if n["trade"] == "T1" or "T1 " in " ".join(n["argv"])], told
    listing = journal_process("reminders", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "T1" not in [r["trade"] for r in json.loads(listing.stdout)["planned"]]


# -- 2. a deadline reopened in the same second as it was closed ------------------------------
def _hold_reopened(ok, at_end: list[str], at_new: list[str]) -> None:
    ok(
        "add",
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "hold",
        "--price",
        "100",
        "--at",
        "12/05 00:00",
    )
    ok("add", "hold", "T1", "--buyer", "a", "--until", "+2d", "--at", "12/05 00:30")
    ok("add", "hold-ended", "T1", *at_end)
    return ok("add", "hold", "T1", "--buyer", "x", "--until", "+1d", *at_new)


def _open_everywhere(run, trade: str, kind: str) -> None:
    deadline = _deadlines(run, trade)[kind]
    assert (deadline["status"], deadline["overdue"]) == ("open", False)
    assert (trade, kind) in [(u["trade"], u["kind"]) for u in run("upcoming", "--json").json()]
    assert (trade, kind) in _planned(run)
    assert _confirmed(_calendar(run), trade, kind)


def test_a_hold_granted_in_the_second_the_last_one_ended_is_open(run, ok) -> None:
    with freeze_time(NOW):
        line = _hold_reopened(ok, ["--at", "12/05 01:00"], ["--at", "12/05 01:00"])
        assert "hold_expiry due" in line and "no deadline open" not in line
        _open_everywhere(run, "T1", "hold_expiry")
        ok("rebuild")
        _open_everywhere(run, "T1", "hold_expiry")
        assert run("verify").code == 0
        ok("add", "hold-ended", "T1")  # and the new hold's end still meets it
        assert _deadlines(run, "T1")["hold_expiry"]["status"] == "met"


def test_a_hold_granted_by_a_script_in_the_same_second_is_open(run, ok) -> None:
    """No `--at`: `add hold-ended T1 && add hold T1 …` within one second of the clock."""
    with freeze_time(NOW):
        _hold_reopened(ok, [], [])
        _open_everywhere(run, "T1", "hold_expiry")


def test_a_request_after_a_decline_in_the_same_second_is_open(run, ok) -> None:
    with freeze_time(NOW):
        ok(
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "rq",
            "--price",
            "100",
            "--request-required",
            "--at",
            "12/05 00:00",
        )
        ok("add", "request", "T1", "--buyer", "a", "--at", "12/05 00:30")
        ok("add", "declined", "T1", "--at", "12/05 01:00")
        line = ok("add", "request", "T1", "--buyer", "b", "--at", "12/05 01:00")
        assert "respond_request due" in line
        _open_everywhere(run, "T1", "respond_request")
        ok("rebuild")
        _open_everywhere(run, "T1", "respond_request")
        ok("add", "approved", "T1", "--at", "12/05 01:00")  # answered in that second too
        assert _deadlines(run, "T1")["respond_request"]["status"] == "met"
