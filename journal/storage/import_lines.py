"""An export's lines read and checked for an import, in batches: by the importing process
itself, or, for a large file on two or more CPUs, ahead of it by a second process
(`python -m journal.storage.import_lines`).

Checking a line is most of an import's CPU: decoding it, `stored_event`'s checks, its own
hash (its content under the previous hash it names). The second process opens the same file
(the same inode, or it stops at once), reads it from where the importing process stopped
(after the header) and sends each batch back checked, pickled over a pipe: its rows, their
line numbers, the offset after its last line, the first row whose hash is not its own, and
the sent-reminder records and keys read with it. The importing process then only links the
chain and inserts. A bad line ends the helper's batches with its refusal, which the
importing process raises where it would have raised it itself (after the batches before
it). If the helper fails (cannot start, dies, sees another file), the importing process reads
on from the end of the last batch it received.
"""

import hashlib
import operator
import os
import pickle
import queue
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from journal.core.errors import BadInput
from journal.core.events import loads
from journal.core.validate import stored_event
from journal.storage import key_export, sent_export
from journal.storage.store import EVENT_COLUMNS, canonical_content

COLUMNS = tuple(c.strip() for c in EVENT_COLUMNS.split(","))
BATCH = 5000
# The longest line an export can hold: an event is a few kilobytes at most (texts are
# bounded); a longer line is not an event, and is not read whole (`import /dev/zero`).
MAX_LINE = 1 << 20
# Below this many bytes of event lines the helper's start-up (about 0.1 s) is not worth it.
AHEAD_MIN_BYTES = 16 << 20
AHEAD_MIN_VARIABLE = "JOURNAL_IMPORT_AHEAD_BYTES"  # another threshold (the tests use 0)
HELPER_MODULE = "journal.storage.import_lines"
_QUEUED = 8  # batches received and not yet inserted (a batch is about 3 MB pickled)

_INTS = frozenset({"seq", "version", "schema_version"})
_SENT, _KEY = sent_export.KEY, key_export.KEY  # only such lines go to `_beside_events`
_PICK = operator.itemgetter(*COLUMNS)
_TYPES = tuple(int if c in _INTS else str for c in COLUMNS)

# (rows, line numbers, offset after the last line, first altered row: None if not checked)
Batch = tuple[list[tuple], list[int], int, int | None]


def batches(
    handle: BinaryIO, source: Path, sent: list | None, keys: list | None
) -> Iterator[Batch]:
    """The event lines from here to the end of the file, checked, in batches of `BATCH`
    rows (the last one shorter, maybe empty); sent-reminder records and keys are gathered
    into `sent` and `keys` (None: the format has none). A bad line raises `BadInput` once
    the batches before it are taken. Read ahead by a helper process when it pays."""
    start, number = handle.tell(), 2
    ahead = _ReadAhead.start(handle, source, sent, keys) if _pays(handle) else None
    if ahead is not None:
        try:
            for rows, numbers, done, altered, more_sent, more_keys in ahead.received():
                if more_sent:
                    sent.extend(more_sent)  # type: ignore[union-attr] - sent only if asked
                if more_keys:
                    keys.extend(more_keys)  # type: ignore[union-attr]
                yield rows, numbers, done, altered
                if len(rows) < BATCH:
                    return
                start, number = done, numbers[-1] + 1
        finally:
            ahead.close()
        handle.seek(start)  # the helper stopped early: read on here
    for rows, numbers, done in checked_batches(handle, source, number, sent, keys):
        yield rows, numbers, done, None


def checked_batches(
    handle: BinaryIO, source: Path, first: int, sent: list | None, keys: list | None
) -> Iterator[tuple[list[tuple], list[int], int]]:
    """`batches` in this process: (rows, line numbers, offset after the last line);
    `first` is the number of the line the handle is at."""
    rows: list[tuple] = []
    numbers: list[int] = []
    lines = iter(lambda: handle.readline(MAX_LINE), b"")
    for number, line in enumerate(lines, start=first):
        if len(line) >= MAX_LINE and not line.endswith(b"\n"):
            why = f"a line longer than {MAX_LINE} bytes"
            raise BadInput("import_damaged", path=str(source), line=number, why=why)
        if not line.strip():
            continue
        item = _parsed(line, number, source)
        if (type(item) is not dict or _SENT in item or _KEY in item) and _beside_events(
            item, number, source, sent, keys
        ):
            continue
        rows.append(_row(item, number, source))
        numbers.append(number)
        if len(rows) >= BATCH:
            yield rows, numbers, handle.tell()
            rows, numbers = [], []
    yield rows, numbers, handle.tell()


def first_altered(rows: list[tuple]) -> int:
    """The index of the first row whose hash is not that of its content under the previous
    hash it names (`len(rows)`: none); the chain's check then only compares the links."""
    sha256, canonical = hashlib.sha256, canonical_content
    for index, row in enumerate(rows):
        if sha256((row[9] + canonical(row[:9])).encode()).hexdigest() != row[10]:
            return index
    return len(rows)


def _beside_events(
    item: Any, number: int, source: Path, sent: list | None, keys: list | None
) -> bool:
    """A line that is not an event: a sent-reminder record or a personal-data key, checked
    and gathered into its list (None: the format has none)."""
    if sent is not None and sent_export.is_record(item):
        sent.append(sent_export.record_row(item, number, str(source)))
        return True
    if keys is not None and key_export.is_record(item):
        keys.append(key_export.record_row(item, number, str(source)))
        return True
    return False


def _parsed(line: bytes, number: int, source: Path) -> Any:
    """One export line's JSON value."""
    # Without its newline: `loads` reads a bare JSON value with the scanner directly, and
    # anything around it (the newline too) through `json.loads`, parsing the line twice.
    try:
        return loads(line[:-1] if line[-1:] == b"\n" else line)
    except (ValueError, RecursionError):
        raise BadInput(
            "import_damaged", path=str(source), line=number, why="not an event line"
        ) from None


def _row(item: Any, number: int, source: Path) -> tuple:
    """One export line (parsed) as a stored row, its column types checked."""
    try:
        row = _PICK(item)
    except (KeyError, TypeError):
        raise BadInput(
            "import_damaged", path=str(source), line=number, why="not an event line"
        ) from None
    if tuple(map(type, row)) == _TYPES:
        why = stored_event(row)
        if why is None:
            return row
        raise BadInput("import_damaged", path=str(source), line=number, why=why)
    for name, value, wanted in zip(COLUMNS, row, _TYPES, strict=True):
        if type(value) is not wanted:
            raise BadInput("import_damaged", path=str(source), line=number, why=f"bad {name}")
    raise AssertionError("unreachable")


def _pays(handle: BinaryIO) -> bool:
    """A helper only for a large regular file (one it can open too) on two or more CPUs."""
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        least = int(os.environ.get(AHEAD_MIN_VARIABLE, AHEAD_MIN_BYTES))
    except ValueError:
        least = AHEAD_MIN_BYTES
    info = os.fstat(handle.fileno())
    return stat.S_ISREG(info.st_mode) and info.st_size - handle.tell() >= least


class _ReadAhead:
    """The helper process and the thread receiving its batches (reading releases the GIL;
    each batch is unpickled by the importing thread when it takes it)."""

    def __init__(self, process: Any) -> None:
        self.process = process
        self.inbox: queue.Queue[bytes] = queue.Queue(maxsize=_QUEUED)
        self.closed = False
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    @classmethod
    def start(
        cls, handle: BinaryIO, source: Path, sent: list | None, keys: list | None
    ) -> "_ReadAhead | None":
        from journal.storage.rebuild import spawn

        info = os.fstat(handle.fileno())
        task = (str(source), (info.st_dev, info.st_ino), handle.tell(), sent, keys)
        process = spawn(HELPER_MODULE, task)
        return None if process is None else cls(process)

    def _receive(self) -> None:
        stream = self.process.stdout
        try:
            while not self.closed:
                head = stream.read(8)
                if len(head) < 8:
                    break
                size = int.from_bytes(head, "big")
                body = stream.read(size)
                if len(body) < size or not size:
                    break
                self._put(body)
        except (OSError, ValueError):
            pass
        self._put(b"")  # the helper is gone: whatever it did not send, the importer reads

    def _put(self, body: bytes) -> None:
        while not self.closed:
            try:
                self.inbox.put(body, timeout=0.1)
                return
            except queue.Full:
                continue

    def received(self) -> Iterator[tuple]:
        """The helper's batches in file order until it stops; its refusal raised."""
        while body := self.inbox.get():
            message = pickle.loads(body)
            if message[0] == "refused":
                raise BadInput(message[1], **message[2])
            yield message[1:]

    def close(self) -> None:
        self.closed = True
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.thread.join()
        self.process.stdout.close()


def _send(out: BinaryIO, message: tuple) -> None:
    body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    out.write(len(body).to_bytes(8, "big"))
    out.write(body)
    out.flush()


def main() -> None:
    """The helper: reads (path, identity, offset, sent, keys) pickled on stdin, then sends
    the checked batches; a refusal ends them; anything else just ends the process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the importer alone answers Ctrl-C
    path, identity, offset, sent, keys = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    with open(path, "rb", buffering=1 << 20) as handle:
        info = os.fstat(handle.fileno())
        if (info.st_dev, info.st_ino) != identity:
            return  # not the importer's file (replaced meanwhile): it reads its own
        handle.seek(offset)
        try:
            for rows, numbers, done in checked_batches(handle, Path(path), 2, sent, keys):
                _send(out, ("rows", rows, numbers, done, first_altered(rows), sent, keys))
                for gathered in (sent, keys):
                    if gathered:
                        gathered.clear()
        except BadInput as exc:
            _send(out, ("refused", exc.key, exc.params))


if __name__ == "__main__":
    main()
