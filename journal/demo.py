"""`journal demo`: example trades (a politely cancelled sale, a bundle, a confirmation
listing, a hold, a declined discount, messages after completion) played into a throw-away
journal, to show the screens without touching one's own."""

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from journal.service import Journal
from journal.text import screens

if TYPE_CHECKING:
    from journal.app import App

Add = Callable[..., str]  # records one step; returns its trade


def play(journal: Journal, now: datetime) -> None:
    """Record the seed stories, timed so that their deadlines fall in the coming days."""

    def at(hours_ago: float) -> datetime:
        return now - timedelta(hours=hours_ago)

    def add(type_, trade=None, hours_ago=0.0, sources=(), **fields):
        return journal.add(type_, trade, at(hours_ago), fields, sources, now=now)[0].stream

    _cancelled_politely(add)
    _bundle(add, now)
    _confirmation_listing(add)
    _hold(add, now)
    _declined_discount(add)
    _after_completion(add)


def _cancelled_politely(add: Add) -> None:
    """1. Inspection failure, cancelled politely (Rakuma): the auto-cancel time is shown."""
    t1 = add(
        "listed",
        hours_ago=30,
        platform="rakuma",
        title="ボトムス 2点セット",
        price=3000,
        request_required=True,
        ship_days="1-2",
    )
    add("request", t1, 20, buyer="さくら")
    add("defect", t1, 19, note="最終検品で片方に穴")
    add("approved", t1, 18)
    add(
        "message",
        t1,
        18,
        note="お詫び: 1点のみ半額でいかが? まだ支払わないでください",
    )
    add("price", t1, 10, price=1500, title="ボトムス 1点")


def _bundle(add: Add, now: datetime) -> None:
    """2. Bundle (おまとめ), on Rakuma: two listings become one dedicated set listing with purchase
    request required, so nobody else buys it (Mercari has no purchase requests)."""
    a = add("listed", hours_ago=50, platform="rakuma", title="ニット A", price=1800)
    b = add("listed", hours_ago=50, platform="rakuma", title="ニット B", price=1600)
    add("bundle", None, 2, sources=(a, b), price=3000, buyer="はな", until=now + timedelta(days=2))


def _confirmation_listing(add: Add) -> None:
    """3. Confirmation listing (確認用出品), to be deleted."""
    add(
        "listed",
        hours_ago=26,
        platform="rakuma",
        title="さくら様確認用",
        price=9999999,
        request_required=True,
        kind="confirmation",
    )


def _hold(add: Add, now: datetime) -> None:
    """4. Hold (取り置き) until a date."""
    t4 = add("listed", hours_ago=72, platform="yahoo-flea", title="ワンピース", price=2400)
    add("hold", t4, 5, buyer="ゆき", until=now + timedelta(days=4))


def _declined_discount(add: Add) -> None:
    """5. Declining a discount."""
    t5 = add(
        "listed", hours_ago=40, platform="mercari", title="スニーカー", price=5000, ship_days="2-3"
    )
    add("offer", t5, 6, buyer="けん", price=3500)
    add("offer-declined", t5, 5)
    add("sold", t5, 4, buyer="けん")
    add("paid", t5, 3)


def _after_completion(add: Add) -> None:
    """6. After completion (Rakuma): the message window; and a purchase of our own."""
    t6 = add("listed", hours_ago=200, platform="rakuma", title="トートバッグ", price=2000)
    add("sold", t6, 150, buyer="みお")
    add("paid", t6, 149)
    add("shipped", t6, 120)
    add("received", t6, 60)
    add("rated", t6, 50)
    t7 = add(
        "bought", hours_ago=80, platform="mercari", title="カーディガン", price=1200, unpaid=True
    )
    add("paid", t7, 79)
    add("shipped", t7, 40)
    add("received", t7, 2)


def run(app: "App", now: datetime, screen: screens.Screen) -> str:
    """The demo under `app`'s rules and money settings (the user's own)."""
    with tempfile.TemporaryDirectory(prefix="journal-demo-") as folder:
        journal = Journal(Path(folder) / "demo.sqlite", app.book, money=app.money)
        try:
            play(journal, now)
            rows = journal.trades(False, now)
            agenda = journal.upcoming(now, timedelta(days=14))
        finally:
            journal.close()
    return "\n".join(
        [
            screen.say("demo_trades"),
            screens.list_screen(rows, now, screen),
            "",
            screen.say("demo_agenda", days=14),
            screens.upcoming_screen(agenda, now, screen, app.book),
        ]
    )
