"""Text tables measured in terminal cells, not characters.

Japanese titles and names are East Asian wide: each character takes two cells, so padding
by `len()` breaks every column after them. Pure functions: the caller decides the width
(a terminal's, or None when piped) and whether colour is wanted.
"""

import unicodedata
from collections.abc import Collection, Sequence
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
    return _wide_width(text)


@lru_cache(maxsize=4096)
def _wide_width(text: str) -> int:
    """A title is measured once however many rows show it (a trade's reminders, its steps)."""
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
    wrap: Collection[int] = (),
) -> str:
    """A header row and aligned rows. With `max_width` (a terminal), the `shrink` column
    (default: the last) gives room first, down to `KEEP` cells (a title stays readable);
    then the `wrap` columns are wrapped onto more lines (a cell of a `wrap` column may
    name its own line breaks with `\\n`); only then is anything cut with `…`, so no row
    wraps on the terminal. Without it (piped), nothing is cut."""
    cols = len(header)
    wrapped = [i in wrap for i in range(cols)]
    # column by column (the header first): each cell's text for the screen and its cells
    columns = zip(header, *rows, strict=True)
    measured = [_column(c, w) for c, w in zip(columns, wrapped, strict=True)]
    texts, used = [m[0] for m in measured], [m[1] for m in measured]
    natural = [max(u) for u in used]
    widths = natural
    if max_width is not None:
        at = cols if shrink is None else shrink
        floors = {i: min(natural[i], max(WRAP_MIN, _longest_word(texts[i]))) for i in wrap}
        widths = _fit(natural, max_width - width(indent), at, floors)
    colours = None if row_colours is None else ["bold", *row_colours]
    if widths == natural and not any("\n" in "".join(texts[i]) for i in wrap):
        # every cell fits on one line as it is (always, when piped): padded column by column
        padded = [
            [text + " " * (room - cells) for text, cells in zip(t, u, strict=True)]
            for t, u, room in zip(texts[:-1], used[:-1], widths, strict=False)
        ]
        padded.append(texts[-1])
        lines = [(indent + GAP.join(parts)).rstrip() for parts in zip(*padded, strict=True)]
        if colours is not None:
            lines = [_coloured(line, c) for line, c in zip(lines, colours, strict=True)]
        return "\n".join(lines)
    lines = []
    for n in range(len(texts[0])):
        row = [(texts[i][n], used[i][n]) for i in range(cols)]
        for line in _row_lines(row, widths, wrapped, indent):
            lines.append(line if colours is None else _coloured(line, colours[n]))
    return "\n".join(lines)


def _row_lines(
    row: list[tuple[str, int]], widths: list[int], wrapped: list[bool], indent: str
) -> list[str]:
    """One row as its lines: its cells cut or wrapped to `widths` where they do not fit."""
    if all(u <= room and "\n" not in t for (t, u), room in zip(row, widths, strict=True)):
        parts_of_lines = [row]  # this row's cells fit on one line as they are
    else:
        cells = [
            _fitted(text, cells, room, w)
            for (text, cells), room, w in zip(row, widths, wrapped, strict=True)
        ]
        parts_of_lines = [
            [c[k] if k < len(c) else ("", 0) for c in cells] for k in range(max(map(len, cells)))
        ]
    lines = []
    for parts in parts_of_lines:
        padded = [
            text + " " * (room - cells)
            for (text, cells), room in zip(parts[:-1], widths, strict=False)
        ]
        padded.append(parts[-1][0])
        lines.append((indent + GAP.join(padded)).rstrip())
    return lines


def _coloured(line: str, colour: str | None) -> str:
    return f"{COLOURS[colour]}{line}{RESET}" if colour else line


def _column(cells: Sequence[object], lines: bool) -> tuple[list[str], list[int]]:
    """A column's cells (its header first) cleaned and measured: at once when all of them are
    printable ASCII (ids, times, prices), else one by one."""
    texts = list(map(str, cells))
    joined = "".join(texts)
    if joined.isascii() and joined.isprintable():
        return texts, list(map(len, texts))
    measured = [_measured(texts[0], False)] + [_measured(t, lines) for t in texts[1:]]
    return [m[0] for m in measured], [m[1] for m in measured]


def _measured(value: object, lines: bool) -> tuple[str, int]:
    """A cell cleaned for the screen, with the cells it takes (its widest line); a wrapped
    column's cell keeps its own line breaks."""
    text = str(value)
    if text.isascii() and text.isprintable():  # most cells: nothing to clean, one cell each
        return text, len(text)
    if lines and "\n" in text:
        parts = [clean(part) for part in text.split("\n")]
        return "\n".join(parts), max(map(width, parts))
    text = clean(text)
    return text, width(text)


def _fitted(text: str, used: int, cells: int, wrapped: bool) -> list[tuple[str, int]]:
    """A cell as its lines in `cells` cells, each with its width: as it is when it fits,
    else wrapped (a `wrap` column) or cut."""
    if used <= cells and "\n" not in text:
        return [(text, used)]
    lines = wrap_text(text, cells) if wrapped else [cut(text, cells)]
    return [(line, width(line)) for line in lines]


KEEP = 20  # cells the shrink column (a title) keeps before other columns give room
WRAP_MIN = 10  # cells a wrapped column keeps


def _longest_word(texts: Sequence[str]) -> int:
    """The widest space-separated word of a column (its header first, not counted): where
    wrapping it costs nothing; in a column whose cells name their own line breaks, the
    widest of those lines."""
    cells = texts[1:]
    if any("\n" in c for c in cells):
        return max(width(line) for c in cells for line in c.split("\n"))
    return max((width(w) for c in cells for w in c.split()), default=0)


def wrap_text(text: str, cells: int) -> list[str]:
    """`text` as lines of at most `cells` cells: at its own line breaks, then at a space
    where one is near, else between two characters (Japanese has no spaces); never cut."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in wrap_text(part.strip(), cells)]
    if cells <= 0 or width(text) <= cells:
        return [text]
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > cells:
            space = line.rfind(" ")
            if space > len(line) // 2:  # a space in the second half: break there
                lines.append(line[:space])
                line = line[space + 1 :]
            else:
                lines.append(line)
                line = ""
            used = width(line)
            if ch == " " and not line:
                continue
        line += ch
        used += w
    if line:
        lines.append(line)
    return [part.rstrip() for part in lines]


def _fit(widths: list[int], room: int, shrink: int, floors: dict[int, int]) -> list[int]:
    """Column widths that fit in `room` cells. Without columns to wrap (`floors` empty):
    take from `shrink`, then from the widest. With them: the wrapped columns give room
    first, down to their longest word (`floors`), then `shrink` down to `KEEP` cells (a
    title stays readable), then the wrapped columns down to `WRAP_MIN`, then as before."""
    widths = list(widths)
    shrink = min(shrink, len(widths) - 1) if shrink >= 0 else len(widths) - 1
    over = sum(widths) + len(GAP) * (len(widths) - 1) - room
    if over > 0 and floors:
        for limit in (floors, {i: WRAP_MIN for i in floors}):
            over = _take(widths, [i for i in floors if i != shrink], limit, over)
            if limit is floors:
                over = _take(widths, [shrink], {shrink: min(widths[shrink], KEEP)}, over)
    over = _take(widths, [shrink], {shrink: 4}, over)
    while over > 0:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= 1:
            break
        widths[i] -= 1
        over -= 1
    return widths


def _take(widths: list[int], columns: list[int], floors: dict[int, int], over: int) -> int:
    """Narrow `columns`, the widest above its floor first, until `over` cells are found;
    returns what is still over."""
    while over > 0:
        above = [i for i in columns if widths[i] > floors[i]]
        if not above:
            break
        i = max(above, key=lambda k: widths[k] - floors[k])
        widths[i] -= 1
        over -= 1
    return over
