"""Rules, second edition: every change at its boundaries, through the command line.

Times are Japan time (the display zone is Asia/Tokyo), so `show --json` reads back +09:00.
The packs' expected values for the second edition of the platforms' rules are encoded below
(`SECOND_EDITION`), so these tests run from a clean clone.
"""

import re

import pytest
from freezegun import freeze_time

from journal.core.rules import PACK_NAMES, load_rulebook

LATER = "2030-01-01T12:00:00+09:00"  # "now" for trades recorded in the past


def dl(run, trade: str) -> dict[str, dict]:
    return {d["kind"]: d for d in run("show", trade, "--json").json()["deadlines"]}


def due(run, trade: str, kind: str) -> str:
    found = dl(run, trade)
    assert kind in found, f"{kind} not among {sorted(found)}"
    return found[kind]["due"]


def listed(ok, platform: str, at: str, *extra: str) -> str:
    args = ["--platform", platform, "--title", "t", "--price", "1000", "--at", at, *extra]
    return ok("add", "listed", *args)


def sold_paid(ok, platform: str, sold: str, paid: str | None, *extra: str) -> str:
    t = listed(ok, platform, "2000-01-02T00:00", *extra)
    if platform == "yahoo-flea" and paid:  # paid on purchase there: sold is paid at once
        ok("add", "sold", t, "--buyer", "b", "--at", paid)
        return t
    ok("add", "sold", t, "--buyer", "b", "--at", sold)
    if paid:
        ok("add", "paid", t, "--at", paid)
    return t


# --- D1 ヤフオク: remove the non-paying winner before the fees are finalised ---------------


def test_d1_remove_winner_14_days_after_the_auction_to_the_minute(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "yahoo-auction", "2026-12-27T23:59", None)
        assert due(run, t, "payment") == "2027-01-01T23:59:00+09:00"
        assert due(run, t, "remove_winner") == "2027-01-10T23:59:00+09:00"
        assert dl(run, t)["remove_winner"]["status"] == "missed"
        assert "10%" in dl(run, t)["remove_winner"]["effect"]
        # Removing the winner in time (recorded as a cancellation) meets it.
        u = sold_paid(ok, "yahoo-auction", "2026-12-27T23:59", None)
        ok("add", "cancelled", u, "--reason", "落札者削除", "--at", "2027-01-10T23:59")
        assert dl(run, u)["remove_winner"]["status"] == "met"
        # A winner who pays: nothing to remove.
        v = sold_paid(ok, "yahoo-auction", "2026-12-27T23:59", "2026-12-28T08:00")
        assert dl(run, v)["remove_winner"]["status"] == "met"


def test_d1_remove_winner_is_open_until_its_minute(ok, run):
    with freeze_time("2027-01-10T23:58:00+09:00"):
        t = sold_paid(ok, "yahoo-auction", "2026-12-27T23:59", None)
        assert dl(run, t)["remove_winner"]["status"] == "open"
    with freeze_time("2027-01-10T23:59:00+09:00"):
        assert dl(run, t)["remove_winner"]["status"] == "missed"


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ("2027-04-01T13:00", "2027-04-04T23:59:00+09:00"),  # 3 days (not 5: 04-06 23:59)
        ("2027-04-01T00:00", "2027-04-04T23:59:00+09:00"),
        ("2027-04-01T23:59", "2027-04-04T23:59:00+09:00"),
        ("2027-04-02T00:00", "2027-04-05T23:59:00+09:00"),
        ("2027-02-26T10:00", "2027-03-01T23:59:00+09:00"),  # month end
    ],
)
def test_d1_payment_number_valid_three_days_the_earlier_value(ok, run, issued, expected):
    with freeze_time(LATER):
        t = sold_paid(ok, "yahoo-auction", "2027-02-25T21:00", None)
        ok("add", "payment-number", t, "--at", issued)
        assert due(run, t, "payment_number") == expected
        assert "remove the winner" in dl(run, t)["payment_number"]["effect"]
        ok("add", "paid", t, "--at", issued)
        assert dl(run, t)["payment_number"]["status"] == "met"
        assert run("add", "payment-number", t).code == 1  # paid already
        u = sold_paid(ok, "yahoo-auction", "2027-02-25T21:00", None)
        assert run("add", "payment-number", u, "--at", "2027-02-25T20:59").code == 1


def test_d1_payment_effect_says_when_the_winner_cannot_be_removed(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "yahoo-auction", "2026-12-27T23:59", None)
        effect = dl(run, t)["payment"]["effect"]
        assert "payment number" in effect and "fees are finalised" in effect


# --- D2 / D6 ship-days on every platform; "from the 8th day" as calendar days ----------


@pytest.mark.parametrize("platform", ["rakuma", "mercari", "yahoo-auction", "yahoo-flea"])
@pytest.mark.parametrize(
    ("ship_days", "expected"),
    [
        ("1-2", "2027-01-03T00:00:00+09:00"),
        ("2-3", "2027-01-04T00:00:00+09:00"),
        ("4-7", "2027-01-08T00:00:00+09:00"),
        (None, "2027-01-03T00:00:00+09:00"),
    ],
)
def test_d2_ship_days_give_ship_on_every_platform(ok, run, platform, ship_days, expected):
    extra = ["--ship-days", ship_days] if ship_days else []
    with freeze_time(LATER):
        t = sold_paid(ok, platform, "2026-12-31T23:59", "2027-01-01T00:00", *extra)
        assert due(run, t, "ship") == expected


@pytest.mark.parametrize("platform", ["yahoo-auction", "yahoo-flea"])
@pytest.mark.parametrize(
    ("paid", "expected"),
    [
        ("2028-02-14T23:59", "2028-02-21T00:00:00+09:00"),  # not 02-21 23:59 (7×24 h)
        ("2028-02-15T00:00", "2028-02-22T00:00:00+09:00"),
        ("2028-02-22T12:00", "2028-02-29T00:00:00+09:00"),  # leap day
        ("2026-12-25T18:00", "2027-01-01T00:00:00+09:00"),  # year end
    ],
)
def test_d6_buyer_may_cancel_from_day_8_at_0000(ok, run, platform, paid, expected):
    with freeze_time(LATER):
        t = sold_paid(ok, platform, paid, paid, "--ship-days", "4-7")
        assert due(run, t, "buyer_may_cancel") == expected
        assert "8th day" in dl(run, t)["buyer_may_cancel"]["effect"]
        # The promise of 4-7 days (payment + 7 days to the minute) is never earlier.
        assert due(run, t, "ship") >= expected


@pytest.mark.parametrize("platform", ["yahoo-auction", "yahoo-flea"])
def test_d6_shipping_in_time_meets_buyer_may_cancel(ok, run, platform):
    with freeze_time(LATER):
        t = sold_paid(ok, platform, "2028-02-14T23:59", "2028-02-14T23:59")
        ok("add", "shipped", t, "--at", "2028-02-20T23:59")
        assert dl(run, t)["buyer_may_cancel"]["status"] == "met"
        assert dl(run, t)["ship"]["status"] == "missed"


@pytest.mark.parametrize("platform", ["rakuma", "mercari"])
def test_d2_no_buyer_may_cancel_kind_on_rakuma_and_mercari(ok, run, platform):
    with freeze_time(LATER):
        t = sold_paid(ok, platform, "2028-02-14T23:59", "2028-02-14T23:59")
        assert "buyer_may_cancel" not in dl(run, t)


def test_d9_no_day_14_auto_cancel_claim(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "yahoo-auction", "2028-02-14T23:59", "2028-02-14T23:59")
        text = " ".join(d["effect"] for d in dl(run, t).values())
        assert "14" not in text.replace("10%", "")
        rules = run("rules", "yahoo-auction", "--json").json()[0]["rules"]
        for rule in rules:
            if rule["kind"] in ("ship", "buyer_may_cancel"):
                assert "day 14" not in rule["effect"] and "14日目" not in rule["effect"]


# --- D3 Yahoo!フリマ proceeds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sold", "expected"),
    [
        ("2026-09-30T10:00", "2027-02-28T10:00:00+09:00"),  # 5 months, clamped
        ("2027-09-30T23:59", "2028-02-29T23:59:00+09:00"),  # leap year
        ("2026-12-31T00:00", "2027-05-31T00:00:00+09:00"),
    ],
)
def test_d3_yahoo_flea_proceeds_five_months(ok, run, sold, expected):
    with freeze_time(LATER):
        t = sold_paid(ok, "yahoo-flea", sold, sold)
        assert due(run, t, "proceeds") == expected


# --- D4 the buyer's inspect counts from arrival ------------------------------------------


def bought(ok, platform: str, *extra: str) -> str:
    args = ["--platform", platform, "--title", "t", "--price", "1", "--at", "2026-12-01T10:00"]
    return ok("add", "bought", *args, "--unpaid", *extra)  # paid 5 minutes later


def test_d4_rakuma_inspect_after_arrival_not_before(ok, run):
    with freeze_time("2026-12-05T20:00:00+09:00"):
        t = bought(ok, "rakuma")
        ok("add", "paid", t, "--at", "2026-12-01T10:05")
        ok("add", "shipped", t, "--at", "2026-12-02T18:00")
        assert "inspect" not in dl(run, t)  # nothing arrived, no auto-complete known
        ok("add", "received", t, "--at", "2026-12-05T19:00")
        inspect = dl(run, t)["inspect"]
        assert inspect["due"] == "2026-12-07T19:00:00+09:00" and inspect["status"] == "open"
        rows = run("upcoming", "--as-of", "2026-12-05T20:00", "--json").json()
        assert (t, "inspect") in [(r["trade"], r["kind"]) for r in rows]


@pytest.mark.parametrize(
    ("platform", "received", "expected"),
    [
        # Mercari: auto-complete 12-11 13:00 (shipped 12-02 18:00).
        ("mercari", "2026-12-05T19:00", "2026-12-07T19:00:00+09:00"),
        ("mercari", "2026-12-09T13:00", "2026-12-11T13:00:00+09:00"),  # exactly the cap
        ("mercari", "2026-12-10T08:00", "2026-12-11T13:00:00+09:00"),  # capped
        # ヤフオク: auto-complete 14 days after payment (12-15 10:05).
        ("yahoo-auction", "2026-12-14T09:00", "2026-12-15T10:05:00+09:00"),
        # Yahoo!フリマ: 14 days after payment, to the minute (12-15 10:05; third edition).
        ("yahoo-flea", "2026-12-05T19:00", "2026-12-07T19:00:00+09:00"),
        ("yahoo-flea", "2026-12-14T08:00", "2026-12-15T10:05:00+09:00"),
    ],
)
def test_d4_inspect_two_days_after_arrival_capped_at_auto_complete(
    ok, run, platform, received, expected
):
    with freeze_time(LATER):
        t = bought(ok, platform)
        ok("add", "paid", t, "--at", "2026-12-01T10:05")
        ok("add", "shipped", t, "--at", "2026-12-02T18:00")
        ok("add", "received", t, "--at", received)
        assert due(run, t, "inspect") == expected


def test_d4_before_arrival_the_auto_complete_time_is_the_inspect_deadline(ok, run):
    with freeze_time("2026-12-03T09:00:00+09:00"):
        t = bought(ok, "mercari")
        ok("add", "paid", t, "--at", "2026-12-01T10:05")
        ok("add", "shipped", t, "--at", "2026-12-02T18:00")
        assert due(run, t, "inspect") == "2026-12-11T13:00:00+09:00"


# --- D5 Mercari message window 7 days -----------------------------------------------------


def test_d5_mercari_message_window_seven_days(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "mercari", "2026-12-31T23:59", "2027-01-01T00:01", "--ship-days", "2-3")
        ok("add", "shipped", t, "--at", "2027-01-04T00:00")
        ok("add", "completed", t, "--at", "2027-01-13T13:05")
        assert due(run, t, "message_window") == "2027-01-20T13:05:00+09:00"


# --- D7 a return after the receipt rating -------------------------------------------------


def _shipped(ok, platform: str) -> str:
    t = sold_paid(ok, platform, "2026-12-01T10:00", "2026-12-01T10:05")
    ok("add", "shipped", t, "--at", "2026-12-02T18:00")
    return t


@pytest.mark.parametrize("platform", ["rakuma", "mercari", "yahoo-auction", "yahoo-flea"])
def test_d7_return_after_receipt_rating_is_accepted_with_a_warning(ok, run, platform):
    with freeze_time("2026-12-05T12:00:00+09:00"):
        t = _shipped(ok, platform)
        before = run("add", "return", t, "--note", "届いた品に傷", "--at", "2026-12-03T10:00")
        assert before.code == 0 and before.err == ""
        ok("add", "received", t, "--at", "2026-12-04T20:00")
        after = run("add", "return", t, "--note", "やはり返品", "--at", "2026-12-04T21:00")
        assert after.code == 0
        assert "no longer mediates" in after.err and after.err.count("\n") == 1
        as_json = run("add", "return", t, "--note", "again", "--json")
        assert as_json.code == 0
        data = as_json.json()
        assert [w["code"] for w in data["warnings"]] == ["return_after_rating"]
        assert "no longer mediates" in data["warnings"][0]["message"]


def test_d7_no_warning_on_the_buyer_side_or_in_ordinary_steps(ok, run):
    with freeze_time("2026-12-05T12:00:00+09:00"):
        t = bought(ok, "rakuma")
        ok("add", "paid", t, "--at", "2026-12-01T10:05")
        ok("add", "shipped", t, "--at", "2026-12-02T18:00")
        ok("add", "received", t, "--at", "2026-12-04T20:00")
        result = run("add", "return", t, "--note", "汚れ", "--json")
        assert result.code == 0 and result.err == "" and result.json()["warnings"] == []


# --- D8 Mercari has no purchase requests ---------------------------------------------------


def test_d8_mercari_request_required_is_bad_input(run, journal_env):
    with freeze_time(LATER):
        result = run(
            "add", "listed", "--platform", "mercari", "--title", "x", "--price", "1",
            "--request-required",
        )  # fmt: skip
        assert result.code == 2
        assert "no purchase requests" in result.err and result.err.count("\n") == 1
        assert not journal_env.exists() or run("list", "--all", "--json").json() == []


def test_d8_request_on_a_mercari_trade_is_refused(ok, run):
    with freeze_time(LATER):
        t = listed(ok, "mercari", "2029-12-30T10:00")
        result = run("add", "request", t, "--buyer", "b")
        assert result.code == 1 and "no purchase requests" in result.err


@pytest.mark.parametrize(("platform", "required"), [("mercari", False), ("rakuma", True)])
def test_d8_bundle_is_request_required_only_where_requests_exist(ok, run, platform, required):
    with freeze_time(LATER):
        a = listed(ok, platform, "2029-12-30T10:00")
        b = listed(ok, platform, "2029-12-30T10:00")
        s = ok("add", "bundle", a, b, "--price", "1500", "--buyer", "はな")
        assert run("show", s, "--json").json()["request_required"] is required


def test_d8_demo_plays_the_bundle_story_on_rakuma(run, journal_env):
    with freeze_time(LATER):
        result = run("demo")
        assert result.code == 0
        line = next(x for x in result.out.splitlines() if "様専用" in x)
        assert "rakuma" in line


# --- D10 old versions consistent with their sources ----------------------------------------


def _completed(ok, platform: str, completed: str) -> str:
    t = sold_paid(ok, platform, "2000-01-03T12:00", "2000-01-03T12:30")
    ok("add", "shipped", t, "--at", "2000-01-04T12:30")
    ok("add", "completed", t, "--at", completed)
    return t


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        ("2020-05-01T10:00", "2022-07-27T00:00:00+09:00"),
        ("2021-07-26T23:59", "2022-07-27T00:00:00+09:00"),
        ("2021-07-27T00:00", "2022-01-23T00:00:00+09:00"),  # 180 days from 2021-07-27
    ],
)
def test_d10_rakuma_proceeds_before_2021_07_27_expired_on_2022_07_27(ok, run, completed, expected):
    with freeze_time(LATER):
        assert due(run, _completed(ok, "rakuma", completed), "proceeds") == expected


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        ("2018-09-26T12:00", "2018-12-25T12:00:00+09:00"),  # 90 days through 2018-09-26
        ("2018-09-26T23:59", "2018-12-25T23:59:00+09:00"),
        ("2018-09-27T00:00", "2019-03-26T00:00:00+09:00"),  # 180 days from 2018-09-27
    ],
)
def test_d10_mercari_180_days_from_2018_09_27(ok, run, completed, expected):
    with freeze_time(LATER):
        assert due(run, _completed(ok, "mercari", completed), "proceeds") == expected


# --- D11 sources, confidence, the identity-check setting -----------------------------------

_URL = re.compile(r"https://[^\s;]+[^\s;.,)]")


def _cited(source: str, confidence: str) -> bool:
    """Third edition: page URLs (a site root is not a page), or `assumed` with a reason."""
    if confidence == "assumed":
        return bool(source) and "\n" not in source and "https://" not in source
    return all(_URL.fullmatch(part) and _is_page(part) for part in source.split("; "))


def _is_page(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return bool(parts.netloc) and bool(parts.path.strip("/") or parts.query)


def test_d11_every_rule_in_every_pack_has_a_full_url_or_named_local_source():
    book = load_rulebook()
    for name in PACK_NAMES:
        for kind, versions in book.packs[name].rules.items():
            for rule in versions:
                assert _cited(rule.source, rule.confidence), (name, kind, rule.source)
                single = rule.source.count("https://") == 1
                if single:  # one URL cannot be more than a single source
                    assert rule.confidence in ("single-source", "official"), (name, kind)
                if not rule.source.startswith("https://"):
                    assert rule.confidence == "assumed", (name, kind)


def test_d11_journal_rules_prints_every_rule_with_its_source(ok, run):
    text = run("rules").out
    data = run("rules", "--json").json()
    for pack in data:
        for rule in pack["rules"]:
            assert _cited(rule["source"], rule["confidence"])
            assert rule["source"] in text


def test_d11_identity_verified_sellers_have_no_mercari_proceeds_deadline(
    ok, run, journal_env, tmp_path
):
    with freeze_time(LATER):
        t = _completed(ok, "mercari", "2029-12-01T10:00")
        assert due(run, t, "proceeds") == "2030-05-30T10:00:00+09:00"
        (tmp_path / "config.toml").write_text("[mercari]\nidentity_verified = true\n")
        ok("rebuild")
        assert "proceeds" not in dl(run, t)
        r = _completed(ok, "rakuma", "2029-12-01T10:00")
        assert "proceeds" in dl(run, r)  # other platforms unaffected
        rules = run("rules", "mercari", "--json").json()[0]["rules"]
        assert all(not r["enabled"] for r in rules if r["kind"] == "proceeds")
        assert "proceeds" in run("rules", "mercari").out and "(off)" in run("rules").out


def test_d11_identity_verified_must_be_true_or_false(run, tmp_path):
    (tmp_path / "config.toml").write_text('[mercari]\nidentity_verified = "yes"\n')
    result = run("rules")
    assert result.code == 2 and "identity_verified" in result.err


# --- D12 Mercari auto-complete unchanged (official 9 days 13:00), with a note ---------------


def test_d12_mercari_auto_complete_stays_official_with_a_note(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "mercari", "2027-01-09T10:00", "2027-01-09T10:05")
        ok("add", "shipped", t, "--at", "2027-01-10T20:00")
        assert due(run, t, "auto_complete") == "2027-01-19T13:00:00+09:00"
    rules = run("rules", "mercari", "--json").json()[0]["rules"]
    rule = next(r for r in rules if r["kind"] == "auto_complete")
    assert "メルカリ便" in rule["note"] and rule["confidence"] == "official"


# --- D13 bought --ship-days; done by the app; a timed-out request ----------------------------


@pytest.mark.parametrize(
    ("platform", "ship_days", "expected"),
    [
        ("mercari", "4-7", "2026-12-12T10:05:00+09:00"),
        ("rakuma", "2-3", "2026-12-08T10:05:00+09:00"),
        ("yahoo-flea", "1-2", "2026-12-07T10:05:00+09:00"),
        ("yahoo-auction", "4-7", "2026-12-12T10:05:00+09:00"),
    ],
)
def test_d13_bought_with_ship_days(ok, run, platform, ship_days, expected):
    with freeze_time(LATER):
        args = ["--platform", platform, "--title", "t", "--price", "1"]
        t = ok("add", "bought", *args, "--ship-days", ship_days, "--at", "2026-12-05T09:00",
               "--unpaid")  # fmt: skip
        assert run("show", t, "--json").json()["ship_days"] == ship_days
        ok("add", "paid", t, "--at", "2026-12-05T10:05")
        assert due(run, t, "ship") == expected


def test_d13_auto_complete_done_by_the_app_not_missed(ok, run):
    with freeze_time("2027-01-13T12:59:00+09:00"):
        t = sold_paid(ok, "mercari", "2026-12-31T23:59", "2027-01-01T00:01", "--ship-days", "2-3")
        ok("add", "shipped", t, "--at", "2027-01-04T00:00")
        assert dl(run, t)["auto_complete"]["status"] == "open"
    with freeze_time("2027-01-13T13:00:00+09:00"):
        assert dl(run, t)["auto_complete"]["status"] == "done_by_app"
    with freeze_time("2027-01-14T09:00:00+09:00"):
        ok("add", "completed", t, "--at", "2027-01-13T13:05")
        assert dl(run, t)["auto_complete"]["status"] == "done_by_app"
        assert "done_by_app" in run("show", t).out
        # A deadline the seller must meet still reads `missed`.
        u = sold_paid(ok, "mercari", "2027-01-10T10:00", "2027-01-10T10:05")
        ok("add", "shipped", u, "--at", "2027-01-13T10:06")
        assert dl(run, u)["ship"]["status"] == "missed"


def test_d13_rated_before_auto_complete_is_met(ok, run):
    with freeze_time(LATER):
        t = sold_paid(ok, "mercari", "2027-01-01T10:00", "2027-01-01T10:05")
        ok("add", "shipped", t, "--at", "2027-01-02T00:00")
        ok("add", "received", t, "--at", "2027-01-11T13:00")
        assert dl(run, t)["auto_complete"]["status"] == "met"


def test_d13_a_timed_out_rakuma_request_keeps_the_listing(ok, run):
    with freeze_time("2026-12-03T09:00:00+09:00"):
        t = listed(ok, "rakuma", "2026-11-29T10:00", "--request-required")
        ok("add", "request", t, "--buyer", "さくら", "--at", "2026-11-30T23:10")
        assert due(run, t, "respond_request") == "2026-12-02T08:30:00+09:00"
        out = run("add", "request-expired", t, "--at", "2026-12-02T08:30", "--json")
        assert out.code == 0 and out.json()["state"] == "listed"
        shown = run("show", t, "--json").json()
        assert shown["buyer"] is None and shown["state"] == "listed"
        ok("add", "request", t, "--buyer", "ゆき")  # a new request can come in
        assert due(run, t, "respond_request") == "2026-12-05T08:30:00+09:00"
        assert run("add", "request-expired", listed(ok, "rakuma", "-1h")).code == 1


# --- `journal rules` display ------------------------------------------------------------------


def test_rules_in_force_since_only_when_known_and_singular_day(run):
    text = run("rules", "rakuma").out
    assert "2000-01-01" not in text
    assert "in force since 2021-07-27" in text
    assert "1 day later" in text and "1 days" not in text
    assert "in force since 2018-09-27" in run("rules", "mercari").out


# --- the second edition of the rules, encoded: the packs agree -----------------------------

SECOND_EDITION = [
    # (platform, kind, field checks on the latest version)
    ("yahoo-auction", "remove_winner", {"days": 14, "counted_from": ("purchase",)}),
    ("yahoo-auction", "payment_number", {"days": 3, "counted_from": ("payment_number",)}),
    ("yahoo-auction", "ship", {"ship_days": True, "counted_from": ("payment",)}),
    ("yahoo-flea", "ship", {"ship_days": True, "counted_from": ("payment",)}),
    ("yahoo-auction", "buyer_may_cancel", {"days": 7, "at": "00:00"}),
    ("yahoo-flea", "buyer_may_cancel", {"days": 7, "at": "00:00"}),
    ("yahoo-flea", "proceeds", {"months": 5, "confidence": "single-source"}),
    ("custom", "inspect", {"counted_from": ("arrival",), "before": "auto_complete"}),
    ("mercari", "message_window", {"days": 7}),
    ("mercari", "auto_complete", {"days": 9, "at": "13:00", "confidence": "official"}),
]


@pytest.mark.parametrize(("platform", "kind", "expected"), SECOND_EDITION)
def test_second_edition_table_agrees_with_the_packs(platform, kind, expected):
    rule = load_rulebook().packs[platform].rules[kind][-1]
    for field, value in expected.items():
        actual = getattr(rule, field)
        if field == "at":
            actual = actual.strftime("%H:%M")
        assert actual == value, (platform, kind, field)


def test_second_edition_dated_versions_agree_with_the_packs():
    book = load_rulebook()
    mercari = [
        (r.effective_from.isoformat(), r.days) for r in book.packs["mercari"].rules["proceeds"]
    ]
    assert mercari == [("2000-01-01", 365), ("2017-12-04", 90), ("2018-09-27", 180)]
    rakuma = book.packs["rakuma"].rules["proceeds"]
    assert rakuma[0].on_date.isoformat() == "2022-07-27" and rakuma[1].days == 180
    from journal.text.rule_text import info_of  # the facts' words are in the catalogs

    facts = [info_of("rakuma", n, i, "en") for n, i in enumerate(book.packs["rakuma"].info, 1)]
    assert "purchase" in next(i["text"] for i in facts if i["topic"] == "fee")
    assert "mercari" not in [p for p in PACK_NAMES if "respond_request" in book.packs[p].rules]
