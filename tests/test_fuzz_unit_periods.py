"""Property-based fuzzing (Hypothesis) of two more inputs, never an internal error (exit 3):
the service unit `daemon status` reads back (whatever a user, an editor or another tool
left in it), and the period options of `money` and `export --format csv`.

In-process through `cli.main`, as tests/test_fuzz.py does, with the same profiles: "ci"
(default, small) or "long" (`JOURNAL_FUZZ_PROFILE=long python -m pytest
tests/test_fuzz_unit_periods.py`).
"""

import contextlib
import io
import json
import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cli

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("JOURNAL_FUZZ_PROFILE", "ci"))

INTERNAL = 3


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A private HOME and XDG_CONFIG_HOME (no real unit is read) and a journal with a trade."""
    place = tmp_path_factory.mktemp("fuzz-unit")
    code, _out, err = _journal(
        place, "add", "listed", "--platform", "mercari", "--title", "x", "--price", "900"
    )
    assert code == 0, err
    return place


def _journal(folder: Path, *args: str) -> tuple[int, str, str]:
    """`journal ARGS` through `cli.main`, with its own environment and captured output."""
    env = {
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder / "xdg"),
        "JOURNAL_DB": str(folder / "journal.sqlite"),
        "JOURNAL_CONFIG": str(folder / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }
    saved = {k: os.environ.get(k) for k in env}
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
    return code, out.getvalue(), err.getvalue()


# --- the unit `daemon status` reads ---------------------------------------------------------

PIECES = [
    "[Service]\n", "[Unit]\n", "ExecStart=", "ExecStart =", "\n", "\\\n", " ", "\t", "#", ";",
    '"', "'", "\\", "\\x", "\\x4", "\\u00e9", "\\U0010ffff", "\\U00110000", "\\ud800", "\\000",
    "\\n", "\\s", "%", "%%", "%h", "$", "$$", "${HOME}", "-", "@", ":", "+", "!", "|",
    "/usr/bin/journal", "/bin/sh", "daemon", "--db", "/h/o'brien.sqlite", "é", "日記", "\x00",
    "\x1b[31m", "\u2028", "/" * 300, "x" * 5000,
]  # fmt: skip
UNIT_TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=30).map("".join)
UNIT_BYTES = st.one_of(
    UNIT_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200).map(lambda b: b"[Service]\nExecStart=" + b),
    st.binary(max_size=200),
)


@given(content=UNIT_BYTES, as_json=st.booleans())
@example(content=b"[Service]\nExecStart=/usr/bin/journal --db /h/o'brien.sqlite\n", as_json=False)
@example(content=b"[Service]\nExecStart=\n", as_json=False)
@example(content=b"[Service]\nExecStart=/usr/bin/jo\xffurnal\n", as_json=True)
@example(content=b"[Service]\nExecStart=-/bin/sh -c true\n", as_json=True)
@example(content=b"[Service]\nExecStart=\\x00\n", as_json=False)
def test_status_reads_any_unit_without_an_internal_error(folder, content, as_json) -> None:
    unit = folder / "xdg" / "systemd" / "user" / "trade-journal.service"
    unit.parent.mkdir(parents=True, exist_ok=True)
    unit.write_bytes(content)
    code, out, err = _journal(folder, "daemon", "status", *(["--json"] if as_json else []))
    assert code == 0, (content, err)
    if as_json:
        data = json.loads(out)
        assert data["program"] is None or data["service_unreadable"] is None
    else:
        assert out.strip() and "Traceback" not in out + err


# --- the period options -----------------------------------------------------------------------

YEARS = st.integers(min_value=-(10**25), max_value=10**25) | st.integers(1990, 2110)
MONTH = st.one_of(
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 99999), st.integers(0, 13)),
    st.text(max_size=12),
)
DAY = st.one_of(
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", *(st.integers(0, 12000),) * 1,
              st.integers(0, 13), st.integers(0, 32)),
    st.text(max_size=12),
)  # fmt: skip


@given(
    option=st.sampled_from(["--year", "--month", "--from/--to"]),
    year=YEARS,
    month=MONTH,
    first=DAY,
    last=DAY,
)
@example(option="--month", year=0, month="9999-12", first="", last="")
@example(option="--month", year=0, month="0001-01", first="", last="")
@example(option="--from/--to", year=0, month="", first="9999-12-31", last="9999-12-31")
def test_money_periods_never_an_internal_error(folder, option, year, month, first, last) -> None:
    if option == "--year":
        args = ["--year", str(year)]
    elif option == "--month":
        args = ["--month", month]
    else:
        args = ["--from", first, "--to", last]
    code, _out, err = _journal(folder, "money", *args)
    assert code in (0, 2), (args, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err


@given(year=YEARS)
@example(year=0)
@example(year=99999999999999999999)
def test_csv_export_years_never_an_internal_error(folder, year) -> None:
    target = folder / f"{uuid.uuid4().hex}.csv"
    code, _out, err = _journal(
        folder, "export", "--format", "csv", "--year", str(year), "-o", str(target)
    )
    assert code in (0, 2), (year, err)
    assert (code == 0) == (2000 <= year <= 2100) == target.exists(), (year, err)
    target.unlink(missing_ok=True)
