"""The double-listing alarm: one item listed on several apps (`listed --item`); when one
listing is taken, every other open one must come down at once."""

import itertools
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from support import Recorder, stores
from support.daemon import daemon_env
from support.stores import in_memory

from journal.core import clock
from scheduler.reminders import Reminders

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T03:00:00+00:00"  # 12:00 in Tokyo
PLATFORMS = ("rakuma", "mercari", "yahoo-auction", "yahoo-flea")


def listed(ok, platform: str, item: str = "knit-01", *extra: str) -> str:
    args = ["--platform", platform, "--title", "ニット", "--price", "2500", "--item", item]
    return ok("add", "listed", *args, *extra)


def delists(run) -> list[tuple[str, bool]]:
    return [
        (u["trade"], u["overdue"])
        for u in run("upcoming", "--json").json()
        if u["kind"] == "delist"
    ]


@pytest.mark.parametrize(("sold_on", "also_on"), list(itertools.permutations(PLATFORMS, 2)))
def test_sold_on_one_app_the_other_listing_must_come_down(run, ok, sold_on, also_on) -> None:
    with freeze_time(NOW):
        first, second = listed(ok, sold_on), listed(ok, also_on)
        ok("add", "sold", first, "--buyer", "けん")
        items = run("upcoming", "--json").json()
        assert (items[0]["trade"], items[0]["kind"], items[0]["overdue"]) == (
            second,
            "delist",
            True,
        )
        shown = run("show", second, "--json").json()
        assert shown["item"] == "knit-01"
        assert [d["kind"] for d in shown["deadlines"] if d["overdue"]] == ["delist"]
        ok("add", "delisted", second)
        assert delists(run) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_cancelling_the_sale_withdraws_the_alarm(run, ok, platform) -> None:
    with freeze_time(NOW):
        first, second = listed(ok, "mercari"), listed(ok, platform)
        out = ok("add", "sold", first, "--buyer", "けん")
        assert f"delist {second} on {platform} now" in out and f"sold on mercari as {first}" in out
        assert delists(run) == [(second, True)]
        ok("add", "cancelled", first, "--reason", "連絡なし")
        assert delists(run) == []
        assert run("show", second, "--json").json()["state"] == "listed"


@pytest.mark.parametrize(
    "take",
    [
        ["hold", "{t}", "--buyer", "ゆき", "--until", "+2d"],
        ["request", "{t}", "--buyer", "さくら"],  # not yet: only the approval takes it
        ["bundle", "{t}", "{o}", "--price", "4000", "--buyer", "はな"],
    ],
)
def test_approval_hold_and_bundle_take_the_item_a_request_does_not(run, ok, take) -> None:
    with freeze_time(NOW):
        first = listed(ok, "rakuma", "knit-01", "--request-required")
        other = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900")
        second = listed(ok, "mercari")
        ok("add", *[a.format(t=first, o=other) for a in take])
        if take[0] == "request":
            assert delists(run) == []
            ok("add", "approved", first)
        assert delists(run) == [(second, True)]


def test_ending_the_hold_and_voiding_the_sale_withdraw_the_alarm(run, ok) -> None:
    with freeze_time(NOW):
        first, second, third = listed(ok, "rakuma"), listed(ok, "mercari"), listed(ok, "yahoo-flea")
        ok("add", "hold", first, "--buyer", "ゆき", "--until", "+2d")
        assert delists(run) == [(second, True), (third, True)]
        ok("add", "hold-ended", first)
        assert delists(run) == []
        ok("add", "sold", second, "--buyer", "けん")
        assert delists(run) == [(first, True), (third, True)]
        sold_seq = [e for e in run("log", second, "--json").json() if e["type"] == "sold"][0]["seq"]
        ok("add", "delisted", third)
        ok("void", str(sold_seq), "--reason", "間違い")
        assert delists(run) == []
        assert run("verify").code == 0 and run("rebuild").code == 0 and delists(run) == []


def test_listing_an_item_already_sold_elsewhere_is_an_alarm_at_once(run, ok) -> None:
    with freeze_time(NOW):
        first = listed(ok, "mercari")
        ok("add", "sold", first, "--buyer", "けん")
        late = listed(ok, "rakuma")
        assert delists(run) == [(late, True)]


def test_items_lists_each_item_with_its_listings(run, ok) -> None:
    with freeze_time(NOW):
        a, b = listed(ok, "mercari"), listed(ok, "rakuma")
        c = listed(ok, "mercari", "hat-2")
        ok("add", "listed", "--platform", "mercari", "--title", "no item", "--price", "500")
        ok("add", "sold", a, "--buyer", "けん")
        data = run("items", "--json").json()
    assert [(i["item"], [(x["id"], x["delist"]) for x in i["listings"]]) for i in data] == [
        ("hat-2", [(c, False)]),
        ("knit-01", [(a, False), (b, True)]),
    ]
    text = run("items").out
    assert "DELIST NOW" in text and "knit-01" in text


def test_a_bad_item_key_is_refused(run) -> None:
    result = run(
        "add", "listed", "--platform", "mercari", "--title", "x", "--price", "1", "--item", ""
    )
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(("sold_on", "also_on"), list(itertools.permutations(PLATFORMS, 2)))
def test_the_daemon_tells_at_once_then_daily_and_urgently(sold_on, also_on):
    """On a journal in memory (the fast middle layer): the door and the reminders only."""
    tokyo = ZoneInfo("Asia/Tokyo")
    at = datetime.fromisoformat(NOW)
    with freeze_time(NOW) as frozen, in_memory() as journal:
        first = stores.listed(journal, at, sold_on, item="knit-01")
        second = stores.listed(journal, at, also_on, item="knit-01")
        journal.record("sold", first, at, {"buyer": "けん"}, now=at)
        reminders = Reminders(journal)
        fake = Recorder()
        reminders.deliver_due(fake, clock.now())
        delist = [n for n in fake.notes if n.kind == "delist"]
        assert [(n.trade, n.urgent) for n in delist] == [(second, True)]
        fake.notes.clear()
        reminders.deliver_due(fake, clock.now())
        assert [n for n in fake.notes if n.kind == "delist"] == []  # told once
        frozen.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=tokyo))
        reminders.deliver_due(fake, clock.now())
        assert [(n.trade, n.kind) for n in fake.notes if n.kind == "delist"] == [(second, "delist")]
        journal.record("delisted", second, clock.now(), {}, now=clock.now())
        fake.notes.clear()
        frozen.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=tokyo))
        reminders.deliver_due(fake, clock.now() + timedelta(seconds=1))
        assert [n for n in fake.notes if n.kind == "delist"] == []


@pytest.mark.slow
def test_a_real_daemon_says_delist(tmp_path) -> None:
    env = daemon_env(tmp_path / "j.sqlite", tmp_path / "none.toml")
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        [
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "ニット",
            "--price",
            "900",
            "--item",
            "k",
        ],
        [
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "ニット",
            "--price",
            "900",
            "--item",
            "k",
        ],
        ["add", "sold", "T1", "--buyer", "けん"],
    ):
        subprocess.run([*base, *args], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [*base, "daemon", "--once", "--notifier", "console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("T2 ニット: delist (sold elsewhere): ") for line in lines), lines
