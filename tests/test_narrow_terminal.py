"""The main screens on a real pseudo-terminal 80 and 120 columns wide: no line overflows,
the title stays readable (not cut to a character), the overdue mark is seen, dates are
short when the terminal is narrow, `rules` wraps its long cells, and help is wrapped by
display width, never inside a Latin word."""

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from journal.text.table import width

ROOT = Path(__file__).resolve().parent.parent
TITLES = ("ナイキ スニーカー 26cm エアマックス 90 ホワイト", "ニューバランス 574 グレー 27cm 美品")


def _on_a_terminal(args: list[str], env: dict[str, str], columns: int) -> str:
    """The real command with its stdout on a pseudo-terminal `columns` wide (no colour)."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    exe = Path(sys.executable).with_name("journal")
    command = [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]
    env = {k: v for k, v in {**os.environ, **env, "NO_COLOR": "1"}.items() if k != "COLUMNS"}
    proc = subprocess.Popen([*command, *args], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrow")
    env = {
        "JOURNAL_DB": str(folder / "j.sqlite"),
        "JOURNAL_LANG": "ja",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(folder / "none.toml"),
    }
    base = [sys.executable, str(ROOT / "cli.py"), "add"]
    for args in (
        ["listed", "--platform", "mercari", "--title", TITLES[0], "--price", "3000"]
        + ["--item", "shoe", "--at", "-5d"],
        ["sold", "T1", "--buyer", "けん", "--at", "-4d"],  # payment overdue
        ["listed", "--platform", "yahoo-flea", "--title", TITLES[1], "--price", "4800"]
        + ["--at", "-5d"],
        ["sold", "T2", "--buyer", "かな", "--at", "-4d"],  # paid at once: ship-by overdue
        ["listed", "--platform", "rakuma", "--title", TITLES[0], "--price", "3200"]
        + ["--item", "shoe", "--at", "-5d"],
    ):
        subprocess.run([*base, *args], env={**os.environ, **env}, check=True, capture_output=True)
    return env


def _fits(out: str, columns: int) -> list[str]:
    lines = out.splitlines()
    for line in lines:
        assert width(line) <= columns, (columns, line)
    return lines


def _title_start(out: str, title: str, cells: int = 18) -> bool:
    """At least the title's first `cells` cells are shown on one line."""
    start, used = "", 0
    for ch in title:
        used += width(ch)
        if used > cells:
            break
        start += ch
    return start in out


@pytest.mark.parametrize("columns", [80, 120])
def test_list_and_upcoming_keep_titles_and_the_overdue_mark(env, columns) -> None:
    for args in (["list", "--all"], ["upcoming"]):
        out = _on_a_terminal(args, env, columns)
        lines = _fits(out, columns)
        for title in TITLES:
            assert _title_start(out, title), (args, out)
        assert out.count("期限超過") >= 2, (args, out)  # the mark is seen, not cut
        assert all(not re.search(r"\S…$", line) or len(line) > 40 for line in lines)
    narrow = _on_a_terminal(["list", "--all"], env, 80)
    assert re.search(r"\d+/\d+\([月火水木金土日]\)\d\d:\d\d", narrow)  # 12/3(木)23:59
    assert "2026-" not in narrow


@pytest.mark.parametrize("columns", [80, 120])
def test_reminders_and_items_fit(env, columns) -> None:
    for args in (["reminders"], ["items"]):
        out = _on_a_terminal(args, env, columns)
        _fits(out, columns)
        assert _title_start(out, TITLES[0], 14), (args, out)
    reminders = _on_a_terminal(["reminders"], env, columns)
    assert "期限超過" in reminders and "未送信" in reminders
    assert not re.search(r"(?<!\w)[+-]?\d+[mhd]\b", reminders)  # 9時間1分後, not +541m


@pytest.mark.parametrize("columns", [80, 120])
def test_rules_wrap_their_long_cells(env, columns) -> None:
    out = _on_a_terminal(["rules", "rakuma"], env, columns)
    _fits(out, columns)
    assert "https://rakuma-guide.com/?p=181" in out  # a source whole, not cut to `https://ra…`
    assert "未回答の購入申請が自動キャンセルされる" in out.replace("\n", "")
    assert "…" not in out


LATIN = re.compile(r"[A-Za-z][\w./:$-]*")


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", [["daemon"], ["add", "listed"], ["list"], ["export"]])
def test_help_wraps_by_display_width_and_not_inside_a_word(env, command, columns) -> None:
    out = _on_a_terminal([*command, "--help"], env, columns)
    for line in out.splitlines():
        # an example line is printed as written (it must run when pasted)
        assert width(line) <= columns or line.strip().startswith("journal "), line
    # every Latin word of the narrow help is a whole word of the help unwrapped: a word
    # broken across two lines (`Ct` / `rl-C`) leaves pieces that are not
    whole = set(LATIN.findall(_on_a_terminal([*command, "--help"], env, 1000)))
    assert set(LATIN.findall(out)) <= whole, set(LATIN.findall(out)) - whole


@pytest.mark.parametrize("columns", [80, 120])
def test_show_wraps_effects_and_event_phrases(env, columns) -> None:
    out = _on_a_terminal(["show", "T1"], env, columns)
    _fits(out, columns)
    assert "…" not in out  # each effect and each event's phrase whole, on more lines
    assert "価格 ¥3,000" in out and "けん 様" in out  # the events said in words
