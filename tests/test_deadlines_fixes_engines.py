"""The closed deadlines and same-second reopenings on both engines: the read models' queries
(list, upcoming, reminders) are the ones PostgreSQL runs too."""

import pytest
from freezegun import freeze_time

from tests.test_deadlines_fixes import NOW, _deadlines, _planned


@pytest.fixture
def journal_env(engine_journal):
    """Each test runs on a SQLite file and on a PostgreSQL database."""
    return engine_journal


def test_a_cancelled_sale_and_a_reopened_hold_on_each_engine(run, ok) -> None:
    with freeze_time(NOW):
        ok(
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "a",
            "--price",
            "900",
            "--at",
            "12/01 10:00",
        )
        ok("add", "sold", "T1", "--buyer", "x", "--at", "12/02 10:00")
        ok("add", "cancelled", "T1", "--reason", "未入金")
        ok(
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "b",
            "--price",
            "100",
            "--at",
            "12/05 00:00",
        )
        ok("add", "hold", "T2", "--buyer", "a", "--until", "+2d", "--at", "12/05 00:30")
        ok("add", "hold-ended", "T2", "--at", "12/05 01:00")
        ok("add", "hold", "T2", "--buyer", "x", "--until", "+1d", "--at", "12/05 01:00")
        assert _deadlines(run, "T1")["payment"]["status"] == "closed"
        assert _deadlines(run, "T2")["hold_expiry"]["status"] == "open"
        assert [(u["trade"], u["kind"]) for u in run("upcoming", "--json").json()] == [
            ("T2", "hold_expiry")
        ]
        assert {t for t, _ in _planned(run)} == {"T2"}
        rows = {r["id"]: r["next_deadline"] for r in run("list", "--all", "--json").json()}
        assert rows["T1"] is None and rows["T2"]["kind"] == "hold_expiry"
        result = run("daemon", "--once", "--notifier", "console")
        assert result.code == 0, result.err
        assert result.out.startswith("T2 ") and ": hold: " in result.out and "T1 " not in result.out
