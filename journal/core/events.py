"""Events: immutable facts about a trade. The log of these is the only truth."""

from __future__ import annotations

import json
from datetime import datetime

from journal.core.datatypes import record
from journal.core.steps import CATALOGUE, ITEM_RELEASED, ITEM_TAKEN
from journal.core.steps import VOID_TYPE as VOID_TYPE  # named in the catalogue

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# Current payload schema version. Bump it, and teach `upgrade_payload` the step,
# whenever a payload's shape changes; old events are upgraded on read.
SCHEMA_VERSION = 1

# What each type means is its entry in the catalogue of steps (journal/core/steps.py).
CREATION_TYPES = frozenset(s.name for s in CATALOGUE if s.creates)
ANYTIME_TYPES = frozenset(s.name for s in CATALOGUE if s.anytime and s.addable)
# Written by the journal into the other listings of an item (`listed --item`) when one of
# them is taken (sold, approved, bundled, held) or free again: they carry the delist alarm.
ITEM_TYPES = frozenset({ITEM_TAKEN, ITEM_RELEASED})

# Every type a user can add with `journal add` (the journal itself also writes `bundled`
# into a bundle's originals and `voided` for corrections).
ADDABLE_TYPES = tuple(s.name for s in CATALOGUE if s.addable)


@record(frozen=True)
class Event:
    """One stored (or about to be stored) event of one trade stream."""

    type: str
    stream: str
    payload: dict[str, Any]
    occurred_at: datetime
    seq: int | None = None
    version: int | None = None
    recorded_at: datetime | None = None
    event_id: str | None = None
    schema_version: int = SCHEMA_VERSION


def upgrade_payload(event_type: str, schema_version: int, payload: dict[str, Any]) -> dict:
    """Bring an old payload up to SCHEMA_VERSION. Version 1 is the first; nothing to do yet."""
    if schema_version > SCHEMA_VERSION:
        from journal.core.errors import BadInput

        raise BadInput("newer_event", version=schema_version)
    return payload


_scan = json.JSONDecoder().scan_once


def loads(text: str | bytes) -> Any:
    """`json.loads`, quicker for a JSON value with nothing around it (a stored payload, an
    export's line), where its wrapper cost more than the parse: the bulk commands read
    millions. Anything else (whitespace, a BOM, another encoding, bad JSON) goes through
    `json.loads` itself: the same value, the same error."""
    try:
        plain = text.decode("utf-8") if type(text) is bytes else text
        value, end = _scan(plain, 0)
    except (StopIteration, ValueError, RecursionError):
        return json.loads(text)
    return value if end == len(plain) else json.loads(text)
