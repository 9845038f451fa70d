"""`journal calendar`: the iCalendar file, read back with an independent parser (icalendar)."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from icalendar import Calendar

from journal import files
from journal.core.errors import BadInput
from journal.text import ical

NOW = "2026-11-20T12:00:00+09:00"
H = timedelta(hours=1)
D = timedelta(days=1)
LONG_TITLE = (
    "ヴィンテージ 手編み ウール ニット セーター、冬物; 限定\\特価 "
    "とても長い商品名ですが、きちんと折り返されて元に戻るでしょうか 🧶 サイズＬ 日本製"
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def calendar(run, *args: str, path=None) -> bytes:
    """Run `journal calendar` into a file (or stdout) and return the file's bytes."""
    if path is None:
        result = run("calendar", *args)
        assert result.code == 0, result.err
        return result.out.encode("utf-8")
    result = run("calendar", *args, "-o", str(path))
    assert result.code == 0, result.err
    return path.read_bytes()


def events(data: bytes) -> dict[tuple[str, str], object]:
    """VEVENTs by (trade, kind), parsed by icalendar; UIDs must be unique."""
    parsed = Calendar.from_ical(data)
    found = {}
    for event in parsed.walk("VEVENT"):
        _, trade, kind = str(event["UID"]).split("@")[0].rsplit("-", 2)
        assert (trade, kind) not in found
        found[(trade, kind)] = event
    return found


def triggers(event) -> list[timedelta]:
    return sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))


def sell(ok, platform="mercari", title="ニット", listed="-2h", sold="-1h") -> str:
    trade = ok(
        "add", "listed", "--platform", platform, "--title", title, "--price", "2500", "--at", listed
    )
    ok("add", "sold", trade, "--buyer", "さくら", "--at", sold)
    return trade


def test_one_event_per_open_or_overdue_deadline_with_exact_due_times(ok, run, tmp_path):
    with freeze_time("2026-11-10T12:00:00+09:00"):  # cancelled (recorded) long ago
        gone = sell(ok, title="キャンセル済み")
        ok("add", "cancelled", gone, "--reason", "no payment")
    with freeze_time(NOW):
        fresh = sell(ok)  # payment open
        late = sell(ok, listed="-5d", sold="-4d")  # payment overdue, still awaited
        listing = ok(
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "ボトムス",
            "--price",
            "3000",
            "--request-required",
            "--at",
            "-3h",
        )
        ok("add", "request", listing, "--buyer", "はな", "--at", "-2h")  # respond_request
        found = events(calendar(run, path=tmp_path / "c.ics"))
        upcoming = run("upcoming", "--within", "520w", "--json").json()
        shown = {t: run("show", t, "--json").json()["deadlines"] for t in (fresh, late)}
    open_ones = {(u["trade"], u["kind"]): at(u["due"]) for u in upcoming}
    overdue = {(late, d["kind"]): at(d["due"]) for d in shown[late] if d["status"] == "missed"}
    assert overdue == {(late, "payment"): at("2026-11-18T23:59:00+09:00")}
    expected = {**open_ones, **overdue}
    assert {k: e.decoded("DTSTART") for k, e in found.items()} == expected
    assert found[(fresh, "payment")].decoded("DTSTART") == at("2026-11-22T23:59:00+09:00")
    assert (listing, "respond_request") in found
    assert not [k for k in found if k[0] == gone]
    for event in found.values():
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert event["DTSTART"].to_ical().endswith(b"Z")  # UTC


def test_alarms_follow_the_reminder_config(ok, run, tmp_path, journal_env):
    with freeze_time(NOW):
        paying = sell(ok)
        held = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900")
        ok("add", "hold", held, "--buyer", "はな", "--until", "2026-11-25T20:00")
        default = events(calendar(run, path=tmp_path / "a.ics"))
        journal_env.with_name("config.toml").write_text(
            '[reminders]\npayment = ["48h", "2h", "0m"]\ndefault = ["90m"]\n'
        )
        configured = events(calendar(run, path=tmp_path / "b.ics"))
    assert triggers(default[(paying, "payment")]) == [-24 * H, -3 * H]
    assert triggers(default[(held, "hold_expiry")]) == [-24 * H, -3 * H, timedelta(0)]
    assert triggers(configured[(paying, "payment")]) == [-48 * H, -2 * H, timedelta(0)]
    assert triggers(configured[(held, "hold_expiry")]) == [-timedelta(minutes=90), timedelta(0)]
    for event in configured.values():
        for alarm in event.walk("VALARM"):
            assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])


def test_the_same_log_gives_the_same_file(ok, run, tmp_path):
    with freeze_time(NOW):
        sell(ok)
        sell(ok, platform="rakuma", title="ワンピース, 夏; 白")
        first = calendar(run, path=tmp_path / "a.ics")
        assert calendar(run, path=tmp_path / "b.ics") == first
        assert calendar(run) == first  # stdout: the same bytes
        again = run("calendar", "-o", str(tmp_path / "a.ics"), "--json").json()
        assert again == {
            "path": str(tmp_path / "a.ics"),
            "events": 2,
            "open": 2,
            "withdrawn": 0,
            "changed": False,
        }
    with freeze_time("2026-11-21T09:00:00+09:00"):  # later, nothing recorded
        assert calendar(run, path=tmp_path / "c.ics") == first
    assert len(events(first)) == 2
    assert b"\n" not in first.replace(b"\r\n", b"")


def test_a_moved_deadline_keeps_its_uid_and_moves_sequence_and_last_modified(ok, run, tmp_path):
    with freeze_time(NOW):
        trade = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900")
        ok("add", "hold", trade, "--buyer", "はな", "--until", "2026-11-25T20:00")
        before = events(calendar(run, path=tmp_path / "a.ics"))[(trade, "hold_expiry")]
    with freeze_time("2026-11-21T10:30:00+09:00"):
        ok("add", "hold", trade, "--buyer", "はな", "--until", "2026-11-27T20:00")
        after = events(calendar(run, path=tmp_path / "b.ics"))[(trade, "hold_expiry")]
    assert str(after["UID"]) == str(before["UID"])
    assert before.decoded("DTSTART") == at("2026-11-25T20:00:00+09:00")
    assert after.decoded("DTSTART") == at("2026-11-27T20:00:00+09:00")
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert before.decoded("LAST-MODIFIED") == at(NOW)
    assert after.decoded("LAST-MODIFIED") == at("2026-11-21T10:30:00+09:00")
    assert after.decoded("DTSTAMP") == after.decoded("LAST-MODIFIED")


def test_a_met_deadline_is_cancelled_for_a_week_then_gone(ok, run, tmp_path):
    with freeze_time(NOW):
        trade = sell(ok)
        payment = events(calendar(run, path=tmp_path / "a.ics"))[(trade, "payment")]
    paid_at = "2026-11-20T15:00:00+09:00"
    with freeze_time(paid_at):
        ok("add", "paid", trade)
        found = events(calendar(run, path=tmp_path / "b.ics"))
    met = found[(trade, "payment")]
    assert str(met["STATUS"]) == "CANCELLED"
    assert str(met["UID"]) == str(payment["UID"])
    assert met["SEQUENCE"] == payment["SEQUENCE"] + 1
    assert met.decoded("LAST-MODIFIED") == at(paid_at)
    assert not met.walk("VALARM")
    assert str(found[(trade, "ship")]["STATUS"]) == "CONFIRMED"
    with freeze_time(at(paid_at) + 7 * D - timedelta(minutes=1)):
        assert str(events(calendar(run))[(trade, "payment")]["STATUS"]) == "CANCELLED"
    with freeze_time(at(paid_at) + 7 * D + timedelta(minutes=1)):
        assert (trade, "payment") not in events(calendar(run))


def test_a_voided_step_reopens_and_a_cancelled_trade_withdraws_its_deadlines(ok, run):
    with freeze_time(NOW):
        trade = sell(ok)
        paid = run("add", "paid", trade, "--json").json()["seq"]
    with freeze_time("2026-11-20T13:00:00+09:00"):
        ok("void", str(paid), "--reason", "wrong trade")
        found = events(calendar(run))
        assert str(found[(trade, "payment")]["STATUS"]) == "CONFIRMED"
        assert found[(trade, "payment")]["SEQUENCE"] == 2  # opened, met, reopened
        assert str(found[(trade, "ship")]["STATUS"]) == "CANCELLED"
    with freeze_time("2026-11-20T14:00:00+09:00"):
        ok("add", "cancelled", trade, "--reason", "no payment")
        found = events(calendar(run))
    assert {k: str(e["STATUS"]) for k, e in found.items()} == {
        (trade, "payment"): "CANCELLED",
        (trade, "ship"): "CANCELLED",
    }


def test_an_overdue_deadline_is_withdrawn_when_its_trade_ends(ok, run):
    with freeze_time(NOW):
        trade = sell(ok, listed="-5d", sold="-4d")
        assert str(events(calendar(run))[(trade, "payment")]["STATUS"]) == "CONFIRMED"
        ok("add", "cancelled", trade, "--reason", "never paid")
        withdrawn = events(calendar(run))[(trade, "payment")]
    assert str(withdrawn["STATUS"]) == "CANCELLED" and withdrawn["SEQUENCE"] == 1
    with freeze_time(at(NOW) + 8 * D):
        assert (trade, "payment") not in events(calendar(run))


def test_japanese_text_is_folded_and_read_back_exactly(ok, run, tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        trade = sell(ok, title=LONG_TITLE)
        data = calendar(run, path=tmp_path / "c.ics")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert sum(line.startswith(b" ") for line in lines) >= 3  # the long lines were folded
    for line in lines:
        line.decode("utf-8")  # no character split across a fold
    event = events(data)[(trade, "payment")]
    assert str(event["SUMMARY"]) == f"支払い期限: {trade} {LONG_TITLE}"
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[0] == "支払いを確認する（未払いはキャンセルされることがあります）"
    assert description[1].startswith("期限になると: 自動キャンセルなし。")
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == "取引の期限 (trade-journal)"


def test_within_limits_the_open_deadlines(ok, run):
    with freeze_time(NOW):
        trade = sell(ok)  # payment in 2.5 days
        listing = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900")
        ok("add", "hold", listing, "--buyer", "はな", "--until", "+10d")
        assert set(events(calendar(run, "--within", "3d"))) == {(trade, "payment")}
        assert len(events(calendar(run))) == 2
        assert run("calendar", "--within", "soon").code == 2


def test_uids_survive_export_and_import(ok, run, tmp_path):
    with freeze_time(NOW):
        sell(ok)
        first = calendar(run, path=tmp_path / "a.ics")
        ok("export", "-o", str(tmp_path / "log.jsonl"))
        copy = tmp_path / "restored.sqlite"
        ok("import", str(tmp_path / "log.jsonl"), "--db", str(copy))
        assert calendar(run, "--db", str(copy), path=tmp_path / "b.ics") == first
        other = tmp_path / "other.sqlite"
        ok("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "1", "--db", other)
        ok("add", "sold", "T1", "--buyer", "y", "--db", str(other))
        uids = [str(e["UID"]) for e in events(first).values()]
        elsewhere = [str(e["UID"]) for e in events(calendar(run, "--db", str(other))).values()]
    assert set(uids).isdisjoint(elsewhere)  # another journal's T1 is another event


# -- the pieces, directly ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("one\ntwo\r\nthree", "one\\ntwo\\nthree"),
        ("tab\tbell\x07", "tab\tbell "),
        ("ニット、冬物", "ニット、冬物"),
    ],
)
def test_text_escaping(text, escaped):
    assert ical.escape(text) == escaped


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "あ🧶a" * 40
    folded = ical.fold_line(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert "".join(p.decode("utf-8")[1 if i else 0 :] for i, p in enumerate(parts)) == line
    assert ical.fold_line("SHORT:x") == "SHORT:x"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (-24 * H, "-P1D"),
        (-3 * H, "-PT3H"),
        (-(D + 90 * timedelta(minutes=1)), "-P1DT1H30M"),
        (timedelta(0), "PT0S"),
        (timedelta(seconds=5), "PT5S"),
    ],
)
def test_durations(delta, text):
    assert ical.duration(delta) == text


def test_the_file_is_replaced_atomically_and_privately(tmp_path):
    target = tmp_path / "deadlines.ics"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target.symlink_to(victim)  # a planted link is refused, never written through nor replaced
    with pytest.raises(BadInput, match="symbolic link"):
        files.replace_file(target, b"BEGIN:VCALENDAR\r\n")
    assert victim.read_text() == "keep me" and target.is_symlink()
    target.unlink()
    assert files.replace_file(target, b"BEGIN:VCALENDAR\r\n") is True
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert files.replace_file(target, b"BEGIN:VCALENDAR\r\n") is False  # unchanged: not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deadlines.ics", "victim.txt"]


def test_an_unwritable_place_is_one_clear_error(ok, run, tmp_path):
    result = run("calendar", "-o", str(tmp_path / "missing" / "c.ics"))
    assert result.code == 2 and "cannot use" in result.err
    assert not (tmp_path / "missing").exists()
    if os.geteuid() != 0:
        (tmp_path / "ro").mkdir(mode=0o500)
        assert run("calendar", "-o", str(tmp_path / "ro" / "c.ics")).code == 2
