"""The reads of `journal search` and `journal history`: a range of the trades read model by
the trade's date (index `trades_traded_at`) and price, a range of the log by event time
(index `events_time`), and the corrections (`voided` events) of a period."""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterator
from datetime import datetime

from journal.core.events import VOID_TYPE, Event
from journal.core.records import Criteria
from journal.storage.engines import Connection
from journal.storage.personal import reveal
from journal.storage.store import EVENT_COLUMNS, fmt_time, parse_time, row_to_event

_FIELDS = ("id", "platform", "role", "title", "price", "state", "traded_at", "party")


class Found(namedtuple("Found", _FIELDS)):
    """A trade as `search` lists it. (A named tuple from `collections`, as `queries.Due`:
    `typing.NamedTuple` would import `typing` into the command.)"""

    __slots__ = ()
    id: str
    platform: str
    role: str
    title: str
    price: int
    state: str
    traded_at: datetime
    party: str | None


def _range(column: str, wanted: Criteria) -> tuple[str, list]:
    where, params = [], []
    if wanted.start is not None:
        where.append(f"{column} >= ?")
        params.append(fmt_time(wanted.start))
    if wanted.end is not None:
        where.append(f"{column} < ?")
        params.append(fmt_time(wanted.end))
    return " AND ".join(where), params


def trades(conn: Connection, wanted: Criteria) -> list[Found]:
    """The trades whose date, price and app match, by date then id (the party is matched
    by the caller: names are compared after folding)."""
    where, params = _range("traded_at", wanted)
    clauses = [where] if where else []
    if wanted.low is not None:
        clauses.append("price >= ?")
        params.append(wanted.low)
    if wanted.high is not None:
        clauses.append("price <= ?")
        params.append(wanted.high)
    if wanted.platform is not None:
        clauses.append("platform = ?")
        params.append(wanted.platform)
    sql = "SELECT id, platform, role, title, price, state, traded_at, party FROM trades"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY traded_at, id"
    return [
        Found(r[0], r[1], r[2], r[3], r[4], r[5], parse_time(r[6]), r[7])
        for r in conn.exec_driver_sql(sql, tuple(params))
    ]


def events(conn: Connection, wanted: Criteria) -> Iterator[tuple[Event, str | None]]:
    """The log's events in the date range (of this app's trades), each with its trade's app."""
    where, params = _range("e.occurred_at", wanted)
    clauses = [where] if where else []
    if wanted.platform is not None:
        clauses.append("t.platform = ?")
        params.append(wanted.platform)
    columns = ", ".join(f"e.{c.strip()}" for c in EVENT_COLUMNS.split(","))
    sql = f"SELECT {columns}, t.platform FROM events e LEFT JOIN trades t ON t.id = e.stream"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    for row in conn.exec_driver_sql(sql + " ORDER BY e.seq", tuple(params)):
        yield reveal(conn, [row_to_event(row[:-1])])[0], row[-1]  # names opened


def voided_among(conn: Connection, streams: list[str]) -> set[int]:
    """The seqs of these trades' events that a later `voided` event cancels."""
    found: set[int] = set()
    for start in range(0, len(streams), 500):  # SQLite caps a statement's parameters
        part = streams[start : start + 500]
        sql = (
            "SELECT json_extract(payload, '$.seq') FROM events WHERE type = ?"
            f" AND stream IN ({','.join('?' * len(part))})"
        )
        found.update(int(r[0]) for r in conn.exec_driver_sql(sql, (VOID_TYPE, *part)))
    return found


def purchases(conn: Connection, wanted: Criteria) -> list[tuple[str, datetime, dict, str]]:
    """The purchases (`bought`) made in the range, with their payloads and trades' states."""
    where, params = _range("e.occurred_at", wanted)
    sql = (
        "SELECT e.stream, e.occurred_at, e.payload, t.state, e.event_id FROM events e"
        " LEFT JOIN trades t ON t.id = e.stream WHERE e.type = 'bought'"
    )
    rows = conn.exec_driver_sql(
        sql + (f" AND {where}" if where else "") + " ORDER BY e.seq", tuple(params)
    )
    found = [(r[0], parse_time(r[1]), json.loads(r[2]), r[3], r[4]) for r in rows]
    # the 相手方 fields are sealed (journal/core/personal.py): opened in place, or forgotten
    reveal(conn, [Event("bought", s, p, at, event_id=i) for s, at, p, _, i in found])
    return [(s, at, p, state) for s, at, p, state, _ in found]


def corrected(conn: Connection, trade: str | None, wanted: Criteria) -> list[str]:
    """The trades with a correction (a `voided` event) made in the range, or this trade."""
    where, params = _range("recorded_at", wanted)
    clauses = ["type = ?", *([where] if where else [])]
    params.insert(0, VOID_TYPE)
    if trade is not None:
        clauses.append("stream = ?")
        params.append(trade)
    sql = "SELECT DISTINCT stream FROM events WHERE " + " AND ".join(clauses)
    return sorted(r[0] for r in conn.exec_driver_sql(sql, tuple(params)))
