"""Attachments kept by their content: each file named by its SHA-256 in a private folder
(700, files 600) beside the journal, so the hash in the `attached` event, which the chain
covers, proves the file. A file journal keeps them in `<journal file>.attachments/`; a
backup or an export carries them into the folder beside itself, the same way.

Machinery only: the folder is handed in; which folder a journal uses is the door's choice
(`journal.evidence`).
"""

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from journal import files
from journal.core.errors import BadInput
from journal.core.steps import ATTACHED
from journal.storage.engines import Connection

SUFFIX = ".attachments"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Stored:
    """One `attached` event as the log holds it."""

    seq: int
    trade: str
    sha256: str
    name: str
    size: int
    media_type: str
    hash: str  # the event's own hash in the chain


# A new journal is built under a hidden partial name (`journal.files.partial_name`) and
# published under its own only when complete: its attachments go beside the final name.
_PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial-\d+-[0-9a-f]{8}$")


def published(location: Path) -> Path:
    """The name a journal file has, or will have once published."""
    found = _PARTIAL.match(location.name)
    return location.with_name(found["name"]) if found else location


def beside(location: Path) -> Path:
    """The attachments folder that goes with a file (a journal, a backup, an export)."""
    return location.with_name(location.name + SUFFIX)


def recorded(conn: Connection, trade: str | None = None) -> list[Stored]:
    """Every `attached` event (of one trade, or all), in seq order."""
    sql = "SELECT seq, stream, payload, hash FROM events WHERE type = ?"
    params: tuple = (ATTACHED,)
    if trade is not None:
        sql, params = sql + " AND stream = ?", (ATTACHED, trade)
    rows = conn.exec_driver_sql(sql + " ORDER BY seq", params).all()
    found = []
    for seq, stream, payload, event_hash in rows:
        p = json.loads(payload)
        found.append(
            Stored(seq, stream, p["sha256"], p["name"], p["size"], p["media_type"], event_hash)
        )
    return found


def event_hashes(conn: Connection, trade: str) -> dict[int, str]:
    """Each event's hash in the chain, by seq, for one trade."""
    sql = "SELECT seq, hash FROM events WHERE stream = ?"
    return dict(conn.exec_driver_sql(sql, (trade,)).all())


def head(conn: Connection) -> tuple[int, str]:
    """(events, the chain head's hash): what `journal verify --head` checks against."""
    sql = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
    row = conn.exec_driver_sql(sql).first()
    return (row[0], row[1]) if row else (0, "")


def readable(source: Path) -> os.stat_result:
    """Refuse (one line, exit 2) what cannot be attached: no such file, a folder, a FIFO or
    a device (whose reading would never end), a file that cannot be read."""
    try:
        info = os.stat(source)
    except OSError as exc:
        raise BadInput("file_unusable", path=str(source), detail=exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInput("attach_folder", path=str(source))
    if not stat.S_ISREG(info.st_mode):
        raise BadInput("attach_not_file", path=str(source))
    if not os.access(source, os.R_OK):
        raise BadInput("file_unusable", path=str(source), detail="not readable")
    return info


def put(folder: Path, source: Path) -> tuple[str, int, bool]:
    """Copy `source` into `folder` under its SHA-256 (hashed as it is copied, so the name is
    the hash of the bytes kept); (sha256, size, new). A file already kept intact stays."""
    files.private_dirs(folder)
    partial = files.partial_name(folder / "incoming")
    digest, size = hashlib.sha256(), 0
    try:
        fd = files.create_new(partial)
        with open(source, "rb") as reading, os.fdopen(fd, "wb") as out:
            while chunk := reading.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = folder / sha
        if problem(folder, sha) is None:
            return sha, size, False
        os.replace(partial, target)  # missing, or changed on disk: the true bytes again
        return sha, size, True
    except OSError as exc:
        raise BadInput("file_unusable", path=str(source), detail=exc.strerror or str(exc)) from None
    finally:
        files.remove_own(partial)


def problem(folder: Path | None, sha: str) -> str | None:
    """ "missing", "changed", or None when the kept file still has the recorded hash."""
    if folder is None:
        return "missing"
    path = folder / sha
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return "changed"
        return None if _digest(path) == sha else "changed"
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "changed"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as reading:
        while chunk := reading.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def carry(source: Path | None, target: Path, hashes: Iterator[str] | list[str]) -> int:
    """Copy the kept files named `hashes` from `source` into `target` (another journal's,
    a backup's or an export's folder), each checked on the way; returns how many are there.
    A file missing or changed in `source` is not carried (`verify` names it)."""
    done = 0
    for sha in dict.fromkeys(hashes):
        if source is None or problem(source, sha) is not None:
            continue
        if source.resolve() != target.resolve():
            put(target, source / sha)
        done += 1
    return done


def remove(folder: Path, sha: str) -> None:
    """Take back a file this command kept (its event was not written)."""
    with suppress(FileNotFoundError):
        os.unlink(folder / sha)
