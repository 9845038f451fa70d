"""Backfilling as people type it: 時半, 午後, 今朝/N日前/曜日 with a time, 令和, `12-04`, any
minus sign, December typed in January, ３，３００円, らくま; what is refused says what works."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from journal.core.errors import BadInput
from journal.core.timeparse import parse_when

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 5, 1, 40, tzinfo=TOKYO)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("昨日 18時半", (12, 4, 18, 30)),
        ("午後6時", (12, 5, 18, 0)),
        ("昨日 午後6時半", (12, 4, 18, 30)),
        ("午前12時", (12, 5, 0, 0)),
        ("今朝 9時", (12, 5, 9, 0)),
        ("昨夜 22:00", (12, 4, 22, 0)),
        ("2日前 18:00", (12, 3, 18, 0)),
        ("金曜 18:00", (12, 4, 18, 0)),
        ("土曜日 0:30", (12, 5, 0, 30)),
        ("12-04 18:00", (12, 4, 18, 0)),
        ("令和8年12月4日 9時", (12, 4, 9, 0)),
        ("−2h", (12, 4, 23, 40)),
        ("－２ｈ", (12, 4, 23, 40)),
    ],
)
def test_japanese_time_forms(typed, meant) -> None:
    month, day, hour, minute = meant
    want = datetime(2026, month, day, hour, minute, tzinfo=TOKYO)
    assert parse_when(typed, now=NOW, tz=TOKYO) == want


def test_a_weekday_as_an_end_is_the_next_one() -> None:
    assert parse_when("金曜", now=NOW, tz=TOKYO, date_only="end") == datetime(
        2026, 12, 11, 23, 59, tzinfo=TOKYO
    )


@pytest.mark.parametrize("typed", ["今朝", "午後13時", "日曜 25:00"])
def test_what_is_not_a_time_is_refused(typed) -> None:
    with pytest.raises(BadInput) as bad:
        parse_when(typed, now=NOW, tz=TOKYO)
    assert bad.value.key == "bad_when"


def test_a_refused_time_shows_forms_that_work(run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    result = run("add", "listed", "--platform", "らくま", "--title", "x", "--price", "1",
                 "--at", "今朝")  # fmt: skip
    assert result.code == 2 and "昨日 18:00" in result.err and "2日前 18:00" in result.err
    examples = result.err.split(": ", 2)[-1].removesuffix(" など\n").split(", ")
    for example in examples:
        parse_when(example, now=NOW, tz=TOKYO)  # every example given works


def test_december_typed_in_january_is_last_december_and_says_the_year(run, ok, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time("2027-01-02T10:00:00+09:00"):
        ok("add", "listed", "--platform", "mercari", "--title", "年末の出品", "--price", "1000",
           "--at", "12/30 18:00")  # fmt: skip
        data = run("add", "sold", "T1", "--at", "12月31日 9時", "--json").json()
        assert [n["code"] for n in data["notices"]] == ["recorded_in_year"]
        line = ok("add", "paid", "T1", "--at", "12/31 10:00")
        assert "2026-12-31" in line and "昨年" in line
        events = run("log", "T1", "--json").json()
        assert events[0]["occurred_at"].startswith("2026-12-30T18:00")


def test_full_width_comma_yen_and_hiragana_platform(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "らくま", "--title", "x", "--price", "３，３００円",
           "--ship-days", "1〜2")  # fmt: skip
        ok("add", "price", "T1", "--price", "￥３，０００")
        shown = run("show", "T1", "--json").json()
        assert (shown["platform"], shown["price"], shown["ship_days"]) == ("rakuma", 3000, "1-2")
        ok("add", "listed", "--platform", "めるかり", "--title", "y", "--price", "500")
        assert run("show", "T2", "--json").json()["platform"] == "mercari"
