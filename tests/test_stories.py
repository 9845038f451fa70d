"""The sellers' and buyers' stories (a sale, a request, holds, bundles, defects, a purchase),
driven through the `journal` command under a frozen clock.

Times are given in Japan time (the platforms' clock); the display zone is Asia/Tokyo, so
JSON timestamps read back in +09:00.
"""

import pytest
from freezegun import freeze_time

ALL = ["rakuma", "mercari", "yahoo-auction", "yahoo-flea"]
NOW = "2026-11-20T12:00:00+09:00"


def deadlines(show: dict) -> dict[str, dict]:
    return {d["kind"]: d for d in show["deadlines"]}


def test_story_1_inspection_failure_cancelled_politely(ok, run):
    with freeze_time("2026-11-20T12:00:00+09:00"):
        t = ok(
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "ボトムス 2点セット",
            "--price",
            "3000",
            "--request-required",
            "--ship-days",
            "1-2",
            "--at",
            "2026-11-19T20:00",
        )
        assert t == "T1"
        ok("add", "request", t, "--buyer", "さくら", "--at", "2026-11-20T09:10")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "requested"
        assert deadlines(shown)["respond_request"]["due"] == "2026-11-22T08:30:00+09:00"
        assert deadlines(shown)["respond_request"]["status"] == "open"
        ok("add", "defect", t, "--note", "片方に穴", "--at", "2026-11-20T10:00")
        ok("add", "approved", t, "--at", "2026-11-20T10:05")
        ok(
            "add",
            "message",
            t,
            "--note",
            "お詫び。1点のみ半額でいかが? まだ支払わないでください",
            "--at",
            "2026-11-20T10:06",
        )
        ok(
            "add",
            "price",
            t,
            "--price",
            "1500",
            "--title",
            "ボトムス 1点",
            "--at",
            "2026-11-20T11:00",
        )
        shown = run("show", t, "--json").json()
        assert shown["state"] == "awaiting_payment"
        assert (shown["price"], shown["title"]) == (1500, "ボトムス 1点")
        # The auto-cancel time the seller is counting on:
        payment = deadlines(shown)["payment"]
        assert payment["due"] == "2026-11-22T23:59:00+09:00"
        assert payment["status"] == "open"
        assert "auto-cancel" in payment["effect"]
        assert deadlines(shown)["respond_request"]["status"] == "met"
        ok("add", "defect", t, "--note", "ほつれ", "--at", "2026-11-20T11:30")
        ok("add", "cancelled", t, "--reason", "検品で不備が複数", "--at", "2026-11-20T11:45")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "cancelled"
        assert "payment" not in deadlines(shown)
        types = [e["type"] for e in shown["events"]]
        assert types == [
            "listed",
            "request",
            "defect",
            "approved",
            "message",
            "price",
            "defect",
            "cancelled",
        ]
        assert shown["events"][-1]["reason"] == "検品で不備が複数"
        assert run("list", "--json").json() == []


@pytest.mark.parametrize("platform", ALL)
def test_story_2_bundle(ok, run, platform):
    with freeze_time(NOW):
        a = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "A",
            "--price",
            "1800",
            "--at",
            "-2d",
        )
        b = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "B",
            "--price",
            "1600",
            "--at",
            "-2d",
        )
        other = ok(
            "add", "listed", "--platform", platform, "--title", "C", "--price", "900", "--at", "-2d"
        )
        out = run(
            "add",
            "bundle",
            a,
            b,
            "--price",
            "3000",
            "--buyer",
            "はな",
            "--until",
            "2026-11-23",
            "--json",
        )
        assert out.code == 0
        s = out.json()["id"]
        assert s == "T4"
        bundle = run("show", s, "--json").json()
        assert bundle["state"] == "listed" and bundle["platform"] == platform
        assert bundle["price"] == 3000 and bundle["kind"] == "dedicated"
        # Mercari has no purchase requests: its set listing cannot be request-required.
        assert bundle["request_required"] is (platform != "mercari")
        assert bundle["bundled_from"] == [a, b]
        assert "はな様専用" in bundle["title"]
        assert deadlines(bundle)["dedicated_expiry"]["due"] == "2026-11-23T23:59:00+09:00"
        for original in (a, b):
            shown = run("show", original, "--json").json()
            assert shown["state"] == "bundled" and shown["bundled_into"] == s
        assert [r["id"] for r in run("list", "--json").json()] == [other, s]
        if platform == "mercari":  # anyone could buy it; here the buyer does
            assert run("add", "request", s, "--buyer", "はな").code == 1
            ok("add", "sold", s, "--buyer", "はな")
        else:  # nobody else may buy it; when the buyer does, the wait is over
            assert run("add", "sold", s, "--buyer", "someone").code == 1
            ok("add", "request", s, "--buyer", "はな")
        assert deadlines(run("show", s, "--json").json())["dedicated_expiry"]["status"] == "met"


def test_bundle_waits_three_days_by_default_and_refuses_mixed_platforms(ok, run):
    with freeze_time(NOW):
        a = ok("add", "listed", "--platform", "rakuma", "--title", "A", "--price", "100")
        b = ok("add", "listed", "--platform", "rakuma", "--title", "B", "--price", "100")
        c = ok("add", "listed", "--platform", "mercari", "--title", "C", "--price", "100")
        assert run("add", "bundle", a, c, "--price", "150", "--buyer", "x").code == 1
        assert run("add", "bundle", a, "--price", "150", "--buyer", "x").code == 2
        s = ok("add", "bundle", a, b, "--price", "150", "--buyer", "x", "--id", "SET1")
        assert s == "SET1"
        due = deadlines(run("show", s, "--json").json())["dedicated_expiry"]["due"]
        assert due == "2026-11-23T12:00:00+09:00"
        assert (
            run("add", "bundle", a, b, "--price", "150", "--buyer", "x").code == 1
        )  # already bundled


@pytest.mark.parametrize("platform", ALL)
def test_story_3_confirmation_listing(ok, run, platform):
    with freeze_time(NOW):
        t = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "さくら様確認用",
            "--price",
            "9999999",
            *([] if platform == "mercari" else ["--request-required"]),
            "--kind",
            "confirmation",
            "--at",
            "2026-11-20T09:15",
        )
        cleanup = deadlines(run("show", t, "--json").json())["confirmation_cleanup"]
        assert cleanup["due"] == "2026-11-23T09:15:00+09:00" and cleanup["status"] == "open"
        upcoming = run("upcoming", "--json").json()
        assert [(u["trade"], u["kind"]) for u in upcoming] == [(t, "confirmation_cleanup")]
        ok("add", "delisted", t)
        shown = run("show", t, "--json").json()
        assert shown["state"] == "delisted"
        assert deadlines(shown)["confirmation_cleanup"]["status"] == "met"
        assert run("upcoming", "--json").json() == []


@pytest.mark.parametrize("platform", ALL)
def test_story_4_hold(ok, run, platform):
    with freeze_time("2026-11-10T12:00:00+09:00"):
        t = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "ワンピース",
            "--price",
            "2400",
            "--at",
            "-1d",
        )
        ok("add", "hold", t, "--buyer", "ゆき", "--until", "2026-11-15")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "listed"
        assert shown["hold"]["buyer"] == "ゆき" and shown["hold"]["active"] is True
        assert deadlines(shown)["hold_expiry"]["due"] == "2026-11-15T23:59:00+09:00"
        upcoming = run("upcoming", "--within", "7d", "--json").json()
        assert upcoming == [
            {
                "trade": t,
                "kind": "hold_expiry",
                "due": "2026-11-15T23:59:00+09:00",
                "effect": deadlines(shown)["hold_expiry"]["effect"],
                "overdue": False,
            }
        ]
        assert run("upcoming", "--within", "3d", "--json").json() == []
    with freeze_time("2026-11-15T20:00:00+09:00"):
        ok("add", "hold-ended", t)
        shown = run("show", t, "--json").json()
        assert deadlines(shown)["hold_expiry"]["status"] == "met"
        assert run("add", "hold-ended", t).code == 1  # no hold left to end


def test_hold_is_refused_once_sold_and_ends_when_the_holder_buys(ok, run):
    with freeze_time(NOW):
        t = ok(
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "x",
            "--price",
            "500",
            "--at",
            "-1d",
        )
        ok("add", "hold", t, "--buyer", "ゆき", "--until", "+3d", "--at", "-1h")
        ok("add", "sold", t, "--buyer", "ゆき")
        assert deadlines(run("show", t, "--json").json())["hold_expiry"]["status"] == "met"
        assert run("add", "hold", t, "--buyer", "z", "--until", "+2d").code == 1
        assert run("add", "hold", t, "--buyer", "z", "--until", "-2d").code == 1


@pytest.mark.parametrize("platform", ALL)
def test_story_5_declining_a_discount(ok, run, platform):
    with freeze_time(NOW):
        t = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "スニーカー",
            "--price",
            "5000",
            "--at",
            "-1d",
        )
        assert run("add", "offer-declined", t).code == 1  # nothing to answer yet
        ok("add", "offer", t, "--buyer", "けん", "--price", "3500", "--at", "-2h")
        assert run("show", t, "--json").json()["offer"]["price"] == 3500
        ok("add", "offer-declined", t, "--at", "-1h")
        shown = run("show", t, "--json").json()
        assert shown["offer"] is None and shown["price"] == 5000
        ok("add", "offer", t, "--buyer", "けん", "--price", "4500")
        ok("add", "offer-accepted", t)
        assert run("show", t, "--json").json()["price"] == 4500
        types = [e["type"] for e in run("log", t, "--json").json()]
        assert types == ["listed", "offer", "offer-declined", "offer", "offer-accepted"]


@pytest.mark.parametrize(
    ("platform", "window_end", "completes_by_rating"),
    [
        ("rakuma", "2026-11-27T18:00:00+09:00", True),
        ("mercari", "2026-11-27T18:00:00+09:00", True),  # 7 days (second edition)
    ],
)
def test_story_6_after_completion_seller(ok, run, platform, window_end, completes_by_rating):
    with freeze_time("2026-11-20T19:00:00+09:00"):
        t = ok(
            "add",
            "listed",
            "--platform",
            platform,
            "--title",
            "トート",
            "--price",
            "2000",
            "--at",
            "2026-11-10T10:00",
        )
        ok("add", "sold", t, "--buyer", "みお", "--at", "2026-11-12T10:00")
        ok("add", "paid", t, "--at", "2026-11-12T10:01")
        ok("add", "shipped", t, "--at", "2026-11-13T09:00")
        ok("add", "received", t, "--at", "2026-11-19T09:00")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "received"
        assert deadlines(shown)["rate"]["due"] == "2026-11-20T09:00:00+09:00"
        out = run("add", "rated", t, "--at", "2026-11-20T18:00")
        assert out.code == 0
        assert "address" in out.out and "hidden" in out.out  # personal info warning
        shown = run("show", t, "--json").json()
        assert shown["state"] == "completed"
        window = deadlines(shown)["message_window"]
        assert window["due"] == window_end and window["status"] == "open"
        assert deadlines(shown)["rate"]["status"] == "missed"  # rated 9 h after the reminder time
        # Completed trades stay listed while their message window is open.
        assert [r["id"] for r in run("list", "--json").json()] == [t]
        ok("add", "message", t, "--note", "住所の確認")
        assert run("add", "return", t, "--note", "too late").code == 1
        assert run("add", "shipped", t).code == 1
    with freeze_time("2026-12-31T00:00:00+09:00"):
        assert run("list", "--json").json() == []
        assert [r["id"] for r in run("list", "--all", "--json").json()] == [t]


@pytest.mark.parametrize(
    ("platform", "inspect_by"),
    [
        # Second edition: 2 days after arrival (received 11-22 08:00), before any auto-complete.
        ("mercari", "2026-11-24T08:00:00+09:00"),
        ("rakuma", "2026-11-24T08:00:00+09:00"),
        ("yahoo-flea", "2026-11-24T08:00:00+09:00"),
        ("yahoo-auction", "2026-11-24T08:00:00+09:00"),
    ],
)
def test_story_6_buyer_side_inspect_before_rating(ok, run, platform, inspect_by):
    with freeze_time("2026-11-22T09:00:00+09:00"):
        t = ok(
            "add",
            "bought",
            "--platform",
            platform,
            "--title",
            "カーディガン",
            "--price",
            "1200",
            "--at",
            "2026-11-20T10:00",
            "--unpaid",
        )
        assert run("show", t, "--json").json()["role"] == "buyer"
        assert run("add", "shipped", t).code == 1  # not paid yet
        ok("add", "paid", t, "--at", "2026-11-20T10:05")
        ok("add", "shipped", t, "--at", "2026-11-21T18:00")
        ok("add", "received", t, "--at", "2026-11-22T08:00")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "received"
        assert deadlines(shown)["inspect"]["due"] == inspect_by
        ok("add", "return", t, "--note", "汚れあり、返品希望")
        ok("add", "rated", t)
        shown = run("show", t, "--json").json()
        assert shown["state"] == "completed"
        assert deadlines(shown)["inspect"]["status"] == "met"
        assert run("add", "return", t, "--note", "again").code == 1
        assert run("add", "hold", t, "--buyer", "x", "--until", "+1d").code == 1


def test_story_buyer_side_steps_that_only_sellers_take_are_refused(ok, run):
    with freeze_time(NOW):
        t = ok("add", "bought", "--platform", "mercari", "--title", "x", "--price", "100")
        for args in (
            ["approved", t],
            ["sold", t, "--buyer", "b"],
            ["delisted", t],
            ["offer", t, "--buyer", "b", "--price", "50"],
        ):
            result = run("add", *args)
            assert result.code == 1, args
            assert result.err.count("\n") == 1
