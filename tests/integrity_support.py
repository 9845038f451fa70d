"""Helpers for the integrity tests: raw access to a journal file, behind the program's back."""

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from journal.storage.store import EVENT_COLUMNS, GENESIS_HASH, event_hash

COLUMNS = tuple(c.strip() for c in EVENT_COLUMNS.split(","))


def raw_sql(db: Path, *statements: str | tuple[str, tuple]) -> None:
    """Run statements on the file directly, triggers dropped first (what a tamperer would do)."""
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        for item in statements:
            sql, params = item if isinstance(item, tuple) else (item, ())
            conn.execute(sql, params)
        conn.commit()


def rows(db: Path) -> list[tuple]:
    """Every stored event row, in seq order."""
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"))


def settle(db: Path) -> None:
    """Fold the WAL into the main file so the file's bytes are the whole journal."""
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def fingerprint(db: Path) -> str:
    """A hash of the journal's bytes on disk (main file and WAL, if any)."""
    digest = hashlib.sha256()
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            digest.update(path.read_bytes())
        digest.update(b"|")
    return digest.hexdigest()


def synthetic_export(path: Path, trades: int, notes: int = 1) -> int:
    """Write a valid export of `trades` listed trades with `notes` notes each; returns events.

    Made directly (not through the program) so large files are quick to produce; the hashes
    are computed with the program's own `event_hash`, so the file verifies.
    """
    head = GENESIS_HASH
    seq = 0
    lines = []
    for number in range(1, trades + 1):
        stream = f"T{number}"
        for version in range(1, notes + 2):
            seq += 1
            if version == 1:
                type_ = "listed"
                payload = {"platform": "mercari", "price": 1000 + number, "title": f"品物 {number}"}
            else:
                type_, payload = "note", {"note": f"メモ {number}-{version}"}
            content = (
                seq,
                f"synthetic-{seq}",
                stream,
                version,
                type_,
                1,
                json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                "2026-11-20T00:00:00Z",
                "2026-11-20T00:00:01Z",
            )
            digest = event_hash(head, content)
            row = dict(zip(COLUMNS, (*content, head, digest), strict=True))
            lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            head = digest
    header = {"format": "trade-journal-events", "version": 1, "events": seq, "head": head}
    path.write_text(json.dumps(header) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return seq


def rechain(lines: list[str]) -> list[str]:
    """Recompute every hash of an export's event lines and its header: what a forger with the
    program's source would do. The chain then verifies; other checks must catch the rest."""
    head = GENESIS_HASH
    out, beside = [], []  # events; the lines after them (sent reminders, personal keys)
    for line in lines[1:]:
        item = json.loads(line)
        if "reminder_sent" in item or "personal_key" in item:
            beside.append(line)
            continue
        content = tuple(item[c] for c in COLUMNS[:9])
        item["prev_hash"], item["hash"] = head, event_hash(head, content)
        head = item["hash"]
        out.append(json.dumps(item, ensure_ascii=False))
    header = {**json.loads(lines[0]), "events": len(out), "head": head}
    return [json.dumps(header), *out, *beside]
