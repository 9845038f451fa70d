"""The journal's use cases, composed from the pure core and the SQLite adapter.

This is the library API the command line (and the daemon, and tests) call. It takes
typed values (datetimes, ints) and returns plain data; it never prints.
"""

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from journal import clock, names, projections, validate
from journal.deadlines import Deadline
from journal.decide import Step, decide, decide_void, needs_new_id, streams_of
from journal.errors import BadInput
from journal.events import Event
from journal.rules import RuleBook, rulebook_from_config
from journal.settings import load_config
from journal.store import EVENT_COLUMNS, Store, fmt_time, parse_time, row_to_event
from journal.trade import KINDS, SHIP_DAYS, Trade, fold

_RETRIES = 5


class Journal:
    """One journal file with its rule book."""

    def __init__(
        self, path: Path | str, book: RuleBook | None = None, *, create: bool = True
    ) -> None:
        from journal.engines import open_store

        self.store = open_store(path, create=create)
        self.book = book or rulebook_from_config(load_config())

    @classmethod
    @contextmanager
    def new(cls, path: Path, book: RuleBook | None = None) -> Iterator["Journal"]:
        """A journal that does not exist yet, filled by the block and published at `path`
        only if the block succeeds (see `Store.new`); refused if one appeared meanwhile."""
        journal = cls.__new__(cls)
        journal.book = book or rulebook_from_config(load_config())
        try:
            with Store.new(path) as store:
                journal.store = store
                yield journal
        except FileExistsError:
            raise BadInput("journal_appeared", path=str(path)) from None

    def close(self) -> None:
        self.store.dispose()

    # -- writing ----------------------------------------------------------------------------
    def add(
        self,
        type_: str,
        trade_id: str | None,
        at: datetime,
        fields: dict[str, Any],
        sources: Sequence[str] = (),
        now: datetime | None = None,
    ) -> list[Event]:
        """Record one step. Raises Refused (trade rule) or BadInput; writes nothing then."""
        if trade_id is not None:
            validate.trade_id(trade_id)
        step = Step(
            type=type_,
            trade=trade_id,
            payload=build_payload(type_, fields),
            at=at,
            command_id=uuid.uuid4().hex,
            sources=tuple(validate.trade_id(s) for s in sources),
        )
        return self._write(lambda conn: self._decide(conn, step, now or clock.now()), now)

    def void(self, seq: int, reason: str, now: datetime | None = None) -> Event:
        seq = validate.seq(seq)
        reason = validate.text(reason, "reason")
        moment = now or clock.now()
        cid = uuid.uuid4().hex

        def plan(conn):
            target = self.store.event_at(conn, seq)
            history = self.store.stream(conn, target.stream) if target else []
            return [decide_void(target, seq, history, reason, moment, cid)]

        return self._write(plan, moment)[0]

    def _decide(self, conn, step: Step, now: datetime) -> list[Event]:
        ids = streams_of(step)
        trades: dict[str, Trade | None] = {i: fold(self.store.stream(conn, i)) for i in ids}
        new_id = self._allocate(conn) if needs_new_id(step) else None
        return decide(step, trades, new_id, now)

    def _allocate(self, conn) -> str:
        number = projections.next_trade_number(conn)
        while conn.exec_driver_sql(
            "SELECT 1 FROM events WHERE stream = ? LIMIT 1", (f"T{number}",)
        ).first():
            number += 1
        return f"T{number}"

    def _write(self, plan, now: datetime | None) -> list[Event]:
        for attempt in range(_RETRIES):
            try:
                with self.store.write() as conn:
                    projections.catch_up(conn, self.store, self.book)
                    pending = plan(conn)
                    if pending and self.store.has_event_id(conn, pending[0].event_id):
                        return pending  # a retried command: it is in the log already
                    stored = self.store.append(conn, pending, now or clock.now())
                    projections.refresh(conn, self.store, {e.stream for e in stored}, self.book)
                    return stored
            except IntegrityError:
                if attempt == _RETRIES - 1:
                    raise BadInput("conflict") from None
        raise AssertionError("unreachable")

    def rebuild(self) -> int:
        with self.store.write() as conn:
            return projections.rebuild(conn, self.store, self.book)

    # -- reading ----------------------------------------------------------------------------
    def _fresh(self) -> None:
        """Repair the read models first if they lag the log (crash, or an append-only tool)."""
        with self.store.read() as conn:
            behind = projections.lagging(conn, self.store)
        if behind:
            with self.store.write() as conn:
                projections.catch_up(conn, self.store, self.book)

    def trade(self, trade_id: str) -> tuple[Trade, list[Event], list[Deadline]]:
        self._fresh()
        with self.store.read() as conn:
            events = self.store.stream(conn, trade_id)
            trade = fold(events)
            if trade is None:
                raise BadInput("unknown_trade", trade=trade_id)
            rows = conn.exec_driver_sql(
                "SELECT trade, kind, due, effect, met_at FROM deadlines WHERE trade = ?"
                " ORDER BY due, kind",
                (trade_id,),
            )
            deadlines = [
                Deadline(r[0], r[1], parse_time(r[2]), r[3], parse_time(r[4]) if r[4] else None)
                for r in rows
            ]
        return trade, events, deadlines

    def trades(self, include_all: bool, now: datetime) -> list[dict[str, Any]]:
        """Trades for `list`: unfinished ones, plus completed ones whose messages are open."""
        self._fresh()
        moment = fmt_time(now)
        next_due = (
            "(SELECT kind || '|' || due FROM deadlines d WHERE d.trade = t.id"
            " AND d.met_at IS NULL AND d.due > ? ORDER BY due LIMIT 1)"
        )
        cols = f"t.id, t.platform, t.title, t.state, {next_due}, t.created_seq"
        if include_all:
            sql = f"SELECT {cols} FROM trades t ORDER BY t.created_seq"
            params: tuple = (moment,)
        else:
            sql = (
                f"SELECT {cols} FROM trades t WHERE t.active = 1 UNION"
                f" SELECT {cols} FROM trades t WHERE t.id IN (SELECT trade FROM deadlines"
                " WHERE kind = 'message_window' AND met_at IS NULL AND due > ?)"
                " ORDER BY 6"
            )
            params = (moment, moment, moment)
        with self.store.read() as conn:
            rows = list(conn.exec_driver_sql(sql, params))
        result = []
        for trade_id, platform, title, state, nxt, _ in rows:
            deadline = None
            if nxt:
                kind, due = nxt.split("|", 1)
                deadline = {"kind": kind, "due": parse_time(due)}
            result.append(
                {
                    "id": trade_id,
                    "platform": platform,
                    "title": title,
                    "state": state,
                    "next_deadline": deadline,
                }
            )
        return result

    def upcoming(self, as_of: datetime, within: timedelta | None) -> list[dict[str, Any]]:
        self._fresh()
        until = as_of + within if within is not None else None
        with self.store.read() as conn:
            rows = projections.due_after(conn, as_of, until)
            titles = _titles(conn, {r[0] for r in rows})
        return [
            {"trade": t, "kind": k, "due": due, "effect": effect, "title": titles.get(t, "")}
            for t, k, due, effect in rows
        ]

    def calendar(
        self,
        now: datetime,
        within: timedelta | None = None,
        language: str | None = None,
        alarms: Callable[[str], Iterable[timedelta]] | None = None,
    ) -> str:
        """The iCalendar file of the open and overdue deadlines (and those just met or voided).

        `alarms(kind)` gives the reminder offsets; by default the config's `[reminders]`, as
        the daemon reads them. `language` defaults to the user's.
        """
        from journal import ical
        from journal.settings import language as user_language

        if alarms is None:
            from journal.deadlines import KIND_SPECS
            from scheduler.plan import warnings_from_config

            alarms = warnings_from_config(load_config().reminders, KIND_SPECS).for_kind
        self._fresh()
        entries: list[ical.Entry] = []
        with self.store.read() as conn:
            first = conn.exec_driver_sql("SELECT hash FROM events WHERE seq = 1").scalar()
            for events in _streams(conn, _calendar_trades(conn, now, within)):
                entries.extend(ical.entries_of(events, self.book))
        return ical.calendar_text(
            entries, now, language or user_language(), alarms, ical.journal_id(first), within
        )

    def log(self, trade_id: str | None) -> list[Event]:
        with self.store.read() as conn:
            events = list(self.store.events(conn, trade_id))
        if trade_id is not None and not events:
            raise BadInput("unknown_trade", trade=trade_id)
        return events

    def resolve_id(self, text: str) -> str:
        """The id this journal holds for a trade id as typed: NFKC and any case (`t2`, `ｔ２`
        → `T2`; `mer-1` → `MER-1` when that is the stored one). An id it does not hold comes
        back in canonical form, to be reported unknown or taken by a new trade."""
        typed = names.trade_id(text)
        with self.store.read() as conn:
            exact = "SELECT 1 FROM events WHERE stream = ? LIMIT 1"
            if conn.exec_driver_sql(exact, (typed,)).first():
                return typed
            alike = "SELECT DISTINCT stream FROM events WHERE stream = ? COLLATE NOCASE"
            return names.resolve(text, [r[0] for r in conn.exec_driver_sql(alike, (typed,))])


def _calendar_trades(conn, now: datetime, within: timedelta | None) -> list[str]:
    """Trades that may have a deadline in the calendar: an open one (future, or overdue while
    the trade runs), or an event recorded lately (a deadline it met or removed is shown
    cancelled for a while). The rest cannot, and are not replayed."""
    from journal.ical import CANCELLED_FOR

    sql = (
        "SELECT d.trade FROM deadlines d JOIN trades t ON t.id = d.trade"
        " WHERE d.met_at IS NULL AND (t.active = 1 OR d.due > ?)"
    )
    params: tuple = (fmt_time(now),)
    if within is not None:
        sql += " AND d.due <= ?"
        params += (fmt_time(now + within),)
    sql += (
        " UNION SELECT t.id FROM trades t JOIN events e ON e.seq = t.last_seq"
        " WHERE e.recorded_at > ? ORDER BY 1"
    )
    params += (fmt_time(now - CANCELLED_FOR),)
    return [r[0] for r in conn.exec_driver_sql(sql, params)]


def _streams(conn, ids: list[str], chunk: int = 500) -> Iterable[list[Event]]:
    """The events of these trades, one trade at a time (read in chunks, not one query each)."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ",".join("?" * len(part))
        rows = conn.exec_driver_sql(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream IN ({marks})"
            " ORDER BY stream, version",
            tuple(part),
        )
        for _, group in groupby(rows, key=lambda row: row[2]):
            yield [row_to_event(row) for row in group]


def _titles(conn, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.exec_driver_sql(f"SELECT id, title FROM trades WHERE id IN ({marks})", tuple(ids))
    return {r[0]: r[1] for r in rows}


def build_payload(type_: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields a step needs and return its payload (absent options left out)."""
    f = {k: v for k, v in fields.items() if v is not None and v is not False}
    payload: dict[str, Any] = {}
    if type_ in ("listed", "bought"):
        payload["platform"] = validate.platform(f.get("platform", ""))
        payload["title"] = validate.title(f.get("title", ""))
        payload["price"] = validate.yen(f.get("price", ""))
        if "ship_days" in f:
            payload["ship_days"] = validate.choice(f["ship_days"], "--ship-days", SHIP_DAYS)
        if type_ == "listed":
            if f.get("request_required"):
                payload["request_required"] = True
            if "kind" in f:
                payload["kind"] = validate.choice(f["kind"], "--kind", KINDS)
            if "until" in f:
                payload["until"] = f["until"]
            for key in ("shipping", "cost"):
                if key in f:
                    payload[key] = validate.yen(f[key], key, allow_zero=True)
            if "buyer" in f:
                payload["buyer"] = validate.name(f["buyer"])
            if payload.get("kind") == "dedicated" and "buyer" not in payload:
                raise BadInput("dedicated_needs_buyer")
    elif type_ in ("request", "sold"):
        payload["buyer"] = validate.name(f.get("buyer", ""))
    elif type_ == "cancelled":
        payload["reason"] = validate.text(f.get("reason", ""), "reason")
    elif type_ == "hold":
        payload["buyer"] = validate.name(f.get("buyer", ""))
        payload["until"] = _require(f, "until")
    elif type_ in ("defect", "message", "note", "return"):
        payload["note"] = validate.text(f.get("note", ""), "note")
    elif type_ == "offer":
        payload["buyer"] = validate.name(f.get("buyer", ""))
        payload["price"] = validate.yen(f.get("price", ""))
    elif type_ == "price":
        if "price" not in f and "title" not in f:
            raise BadInput("price_needs_change")
        if "price" in f:
            payload["price"] = validate.yen(f["price"])
        if "title" in f:
            payload["title"] = validate.title(f["title"])
    elif type_ == "bundle":
        payload["price"] = validate.yen(f.get("price", ""))
        payload["buyer"] = validate.name(f.get("buyer", ""))
        if "until" in f:
            payload["until"] = f["until"]
    if isinstance(payload.get("until"), datetime):
        payload["until"] = fmt_time(payload["until"])
    return payload


def _require(fields: dict[str, Any], key: str) -> Any:
    if key not in fields:
        raise BadInput("missing_option", option=key.replace("_", "-"))
    return fields[key]
