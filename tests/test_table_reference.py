"""`journal.text.table.render` against the plain version it replaced: every cell cleaned,
measured, cut or wrapped, and padded one at a time. The table measures and pads whole
columns at once when every cell fits (a screen of hundreds of reminders); whatever it
writes must be what the plain version writes, for any cells, widths and options."""

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.text import table
from journal.text.table import COLOURS, GAP, RESET, WRAP_MIN, clean, cut, pad, width, wrap_text


def plain_render(
    header, rows, *, max_width=None, shrink=None, row_colours=None, indent="", wrap=()
):
    cols = len(header)
    grid = [list(map(clean, header))] + [
        [_cell(c, i in wrap) for i, c in enumerate(r)] for r in rows
    ]
    widths = [max(_cell_width(r[i]) for r in grid) for i in range(cols)]
    if max_width is not None:
        at = cols if shrink is None else shrink
        floors = {
            i: min(widths[i], max(WRAP_MIN, table._longest_word([r[i] for r in grid])))
            for i in wrap
        }
        widths = table._fit(widths, max_width - width(indent), at, floors)
    lines = []
    for n, row in enumerate(grid):
        colour = None if n == 0 or row_colours is None else row_colours[n - 1]
        if n == 0 and row_colours is not None:
            colour = "bold"
        cells = [
            wrap_text(row[i], widths[i]) if i in wrap else [cut(row[i], widths[i])]
            for i in range(cols)
        ]
        for k in range(max(map(len, cells))):
            parts = [c[k] if k < len(c) else "" for c in cells]
            line = indent + GAP.join(pad(c, widths[i]) for i, c in enumerate(parts[:-1]))
            line = (line + (GAP if cols > 1 else "") + parts[-1]).rstrip()
            lines.append(f"{COLOURS[colour]}{line}{RESET}" if colour else line)
    return "\n".join(lines)


def _cell(value, lines):
    if lines:
        return "\n".join(clean(part) for part in str(value).split("\n"))
    return clean(str(value))


def _cell_width(text):
    return max(map(width, text.split("\n"))) if "\n" in text else width(text)


# ASCII (ids, times), Japanese (titles), wide spaces, controls, a zero-width space, an emoji
LETTERS = st.sampled_from(
    [*"abc xyz 12:-", *"日本語の出品　", "\n", "\t", "\x1b", "é", "\u200b", "👍"]
)
CELL = st.one_of(st.text(LETTERS, max_size=30), st.integers(0, 10**6))


@st.composite
def tables(draw):
    cols = draw(st.integers(1, 6))
    header = draw(st.lists(st.text(LETTERS, max_size=8), min_size=cols, max_size=cols))
    rows = draw(st.lists(st.lists(CELL, min_size=cols, max_size=cols), max_size=6))
    options = {
        "max_width": draw(st.one_of(st.none(), st.integers(5, 160))),
        "shrink": draw(st.one_of(st.none(), st.integers(0, cols - 1))),
        "indent": draw(st.sampled_from(["", "  "])),
        "wrap": draw(st.lists(st.integers(0, cols - 1), unique=True)),
    }
    if draw(st.booleans()):
        options["row_colours"] = draw(
            st.lists(
                st.sampled_from([None, "red", "yellow"]), min_size=len(rows), max_size=len(rows)
            )
        )
    return header, rows, options


@settings(max_examples=1500, deadline=None)
@given(tables())
def test_the_table_is_what_the_plain_version_writes(case):
    header, rows, options = case
    assert table.render(header, rows, **options) == plain_render(header, rows, **options)


def test_a_screen_of_reminders_is_written_column_by_column_as_the_plain_version():
    rows = [
        [
            f"2026-12-{d:02d} Thu 09:00",
            f"T{d}",
            "ship",
            "1 d before",
            "planned",
            "出品タイトル" * (d % 3),
        ]
        for d in range(1, 29)
    ]
    header = ["AT", "ID", "DEADLINE", "BEFORE", "STATUS", "TITLE"]
    for options in ({}, {"max_width": 200}, {"max_width": 60, "wrap": [2, 4, 5], "shrink": 5}):
        assert table.render(header, rows, **options) == plain_render(header, rows, **options)
