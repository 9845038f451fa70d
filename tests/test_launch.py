"""The `journal` entry point (journal/commands/launch.py) answers `--help` and a Tab on a
trade id without click, and its answers are click's own, byte for byte: each case runs the
real entry point in a fresh process, once to let click answer (and the shortcut learn) and
once more to answer from the shortcut, which must not have imported click. (The trade ids
are checked against the same request answered through `cli.main`, i.e. click.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ENTRY = """
import json, sys
from journal.commands.launch import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\nLAUNCH " + json.dumps({"code": code, "click": "click" in sys.modules}) + "\\n")
"""
CLICK = ENTRY.replace("from journal.commands.launch import main", "from cli import main")


def run(env: dict[str, str], *args: str, program: str = ENTRY) -> tuple[str, int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        env=env,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    err = done.stderr.decode()
    found = json.loads([x for x in err.splitlines() if x.startswith("LAUNCH ")][-1][7:])
    return done.stdout.decode(), found["code"], found["click"]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A user with a journal in the default place (a title with a colon, in Japanese)."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "HOME": str(tmp_path),
        "COLUMNS": "90",
    }
    for name in ("JOURNAL_DB", "JOURNAL_CONFIG", "_JOURNAL_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
        env.pop(name, None)
    for title in ("ニット: 白", "plain"):
        args = ("add", "listed", "--platform", "mercari", "--title", title, "--price", "900")
        assert run(env, *args, program=CLICK)[1] == 0
    return env


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_clicks_and_then_needs_no_click(env, flag):
    expected, code, _ = run(env, flag, program=CLICK)
    assert code == 0 and "Usage: journal" in expected
    first = run(env, flag)
    assert first == (expected, 0, True)  # click answered, the text was kept
    assert run(env, flag) == (expected, 0, False)  # the kept text, without click


def test_help_follows_the_language_and_the_width(env):
    english = run(env, "--help")[0]
    assert run(env, "--help")[0] == english
    japanese_env = {**env, "JOURNAL_LANG": "ja"}
    japanese = run(japanese_env, "--help", program=CLICK)[0]
    assert japanese != english
    assert run(japanese_env, "--help")[:2] == (japanese, 0)
    assert run(japanese_env, "--help") == (japanese, 0, False)
    narrow_env = {**env, "COLUMNS": "60"}
    narrow = run(narrow_env, "--help", program=CLICK)[0]
    assert narrow != english
    assert run(narrow_env, "--help")[0] == narrow
    assert run(narrow_env, "--help") == (narrow, 0, False)


def test_a_damaged_help_text_is_made_again(env, tmp_path):
    expected = run(env, "--help")[0]
    [kept] = (tmp_path / "cache" / "trade-journal").glob("help-*.txt")
    kept.write_bytes(b"\xff\xfe broken")
    assert run(env, "--help") == (expected, 0, True)
    assert run(env, "--help") == (expected, 0, False)


def tab(shell: str, words: str, cword: str) -> dict[str, str]:
    return {"_JOURNAL_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}


CASES = [
    ("bash", "journal show ", "2"),
    ("bash", "journal show T", "2"),
    ("bash", "journal log t1", "2"),
    ("zsh", "journal show ", "2"),
    ("zsh", "journal message T", "2"),
    ("fish", "journal show T", "T"),
    ("fish", "journal show ", ""),
]


@pytest.mark.parametrize(("shell", "words", "cword"), CASES)
def test_tab_on_a_trade_id_is_clicks_and_then_needs_no_click(env, shell, words, cword):
    asked = {**env, **tab(shell, words, cword)}
    expected, code, _ = run(asked, program=CLICK)  # click answers, and teaches the shortcut
    assert code == 0 and "T1" in expected
    assert run(asked) == (expected, 0, False)


def test_tab_reads_the_journal_each_time(env):
    asked = {**env, **tab("bash", "journal show ", "2")}
    run(asked)
    before = run(asked)[0]
    add = ("add", "listed", "--platform", "rakuma", "--title", "new", "--price", "500")
    assert run(env, *add)[1] == 0
    after, code, clicked = run(asked)
    assert not clicked and code == 0
    assert after == run(asked, program=CLICK)[0] and after.count("\n") == before.count("\n") + 1


@pytest.mark.parametrize(
    ("shell", "words", "cword"),
    [
        ("bash", "journal sh", "1"),  # a command name
        ("bash", "journal show --", "2"),  # an option
        ("bash", "journal show --db x.sqlite ", "4"),  # another journal
        ("bash", "journal show 'T", "2"),  # a quote only click reads
        ("zsh", "journal list --platform ", "3"),  # a choice
    ],
)
def test_every_other_tab_is_clicks(env, shell, words, cword):
    asked = {**env, **tab(shell, words, cword)}
    expected = run(asked, program=CLICK)[0]
    run(asked)
    assert run(asked) == (expected, 0, True)
