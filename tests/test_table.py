"""Tables in terminal cells, checked against an independent measure (wcwidth)."""

import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.text import table

WORDS = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -ワンピースニット様専用ｱｲｳ１２３！（）・ー") + ["🙂"]),
    min_size=0,
    max_size=24,
)


def cells(line: str) -> int:
    return wcwidth.wcswidth(line)


def test_wide_characters_take_two_cells() -> None:
    assert table.width("ニット") == 6
    assert table.width("knit") == 4
    assert table.width("ﾆｯﾄ") == 3  # half-width katakana: one cell each
    assert table.pad("ニット", 8) == "ニット  "


def test_cut_ends_with_ellipsis_and_fits() -> None:
    assert table.cut("ワンピース", 6) == "ワン…"
    assert table.width(table.cut("ワンピース", 6)) <= 6
    assert table.cut("short", 10) == "short"


def test_header_and_columns_align_by_cells() -> None:
    out = table.render(
        ["ID", "タイトル", "状態"], [["T1", "ニット", "発送待ち"], ["T22", "knit", "listed"]]
    )
    lines = out.splitlines()
    assert lines[0].startswith("ID ")
    # the third column starts at the same cell on every line
    third = ["状態", "発送待ち", "listed"]
    starts = {cells(line[: line.index(col)]) for line, col in zip(lines, third, strict=True)}
    assert len(starts) == 1


def test_piped_output_is_never_cut() -> None:
    title = "とても長いタイトルのワンピース" * 5
    out = table.render(["ID", "TITLE"], [["T1", title]])
    assert title in out and table.ELLIPSIS not in out


def test_terminal_output_fits_and_cuts_the_shrink_column() -> None:
    title = "とても長いタイトルのワンピース" * 5
    rows = [["T1", title, "発送待ち"]]
    out = table.render(["ID", "TITLE", "STATE"], rows, max_width=40, shrink=1)
    for line in out.splitlines():
        assert cells(line) <= 40
    assert "発送待ち" in out and table.ELLIPSIS in out


def test_colour_only_when_asked() -> None:
    plain = table.render(["A"], [["x"]])
    assert "\x1b[" not in plain
    coloured = table.render(["A"], [["x"], ["y"]], row_colours=["red", None])
    lines = coloured.splitlines()
    assert lines[1].startswith(table.COLOURS["red"]) and lines[1].endswith(table.RESET)
    assert "\x1b[" not in lines[2]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(WORDS, min_size=3, max_size=3), min_size=1, max_size=6),
    room=st.integers(min_value=20, max_value=120),
)
def test_any_rows_fit_the_terminal_and_align(rows: list[list[str]], room: int) -> None:
    header = ["ID", "題名", "STATE"]
    out = table.render(header, rows, max_width=room, shrink=1)
    lines = out.split("\n")
    assert len(lines) == len(rows) + 1
    for line in lines:
        assert table.width(line) == cells(line)  # our measure agrees with wcwidth
        assert cells(line) <= room
