"""The command-line contract: ids, JSON shapes, exit statuses, one-line errors, nothing written."""

import hashlib
import re

import pytest
from freezegun import freeze_time
from pg_server import PgJournal

NOW = "2026-11-20T12:00:00+09:00"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture
def journal_env(engine_journal):
    """Every contract test runs on both engines: a SQLite file and a PostgreSQL database."""
    return engine_journal


def digest(path) -> str:
    """The journal's bytes, its write-ahead log included (or its rows, on PostgreSQL)."""
    if isinstance(path, PgJournal):
        return path.digest()
    files = [path, path.with_name(path.name + "-wal")]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


@pytest.fixture
def listed(ok):
    with freeze_time(NOW):
        return ok(
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "ニット",
            "--price",
            "2500",
            "--at",
            "-1h",
        )


def test_ids_are_short_and_typeable_unless_given(ok, run):
    with freeze_time(NOW):
        assert ok("add", "listed", "--platform", "rakuma", "--title", "a", "--price", "1") == "T1"
        assert ok("add", "bought", "--platform", "rakuma", "--title", "b", "--price", "1") == "T2"
        assert (
            ok(
                "add",
                "listed",
                "--platform",
                "rakuma",
                "--title",
                "c",
                "--price",
                "1",
                "--id",
                "T7",
            )
            == "T7"
        )
        assert (
            ok(
                "add",
                "listed",
                "--platform",
                "rakuma",
                "--title",
                "d",
                "--price",
                "1",
                "--id",
                "mine-1",
            )
            == "mine-1"
        )
        assert run(
            "add", "listed", "--platform", "rakuma", "--title", "e", "--price", "1", "--json"
        ).json() == {"id": "T8"}
        dup = run(
            "add", "listed", "--platform", "rakuma", "--title", "f", "--price", "1", "--id", "T7"
        )
        assert dup.code == 2 and "already exists" in dup.err


def test_show_json_shape(run, ok, listed):
    with freeze_time(NOW):
        ok("add", "sold", listed, "--buyer", "b")
        shown = run("show", listed, "--json").json()
    for key in ("id", "platform", "role", "title", "price", "state", "events", "deadlines"):
        assert key in shown
    assert (shown["id"], shown["platform"], shown["role"], shown["state"]) == (
        listed,
        "mercari",
        "seller",
        "awaiting_payment",
    )
    for event in shown["events"]:
        assert {"seq", "type", "occurred_at"} <= set(event)
        assert ISO.match(event["occurred_at"])
    assert shown["deadlines"] == [
        {
            "kind": "payment",
            "due": "2026-11-22T23:59:00+09:00",
            "status": "open",
            "effect": shown["deadlines"][0]["effect"],
            "overdue": False,
        }
    ]


def test_list_and_upcoming_json_shapes(run, ok, listed):
    with freeze_time(NOW):
        ok("add", "sold", listed, "--buyer", "b", "--at", "2026-11-20T11:00")
        ok("add", "listed", "--platform", "rakuma", "--title", "quiet", "--price", "100")
        rows = run("list", "--json").json()
        assert rows == [
            {
                "id": listed,
                "platform": "mercari",
                "title": "ニット",
                "state": "awaiting_payment",
                "next_deadline": {
                    "kind": "payment",
                    "due": "2026-11-22T23:59:00+09:00",
                    "overdue": False,
                },
            },
            {
                "id": "T2",
                "platform": "rakuma",
                "title": "quiet",
                "state": "listed",
                "next_deadline": None,
            },
        ]
        ok("add", "paid", listed, "--at", "2026-11-20T11:30")
        upcoming = run("upcoming", "--json").json()
        assert [(u["trade"], u["kind"], u["due"]) for u in upcoming] == [
            (listed, "ship", "2026-11-22T11:30:00+09:00")
        ]
        assert set(upcoming[0]) == {"trade", "kind", "due", "effect", "overdue"}
        # --as-of looks from another moment: after the ship-by passes it is overdue, and
        # stays first in the list, whatever the window.
        late = run("upcoming", "--as-of", "2026-11-22T11:31", "--within", "1h", "--json").json()
        assert [(u["trade"], u["kind"], u["overdue"]) for u in late] == [(listed, "ship", True)]
        assert (
            len(run("upcoming", "--as-of", "2026-11-21T00:00", "--within", "48h", "--json").json())
            == 1
        )


def test_upcoming_is_sorted_by_due(run, ok):
    with freeze_time(NOW):
        for hours in (30, 5, 50):
            t = ok(
                "add",
                "listed",
                "--platform",
                "mercari",
                "--title",
                f"h{hours}",
                "--price",
                "100",
                "--at",
                "-1d",
            )
            ok("add", "hold", t, "--buyer", "x", "--until", f"+{hours}h")
        dues = [u["due"] for u in run("upcoming", "--json").json()]
        assert dues == sorted(dues) and len(dues) == 3


def test_display_follows_the_users_timezone(run, ok, listed, monkeypatch):
    monkeypatch.setenv("JOURNAL_TZ", "America/New_York")
    with freeze_time(NOW):
        ok("add", "sold", listed, "--buyer", "b")
        due = run("show", listed, "--json").json()["deadlines"][0]["due"]
    assert due == "2026-11-22T09:59:00-05:00"  # 23:59 JST


def test_log_and_void(run, ok, listed):
    with freeze_time(NOW):
        ok("add", "sold", listed, "--buyer", "b")
        ok("add", "paid", listed)
        refused = run(
            "void", "2", "--reason", "wrong trade"
        )  # voiding the sale would orphan the payment
        assert refused.code == 1 and "#2" in refused.err
        out = run("void", "3", "--reason", "typo")
        assert out.code == 0
        log = run("log", listed, "--json").json()
        assert [(e["seq"], e["type"], e["voided"]) for e in log] == [
            (1, "listed", False),
            (2, "sold", False),
            (3, "paid", True),
            (4, "voided", False),
        ]
        assert log[-1]["reason"] == "typo" and log[-1]["seq"] == 4
        assert run("show", listed, "--json").json()["state"] == "awaiting_payment"
        assert run("void", "3", "--reason", "again").code == 1
        assert run("void", "4", "--reason", "undo").code == 1
        assert run("void", "1", "--reason", "x").code == 1
        assert run("void", "99", "--reason", "x").code == 2
        ok("add", "paid", listed)  # the corrected step can be recorded again
        assert [e["seq"] for e in run("log", "--json").json()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["add", "shipped", "{t}"], 1),
        (["add", "paid", "{t}"], 1),
        (["add", "received", "{t}"], 1),
        (["add", "approved", "{t}"], 1),
        (["add", "request", "{t}", "--buyer", "x"], 1),
        (["add", "hold-ended", "{t}"], 1),
        (["add", "offer-accepted", "{t}"], 1),
        (["add", "return", "{t}", "--note", "x"], 1),
        (["add", "sold", "{t}", "--buyer", "x", "--at", "-2h"], 1),
        (["add", "sold", "NOPE", "--buyer", "x"], 2),
        (["add", "sold", "{t}", "--buyer", ""], 2),
        (["add", "offer", "{t}"], 2),  # no --price (a --buyer may be left out)
        (["add", "sold", "{t}", "--buyer", "x", "--at", "+1d"], 2),
        (["add", "sold", "{t}", "--buyer", "x", "--at", "someday"], 2),
        (["add", "price", "{t}"], 2),
        (["add", "price", "{t}", "--price", "0"], 2),
        (["add", "price", "{t}", "--price", "abc"], 2),
        (["add", "listed", "--platform", "ebay", "--title", "x", "--price", "1"], 2),
        (["add", "listed", "--platform", "mercari", "--title", "x", "--price", "100000000"], 2),
        (["add", "listed", "--platform", "mercari", "--title", "x" * 201, "--price", "1"], 2),
        (["add", "listed", "--platform", "mercari", "--title", "a\x07b", "--price", "1"], 2),
        (
            [
                "add",
                "listed",
                "--platform",
                "mercari",
                "--title",
                "x",
                "--price",
                "1",
                "--kind",
                "dedicated",
            ],
            2,
        ),
        (
            [
                "add",
                "listed",
                "--platform",
                "mercari",
                "--title",
                "x",
                "--price",
                "1",
                "--ship-days",
                "5-3",
            ],
            2,
        ),
        (["add", "unknown-step", "{t}"], 2),
        (["upcoming", "--within", "soon"], 2),
        (["show"], 2),
    ],
)
def test_refusals_are_one_line_with_the_documented_status_and_write_nothing(
    run, listed, journal_env, args, code
):
    before = digest(journal_env)
    with freeze_time(NOW):
        result = run(*[a.replace("{t}", listed) for a in args])
    assert result.code == code, result.err
    assert result.out == ""
    assert result.err.startswith("journal: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert digest(journal_env) == before


def test_json_errors_are_also_json(run, listed):
    with freeze_time(NOW):
        result = run("add", "shipped", listed, "--json")
    assert result.code == 1
    assert "cannot record shipped" in result.json()["error"]


def test_db_option_and_environment(run, ok, tmp_path, journal_env):
    other = tmp_path / "other" / "j.sqlite"
    with freeze_time(NOW):
        assert (
            ok(
                "--db",
                str(other),
                "add",
                "listed",
                "--platform",
                "mercari",
                "--title",
                "x",
                "--price",
                "1",
            )
            == "T1"
        )
        assert (
            ok(
                "add",
                "listed",
                "--db",
                str(other),
                "--platform",
                "mercari",
                "--title",
                "y",
                "--price",
                "1",
            )
            == "T2"
        )
        assert run("list", "--json").json() == []  # JOURNAL_DB is untouched
        assert len(run("--db", str(other), "list", "--json").json()) == 2
    assert other.stat().st_mode & 0o777 == 0o600


def test_japanese_messages(run, listed, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        result = run("add", "shipped", listed)
    assert result.code == 1 and "記録できません" in result.err


def test_rules_command_prints_sources(run):
    out = run("rules", "mercari")
    assert out.code == 0
    assert "help.jp.mercari.com/guide/articles/1748" in out.out and "13:00" in out.out
    data = run("rules", "--json").json()
    assert {p["platform"] for p in data} == {
        "rakuma",
        "mercari",
        "yahoo-auction",
        "yahoo-flea",
        "custom",
    }


def test_rebuild_reports_and_keeps_the_same_answers(run, ok, listed):
    with freeze_time(NOW):
        ok("add", "sold", listed, "--buyer", "b")
        before = (run("show", listed, "--json").out, run("list", "--all", "--json").out)
        assert run("rebuild", "--json").json() == {"trades": 1, "events": 2}
        assert (run("show", listed, "--json").out, run("list", "--all", "--json").out) == before


def test_demo_runs_on_a_throwaway_journal(run, journal_env):
    result = run("demo")
    assert result.code == 0
    assert "Agenda" in result.out and "payment" in result.out and "hold_expiry" in result.out
    assert not journal_env.exists()


def test_help_lists_every_command(run):
    out = run("--help").out
    for command in ("add", "show", "list", "upcoming", "log", "void", "rebuild", "rules", "demo"):
        assert command in out
    add_help = run("add", "--help").out
    for step in (
        "listed",
        "bought",
        "request",
        "sold",
        "approved",
        "declined",
        "paid",
        "shipped",
        "received",
        "rated",
        "completed",
        "delisted",
        "cancelled",
        "hold",
        "hold-ended",
        "defect",
        "message",
        "note",
        "return",
        "offer",
        "offer-declined",
        "offer-accepted",
        "price",
        "bundle",
    ):
        assert step in add_help


@pytest.mark.parametrize(
    "args", [["add", "note", "{t}", "--note", "x"], ["add", "paid", "{t}"], ["list"]]
)
def test_a_bad_timezone_is_refused_before_anything_is_written(
    run, listed, journal_env, monkeypatch, args
):
    monkeypatch.setenv("JOURNAL_TZ", "Mars/Base")
    before = digest(journal_env)
    result = run(*[a.replace("{t}", listed) for a in args])
    assert result.code == 2 and result.err == "journal: unknown timezone 'Mars/Base'\n"
    assert digest(journal_env) == before
