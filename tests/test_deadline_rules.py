"""Deadline rules against the platforms' published rules (each pack's `source`), to the
minute, at their boundaries. Pure core only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from journal.core.deadlines import compute
from journal.core.errors import BadInput
from journal.core.events import Event
from journal.core.rules import load_rulebook
from journal.core.trade import fold

JST = ZoneInfo("Asia/Tokyo")
BOOK = load_rulebook()


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def trade_of(platform: str, *steps: tuple[str, str, dict], **listing):
    """A seller trade listed at the first step's time, then the given (type, JST time, payload)."""
    first_type, first_at, first_payload = steps[0]
    payload = {"platform": platform, "title": "t", "price": 1000, **listing, **first_payload}
    events = [Event(first_type, "T1", payload, jst(first_at), seq=1, version=1)]
    for i, (type_, at, extra) in enumerate(steps[1:], start=2):
        events.append(Event(type_, "T1", extra, jst(at), seq=i, version=i))
    return fold(events)


def due(trade, kind: str, book=BOOK) -> datetime:
    found = {d.kind: d for d in compute(trade, book)}
    assert kind in found, f"{kind} not among {sorted(found)}"
    return found[kind].due.astimezone(JST)


def kinds(trade) -> set[str]:
    return {d.kind for d in compute(trade, BOOK)}


# 翌々日 23:59: the calendar day two days after, in Japan time.
@pytest.mark.parametrize(
    ("sold_at", "expected"),
    [
        ("2026-11-20T00:00", "2026-11-22T23:59"),
        ("2026-11-20T23:58", "2026-11-22T23:59"),
        ("2026-11-20T23:59:59", "2026-11-22T23:59"),
        ("2026-01-30T12:00", "2026-02-01T23:59"),  # month end
        ("2026-02-27T08:00", "2026-03-01T23:59"),  # February, not a leap year
        ("2028-02-28T08:00", "2028-03-01T23:59"),  # leap year: via Feb 29
        ("2026-12-31T21:00", "2027-01-02T23:59"),  # year end
    ],
)
@pytest.mark.parametrize("platform", ["rakuma", "mercari"])
def test_payment_is_day_after_next_at_2359(platform, sold_at, expected):
    trade = trade_of(
        platform, ("listed", "2026-01-01T00:00", {}), ("sold", sold_at, {"buyer": "b"})
    )
    assert due(trade, "payment") == jst(expected)


def test_the_japan_date_counts_not_the_utc_date():
    # 2026-11-20 15:30 UTC is already 2026-11-21 00:30 in Japan.
    listed = Event(
        "listed",
        "T1",
        {"platform": "rakuma", "title": "t", "price": 1},
        jst("2026-11-01T00:00"),
        1,
        1,
    )
    sold = Event(
        "sold", "T1", {"buyer": "b"}, datetime.fromisoformat("2026-11-20T15:30+00:00"), 2, 2
    )
    assert due(fold([listed, sold]), "payment") == jst("2026-11-23T23:59")


def test_rakuma_payment_counts_from_approval_on_request_listings():
    trade = trade_of(
        "rakuma",
        ("listed", "2026-11-18T09:00", {}),
        ("request", "2026-11-19T22:00", {"buyer": "b"}),
        ("approved", "2026-11-20T07:00", {}),
        request_required=True,
    )
    assert due(trade, "payment") == jst("2026-11-22T23:59")


def test_rakuma_unanswered_request_cancels_day_after_next_0830():
    trade = trade_of(
        "rakuma",
        ("listed", "2026-11-18T09:00", {}),
        ("request", "2026-11-30T23:10", {"buyer": "b"}),
        request_required=True,
    )
    assert due(trade, "respond_request") == jst("2026-12-02T08:30")


@pytest.mark.parametrize(
    ("ship_days", "expected"),
    [
        ("1-2", "2026-01-03T12:30"),
        ("2-3", "2026-01-04T12:30"),
        ("4-7", "2026-01-08T12:30"),
        (None, "2026-01-03T12:30"),
    ],
)
def test_ship_by_is_to_the_minute_from_payment(ship_days, expected):
    listing = {"ship_days": ship_days} if ship_days else {}
    trade = trade_of(
        "mercari",
        ("listed", "2025-12-30T10:00", {}),
        ("sold", "2026-01-01T12:00", {"buyer": "b"}),
        ("paid", "2026-01-01T12:30", {}),
        **listing,
    )
    assert due(trade, "ship") == jst(expected)


@pytest.mark.parametrize(
    ("shipped_at", "expected"),
    [
        ("2026-11-20T09:00", "2026-11-29T13:00"),
        ("2026-11-20T23:59", "2026-11-29T13:00"),
        ("2026-12-25T18:00", "2027-01-03T13:00"),  # across the year end
        ("2026-01-31T10:00", "2026-02-09T13:00"),  # across a month end
    ],
)
def test_mercari_auto_complete_1300_on_day_9(shipped_at, expected):
    trade = trade_of(
        "mercari",
        ("listed", "2025-12-01T10:00", {}),
        ("sold", "2026-01-01T12:00", {"buyer": "b"}),
        ("paid", "2026-01-01T12:30", {}),
        ("shipped", shipped_at, {}),
    )
    assert due(trade, "auto_complete") == jst(expected)


def _completed(platform: str, completed_at: str):
    return trade_of(
        platform,
        ("listed", "2000-01-02T10:00", {}),
        ("sold", "2000-01-03T12:00", {"buyer": "b"}),
        ("paid", "2000-01-03T12:30", {}),
        ("shipped", "2000-01-04T12:30", {}),
        ("received", "2000-01-05T12:30", {}),
        ("completed", completed_at, {}),
    )


def test_message_window_one_week_on_rakuma_and_mercari():
    # Second edition: Mercari's sources conflict (2 weeks / 1 week): the earlier, 7 days.
    assert due(_completed("rakuma", "2026-11-20T16:45"), "message_window") == jst(
        "2026-11-27T16:45"
    )
    assert due(_completed("mercari", "2026-11-20T16:45"), "message_window") == jst(
        "2026-11-27T16:45"
    )


@pytest.mark.parametrize(
    ("completed_at", "expected"),
    [
        ("2021-07-26T23:30", "2022-07-27T00:00"),  # before 2021-07-27: all on 2022-07-27
        ("2021-07-27T00:10", "2022-01-23T00:10"),  # from 2021-07-27: 180 days
    ],
)
def test_rakuma_proceeds_rule_in_force_on_the_completion_date(completed_at, expected):
    assert due(_completed("rakuma", completed_at), "proceeds") == jst(expected)


@pytest.mark.parametrize(
    ("completed_at", "days"),
    [
        ("2017-12-03T12:00", 365),
        ("2017-12-04T12:00", 90),
        ("2018-09-25T12:00", 90),
        ("2018-09-26T12:00", 90),  # "through 2018-09-26" (second edition)
        ("2018-09-27T00:00", 180),
    ],
)
def test_mercari_proceeds_three_eras(completed_at, days):
    from datetime import timedelta

    assert due(_completed("mercari", completed_at), "proceeds") == jst(completed_at) + timedelta(
        days=days
    )


def test_yahoo_auction_rules():
    trade = trade_of(
        "yahoo-auction",
        ("listed", "2026-09-01T10:00", {}),
        ("sold", "2026-09-30T21:00", {"buyer": "b"}),
        ("paid", "2026-10-02T08:00", {}),
    )
    assert due(trade, "payment") == jst("2026-10-05T21:00")
    assert due(trade, "ship") == jst("2026-10-04T08:00")  # 発送までの日数 1-2 by default
    assert due(trade, "buyer_may_cancel") == jst("2026-10-09T00:00")
    assert due(trade, "auto_complete") == jst("2026-10-16T08:00")
    assert due(trade, "proceeds") == jst("2027-02-28T21:00")  # 5 months, clamped to Feb's end


def test_yahoo_flea_rules_and_one_way_ratings():
    trade = trade_of(
        "yahoo-flea",
        ("listed", "2026-11-01T10:00", {}),
        ("sold", "2026-11-20T21:00", {"buyer": "b"}),
        ("paid", "2026-11-20T21:05", {}),
    )
    assert due(trade, "ship") == jst("2026-11-22T21:05")  # 発送までの日数 1-2 by default
    assert due(trade, "buyer_may_cancel") == jst("2026-11-27T00:00")
    # third edition: "支払いから14日経てば自動的に売上金になります" (knowledge-x.com/archives/3366)
    assert due(trade, "auto_complete") == jst("2026-12-04T21:05")
    assert "payment" not in kinds(trade)  # no known payment rule for Yahoo!フリマ
    received = trade_of(
        "yahoo-flea",
        ("listed", "2026-11-01T10:00", {}),
        ("sold", "2026-11-20T21:00", {"buyer": "b"}),
        ("paid", "2026-11-20T21:05", {}),
        ("shipped", "2026-11-21T10:00", {}),
        ("received", "2026-11-23T10:00", {}),
    )
    assert "rate" not in kinds(received)


def test_rakuma_receipt_followup_day_9_after_shipping():
    trade = trade_of(
        "rakuma",
        ("listed", "2026-11-01T10:00", {}),
        ("sold", "2026-11-20T21:00", {"buyer": "b"}),
        ("paid", "2026-11-20T21:05", {}),
        ("shipped", "2026-11-21T10:00", {}),
    )
    assert due(trade, "receipt_followup") == jst("2026-11-30T10:00")


def test_met_deadlines_are_met_and_late_ones_missed():
    trade = trade_of(
        "mercari",
        ("listed", "2026-11-01T10:00", {}),
        ("sold", "2026-11-20T21:00", {"buyer": "b"}),
        ("paid", "2026-11-20T21:05", {}),
        ("shipped", "2026-11-23T10:00", {}),  # ship-by was 11-22 21:05 (1-2 days)
    )
    statuses = {d.kind: d.status(jst("2026-11-24T00:00")) for d in compute(trade, BOOK)}
    assert statuses["payment"] == "met"
    assert statuses["ship"] == "missed"
    assert statuses["auto_complete"] == "open"


def test_cancelling_drops_pending_deadlines_but_keeps_history():
    trade = trade_of(
        "rakuma",
        ("listed", "2026-11-18T09:00", {}),
        ("request", "2026-11-19T22:00", {"buyer": "b"}),
        ("approved", "2026-11-20T07:00", {}),
        ("cancelled", "2026-11-20T08:00", {"reason": "defect"}),
        request_required=True,
    )
    assert kinds(trade) == {"respond_request"}


def test_custom_promises():
    dedicated = trade_of(
        "rakuma",
        ("listed", "2026-11-20T10:00", {}),
        kind="dedicated",
        buyer="b",
        request_required=True,
    )
    assert due(dedicated, "dedicated_expiry") == jst("2026-11-23T10:00")
    confirmation = trade_of("mercari", ("listed", "2026-11-20T10:00", {}), kind="confirmation")
    assert due(confirmation, "confirmation_cleanup") == jst("2026-11-23T10:00")
    held = trade_of(
        "yahoo-flea",
        ("listed", "2026-11-10T10:00", {}),
        ("hold", "2026-11-11T10:00", {"buyer": "b", "until": "2026-11-15T14:59:00Z"}),
    )
    assert due(held, "hold_expiry") == jst("2026-11-15T23:59")


def test_buyer_inspects_before_auto_complete_until_arrival_is_recorded():
    def bought(platform):
        return fold(
            [
                Event(
                    "bought",
                    "B1",
                    {"platform": platform, "title": "t", "price": 1},
                    jst("2026-11-20T10:00"),
                    1,
                    1,
                ),
                Event("paid", "B1", {}, jst("2026-11-20T10:05"), 2, 2),
                Event("shipped", "B1", {}, jst("2026-11-21T18:00"), 3, 3),
            ]
        )

    # Second edition: inspect counts from arrival; before it, the auto-complete time only.
    assert due(bought("mercari"), "inspect") == jst("2026-11-30T13:00")
    assert "inspect" not in {d.kind for d in compute(bought("rakuma"), BOOK)}
    assert due(bought("yahoo-flea"), "inspect") == jst("2026-12-04T10:05")  # paid + 14 days


def test_overrides_change_values_and_mark_them_custom():
    book = load_rulebook(
        {
            "mercari": {"message_window": {"days": 7}},
            "yahoo-flea": {"message_window": {"days": 3, "counted_from": ["completion"]}},
        }
    )
    assert due(_completed("mercari", "2026-11-20T16:45"), "message_window", book) == jst(
        "2026-11-27T16:45"
    )
    assert due(_completed("yahoo-flea", "2026-11-20T16:45"), "message_window", book) == jst(
        "2026-11-23T16:45"
    )
    rule = book.rule_for("mercari", "message_window", jst("2026-11-20T00:00").date())
    assert rule.confidence == "custom"


@pytest.mark.parametrize(
    "overrides",
    [
        {"ebay": {}},
        {"mercari": {"nonsense": {"days": 1}}},
        {"mercari": {"payment": {"days": -1}}},
        {"mercari": {"payment": {"colour": 1}}},
    ],
)
def test_bad_overrides_are_refused(overrides):
    with pytest.raises(BadInput):
        load_rulebook(overrides)


def test_every_rule_carries_its_evidence():
    """Each version cites its source, counts from something and says what happens when it
    passes, in both languages (the words in the catalogs under its key, the pack holds none)."""
    from journal.text.rule_text import effect_of

    for pack in BOOK.packs.values():
        for versions in pack.rules.values():
            for rule in versions:
                assert rule.source and rule.counted_from
                assert not rule.effect and not rule.effect_ja, rule.key  # data, not words
                english, japanese = effect_of(rule.key, "en", BOOK), effect_of(rule.key, "ja", BOOK)
                assert english and japanese and english != japanese, rule.key
                assert rule.confidence in (
                    "official",
                    "several-sources",
                    "single-source",
                    "assumed",
                    "custom",
                )
