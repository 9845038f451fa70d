"""Every output path option, fuzzed (Hypothesis, in-process through `cli.main` as in
tests/test_fuzz.py, with its "ci"/"long" profiles): `calendar -o`, `export -o` (jsonl and
csv), `money --chart`, `backup PATH` and the config's `[calendar] path` with
`daemon --once`. Whatever the path, and whatever is there (a FIFO, a symlink, a dangling
one, a folder, an existing file), never exit 3, never a traceback, a refusal is one line
and leaves the journal, the FIFO and the symlink's target as they were.

HOME is the case's folder, so `~` stays inside it; absolute paths are made relative (only
`/` itself is tried as it is), and the case's folder is nested deeper than any `..` can
climb: nothing outside the tmp folder is ever written.
"""

import json
import os
import shutil
import signal
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import journal_process
from hypothesis import example, given
from hypothesis import strategies as st
from integrity_support import fingerprint, settle
from test_fuzz import HOSTILE, assert_clean, run_in_process  # also loads the profile

PARTS = [
    *("", ".", "..", "-", "~", "x", "x.ics", "x.csv", "x.png", "x.svg", "x.jsonl", "長" * 90),
    *("sub", "fifo", "link", "dangling", "exist.csv", "folder", " ", "x" * 300, ".x.ics"),
]
paths = st.one_of(
    st.sampled_from([p for p in HOSTILE if not p.startswith("/")] + ["/", "~/", "~/x.ics"]),
    st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map("/".join),
    st.lists(st.sampled_from(PARTS), min_size=1, max_size=3).map(lambda p: "/".join(p) + "/"),
    st.text(max_size=20),
).map(lambda p: p if p == "/" or not p.startswith("/") else "." + p)  # stay in the folder

OUTPUTS = {
    "calendar": lambda p: ["calendar", "-o", p],
    "jsonl": lambda p: ["export", "-o", p],
    "csv": lambda p: ["export", "--format", "csv", "-o", p],
    "chart": lambda p: ["money", "--chart", p],
    "backup": lambda p: ["backup", p],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    db = folder / "journal.sqlite"
    env = {
        "JOURNAL_DB": str(db),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(folder / "none.toml"),
    }
    for args in (
        ["add", "listed", "--platform", "rakuma", "--title", "=1+1", "--price", "900"],
        ["add", "hold", "T1", "--buyer", "b", "--until", "+2d"],
    ):
        done = journal_process(*args, env=env)
        assert done.returncode == 0, (args, done.stderr)
    settle(db)
    return folder


def _case(template: Path, folder: Path, config: str | None = None) -> tuple[dict, str]:
    """A fresh folder with the journal and something of each kind to write onto."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "journal.sqlite"
    shutil.copy(template / "journal.sqlite", db)
    (folder / "sub").mkdir()
    (folder / "folder").mkdir()
    os.mkfifo(folder / "fifo")
    (folder / "victim.txt").write_text("precious")
    (folder / "link").symlink_to(folder / "victim.txt")
    (folder / "dangling").symlink_to(folder / "nowhere")
    (folder / "exist.csv").write_text("keep")
    if config is not None:
        (folder / "config.toml").write_text(config, encoding="utf-8")
    env = {
        "JOURNAL_DB": str(db),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(folder / "config.toml"),
        "XDG_CONFIG_HOME": str(folder / "xdg"),
        "HOME": str(folder),
    }
    return env, fingerprint(db)


def _unharmed(folder: Path, rewritten: bool = False) -> None:
    """What was there is still there (the calendar may replace a regular file by design)."""
    assert stat.S_ISFIFO(os.lstat(folder / "fifo").st_mode)
    assert (folder / "link").is_symlink() and (folder / "dangling").is_symlink()
    assert (folder / "victim.txt").read_text() == "precious"
    assert rewritten or (folder / "exist.csv").read_text() == "keep"
    assert not (folder / "nowhere").exists()


@contextmanager
def _no_hang(seconds: int = 60):
    """A command that blocks (the old writer opened a FIFO and waited) fails, not hangs."""

    def expire(_signum, _frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


DEEP = "/".join("abcdefgh")  # deeper than the `..` of any path drawn (20 characters at most)


@given(kind=st.sampled_from(sorted(OUTPUTS)), path=paths)
@example(kind="calendar", path="")
@example(kind="calendar", path=".")
@example(kind="calendar", path="/")
@example(kind="calendar", path="x.ics/")
@example(kind="calendar", path="fifo")
@example(kind="csv", path=".")
@example(kind="csv", path="/")
@example(kind="csv", path="")
@example(kind="csv", path="exist.csv")
@example(kind="csv", path="-")
@example(kind="chart", path="link")
@example(kind="backup", path="~")
@pytest.mark.slow
def test_fuzz_output_paths(template, tmp_path, kind, path):
    folder = tmp_path / DEEP / "case"
    env, before = _case(template, folder)
    with _no_hang():
        code, out, err = run_in_process(OUTPUTS[kind](path), env)
    assert_clean(code, out, err, folder / "journal.sqlite", before)
    _unharmed(folder, rewritten=kind == "calendar")


@given(path=paths)
@example(path=".")
@example(path="/")
@example(path="sub/")
@example(path="fifo")
@example(path="link")
@pytest.mark.slow
def test_fuzz_the_calendar_path_of_the_config(template, tmp_path, path):
    folder = tmp_path / DEEP / "case"
    config = f"[calendar]\npath = {json.dumps(path)}\n"
    env, _before = _case(template, folder, config)
    with _no_hang():
        code, out, err = run_in_process(["daemon", "--once", "--notifier", "console"], env)
    assert code != 3 and "Traceback" not in err, err
    assert "internal error" not in err, err
    if code != 0:
        assert err.strip().splitlines()[-1].startswith("journal: "), err
    _unharmed(folder, rewritten=True)
