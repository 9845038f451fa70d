"""Names as people type them, brought to the one form the journal stores. Pure.

Everything typed is NFKC-normalised first (full-width digits and letters, half-width kana,
the ideographic space), then: a platform may be given by its Japanese name, its former name
or its English id in any case; a trade id is matched without regard to case.
"""

import re
import unicodedata
from collections.abc import Iterable

from journal.core.patterns import LazyPattern
from journal.core.rules import PLATFORMS


def nfkc(text: str | None) -> str:
    """`text` NFKC-normalised and stripped (`２０２６／１１` → `2026/11`)."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _key(text: str) -> str:
    """The form a platform name is looked up by: no case, spaces or punctuation."""
    katakana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in nfkc(text))
    return re.sub(r"[\s!_\-・.]", "", katakana.casefold())  # らくま is ラクマ


# Every name a seller may call a platform by; JSON and the journal keep the English id.
_PLATFORM_NAMES = {
    "rakuma": ("rakuma", "ラクマ", "楽天ラクマ", "rakutenrakuma", "フリル", "fril"),
    "mercari": ("mercari", "メルカリ"),
    "yahoo-auction": (
        "yahoo-auction",
        "yahoo-auctions",
        "ヤフオク",
        "ヤフオク!",
        "yahoo!オークション",
        "yahooオークション",
        "ヤフーオークション",
    ),
    "yahoo-flea": (
        "yahoo-flea",
        "yahoo!フリマ",
        "yahooフリマ",
        "ヤフーフリマ",
        "paypayフリマ",
        "paypay-flea",
    ),
}
PLATFORM_ALIASES = {_key(name): pid for pid, names in _PLATFORM_NAMES.items() for name in names}
assert set(PLATFORM_ALIASES.values()) == set(PLATFORMS)


def platform(text: str | None) -> str:
    """The platform id for any of its names (`メルカリ`, `MERCARI` → `mercari`); anything
    else comes back normalised but unchanged, for the caller to refuse."""
    return PLATFORM_ALIASES.get(_key(text or ""), nfkc(text))


def choice(text: str | None, choices: Iterable[str]) -> str:
    """One of `choices` as typed in any width or case, or a platform by any of its names;
    anything else comes back normalised, for the caller to refuse."""
    typed = nfkc(text)
    options = list(choices)
    if typed in options:
        return typed
    folded = [c for c in options if c.casefold() == typed.casefold()]
    if len(folded) == 1:
        return folded[0]
    named = platform(typed)
    return named if named in options else typed


_GENERATED = LazyPattern(r"[Tt]([0-9]+)")


def trade_id(text: str | None) -> str:
    """A trade id as typed, in its canonical form: NFKC, and the generated ids upper-case
    (`ｔ２`, `t2` → `T2`). Other ids keep their case; `resolve` matches them to the journal."""
    typed = nfkc(text)
    generated = _GENERATED.fullmatch(typed)
    return f"T{generated.group(1)}" if generated else typed


def resolve(text: str | None, stored: Iterable[str]) -> str:
    """The id the journal holds for `text`: `stored` are the ids that equal it without regard
    to case. The exact id wins; else the only one that matches; else (none, or two ids that
    differ only in case) the canonical form of `text`, which the caller reports as unknown
    or, for a new trade, uses."""
    typed = nfkc(text)
    found = list(dict.fromkeys(stored))
    if typed in found:
        return typed
    if len(found) == 1:
        return found[0]
    return trade_id(typed)


_YES, _NO = {"y", "yes", "はい", "うん", "ok"}, {"", "n", "no", "いいえ", "いや", "ううん"}


def yes_no(text: str | None) -> bool | None:
    """An answer to a yes/no question as typed (`y`, `はい`, `ｎｏ`; empty: no), or None."""
    typed = nfkc(text).casefold()
    return True if typed in _YES else False if typed in _NO else None
