"""Personal fields sealed at the storage edge, and forgotten by destroying their trade's key.

Each trade with a personal field (journal/core/personal.py) has one random 256-bit key in
the `personal_keys` table, beside the log and outside it. `seal` encrypts those fields with
AES-GCM (the `cryptography` package's AESGCM: a well-kept, audited implementation, no
crypto written here) before an event is hashed and stored, so the hash chain covers the
ciphertext; each value gets a fresh 96-bit nonce and is bound to its event and field (the
associated data), so a sealed value cannot be moved to another event unnoticed. `reveal`
opens them as events are read, so everything above the store (the pure core included) sees
plain values, or `FORGOTTEN` once the key is gone.

`forget` overwrites the key's row with NULL under SQLite's `secure_delete` (freed bytes are
zeroed) and checkpoints the WAL, so the key leaves the file; the events stay, unreadable.
A trade forgotten keeps a row (key NULL, when): its plain fields from before sealing are
hidden too, and new personal fields for it are refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from journal.core.errors import BadInput
from journal.core.events import Event
from journal.core.personal import FORGOTTEN, SEALED, is_sealed, personal_fields

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_NONCE = 12
_CHUNK = 500


def _aesgcm() -> Any:
    """`cryptography`'s AESGCM (imported only to seal or open). Its public module
    (`cryptography.hazmat.primitives.ciphers.aead`) re-exports the class of the library's Rust
    binding, but importing it first runs its package, `ciphers` (the classic cipher classes:
    about 12 M instructions that sealing never uses); the binding holds the very same class
    (tests/test_forget.py checks). A release that moves it gets the public module."""
    try:
        from cryptography.hazmat.bindings._rust import openssl

        return openssl.aead.AESGCM
    except (ImportError, AttributeError):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM


def _aead(key: bytes) -> Any:
    return _aesgcm()(bytes(key))


def _bound(event_id: str | None, field: str) -> bytes:
    """The associated data: the sealed value belongs to this event's field and no other."""
    return f"{event_id}|{field}".encode()


def _run(conn: Any, sql: str, params: tuple = ()) -> Any:
    """A statement on the store's connection, or on a plain sqlite3 one (the rebuild helper)."""
    run = getattr(conn, "exec_driver_sql", None)
    return run(sql, params) if run is not None else conn.execute(sql, params)


def _rows(conn: Any, sql: str, trades: Iterable[str]) -> Iterator[Any]:
    """The rows of `sql` (its `{}` the marks of `IN (…)`) for these trades, in chunks."""
    names = sorted(set(trades))
    for start in range(0, len(names), _CHUNK):
        part = tuple(names[start : start + _CHUNK])
        yield from _run(conn, sql.format(",".join("?" * len(part))), part)


def keys(conn: Any, streams: Iterable[str]) -> dict[str, bytes | None]:
    """The keys of these trades that have a row: bytes, or None once forgotten."""
    sql = "SELECT trade, key FROM personal_keys WHERE trade IN ({})"
    return {t: None if k is None else bytes(k) for t, k in _rows(conn, sql, streams)}


def _key_for(conn: Any, stream: str, recorded: str) -> bytes:
    """The trade's key, made when its first personal field is stored."""
    found = keys(conn, [stream])
    if stream in found:
        key = found[stream]
        if key is None:
            raise BadInput("trade_forgotten", trade=stream)
        return key
    key = _aesgcm().generate_key(bit_length=256)
    _run(
        conn,
        "INSERT INTO personal_keys (trade, key, created_at) VALUES (?, ?, ?)",
        (stream, key, recorded),
    )
    return key


def seal(conn: Any, event: Event, recorded: str) -> dict[str, Any]:
    """The payload as the log stores it: its personal fields sealed (the rest as given)."""
    names = personal_fields(event.type, event.payload)
    if not names:
        return event.payload
    aead = _aead(_key_for(conn, event.stream, recorded))
    sealed = dict(event.payload)
    for name in names:
        nonce = os.urandom(_NONCE)
        secret = aead.encrypt(nonce, str(sealed[name]).encode(), _bound(event.event_id, name))
        import base64  # only sealing and opening need it

        sealed[name] = {SEALED: base64.b64encode(nonce + secret).decode("ascii")}
    return sealed


def _open(key: bytes, event: Event, name: str, value: dict[str, str], cipher: Any = None) -> str:
    """The field's plain text, or FORGOTTEN when this key does not open it. `cipher`: the
    key's AESGCM, when the caller has it already."""
    import base64

    raw = base64.b64decode(value[SEALED])
    try:
        if cipher is None:
            cipher = _aead(key)
        return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], _bound(event.event_id, name)).decode()
    except ValueError:
        return FORGOTTEN
    except Exception as exc:
        # `cryptography.exceptions` (and the `typing` it imports, ~15 M instructions) is
        # loaded only when a field does not open: the binding raises its InvalidTag then.
        from cryptography.exceptions import InvalidTag

        if isinstance(exc, InvalidTag):
            return FORGOTTEN  # not this trade's key (a copy without it): unreadable, as forgotten
        raise


def reveal(conn: Any, events: list[Event], names: bool = True) -> list[Event]:
    """Open the personal fields of events just read (in place): plain, or `FORGOTTEN`.
    Without `names` (the books: money, the CSV), see `_closed`: nothing is decrypted."""
    touched = [(e, found) for e in events if (found := personal_fields(e.type, e.payload))]
    if not names:
        return _closed(conn, events, touched)
    if not touched:
        return events
    kept = keys(conn, {e.stream for e, _ in touched})
    # One cipher per trade, not one per field: making it (the key schedule) cost twice the
    # decryption, and a rebuild opens every sealed field of the log.
    ciphers: dict[str, Any] = {}
    for event, fields in touched:
        stream = event.stream
        known = stream in kept
        key = kept.get(stream)
        for name in fields:
            value = event.payload[name]
            if is_sealed(value):
                if not key:
                    event.payload[name] = FORGOTTEN
                    continue
                cipher = ciphers.get(stream)
                if cipher is None:
                    cipher = ciphers[stream] = _cipher(key)
                event.payload[name] = _open(key, event, name, value, cipher)
            elif known and key is None:
                event.payload[name] = FORGOTTEN  # plain from before sealing: hidden, not gone
    return events


def _cipher(key: bytes) -> Any:
    """The key's AESGCM, or None if it makes none (`_open` then answers as for one field)."""
    try:
        return _aead(key)
    except ValueError:
        return None


def _closed(conn: Any, events: list[Event], touched: list[tuple[Event, tuple]]) -> list[Event]:
    """The books' reveal: sealed fields read `FORGOTTEN`, but a bundle's title (the one
    personal field the books show), which is the title of the trade it makes, as the read
    model holds it (opened, or `FORGOTTEN`). The books read the trades the read model lists
    (after catching it up), so each has its row; nothing is decrypted."""
    titled = [e for e, fields in touched if "title" in fields]
    sql = "SELECT id, title FROM trades WHERE id IN ({})"
    found = dict(_rows(conn, sql, {e.stream for e in titled})) if titled else {}
    for event, fields in touched:
        for name in fields:
            if name == "title":
                event.payload[name] = found.get(event.stream, FORGOTTEN)
            elif is_sealed(event.payload[name]):
                event.payload[name] = FORGOTTEN
    return events


def state(conn: Any, stream: str) -> str:
    """ "sealed" (a key), "forgotten" (none any more) or "none" (no personal field sealed)."""
    found = keys(conn, [stream])
    if stream not in found:
        return "none"
    return "forgotten" if found[stream] is None else "sealed"


def plain_fields(conn: Any, stream: str) -> int:
    """How many personal fields of this trade the log holds in plain text (recorded before
    sealing existed): forgetting hides them on every screen but cannot remove them."""
    sql = "SELECT type, payload FROM events WHERE stream = ?"
    import json

    count = 0
    for type_, payload in _run(conn, sql, (stream,)):
        fields = json.loads(payload)
        count += sum(not is_sealed(fields[n]) for n in personal_fields(type_, fields))
    return count


def forget(conn: Any, stream: str, when: str, file: bool) -> None:
    """Destroy the trade's key (inside a write transaction); remember that it is forgotten.
    On a file, SQLite zeroes the bytes it frees in this transaction (`secure_delete`)."""
    if file:
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    conn.exec_driver_sql(
        "INSERT INTO personal_keys (trade, key, created_at, forgotten_at) VALUES (?, NULL, ?, ?)"
        " ON CONFLICT(trade) DO UPDATE SET key = NULL, forgotten_at = excluded.forgotten_at",
        (stream, when, when),
    )


def settle(store: Any) -> None:
    """After forgetting, on a file: copy the WAL into the file and empty it, so the pages
    that held the key or a plain name (written before) are gone from both. Best effort: a
    reader holding an old snapshot (the daemon, briefly) can delay it to the next one.

    On a server: VACUUM the two tables whose old row versions held the key or the name, so
    the server frees them now rather than at its next autovacuum (best effort too: it needs
    the tables' owner, and a long transaction elsewhere keeps them until it ends)."""
    if store.engine.dialect.name != "sqlite":
        from sqlalchemy.exc import DBAPIError

        try:
            with store.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM personal_keys, trades")
        except DBAPIError:
            pass  # the autovacuum will
        return
    with store.engine.plain() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def finished_unforgotten(conn: Any) -> list[str]:
    """The finished trades (read models) whose personal data is not forgotten yet."""
    sql = (
        "SELECT t.id FROM trades t LEFT JOIN personal_keys k ON k.trade = t.id"
        " WHERE t.active = 0 AND (k.trade IS NULL OR k.key IS NOT NULL) ORDER BY t.id"
    )
    return [row[0] for row in conn.exec_driver_sql(sql)]


def forgotten(conn: Any) -> set[str]:
    """The trades whose personal data is forgotten."""
    rows = conn.exec_driver_sql("SELECT trade FROM personal_keys WHERE key IS NULL")
    return {row[0] for row in rows}
