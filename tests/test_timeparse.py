"""WHEN and DURATION parsing: pure, with `now` and the zone passed in."""

import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.core.errors import BadInput
from journal.core.timeparse import parse_duration, parse_when

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 1, 0, 30, tzinfo=UTC)  # 10:00:30 in Tokyo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("today", NOW),
        ("yesterday", NOW - timedelta(days=1)),
        ("+3d", NOW + timedelta(days=3)),
        ("-2h", NOW - timedelta(hours=2)),
        ("+90m", NOW + timedelta(minutes=90)),
        ("+8s", NOW + timedelta(seconds=8)),
        ("+1w", NOW + timedelta(weeks=1)),
        ("2026-11-24", datetime(2026, 11, 23, 15, 0, tzinfo=UTC)),
        ("2026-11-24T18:30", datetime(2026, 11, 24, 9, 30, tzinfo=UTC)),
        ("2026-11-24 18:30:15", datetime(2026, 11, 24, 9, 30, 15, tzinfo=UTC)),
        ("2026-11-24T18:30+00:00", datetime(2026, 11, 24, 18, 30, tzinfo=UTC)),
        ("2026-11-24T18:30Z", datetime(2026, 11, 24, 18, 30, tzinfo=UTC)),
        ("2026-11-24T18:30-0500", datetime(2026, 11, 24, 23, 30, tzinfo=UTC)),
    ],
)
def test_when_forms(text, expected):
    assert parse_when(text, now=NOW, tz=TOKYO) == expected


def test_a_date_alone_as_an_end_means_its_last_minute():
    got = parse_when("2026-11-15", now=NOW, tz=TOKYO, date_only="end")
    assert got == datetime(2026, 11, 15, 23, 59, tzinfo=TOKYO)


def test_naive_times_use_the_users_zone():
    got = parse_when("2026-07-01T09:00", now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert got == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # CEST is UTC+2


@pytest.mark.parametrize("text", ["2026-03-29T02:30", "2026-10-25T02:30"])
def test_nonexistent_or_ambiguous_local_times_are_refused(text):
    with pytest.raises(BadInput) as caught:
        parse_when(text, now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert caught.value.key == "ambiguous_when"


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-13-01", "2026-02-30", "24/11/2026", "+3x", "3d", "2026-11-24T25:00"]
)
def test_bad_when(text):
    with pytest.raises(BadInput):
        parse_when(text, now=NOW, tz=TOKYO)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("48h", timedelta(hours=48)), ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2))],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "-7d", "1.5d", "7 days"])
def test_bad_durations(text):
    with pytest.raises(BadInput):
        parse_duration(text)


@given(st.text(alphabet="0123456789-: /年月日時分半令和元午前後今朝夜晩昨abc", max_size=14))
def test_the_rewrites_skipped_for_plain_ascii_are_those_that_cannot_match(text):
    """`normalized` skips the rewrites on ASCII text without a dash: every one of them needs
    a Japanese word or 12-04's dash, so the result is the same as applying them all."""
    from journal.core import timeparse

    raw = " ".join(unicodedata.normalize("NFKC", text).split()).lower()
    for pattern, replace in timeparse._REWRITES:
        raw = pattern.sub(replace, raw)
    assert timeparse.normalized(text) == raw


def test_importing_the_parser_compiles_no_pattern():
    """The patterns are compiled when first used (a command uses one or two)."""
    code = (
        "from journal.core import timeparse as t;"
        "from journal.core.patterns import LazyPattern as L;"
        "from tests.test_patterns import compiled;"
        "print(sum(compiled(p) for p in"
        " [v for v in vars(t).values() if isinstance(v, L)]"
        " + [p for p, _ in t._REWRITES]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "0", done.stderr


@given(st.from_regex(r"\A[0-9]{4}-[0-9T:+\-. 年月日時分/zZ]{0,16}\Z"))
def test_a_when_that_starts_as_an_iso_date_matches_none_of_the_other_forms(text):
    """parse_when reads `2026-…` as ISO at once: none of the forms before it could match."""
    from journal.core import timeparse as t

    raw = t.normalized(text)
    others = (t._RELATIVE, t._AGO, t._DAY_WORD_AT, t._CLOCK_ONLY, t._DAYS_AGO_AT, t._WEEKDAY)
    assert not any(p.match(raw) for p in (*others, t._SLASHED))
