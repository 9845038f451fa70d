"""Finding trades by what a person remembers of them: a word of the title, the buyer's
name, something said in a note or a message. Pure.

Both sides are NFKC-normalised and case-folded, and katakana is read as hiragana, so
`ｻｸﾗ`, `サクラ` and `さくら` find each other, as do `KNIT` and `knit`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # the types `keep` is checked with; at run time, no `typing` import
    from typing import Any, Protocol, TypeVar

    class Row(Protocol):
        """What `keep` reads of a listed trade (`journal.results.Listed`)."""

        @property
        def id(self) -> str: ...
        @property
        def platform(self) -> str: ...
        @property
        def state(self) -> str: ...
        @property
        def title(self) -> str: ...

    R = TypeVar("R", bound=Row)

_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA)


def texts_of(payload: dict[str, Any]) -> Iterable[str]:
    """The words of one event a person typed (titles, names, notes, reasons, …)."""
    for value in payload.values():
        if isinstance(value, str):
            yield value


def matches(needle: str, texts: Iterable[str]) -> bool:
    wanted = fold(needle).strip()
    return any(wanted in fold(text) for text in texts)


def keep(
    rows: list[R],
    payloads: Callable[[list[str]], Iterable[tuple[str, str]]],
    platform: str | None = None,
    state: str | None = None,
    search: str | None = None,
) -> list[R]:
    """The `list` rows of this platform and state whose titles, buyer names, notes or
    messages hold `search`; `payloads(ids)` gives (trade, payload JSON) of their events."""
    rows = [
        r
        for r in rows
        if (platform is None or r.platform == platform) and (state is None or r.state == state)
    ]
    if not search or not rows:
        return rows
    texts: dict[str, list[str]] = {r.id: [r.title] for r in rows}
    for stream, payload in payloads(list(texts)):
        texts[stream].extend(texts_of(json.loads(payload)))
    return [r for r in rows if matches(search, texts[r.id])]
