"""Screens with Japanese titles: a header row, columns aligned by display width, names in
Japanese, cut with … only on a terminal, coloured only on a terminal without NO_COLOR."""

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
import wcwidth
from freezegun import freeze_time
from support.daemon import daemon_env

from journal.core.deadlines import KIND_SPECS
from journal.text.labels import STATES

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T03:00:00+00:00"  # 12:00 in Tokyo
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ENGLISH_IDS = sorted(set(STATES) | set(KIND_SPECS), key=len, reverse=True)


def cells(text: str) -> list[str]:
    """The line as terminal cells: a wide character fills two (the second is '')."""
    out: list[str] = []
    for ch in text:
        w = wcwidth.wcwidth(ch)
        out.extend([ch] + [""] * (max(w, 1) - 1))
    return out


def column_starts(header: str) -> list[int]:
    """Where each header label starts, in cells (labels are separated by 2+ spaces)."""
    row = cells(header)
    starts = [0]
    for i in range(2, len(row)):
        if row[i] not in (" ", "") and row[i - 1] == " " and row[i - 2] == " ":
            starts.append(i)
    return starts


def assert_aligned(block: str) -> None:
    lines = [line for line in block.splitlines() if line.strip()]
    starts = column_starts(lines[0])
    assert len(starts) >= 3, lines[0]
    for line in lines[1:]:
        row = cells(line)
        ends = [*starts[2:], len(row) + 2]
        for s, end in zip(starts[1:], ends, strict=True):
            if s >= len(row):
                continue  # this cell and the ones after it are empty (the line is trimmed)
            cell = "".join(row[s : end - 2]).strip()
            # the column starts exactly here: a gap before it, and text from here (or empty)
            assert row[s - 2 : s] == [" ", " "], (s, line)
            assert not cell or row[s] not in (" ", ""), (s, line)


@pytest.fixture
def ja(run, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        for args in (
            ["listed", "--platform", "ラクマ", "--title", "ボトムス 2点セット", "--price", "3000"]
            + ["--request-required"],
            ["listed", "--platform", "メルカリ", "--title", "ニット", "--price", "2500"],
            ["listed", "--platform", "ヤフオク", "--title", "カメラ", "--price", "9000"],
            ["request", "T1", "--buyer", "さくら"],
            ["sold", "T2", "--buyer", "けん"],
            ["paid", "T2"],
        ):
            assert run("add", *args).code == 0
        yield run


def test_list_upcoming_show_align_by_display_width(ja) -> None:
    with freeze_time(NOW):
        listing = ja("list").out
        assert listing.splitlines()[0].split()[:3] == ["ID", "アプリ", "状態"]
        assert_aligned(listing)
        assert_aligned(ja("upcoming").out)
        shown = ja("show", "T2").out
        deadlines, events = shown.split("\n\n")[1:3]
        assert_aligned(deadlines)
        assert_aligned(events)


def test_japanese_screens_use_no_english_ids(ja) -> None:
    with freeze_time(NOW):
        for args in (("list",), ("upcoming",), ("show", "T1"), ("show", "T2"), ("reminders",)):
            out = ja(*args).out
            for ident in ENGLISH_IDS:
                assert not re.search(rf"(?<![\w=]){re.escape(ident)}(?![\w=])", out), (args, ident)
        listing = ja("list").out
        for name in ("ラクマ", "メルカリ", "ヤフオク", "購入申請中", "発送待ち", "出品中"):
            assert name in listing


ENGLISH_SENTENCE = re.compile(r"\b[a-z]{2,}(?:[ ,]+[a-z]{2,}){2,}")


def test_japanese_screens_have_no_english_sentences(ja) -> None:
    """Words for people are Japanese; what remains in Latin letters is data (titles, ids,
    `key=value` details of an event)."""
    with freeze_time(NOW):
        for args in (("list",), ("upcoming",), ("show", "T2"), ("reminders",), ("items",)):
            out = ja(*args).out
            prose = re.sub(r"\S+=\S+", " ", out)  # an event's stored fields
            prose = re.sub(r"journal(?: [a-z-]+)+", " ", prose)  # a command to type
            assert ENGLISH_SENTENCE.findall(prose) == [], (args, out)


URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:com|jp|info|net|click)\S*")


def test_japanese_rules_name_kinds_anchors_and_confidence_in_japanese(run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    out = run("rules").out
    prose = URL.sub(" ", out)
    for ident in [*ENGLISH_IDS, "official", "single-source", "several-sources", "counted from"]:
        assert not re.search(rf"(?<![\w=\[-]){re.escape(ident)}(?![\w=\]-])", prose), ident
    for words in ("過ぎると", "起点", "公式", "発送", "取引メッセージ"):
        assert words in out
    assert "(calendar days)" not in out and " later" not in out
    # each app's rules are a table: a header row, columns aligned by display width
    lines = run("rules", "mercari").out.splitlines()
    table = []
    for line in lines[1:]:
        if line.startswith("  "):
            break
        table.append(line)
    assert table[0].split()[:3] == ["期限の種類", "値", "起点"] and len(table) > 5
    assert_aligned("\n".join(table))


def test_piped_output_is_not_cut_or_coloured(ja) -> None:
    long_title = "とても長いタイトルのワンピース・春夏秋冬に着られる一着・送料込み" * 2
    with freeze_time(NOW):
        assert (
            ja("add", "listed", "--platform", "mercari", "--title", long_title, "--price", "1").code
            == 0
        )
        out = ja("list").out
    assert long_title in out and "…" not in out and "\x1b[" not in out


def _on_a_terminal(args: list[str], env: dict[str, str], columns: int) -> str:
    """Run the real command with its stdout on a pseudo-terminal `columns` wide."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    exe = Path(sys.executable).with_name("journal")
    command = [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]
    env = {k: v for k, v in {**os.environ, **env}.items() if k != "COLUMNS"}
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


@pytest.mark.slow
def test_terminal_rows_are_cut_to_its_width_and_coloured(tmp_path) -> None:
    env = {
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_LANG": "ja",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
    }
    title = "とても長いタイトルのワンピース・春夏秋冬に着られる一着・送料込み"
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", title, "--price", "2500"]
        + ["--ship-days", "1-2", "--at", "-3d"],
        ["add", "sold", "T1", "--buyer", "けん", "--at", "-2d"],
        ["add", "paid", "T1", "--at", "-36h"],  # ship by now + 12 h: due within a day
    ):
        subprocess.run([*base, *args], env={**os.environ, **env}, check=True, capture_output=True)
    out = _on_a_terminal(["list"], env, 60)
    plain = ANSI.sub("", out)
    for line in plain.splitlines():
        assert wcwidth.wcswidth(line) <= 60, line
    assert "…" in plain and title not in plain
    assert "\x1b[33m" in out  # due within a day: yellow
    quiet = _on_a_terminal(["list"], {**env, "NO_COLOR": "1"}, 60)
    assert "\x1b[" not in quiet


def test_json_keeps_english_ids_and_gives_the_effect_in_japanese(ja) -> None:
    with freeze_time(NOW):
        items = ja("upcoming", "--json").json()
        shown = ja("show", "T2", "--json").json()
    assert {i["kind"] for i in items} == {"respond_request", "ship"}
    assert all(re.search(r"[ぁ-んァ-ン一-龥]", i["effect"]) for i in items)
    assert shown["state"] == "awaiting_shipment" and shown["platform"] == "mercari"
    assert all(re.search(r"[ぁ-んァ-ン一-龥]", d["effect"]) for d in shown["deadlines"])


@pytest.mark.slow
def test_the_daemon_logs_in_japanese(tmp_path) -> None:
    env = daemon_env(tmp_path / "j.sqlite", tmp_path / "none.toml", JOURNAL_LANG="ja")
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500"]
        + ["--ship-days", "1-2", "--at", "-3d"],
        ["add", "sold", "T1", "--buyer", "けん", "--at", "-2d"],
        ["add", "paid", "T1", "--at", "-46h"],  # ship by now + 2 h: the 3 h reminder is due
    ):
        subprocess.run([*base, *args], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [*base, "daemon", "--once", "--notifier", "console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    logged = [line for line in done.stderr.splitlines() if "journal daemon:" in line]
    assert logged and all("通知しました" in line for line in logged)
    assert "reminded" not in done.stderr
