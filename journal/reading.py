"""Reads the web app asks of a journal in bulk, beside the door's own (`Journal`), as
`safekeeping.py` holds its use cases: given a `Journal`, one read transaction each."""

from collections.abc import Sequence
from typing import Any

from journal.core.trade import Trade, fold
from journal.storage import queries


def folded(journal, ids: Sequence[str]) -> dict[str, Trade]:
    """The trades of `ids` as their logs stand, folded in one read (今日 asks for the steps
    each may take next: one transaction, not two per trade as `Journal.trade` takes)."""
    with journal.store.read() as conn:
        found = (fold(events) for events in queries.streams(conn, list(ids)))
        return {t.id: t for t in found if t is not None}


def items(journal) -> list[dict[str, Any]]:
    """`journal items` (and the web app's 品物): each item with its listings (state, and
    whether to delist)."""
    from journal.core.items import item_rows

    journal.catch_up()
    with journal.store.read() as conn:
        pairs = queries.items(conn)
        return item_rows(pairs, {t: fold(journal.store.stream(conn, t)) for _, t in pairs})
