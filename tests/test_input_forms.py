"""Input as people type it: NFKC everywhere, Japanese and everyday WHEN and
DURATION forms, platforms by any of their names, trade ids in any case. Each new form once
in the pure parser and, where it matters, through the real command; refusals stay one line
with exit 2."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from support import refused

from journal.core import names
from journal.core.errors import BadInput
from journal.core.timeparse import parse_duration, parse_when

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 22, 17, 50, 30, tzinfo=UTC)  # 2026-11-23 02:50:30 in Tokyo
BAD = 2


def tokyo(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=TOKYO).astimezone(UTC)


# --- WHEN -----------------------------------------------------------------------------------

# (typed, as `--at`/`--as-of` reads it, as `--until` reads it)
WHEN_FORMS = [
    ("今日", NOW, NOW),
    ("きょう", NOW, NOW),
    ("昨日", NOW - timedelta(days=1), NOW - timedelta(days=1)),
    ("一昨日", NOW - timedelta(days=2), NOW - timedelta(days=2)),
    ("おととい", NOW - timedelta(days=2), NOW - timedelta(days=2)),
    ("明日", NOW + timedelta(days=1), NOW + timedelta(days=1)),
    ("11/21", tokyo(2026, 11, 21, 0, 0), tokyo(2026, 11, 21, 23, 59)),
    ("1/5", tokyo(2026, 1, 5, 0, 0), tokyo(2026, 1, 5, 23, 59)),
    ("11/21 18:00", tokyo(2026, 11, 21, 18, 0), tokyo(2026, 11, 21, 18, 0)),
    ("2026/11/21", tokyo(2026, 11, 21, 0, 0), tokyo(2026, 11, 21, 23, 59)),
    ("2026/1/5 9:05", tokyo(2026, 1, 5, 9, 5), tokyo(2026, 1, 5, 9, 5)),
    ("2026/11/21 18:00", tokyo(2026, 11, 21, 18, 0), tokyo(2026, 11, 21, 18, 0)),
    ("11月21日", tokyo(2026, 11, 21, 0, 0), tokyo(2026, 11, 21, 23, 59)),
    ("2026年11月21日 18時30分", tokyo(2026, 11, 21, 18, 30), tokyo(2026, 11, 21, 18, 30)),
    ("18:00", tokyo(2026, 11, 23, 18, 0), tokyo(2026, 11, 23, 18, 0)),
    ("1:30", tokyo(2026, 11, 23, 1, 30), tokyo(2026, 11, 23, 1, 30)),
    ("yesterday 18:00", tokyo(2026, 11, 22, 18, 0), tokyo(2026, 11, 22, 18, 0)),
    ("Yesterday 18:00", tokyo(2026, 11, 22, 18, 0), tokyo(2026, 11, 22, 18, 0)),
    ("today 18:00", tokyo(2026, 11, 23, 18, 0), tokyo(2026, 11, 23, 18, 0)),
    ("tomorrow 9:00", tokyo(2026, 11, 24, 9, 0), tokyo(2026, 11, 24, 9, 0)),
    ("昨日 18:00", tokyo(2026, 11, 22, 18, 0), tokyo(2026, 11, 22, 18, 0)),
    ("昨日18時", tokyo(2026, 11, 22, 18, 0), tokyo(2026, 11, 22, 18, 0)),
    ("一昨日 9:30", tokyo(2026, 11, 21, 9, 30), tokyo(2026, 11, 21, 9, 30)),
    ("明日 9:00", tokyo(2026, 11, 24, 9, 0), tokyo(2026, 11, 24, 9, 0)),
    ("3日前", NOW - timedelta(days=3), NOW - timedelta(days=3)),
    ("2時間前", NOW - timedelta(hours=2), NOW - timedelta(hours=2)),
    ("30分前", NOW - timedelta(minutes=30), NOW - timedelta(minutes=30)),
    ("1週間前", NOW - timedelta(weeks=1), NOW - timedelta(weeks=1)),
    ("3日後", NOW + timedelta(days=3), NOW + timedelta(days=3)),
    # full-width digits, colon, slash and space (NFKC)
    ("２０２６/１１/２１", tokyo(2026, 11, 21, 0, 0), tokyo(2026, 11, 21, 23, 59)),
    ("２０２６／１１／２１　１８：００", tokyo(2026, 11, 21, 18, 0), tokyo(2026, 11, 21, 18, 0)),
    ("２０２６-１１-２２T１０:００", tokyo(2026, 11, 22, 10, 0), tokyo(2026, 11, 22, 10, 0)),
    ("２０２６-１１-２２", tokyo(2026, 11, 22, 0, 0), tokyo(2026, 11, 22, 23, 59)),
    ("昨日　１８：００", tokyo(2026, 11, 22, 18, 0), tokyo(2026, 11, 22, 18, 0)),
    ("３日前", NOW - timedelta(days=3), NOW - timedelta(days=3)),
    ("＋３ｄ", NOW + timedelta(days=3), NOW + timedelta(days=3)),
    # the forms that were accepted before still are
    ("now", NOW, NOW),
    ("yesterday", NOW - timedelta(days=1), NOW - timedelta(days=1)),
    ("-2h", NOW - timedelta(hours=2), NOW - timedelta(hours=2)),
    ("2026-11-24", tokyo(2026, 11, 24, 0, 0), tokyo(2026, 11, 24, 23, 59)),
    ("2026-11-24T18:30", tokyo(2026, 11, 24, 18, 30), tokyo(2026, 11, 24, 18, 30)),
    ("2026-11-24T18:30Z", datetime(2026, 11, 24, 18, 30, tzinfo=UTC), None),
]


@pytest.mark.parametrize(("text", "start", "end"), WHEN_FORMS)
def test_when_forms(text, start, end):
    assert parse_when(text, now=NOW, tz=TOKYO) == start
    if end is not None:
        assert parse_when(text, now=NOW, tz=TOKYO, date_only="end") == end


def test_times_of_day_are_wall_times_in_the_users_zone():
    berlin = ZoneInfo("Europe/Berlin")
    # NOW is still 2026-11-22 in Berlin (18:50 CET)
    assert parse_when("18:00", now=NOW, tz=berlin) == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    assert parse_when("11/21", now=NOW, tz=berlin) == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def test_a_month_and_day_means_this_year_in_the_users_zone():
    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 01:00 in Tokyo
    assert parse_when("11/30", now=new_year, tz=TOKYO) == tokyo(2027, 11, 30, 0, 0)
    # December typed in January: last December (a step being backfilled)
    assert parse_when("12/31", now=new_year, tz=TOKYO) == tokyo(2026, 12, 31, 0, 0)
    assert parse_when("1/1 0:30", now=new_year, tz=TOKYO) == tokyo(2027, 1, 1, 0, 30)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2/30", "bad_when"),  # no such day
        ("2026/2/29", "bad_when"),
        ("13/1", "bad_when"),
        ("25:00", "bad_when"),
        ("18:60", "bad_when"),
        ("11/21 24:00", "bad_when"),
        ("昨日 25時", "bad_when"),
        ("24/11/2026", "bad_when"),  # day first: not a form
        ("11/21/2026", "bad_when"),
        ("3日", "bad_when"),  # a duration, not a time
        ("3d", "bad_when"),
        ("1.5日前", "bad_when"),
        ("先週", "bad_when"),
        ("来年", "bad_when"),
        ("yesterday 18", "bad_when"),
        ("2101/1/1", "when_range"),
        ("1999/12/31 23:59", "when_range"),
        ("1999年12月31日", "when_range"),
        ("30000日前", "when_range"),
        ("50000日前", "span_range"),
        ("2026/3/29 2:30", "ambiguous_when"),  # skipped by Berlin's clocks (DST)
        ("10/25 2:30", "ambiguous_when"),  # twice in Berlin
    ],
)
def test_when_refusals(text, key):
    with pytest.raises(BadInput) as caught:
        parse_when(text, now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert caught.value.key == key


def test_relative_forms_keep_the_supported_dates():
    late = datetime(2100, 12, 31, 12, 0, tzinfo=UTC)  # 21:00 on the last day in Tokyo
    assert parse_when("18:00", now=late, tz=TOKYO) == tokyo(2100, 12, 31, 18, 0)
    for text in ("明日", "tomorrow 9:00", "明日 9:00", "2日後"):
        with pytest.raises(BadInput) as caught:
            parse_when(text, now=late, tz=TOKYO)
        assert caught.value.key == "when_range", text


# --- DURATION -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2日", timedelta(days=2)),
        ("7日間", timedelta(days=7)),
        ("48時間", timedelta(hours=48)),
        ("2週間", timedelta(weeks=2)),
        ("1週", timedelta(weeks=1)),
        ("30分", timedelta(minutes=30)),
        ("２日", timedelta(days=2)),
        ("４８ｈ", timedelta(hours=48)),
        ("48H", timedelta(hours=48)),
        ("7d", timedelta(days=7)),
    ],
)
def test_duration_forms(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2", "bad_duration"),
        ("日", "bad_duration"),
        ("1.5日", "bad_duration"),
        ("2日半", "bad_duration"),
        ("2日前", "bad_duration"),
        ("-2日", "bad_duration"),
        ("1日12時間", "bad_duration"),
        ("999999日", "span_range"),
    ],
)
def test_duration_refusals(text, key):
    with pytest.raises(BadInput) as caught:
        parse_duration(text)
    assert caught.value.key == key


# --- names ----------------------------------------------------------------------------------

PLATFORM_NAMES = [
    ("ラクマ", "rakuma"),
    ("楽天ラクマ", "rakuma"),
    ("Rakuma", "rakuma"),
    ("メルカリ", "mercari"),
    ("ﾒﾙｶﾘ", "mercari"),  # half-width kana
    ("MERCARI", "mercari"),
    ("ｍｅｒｃａｒｉ", "mercari"),
    ("ヤフオク", "yahoo-auction"),
    ("ヤフオク！", "yahoo-auction"),
    ("yahoo-auction", "yahoo-auction"),
    ("Yahoo Auction", "yahoo-auction"),
    ("Yahoo!フリマ", "yahoo-flea"),
    ("Ｙａｈｏｏ！フリマ", "yahoo-flea"),
    ("PayPayフリマ", "yahoo-flea"),
    ("paypay フリマ", "yahoo-flea"),
    ("YAHOO-FLEA", "yahoo-flea"),
]


@pytest.mark.parametrize(("typed", "platform"), PLATFORM_NAMES)
def test_platform_names(typed, platform):
    assert names.platform(typed) == platform


@pytest.mark.parametrize("typed", ["ヤフー", "amazon", "mercari2", ""])
def test_other_platform_names_are_left_for_the_caller_to_refuse(typed):
    assert names.platform(typed) not in ("rakuma", "mercari", "yahoo-auction", "yahoo-flea")


@pytest.mark.parametrize(
    ("typed", "stored", "resolved"),
    [
        ("t2", [], "T2"),
        ("ｔ２", [], "T2"),
        ("Ｔ１２", [], "T12"),
        ("T2", ["T2"], "T2"),
        ("t2", ["t2"], "t2"),  # a user-chosen lower-case id from before is found as it is
        ("mer-1", ["MER-1"], "MER-1"),
        ("MER-1", ["mer-1"], "mer-1"),
        ("ab", ["AB", "ab"], "ab"),  # exact wins over a case-only match
        ("Ab", ["AB", "ab"], "Ab"),  # two that differ only in case: no guess
        ("new-id", [], "new-id"),
    ],
)
def test_trade_ids_resolve_without_regard_to_case(typed, stored, resolved):
    assert names.resolve(typed, stored) == resolved


# --- through the real command ---------------------------------------------------------------


def listed(ok, *extra: str, platform="mercari", title="x", price="900") -> str:
    return ok("add", "listed", "--platform", platform, "--title", title, "--price", price, *extra)


def last_event(ok, trade: str) -> dict:
    return json.loads(ok("show", trade, "--json"))["events"][-1]


@pytest.mark.parametrize(("typed", "platform"), PLATFORM_NAMES)
def test_listed_takes_any_platform_name_and_stores_the_english_id(ok, typed, platform):
    with freeze_time(NOW):
        ok("add", "listed", "--platform", typed, "--title", "ニット", "--price", "2500")
        assert last_event(ok, "T1")["platform"] == platform
        assert '"platform": "' + platform + '"' in ok("list", "--json")


def test_bought_and_rules_take_platform_names(ok):
    with freeze_time(NOW):
        ok("add", "bought", "--platform", "ラクマ", "--title", "ワンピース", "--price", "1800",
           "--unpaid")  # fmt: skip
        assert last_event(ok, "T1")["platform"] == "rakuma"
        assert "[mercari]" in ok("rules", "メルカリ")


@pytest.mark.parametrize("typed", ["ヤフー", "amazon", "メルカリー"])
def test_an_unknown_platform_is_refused_in_one_line(ok, run, typed):
    result = run("add", "listed", "--platform", typed, "--title", "x", "--price", "300")
    refused(result, "--platform")


def test_full_width_ship_days_and_price(ok):
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "メルカリ", "--title", "x", "--price", "３０００")
        listed(ok, title="y")
        listed(ok, "--ship-days", "２-３", title="z")
        assert last_event(ok, "T3")["ship_days"] == "2-3"
        assert last_event(ok, "T1")["price"] == 3000


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("昨日 18:00", "2026-11-22T18:00:00+09:00"),
        ("yesterday 18:00", "2026-11-22T18:00:00+09:00"),
        ("昨日", "2026-11-22T02:50:30+09:00"),
        ("一昨日", "2026-11-21T02:50:30+09:00"),
        ("おととい 9:00", "2026-11-21T09:00:00+09:00"),
        ("11/21", "2026-11-21T00:00:00+09:00"),
        ("11/21 18:00", "2026-11-21T18:00:00+09:00"),
        ("2026/11/21", "2026-11-21T00:00:00+09:00"),
        ("２０２６/１１/２１", "2026-11-21T00:00:00+09:00"),
        ("２０２６/１１/２１ １８:００", "2026-11-21T18:00:00+09:00"),
        ("２０２６-１１-２２T１０:００", "2026-11-22T10:00:00+09:00"),
        ("2:00", "2026-11-23T02:00:00+09:00"),
        ("3時間前", "2026-11-22T23:50:30+09:00"),
        ("30分前", "2026-11-23T02:20:30+09:00"),
        ("1日前", "2026-11-22T02:50:30+09:00"),
    ],
)
def test_at_forms_through_add(ok, at, expected):
    with freeze_time(NOW):
        listed(ok, "--at", "11/20")
        ok("add", "note", "T1", "--note", "n", "--at", at)
        assert last_event(ok, "T1")["occurred_at"] == expected


def test_the_reviewers_week_in_japanese(ok):
    """`journal add paid t1 --at 昨日 18:00` and friends, as a seller types them."""
    with freeze_time(NOW):
        listed(
            ok,
            "--ship-days",
            "１-２",
            "--at",
            "２０２６/１１/２０",
            platform="メルカリ",
            title="マフラー",
            price="1200",
        )
        ok("add", "sold", "t1", "--buyer", "ちえ", "--at", "一昨日 10:00")
        ok("add", "paid", "t1", "--at", "昨日 18:00")
        shown = json.loads(ok("show", "t1", "--json"))
        assert shown["id"] == "T1" and shown["state"] == "awaiting_shipment"
        assert [e["occurred_at"] for e in shown["events"]] == [
            "2026-11-20T00:00:00+09:00",
            "2026-11-21T10:00:00+09:00",
            "2026-11-22T18:00:00+09:00",
        ]
        ship = next(d for d in shown["deadlines"] if d["kind"] == "ship")
        assert ship["due"] == "2026-11-24T18:00:00+09:00"  # 2 days from payment, to the minute
        assert "T1" in ok("upcoming", "--within", "2日")
        assert "T1" in ok("upcoming", "--within", "48時間")
        assert "T1" not in ok("upcoming", "--within", "30分")
        assert "T1" in ok("upcoming", "--within", "２週間", "--as-of", "11/21")


def test_until_forms_through_hold(ok):
    with freeze_time(NOW):
        listed(ok, "--at", "11/20", platform="rakuma")
        ok("add", "hold", "t1", "--buyer", "ゆき", "--until", "12/15")
        assert last_event(ok, "T1")["until"] == "2026-12-15T14:59:00Z"  # its last minute (UTC)
        ok("add", "hold-ended", "T1")
        ok("add", "hold", "T1", "--buyer", "ゆき", "--until", "明日 18:00")
        assert last_event(ok, "T1")["until"] == "2026-11-24T09:00:00Z"


def test_trade_ids_in_any_case_at_every_command(ok, run):
    with freeze_time(NOW):
        for title in ("a", "b", "c"):
            listed(ok, "--at", "11/20", title=title)
        assert ok("show", "t1", "--json") == ok("show", "T1", "--json")
        assert ok("show", "ｔ１") == ok("show", "T1")
        assert ok("log", "t2") == ok("log", "T2")
        assert '"id": "T1"' in ok("add", "note", "t1", "--note", "x", "--json")
        assert ok("add", "bundle", "t2", "ｔ３", "--price", "1500", "--buyer", "はな") == "T4"
        assert json.loads(ok("show", "T2", "--json"))["bundled_into"] == "T4"
        refused(run("show", "t99"), "unknown trade 'T99'")
        refused(run("log", "t99"), "unknown trade 'T99'")
        refused(run("add", "paid", "t99"), "unknown trade 'T99'")


def test_chosen_ids_are_found_in_any_case_and_cannot_be_taken_twice_by_case(ok, run):
    with freeze_time(NOW):
        out = listed(
            ok, "--id", "Cam-1", "--at", "11/20", platform="ヤフオク", title="カメラ", price="8000"
        )
        assert out == "Cam-1"
        assert '"id": "Cam-1"' in ok("show", "cam-1", "--json")
        ok("add", "note", "CAM-1", "--note", "x")
        assert "Cam-1" in ok("log", "ｃａｍ－１")
        taken = ("add", "listed", "--platform", "mercari", "--title", "y", "--price", "9")
        refused(run(*taken, "--id", "CAM-1"), "Cam-1")
        assert listed(ok, "--id", "t7", title="z") == "T7"


def test_void_takes_full_width_numbers(ok):
    with freeze_time(NOW):
        listed(ok)
        ok("add", "note", "T1", "--note", "oops")
        ok("void", "２", "--reason", "wrong trade")
        assert last_event(ok, "T1")["type"] == "voided"


_LISTED = ("add", "listed", "--platform", "mercari", "--title", "x", "--price", "1")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "note", "T1", "--note", "x", "--at", "12/31"), "in the future"),
        (("add", "note", "T1", "--note", "x", "--at", "明日"), "in the future"),
        (("add", "note", "T1", "--note", "x", "--at", "3日後"), "in the future"),
        (("add", "note", "T1", "--note", "x", "--at", "2/30"), "bad time"),
        (("add", "note", "T1", "--note", "x", "--at", "25:00"), "bad time"),
        (("add", "note", "T1", "--note", "x", "--at", "先週"), "bad time"),
        (("add", "note", "T1", "--note", "x", "--at", "1999/12/31"), "outside the supported"),
        (("add", "note", "T1", "--note", "x", "--at", "2101/1/1 0:00"), "outside the supported"),
        (("upcoming", "--as-of", "２１０１/１/１"), "outside the supported"),
        (("upcoming", "--within", "2日半"), "bad duration"),
        (("upcoming", "--within", "999999日"), "too long"),
        (("reminders", "--within", "1.5日"), "bad duration"),
        (("add", "listed", "--platform", "ヤフー", "--title", "x", "--price", "1"), "--platform"),
        ((*_LISTED, "--ship-days", "2〜1"), "--ship-days"),  # 1〜2 is read as 1-2
        (("show", "ｔ９"), "unknown trade 'T9'"),
    ],
)
def test_refusals_stay_one_line_with_exit_2(ok, run, args, words):
    with freeze_time(NOW):
        listed(ok, "--at", "11/20")
        refused(run(*args), words)
