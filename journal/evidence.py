"""Evidence for a dispute, the use cases beside `Journal`'s: attaching files to a trade
(`journal attach`), checking them (`journal verify`), carrying them with a backup, an export
or a copy, and gathering one trade's evidence pack (`journal evidence`).

Where a journal keeps its attachments: a file journal in the folder beside it
(`journal.sqlite.attachments/`); a journal on a PostgreSQL server in the folder the config
names (`[attachments] folder`), since a server has no "beside". Each file is kept under its
SHA-256 and the hash goes into an `attached` event, so the chain covers the file too.
"""

import mimetypes
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from journal.core.errors import BadInput
from journal.core.events import VOID_TYPE, Event
from journal.core.steps import ATTACHED
from journal.core.trade import apply
from journal.core.validate import MAX_FILE_NAME, printable
from journal.service import Journal
from journal.storage import attachments as kept

MAX_FILES = 100  # one command's files: a folder of screenshots is attached by name


# A server journal's attachments folder, as the App read it from the config (`keep_in`).
_ON_SERVER: "WeakKeyDictionary[Journal, Path]" = WeakKeyDictionary()


def keep_in(journal: Journal, where: Path | None) -> None:
    """Name the folder a journal on a server keeps its attachments in (the config's; a file
    journal keeps its own beside it, and hands this one on to a copy to a server)."""
    if where is not None:
        _ON_SERVER[journal] = where


def configured(journal: Journal) -> Path | None:
    return _ON_SERVER.get(journal)


def folder(journal: Journal) -> Path | None:
    """The folder this journal keeps its attachments in: beside its file (beside the name
    it will have, for a new journal still being built), or the config's for a journal on
    a server (None: it names none)."""
    location = journal.location
    if isinstance(location, Path):
        return kept.beside(kept.published(location))
    return _ON_SERVER.get(journal)


def _name(source: Path) -> str:
    """The original name as the log keeps it: one printable line, bounded."""
    name = source.name
    if not printable(name):
        name = name.encode("unicode_escape", "backslashreplace").decode("ascii")
    return name[:MAX_FILE_NAME] or "file"


def _media_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return (guessed or "application/octet-stream").lower()


def attach(journal: Journal, trade_id: str, sources: list[Path], now: datetime) -> list[dict]:
    """Keep each file and record one `attached` event per file, in one transaction. Every
    file is checked before anything is kept; if the events cannot be written, the files this
    command added are taken back."""
    if not sources:
        raise BadInput("attach_no_files")
    if len(sources) > MAX_FILES:
        raise BadInput("attach_too_many", most=MAX_FILES)
    where = folder(journal)
    if where is None:
        raise BadInput("attachments_no_folder")
    journal.trade(trade_id)  # an unknown trade is refused before a file is kept
    for source in sources:
        kept.readable(source)
    payloads: list[dict[str, Any]] = []
    added: list[str] = []
    try:
        for source in sources:
            sha, size, new = kept.put(where, source)
            if new:
                added.append(sha)
            if all(p["sha256"] != sha for p in payloads):
                name = _name(source)
                payloads.append(
                    {"sha256": sha, "name": name, "size": size, "media_type": _media_type(name)}
                )
        stored = _record(journal, trade_id, payloads, now)
    except BaseException:
        for sha in added:
            kept.remove(where, sha)
        raise
    return [{"seq": e.seq, "trade": e.stream, **e.payload} for e in stored]


def _record(journal: Journal, trade_id: str, payloads: list[dict], now: datetime) -> list[Event]:
    command = uuid.uuid4().hex

    def plan(conn: Any) -> list[Event]:
        trade = journal._fold(conn, trade_id)
        if trade is None:
            raise BadInput("unknown_trade", trade=trade_id)
        events = [
            Event(ATTACHED, trade_id, payload, now, event_id=f"{command}:{index}")
            for index, payload in enumerate(payloads)
        ]
        for event in events:
            apply(trade, event)  # the same check the replay makes
        return events

    return journal._write(plan, now)


def recorded(journal: Journal, trade_id: str | None = None) -> list[kept.Stored]:
    with journal.store.read() as conn:
        return kept.recorded(conn, trade_id)


def problems(journal: Journal) -> tuple[int, list[dict[str, Any]]]:
    """How many attachments there are, and each whose kept file is missing or no longer has
    its recorded hash."""
    where = folder(journal)
    found = []
    items = recorded(journal)
    for item in items:
        problem = kept.problem(where, item.sha256)
        if problem is not None:
            found.append(
                {
                    "seq": item.seq,
                    "trade": item.trade,
                    "name": item.name,
                    "sha256": item.sha256,
                    "problem": problem,
                }
            )
    return len(items), found


def carry_to(journal: Journal, target: Path | None) -> int:
    """Copy this journal's attachments into `target` (a backup's, an export's or another
    journal's folder); returns how many are there. None: nowhere to put them."""
    hashes = [item.sha256 for item in recorded(journal)]
    if not hashes:
        return 0
    if target is None:
        raise BadInput("attachments_no_folder")
    return kept.carry(folder(journal), target, hashes)


def carry_from(journal: Journal, source: Path) -> int:
    """After an import: bring the attachments from the folder beside the imported file."""
    hashes = [item.sha256 for item in recorded(journal)]
    if not hashes:
        return 0
    target = folder(journal)
    if target is None:
        raise BadInput("attachments_no_folder")
    return kept.carry(kept.beside(source), target, hashes)


def pack(journal: Journal, trade_id: str, now: datetime) -> dict[str, Any]:
    """One trade's evidence, from one snapshot of the log: its events with their hashes
    (voided ones marked), its deadlines and whether each was met, its money, its
    attachments (with where the file is and whether it still matches), and the chain head."""
    trade, _events, deadlines = journal.trade(trade_id)
    where = folder(journal)
    with journal.store.read() as conn:
        events = journal.store.stream(conn, trade_id)
        hashes = kept.event_hashes(conn, trade_id)
        total, head = kept.head(conn)
        files = kept.recorded(conn, trade_id)
    voided = {e.payload["seq"]: e for e in events if e.type == VOID_TYPE}
    rows = [
        {
            "seq": e.seq,
            "type": e.type,
            "at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "payload": e.payload,
            "hash": hashes.get(e.seq or 0, ""),
            "voided": e.seq in voided,
        }
        for e in events
    ]
    attached = [
        {
            "seq": f.seq,
            "name": f.name,
            "sha256": f.sha256,
            "size": f.size,
            "media_type": f.media_type,
            "path": None if where is None else where / f.sha256,
            "problem": kept.problem(where, f.sha256),
            "voided": f.seq in voided,
        }
        for f in files
    ]
    finished = trade.finished
    return {
        "trade": trade,
        "events": rows,
        "deadlines": [
            {"kind": d.kind, "due": d.due, "met_at": d.met_at, "status": d.status(now, finished)}
            for d in deadlines
        ],
        "money": journal.money(trade),
        "attachments": attached,
        "chain": {"events": total, "head": head},
        "made_at": now,
    }
