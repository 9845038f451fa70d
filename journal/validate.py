"""Checks on user-typed values, before anything is decided or written. Pure."""

import re
import unicodedata

from journal.errors import BadInput
from journal.rules import PLATFORMS

MAX_PRICE = 99_999_999
MAX_TITLE = 200
MAX_NAME = 100
MAX_TEXT = 4000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def trade_id(value: str) -> str:
    if not _ID.match(value or ""):
        raise BadInput("bad_id", value=_short(value))
    return value


def platform(value: str) -> str:
    if value not in PLATFORMS:
        raise BadInput("bad_platform", value=_short(value), choices=", ".join(PLATFORMS))
    return value


def yen(value: int | str, what: str = "price", allow_zero: bool = False) -> int:
    """A yen amount: a whole number, positive (or zero where free makes sense), bounded."""
    try:
        amount = int(str(value).replace(",", "").replace("¥", "").replace("円", "").strip())
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
    allowed = {"\n", "\t"} if multiline else set()
    for char in cleaned:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs") and char not in allowed:
            if char in ("\u200d", "\ufe0f"):  # emoji joiners and variation selectors
                continue
            raise BadInput("control_chars", what=what)
    return cleaned


def choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise BadInput(
            "bad_choice", value=_short(str(value)), option=option, choices=", ".join(choices)
        )
    return value


def title(value: str) -> str:
    return text(value, "title", MAX_TITLE, multiline=False)


def name(value: str) -> str:
    return text(value, "buyer", MAX_NAME, multiline=False)


def _short(value: str | None) -> str:
    value = value or ""
    return value if len(value) <= 40 else value[:37] + "..."
