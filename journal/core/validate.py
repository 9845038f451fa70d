"""Checks on user-typed values, before anything is decided or written. Pure."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from journal.core.argv import arguments  # noqa: F401 - checked here too, kept in argv.py
from journal.core.errors import BadInput
from journal.core.events import loads
from journal.core.names import nfkc
from journal.core.patterns import LazyPattern
from journal.core.personal import is_sealed, personal_fields
from journal.core.rules import PLATFORMS
from journal.core.step_fields import KOBUTSU_FIELDS
from journal.core.steps import BANKS, CATALOGUE, KINDS, SHIP_DAYS, Check
from journal.core.timeparse import in_range

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

MAX_PRICE = 99_999_999
MAX_TITLE = 200
MAX_NAME = 100
MAX_TEXT = 4000
MAX_ITEM = 100
MAX_SEQ = 2**63 - 1  # SQLite's largest integer
MAX_FILE_NAME = 255  # an attachment's original name, as file systems bound it
_MEDIA_TYPE = LazyPattern(r"^[a-z0-9][a-z0-9.+-]{0,40}/[a-z0-9][a-z0-9.+-]{0,80}$")
_ID = LazyPattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def trade_id(value: str) -> str:
    if not _ID.match(value or ""):
        raise BadInput("bad_id", value=_short(value))
    return value


def platform(value: str) -> str:
    if value not in PLATFORMS:
        raise BadInput("bad_platform", value=_short(value), platforms=list(PLATFORMS))
    return value


def yen(value: int | str, what: str = "price", allow_zero: bool = False) -> int:
    """A yen amount: a whole number, positive (or zero where free makes sense), bounded."""
    try:
        typed = nfkc(str(value))  # ３，３００円, ￥３，３００
        amount = int(typed.replace(",", "").replace("¥", "").replace("円", "").strip())
    except ValueError:
        raise BadInput("bad_yen", what=what, value=_short(str(value))) from None
    low = 0 if allow_zero else 1
    if not low <= amount <= MAX_PRICE:
        raise BadInput("yen_range", what=what, value=amount, low=low, high=MAX_PRICE)
    return amount


def text(value: str, what: str, limit: int = MAX_TEXT, multiline: bool = True) -> str:
    """Free text: not empty, bounded, no control characters (newlines allowed in notes)."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput("empty_text", what=what)
    if len(cleaned) > limit:
        raise BadInput("text_too_long", what=what, limit=limit, length=len(cleaned))
    if not printable(cleaned, multiline):
        raise BadInput("control_chars", what=what)
    return cleaned


_LINE_BREAKS = frozenset({"\n", "\t"})
_JOINERS = frozenset({"\u200d", "\ufe0f"})  # emoji joiners and variation selectors


def printable(value: str, multiline: bool = False) -> bool:
    """No control, format or surrogate character (Cc, Cf, Cs) but emoji joiners, and in
    multi-line text newlines and tabs: the one rule for text from a person or from a file,
    since such characters move a terminal's cursor, forge table rows and break notifiers."""
    if value.isprintable():  # the usual case, at C speed: no Cc, Cf or Cs in it
        return True
    allowed = _LINE_BREAKS | _JOINERS if multiline else _JOINERS
    return not any(
        unicodedata.category(char) in ("Cc", "Cf", "Cs") and char not in allowed for char in value
    )


def choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise BadInput(
            "bad_choice", value=_short(str(value)), option=option, choices=", ".join(choices)
        )
    return value


# ヤフオク is said to offer 3-7 and 8-14 days too (no stored source confirms it), so any range
# N-M of whole days is taken as typed; the ship deadline counts to its end, M days, to the minute.
MAX_SHIP_DAYS = 30
_SHIP_RANGE = LazyPattern(r"([0-9]{1,2})-([0-9]{1,2})")


def ship_days_ok(value: object) -> bool:
    """A 発送までの日数 range as stored: `N-M` days, 1 <= N <= M <= MAX_SHIP_DAYS."""
    found = _SHIP_RANGE.fullmatch(value) if type(value) is str else None
    return found is not None and 1 <= int(found[1]) <= int(found[2]) <= MAX_SHIP_DAYS


def ship_days(value: str) -> str:
    """発送までの日数 as typed (`8-14`, `８〜１４`): stored as `N-M`."""
    cleaned = nfkc(str(value)).strip().replace("〜", "-").replace("~", "-")
    if not ship_days_ok(cleaned):
        raise BadInput("bad_ship_days", value=_short(str(value)), usual=", ".join(SHIP_DAYS))
    return cleaned


def title(value: str) -> str:
    return text(value, "title", MAX_TITLE, multiline=False)


def name(value: str) -> str:
    return text(value, "buyer", MAX_NAME, multiline=False)


def item(value: str) -> str:
    """An item key (`--item`): the same text on every listing of one physical item."""
    return text(value, "item", MAX_ITEM, multiline=False)


def field(check: str, value: Any, key: str) -> Any:
    """A field of a step (journal/core/steps.py names its `check`), typed as `value`: checked
    and brought to the form the log stores."""
    return _CHECKS[check](value, key)


_CHECKS: dict[str, Any] = {
    Check.PLATFORM: lambda v, _key: platform(v),
    Check.TITLE: lambda v, _key: title(v),
    Check.YEN: lambda v, key: yen(v, key),
    Check.YEN_OR_ZERO: lambda v, key: yen(v, key, allow_zero=True),
    Check.SHIP_DAYS: lambda v, _key: ship_days(v),
    Check.KIND: lambda v, _key: choice(v, "--kind", KINDS),
    Check.FLAG: lambda _v, _key: True,
    Check.THEN: lambda _v, _key: True,  # not stored: it records a further step
    Check.SWITCH: lambda v, _key: v is True,
    Check.BANK: lambda v, _key: choice(v, "--bank", BANKS),
    Check.WHEN: lambda v, _key: v,  # read by the command line already
    Check.NAME: lambda v, _key: name(v),
    Check.ITEM: lambda v, _key: item(v),
    Check.LINE: lambda v, key: text(v, key, MAX_NAME, multiline=False),
    Check.TEXT: lambda v, key: text(v, key),
}


def seq(value: int) -> int:
    """An event number: one that SQLite can hold (any other names no event)."""
    if type(value) is not int or not 1 <= value <= MAX_SEQ:
        raise BadInput("unknown_seq", seq=_short(str(value)))
    return value


_HASH = LazyPattern(r"^[0-9a-f]{64}$")
_COMMAND_ID = LazyPattern(r"[A-Za-z0-9_-]{8,64}")


def command_id(value: str) -> str:
    """A caller's own id for one command (a web form's), so sending it twice records once."""
    if type(value) is not str or not _COMMAND_ID.fullmatch(value):
        raise BadInput("bad_command_id")
    return value


def head_hash(value: str) -> str:
    """A chain head as `verify` prints it: 64 hex digits (a prefix proves nothing)."""
    cleaned = (value or "").strip().lower()
    if not _HASH.match(cleaned):
        raise BadInput("bad_head", value=_short(value))
    return cleaned


def file_path(value: str) -> str:
    """A file named on the command line: no name longer than file systems allow (255 bytes
    a component, 4096 in all), which would otherwise fail deep inside a write."""
    parts = value.split("/")
    if len(value.encode()) > 4096 or any(len(p.encode()) > 255 for p in parts):
        raise BadInput("file_unusable", path=_short(value), detail="file name too long")
    return value


def _short(value: str | None) -> str:
    value = value or ""
    return value if len(value) <= 40 else value[:37] + "..."


# --- events from outside (an import file): the payloads this program writes, and no other --


def _is_text(limit: int, multiline: bool = False):
    """Text as `text()` accepts it from a person: a door that skipped this check (an
    import, a copy) would let through what `add` refuses."""
    return lambda v: (
        type(v) is str and 0 < len(v) <= limit and v.strip() != "" and printable(v, multiline)
    )


def _is_int(low: int, high: int):
    return lambda v: type(v) is int and low <= v <= high


def _is_instant(value: Any) -> bool:
    # An import checks two per event: `in_range` is imported once, above, not per call.
    if type(value) is not str or len(value) > 40:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and in_range(moment)


def _is_id(value: Any) -> bool:
    return type(value) is str and _ID.match(value) is not None


_FIELDS = {
    "platform": lambda v: v in PLATFORMS,
    "title": _is_text(MAX_TITLE),
    "price": _is_int(1, MAX_PRICE),
    "shipping": _is_int(0, MAX_PRICE),
    "cost": _is_int(0, MAX_PRICE),
    "buyer": _is_text(MAX_NAME),
    "note": _is_text(MAX_TEXT, multiline=True),
    "reason": _is_text(MAX_TEXT, multiline=True),
    "until": _is_instant,
    "kind": lambda v: v in KINDS,
    "ship_days": ship_days_ok,
    "premium": lambda v: type(v) is bool,
    "amount": _is_int(1, MAX_PRICE),
    "fee": _is_int(0, MAX_PRICE),
    "bank": lambda v: v in BANKS,
    "partial": lambda v: v is True,
    "personal": lambda v: v is True,
    "request_required": lambda v: type(v) is bool,
    "from": lambda v: type(v) is list and 0 < len(v) <= 1000 and all(map(_is_id, v)),
    "into": _is_id,
    "item": _is_text(MAX_ITEM),
    "extra": _is_int(0, MAX_PRICE),
    "carrier": _is_text(MAX_NAME),
    "tracking": _is_text(MAX_NAME),
    "by": _is_id,
    "step": lambda v: type(v) is str and v in ("sold", "approved", "bundled", "hold", "listed"),
    "seq": _is_int(1, MAX_SEQ),
    "voided_type": lambda v: type(v) is str and v in _PAYLOADS,
    "sha256": lambda v: type(v) is str and _HASH.match(v) is not None,
    "name": _is_text(MAX_FILE_NAME),
    "size": _is_int(0, 2**53),
    "media_type": lambda v: type(v) is str and _MEDIA_TYPE.match(v) is not None,
    **{f.name: _is_text(MAX_NAME) for f in KOBUTSU_FIELDS},  # 古物台帳: one line each
}
# event type -> (fields it must have, fields it may have), from the catalogue of steps
_PAYLOADS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    step.name: step.stored_fields for step in CATALOGUE
}


def stored_event(row: tuple) -> str | None:
    """What is wrong with a stored event row from outside (None: nothing), naming the event
    (`#3 T1 listed: bad payload title (control characters)`). `row` holds the stored
    columns in order; a chain can be consistent and still carry a payload that no version
    of this program wrote (a price that is text, a title with terminal escapes), which
    would break `show` later or reach a terminal."""
    why = _stored_problem(row)
    if why is None:
        return None
    seq, _event_id, stream, _version, type_ = row[:5]
    named = [f"#{seq}"] + [stream] * _is_id(stream) + [type_] * (type_ in _PAYLOADS)
    return f"{' '.join(named)}: {why}"


def _stored_problem(row: tuple) -> str | None:
    _seq, event_id, stream, _version, type_, _schema, payload, occurred, recorded = row[:9]
    if not (0 < len(event_id) <= MAX_NAME and printable(event_id)):
        return "bad event_id"
    if not _is_id(stream):
        return "bad stream"
    shape = _PAYLOADS.get(type_)
    if shape is None:
        return "bad type"
    if not (_is_instant(occurred) and _is_instant(recorded)):
        return "bad timestamp"
    try:
        fields = loads(payload)  # the scanner directly: `json.loads`'s wrapper costs more
    except (ValueError, RecursionError):
        return "bad payload"
    if type(fields) is not dict:
        return "bad payload"
    required, optional = shape
    for key, value in fields.items():
        if key not in required and key not in optional:
            return f"bad payload ({_short(_escaped(key))})"
        if _FIELDS[key](value):
            continue
        # A sealed personal field is not checked as plain text: asked only of a field that
        # fails the plain check (a sealed one always does), not of every field of an import.
        if key in personal_fields(type_, fields) and is_sealed(value):
            continue
        shown = " (control characters)" if _has_controls(key, value) else ""
        return f"bad payload {key}{shown}"
    for key in required:
        if key not in fields:
            return f"bad payload (no {key})"
    if type_ == "price" and not fields:
        return "bad payload (no price or title)"
    return None


def _has_controls(key: str, value: Any) -> bool:
    return type(value) is str and not printable(value, multiline=key in ("note", "reason"))


def _escaped(value: str) -> str:
    """Text from a file as a message may quote it: controls and lone surrogates escaped."""
    if value.isprintable():
        return value
    return value.encode("unicode_escape", "backslashreplace").decode("ascii")
