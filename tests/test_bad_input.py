"""Bad input through the real command: one clear line, the documented status, nothing written.

Every case runs against a journal holding a few trades in known states; afterwards the
journal file's bytes (main file and WAL) must be exactly what they were before.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from integrity_support import fingerprint, rows, settle

from journal.service import Journal

BAD, REFUSED = 2, 1
LONG = "長" * 10_000

# (id, arguments, expected status, words the one line must contain, extra environment)
CASES = [
    # unknown trade, and ids that are not ids
    ("unknown-trade-show", ["show", "T99"], BAD, "unknown trade 'T99'", {}),
    ("unknown-trade-add", ["add", "paid", "T99"], BAD, "unknown trade 'T99'", {}),
    ("unknown-trade-log", ["log", "T99"], BAD, "unknown trade", {}),
    (
        "unknown-trade-bundle",
        ["add", "bundle", "T4", "T98", "--price", "1", "--buyer", "x"],
        BAD,
        "unknown trade 'T98'",
        {},
    ),
    ("bad-id", ["add", "shipped", "T 1!"], BAD, "bad trade id", {}),
    ("sql-id", ["show", "T1' OR '1'='1"], BAD, "unknown trade", {}),
    (
        "id-taken",
        ["add", "listed", "--id", "T1", "--platform", "rakuma", "--title", "x", "--price", "1"],
        BAD,
        "already exists",
        {},
    ),
    # each impossible step
    ("ship-before-sale", ["add", "shipped", "T4"], REFUSED, "cannot record shipped", {}),
    (
        "sold-needs-request",
        ["add", "sold", "T1", "--buyer", "b"],
        REFUSED,
        "needs a purchase request",
        {},
    ),
    (
        "request-not-allowed",
        ["add", "request", "T4", "--buyer", "b"],
        REFUSED,
        "without --request-required",
        {},
    ),
    ("approve-without-request", ["add", "approved", "T4"], REFUSED, "cannot record approved", {}),
    ("rate-before-receipt", ["add", "rated", "T2"], REFUSED, "cannot record rated", {}),
    ("pay-twice", ["add", "paid", "T2"], REFUSED, "is paid already", {}),
    ("step-after-cancel", ["add", "shipped", "T3"], REFUSED, "only messages and notes", {}),
    ("end-missing-hold", ["add", "hold-ended", "T4"], REFUSED, "no hold to end", {}),
    ("answer-missing-offer", ["add", "offer-accepted", "T4"], REFUSED, "no open price offer", {}),
    (
        "before-creation",
        ["add", "price", "T4", "--price", "800", "--at", "2020-01-01"],
        REFUSED,
        "before the trade began",
        {},
    ),
    ("out-of-order", ["add", "shipped", "T2", "--at", "-3d"], REFUSED, "cannot be earlier", {}),
    (
        "bundle-one",
        ["add", "bundle", "T4", "T4", "--price", "1", "--buyer", "x"],
        BAD,
        "at least two",
        {},
    ),
    (
        "bundle-platforms",
        ["add", "bundle", "T4", "T5", "--price", "1", "--buyer", "x"],
        REFUSED,
        "one platform",
        {},
    ),
    ("void-unknown", ["void", "999", "--reason", "r"], BAD, "no event #999", {}),
    ("void-creation", ["void", "1", "--reason", "r"], REFUSED, "cannot be voided", {}),
    ("void-not-number", ["void", "one", "--reason", "r"], BAD, "not a valid integer", {}),
    # dates
    ("bad-date", ["add", "note", "T4", "--note", "n", "--at", "2026-13-45"], BAD, "bad time", {}),
    (
        "bad-hour",
        ["add", "note", "T4", "--note", "n", "--at", "2026-11-20 25:00"],
        BAD,
        "bad time",
        {},
    ),
    (
        "words-date",
        ["add", "note", "T4", "--note", "n", "--at", "next tuesday"],
        BAD,
        "bad time",
        {},
    ),
    ("future-date", ["add", "note", "T4", "--note", "n", "--at", "+2d"], BAD, "in the future", {}),
    (
        "ambiguous-dst",
        ["add", "note", "T4", "--note", "n", "--at", "2026-11-01T01:30"],
        BAD,
        "ambiguous",
        {"JOURNAL_TZ": "America/New_York"},
    ),
    (
        "missing-dst",
        ["upcoming", "--as-of", "2026-03-08T02:30"],
        BAD,
        "does not exist",
        {"JOURNAL_TZ": "America/New_York"},
    ),
    (
        "hold-in-past",
        ["add", "hold", "T4", "--buyer", "b", "--until", "2026-01-01"],
        REFUSED,
        "must end after",
        {},
    ),
    ("bad-duration", ["upcoming", "--within", "5x"], BAD, "bad duration", {}),
    # prices
    (
        "negative-price",
        ["add", "offer", "T4", "--buyer", "b", "--price", "-100"],
        BAD,
        "between",
        {},
    ),
    ("zero-price", ["add", "price", "T4", "--price", "0"], BAD, "between", {}),
    ("huge-price", ["add", "price", "T4", "--price", "100000000000"], BAD, "between", {}),
    ("text-price", ["add", "price", "T4", "--price", "三千"], BAD, "whole number of yen", {}),
    ("float-price", ["add", "price", "T4", "--price", "1e3"], BAD, "whole number of yen", {}),
    (
        "negative-shipping",
        [
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "x",
            "--price",
            "100",
            "--shipping",
            "-5",
        ],
        BAD,
        "between",
        {},
    ),
    # text
    ("empty-title", ["add", "price", "T4", "--title", ""], BAD, "must not be empty", {}),
    ("blank-title", ["add", "price", "T4", "--title", "   "], BAD, "must not be empty", {}),
    ("long-title", ["add", "price", "T4", "--title", LONG], BAD, "too long", {}),
    ("long-note", ["add", "note", "T4", "--note", LONG], BAD, "too long", {}),
    (
        "escape-in-title",
        ["add", "price", "T4", "--title", "red \x1b[31m"],
        BAD,
        "control characters",
        {},
    ),
    ("nul-in-note", ["add", "note", "T4", "--note", "a\x00b"], BAD, "control characters", {}),
    (
        "bidi-in-buyer",
        ["add", "request", "T1", "--buyer", "\u202eevil"],
        BAD,
        "control characters",
        {},
    ),
    (
        "missing-option",
        ["add", "listed", "--platform", "rakuma", "--title", "x"],
        BAD,
        "Missing option '--price'",
        {},
    ),
    # choices, settings
    (
        "unknown-platform",
        ["add", "listed", "--platform", "ebay", "--title", "x", "--price", "1"],
        BAD,
        "'ebay' is not one of",
        {},
    ),
    (
        "bad-ship-days",
        [
            "add",
            "listed",
            "--platform",
            "rakuma",
            "--title",
            "x",
            "--price",
            "1",
            "--ship-days",
            "9-3",  # any range N-M is taken (ヤフオク's 8-14), not one backwards
        ],
        BAD,
        "bad value '9-3' for --ship-days",
        {},
    ),
    ("unknown-command", ["frobnicate"], BAD, "No such command", {}),
    ("bad-export-format", ["export", "--format", "xml"], BAD, "'xml' is not one of", {}),
    (
        "bad-timezone-read",
        ["list"],
        BAD,
        "unknown timezone 'Mars/Phobos'",
        {"JOURNAL_TZ": "Mars/Phobos"},
    ),
    (
        "bad-timezone-write",
        ["add", "listed", "--platform", "rakuma", "--title", "x", "--price", "1"],
        BAD,
        "unknown timezone",
        {"JOURNAL_TZ": "Mars/Phobos"},
    ),
]


@pytest.fixture
def journal(journal_env, ok):
    """T1 requested (rakuma, request required), T2 paid, T3 cancelled, T4 listed, T5 rakuma."""
    ok(
        "add",
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "ボトムス",
        "--price",
        "3000",
        "--request-required",
        "--at",
        "-3d",
    )
    ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット",
        "--price",
        "2500",
        "--at",
        "-3d",
    )
    ok("add", "sold", "T2", "--buyer", "けん", "--at", "-2d")
    ok("add", "paid", "T2", "--at", "-1d")
    ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900", "--at", "-3d")
    ok("add", "cancelled", "T3", "--reason", "破損", "--at", "-2d")
    ok("add", "listed", "--platform", "mercari", "--title", "靴", "--price", "4000", "--at", "-3d")
    ok("add", "listed", "--platform", "rakuma", "--title", "鞄", "--price", "5000", "--at", "-3d")
    settle(journal_env)
    return journal_env


def one_clear_line(result) -> str:
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("journal: "), result.err
    assert "Traceback" not in result.err + result.out
    assert "internal error" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "args, status, words, env", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    journal, run, monkeypatch, args, status, words, env
):
    before_bytes, before_rows = fingerprint(journal), rows(journal)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run(*args)
    assert result.code == status, result
    assert words in one_clear_line(result)
    assert result.out == ""
    assert rows(journal) == before_rows
    assert fingerprint(journal) == before_bytes


def test_the_matrix_is_large_enough():
    assert len(CASES) + len(PATH_CASES) >= 40


def test_json_errors_are_one_object_on_stdout_too(journal, run):
    import json

    result = run("show", "T99", "--json")
    assert result.code == BAD
    one_clear_line(result)
    assert json.loads(result.out) == {"error": "unknown trade 'T99'"}


# --- the database path itself ----------------------------------------------------------------


def _directory(tmp_path):
    (tmp_path / "dir.sqlite").mkdir()
    return tmp_path / "dir.sqlite"


def _under_a_file(tmp_path):
    (tmp_path / "plain").write_text("x")
    return tmp_path / "plain" / "journal.sqlite"


def _text_file(tmp_path):
    (tmp_path / "notes.txt").write_text("これは日記です\n" * 100)
    return tmp_path / "notes.txt"


def _corrupt(tmp_path):
    good = tmp_path / "good.sqlite"
    with closing(sqlite3.connect(good)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 50)
        conn.commit()
    data = bytearray(good.read_bytes())
    data[100:4096] = os.urandom(3996)  # header kept, schema page destroyed
    (tmp_path / "corrupt.sqlite").write_bytes(bytes(data))
    return tmp_path / "corrupt.sqlite"


def _foreign(tmp_path):
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
    return path


def _empty(tmp_path):
    (tmp_path / "empty.sqlite").touch()
    return tmp_path / "empty.sqlite"


def _newer(tmp_path):

    path = tmp_path / "newer.sqlite"
    Journal(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    return path


PATH_CASES = [
    ("directory", _directory, "is a directory"),
    ("under-a-file", _under_a_file, "plain is a file"),
    ("text-file", _text_file, "is not a trade journal"),
    ("corrupt-sqlite", _corrupt, "is not a trade journal"),
    ("another-programs-database", _foreign, "is not a trade journal"),
    ("empty-file", _empty, "is an empty file"),
    ("newer-journal", _newer, "written by a newer trade-journal"),
]


@pytest.mark.parametrize("make, words", [c[1:] for c in PATH_CASES], ids=[c[0] for c in PATH_CASES])
@pytest.mark.parametrize("command", [["list"], ["add", "note", "T1", "--note", "n"], ["verify"]])
def test_unusable_database_paths(tmp_path, run, make, words, command):
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    result = run(*command, "--db", path)
    assert result.code == BAD, result
    if command == ["verify"] and make is _under_a_file:
        words = "there is no journal at"  # verify never creates one
    assert words in one_clear_line(result)
    if before is not None:
        assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


# --- places the journal cannot write or read -------------------------------------------------


@pytest.fixture
def read_only_mount(tmp_path):
    """A directory holding a journal, bind-mounted read-only (a real read-only location)."""
    import subprocess

    source, target = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    target.mkdir()
    journal = Journal(source / "journal.sqlite")
    journal.add(
        "listed", None, _past(), {"platform": "rakuma", "title": "x", "price": 100}, now=_past()
    )
    journal.close()
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root; not running as root")
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(source), str(target)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only here: {mounted.stderr.decode().strip()}")
    subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], capture_output=True)
    try:
        if os.access(target, os.W_OK):
            pytest.skip("the bind mount did not become read-only here")
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True)


def _past():
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(hours=1)


@pytest.mark.parametrize(
    "command",
    [["list"], ["add", "note", "T1", "--note", "n"], ["verify"]],
    ids=["read", "write", "verify"],
)
def test_a_journal_in_a_read_only_location(read_only_mount, journal_env, run, command):
    path = read_only_mount / "journal.sqlite"
    before = path.read_bytes()
    result = run(*command, "--db", path)
    assert result.code == BAD, result
    assert "is in a read-only place" in one_clear_line(result)
    assert path.read_bytes() == before


def test_a_new_journal_in_a_read_only_location(read_only_mount, journal_env, run):
    result = run("list", "--db", read_only_mount / "new.sqlite")
    assert result.code == BAD
    assert "Read-only file system" in one_clear_line(result)
    assert not (read_only_mount / "new.sqlite").exists()


DROP_READ_ANY = [
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def test_an_unreadable_journal(tmp_path, journal_env):
    """Mode 000 stops everyone but root; as root, the real command runs without the two
    capabilities that let root read any file (setpriv), which makes the case real."""
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    path.chmod(0o000)
    before = path.stat()
    exe = Path(sys.executable).with_name("journal")
    command = [str(exe), "list", "--db", str(path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root, who reads any file whatever its mode, without setpriv")
        probe = subprocess.run([setpriv, *DROP_READ_ANY, "--", "true"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"running as root and cannot drop capabilities: {probe.stderr!r}")
        command = [setpriv, *DROP_READ_ANY, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == BAD, result
    assert result.stderr.count("\n") == 1 and "permission denied" in result.stderr.lower()
    assert path.stat().st_mtime_ns == before.st_mtime_ns


# --- text that must work ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "ワンピース 花柄 Ｍサイズ",
        "👗🇯🇵 家族 👨‍👩‍👧 セット",
        "'); DROP TABLE events; --",
        'Robert"); DELETE FROM trades WHERE 1=1; --',
        "100% 綿 _under_ %wild%",
    ],
)
def test_japanese_emoji_and_sql_looking_text_is_kept_exactly(journal_env, ok, title):
    import json

    trade = ok(
        "add", "listed", "--platform", "yahoo-auction", "--title", title, "--price", "¥1,980"
    )
    ok("add", "note", trade, "--note", title + "\n二行目 🙏")
    shown = json.loads(ok("show", trade, "--json"))
    assert shown["title"] == title
    assert shown["price"] == 1980
    assert [e.get("note") for e in shown["events"]][-1] == title + "\n二行目 🙏"
    assert ok("verify").startswith("the journal is intact: 2 events")
