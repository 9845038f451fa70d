"""Journals for the tests: in memory (the fast middle layer) and on each real engine.

`memory_journal` is the door (`Journal`) over `journal.storage.engines.memory.MemoryStore`:
the same SQL and projections as a journal file, without the file, so a test of a decision
(the door, the planner's inputs, the reminder records) runs in milliseconds. Tests of files,
processes and engines keep using real files and servers.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from journal.service import Journal
from journal.storage.engines.memory import MemoryStore


def memory_journal(book: Any = None, money: Any = None) -> Journal:
    """A new, empty journal in memory (the built-in rule packs unless `book` is given)."""
    return Journal(MemoryStore(), book, money=money)


@contextmanager
def in_memory(book: Any = None, money: Any = None) -> Iterator[Journal]:
    """`memory_journal`, closed (its memory freed) when the block ends."""
    journal = memory_journal(book, money)
    try:
        yield journal
    finally:
        journal.close()


def listed(journal: Journal, at: datetime, platform: str = "mercari", **fields: Any) -> str:
    """A new listing (a title and a price unless given); its trade id."""
    payload = {"platform": platform, "title": "ニット", "price": 2500, **fields}
    return journal.record("listed", None, at, payload, now=at).events[0].stream


def sold(journal: Journal, at: datetime, platform: str = "mercari", **fields: Any) -> str:
    """A listing sold to a buyer at `at` (its deadlines start); its trade id."""
    trade = listed(journal, at, platform)
    journal.record("sold", trade, at, {"buyer": "buyer", **fields}, now=at)
    return trade


def approved(journal: Journal, at: datetime, platform: str = "rakuma") -> str:
    """A listing that needs a request, requested and approved at `at` (payment now due,
    on Rakuma 翌々日 23:59 JST); its trade id."""
    trade = listed(journal, at, platform, title="ボトムス", price=3000, request_required=True)
    journal.record("request", trade, at, {"buyer": "さくら"}, now=at)
    journal.record("approved", trade, at, {}, now=at)
    return trade


def held(journal: Journal, at: datetime, until: datetime, platform: str = "mercari") -> str:
    """A listing held for a buyer from `at` until `until`; its trade id."""
    trade = listed(journal, at, platform, price=2000)
    journal.record("hold", trade, at, {"buyer": "はな", "until": until}, now=at)
    return trade
