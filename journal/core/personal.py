"""Which stored fields are about a person, and how they look sealed or forgotten. Pure.

A personal field (the other party's name, what was said in a trade message, a note marked
`--personal`, a bundle's 〇〇様専用 title) is stored sealed, `{"sealed": "…"}`, under a key
of its trade kept outside the log (journal/storage/personal.py). Forgetting the trade
destroys the key: the log and its hash chain stay whole, and the field reads as `FORGOTTEN`.
Money, dates and the trade's shape are never personal: the books keep them.
"""

from __future__ import annotations

from journal.core.steps import CATALOGUE

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# What a forgotten field reads as, everywhere (JSON too); the screens show 「削除済み」.
FORGOTTEN = "[forgotten]"
SEALED = "sealed"
MAX_SEALED = 24_000  # base64 of the longest text field, sealed, with room to spare

# The other party's name, wherever a step takes it, and every field marked `personal`
# (journal/core/step_fields.py: the 古物台帳's 相手方 fields).
_NAMES = frozenset({"buyer"})
_BY_TYPE: dict[str, tuple[str, ...]] = {
    step.name: tuple(f.name for f in step.fields if f.personal or f.name in _NAMES)
    for step in CATALOGUE
}
_BY_TYPE["bundle"] += ("title",)  # the set's title is made of its buyer's name (〇〇様専用)
_BY_TYPE["message"] += ("note",)  # what was said with the other party (an address, say)


def personal_fields(type_: str, payload: dict[str, Any]) -> tuple[str, ...]:
    """The fields of this payload that are about a person (sealed when stored)."""
    names = _BY_TYPE.get(type_, ())
    if payload.get("personal") is True:
        names += ("note",)
    return tuple(name for name in names if name in payload)


def is_sealed(value: Any) -> bool:
    """A stored personal field as the log keeps it: `{"sealed": base64 text}`."""
    return (
        type(value) is dict
        and len(value) == 1
        and type(value.get(SEALED)) is str
        and 0 < len(value[SEALED]) <= MAX_SEALED
    )


def is_forgotten(value: Any) -> bool:
    return value == FORGOTTEN


def has_personal(type_: str) -> bool:
    """Whether events of this type may carry a personal field at all."""
    return bool(_BY_TYPE.get(type_)) or type_ == "note"
