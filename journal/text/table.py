"""Text tables measured in terminal cells, not characters.

Japanese titles and names are East Asian wide: each character takes two cells, so padding
by `len()` breaks every column after them. Pure functions: the caller decides the width
(a terminal's, or None when piped) and whether colour is wanted.
"""

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

ELLIPSIS = "…"
GAP = "  "

# ANSI colours for whole rows; only used when the caller says colour is wanted.
COLOURS = {"red": "\x1b[31m", "yellow": "\x1b[33m", "bold": "\x1b[1m"}
RESET = "\x1b[0m"


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Cells one character takes: 2 for wide/full-width, 0 for combining and controls."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_ZWJ = "\u200d"  # joins emoji into one picture (families, flags): kept


@lru_cache(maxsize=4096)
def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if ch == "\t" or category in ("Zl", "Zp"):
        return " "
    if category == "Cc":
        code = ord(ch)
        if code < 0x20:
            return chr(0x2400 + code)  # ␛ ␍ ␊ ␇ ␀: Unicode's pictures of C0 controls
        return "\u2421" if code == 0x7F else "\ufffd"
    if category in ("Cf", "Cs") and ch != _ZWJ:
        return "\ufffd"
    return ch


def clean(text: str) -> str:
    """Stored text as a screen may print it: control, format and surrogate characters
    become visible marks, so a title written by another client (an import, a shared
    server) cannot move the cursor, set the window title or forge a table row."""
    if text.isprintable():
        return text
    return "".join(map(_visible, text))


def width(text: str) -> int:
    if text.isascii() and text.isprintable():  # most cells: one cell per character
        return len(text)
    return sum(map(char_width, text))


def cut(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, ending with `…` when something was cut."""
    if width(text) <= cells:
        return text
    if cells <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int | None = None,
    shrink: int | None = None,
    row_colours: Sequence[str | None] | None = None,
    indent: str = "",
) -> str:
    """A header row and aligned rows. With `max_width` (a terminal), the `shrink` column
    (default: the last) is cut with `…` so no row wraps; other columns are cut only if
    that is not enough. Without it (piped), nothing is cut."""
    cols = len(header)
    table = [list(map(clean, header))] + [[clean(str(c)) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in table) for i in range(cols)]
    if max_width is not None:
        widths = _fit(widths, max_width - width(indent), cols if shrink is None else shrink)
    lines = []
    for n, row in enumerate(table):
        cells = [cut(row[i], widths[i]) for i in range(cols)]
        line = indent + GAP.join(pad(c, widths[i]) for i, c in enumerate(cells[:-1]))
        line = (line + (GAP if cols > 1 else "") + cells[-1]).rstrip()
        colour = None if n == 0 or row_colours is None else row_colours[n - 1]
        if n == 0 and row_colours is not None:
            colour = "bold"
        lines.append(f"{COLOURS[colour]}{line}{RESET}" if colour else line)
    return "\n".join(lines)


def _fit(widths: list[int], room: int, shrink: int) -> list[int]:
    """Column widths that fit in `room` cells: take from `shrink` first, then the widest."""
    widths = list(widths)
    shrink = min(shrink, len(widths) - 1) if shrink >= 0 else len(widths) - 1
    over = sum(widths) + len(GAP) * (len(widths) - 1) - room
    if over <= 0:
        return widths
    take = min(over, max(0, widths[shrink] - 4))
    widths[shrink] -= take
    over -= take
    while over > 0:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= 1:
            break
        widths[i] -= 1
        over -= 1
    return widths
