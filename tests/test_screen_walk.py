"""A walk through every screen and refusal a Japanese reader meets in a week of trades: no
English id (a state, a step, a deadline kind, a platform, a role, a status) and no English
sentence may reach them. JSON keeps its English ids (checked at the end)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time

from journal.core.deadlines import KIND_SPECS
from journal.core.steps import CATALOGUE
from journal.text.labels import HOW, PLATFORMS, ROLES, STATES, STATUSES

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-12-04T16:30:00+00:00"  # 12/5 01:30 in Tokyo
STEP_IDS = set(CATALOGUE if isinstance(CATALOGUE, dict) else (s.name for s in CATALOGUE))
IDS = sorted(
    {*STATES, *KIND_SPECS, *STEP_IDS, *PLATFORMS, *ROLES, *STATUSES, *HOW} - {"custom"},
    key=len,
    reverse=True,
)
ENGLISH_SENTENCE = re.compile(r"\b[a-z]{2,}(?:[ ,]+[a-z]{2,}){2,}")
# What may stay in Latin letters: a command to type, an option, a URL or host, a config key
# as it is written in the file, a path, the notifier's name.
ALLOWED = [
    r"journal(?: [a-z-]+)+",
    r"`[^`]+`",
    r"--[\w-]+",
    r"https?://\S+|\b[\w.-]+\.(?:com|jp|info|net|click|biz)\S*",
    r"\[[\w.-]+\] \w+",
    r"(?:/[\w.@+-]+)+",
    r"\b(?:console|desktop|command|apprise)\b",
]

WEEK = [
    ["listed", "--platform", "メルカリ", "--title", "ニット", "--price", "3000", "--at", "-4d"],
    ["sold", "T1", "--buyer", "けん", "--at", "-3d"],
    ["paid", "T1", "--at", "-3d"],
    ["shipped", "T1", "--carrier", "ゆうパケット", "--tracking", "1111-2222-3333"]
    + ["--shipping", "230", "--at", "-2d"],
    ["listed", "--platform", "ラクマ", "--title", "コート", "--price", "5000", "--cost", "800"]
    + ["--request-required", "--ship-days", "1-2", "--at", "-4d"],
    ["request", "T2", "--buyer", "ゆき", "--at", "-1d"],
    ["approved", "T2", "--at", "-1d"],
    ["listed", "--platform", "Yahoo!フリマ", "--title", "バッグ", "--price", "4800", "--at", "-2d"],
    ["hold", "T3", "--buyer", "はな", "--until", "+2d"],
    ["listed", "--platform", "ヤフオク", "--title", "カメラ", "--price", "9000", "--at", "-3d"],
    ["sold", "T4", "--buyer", "たろう", "--price", "9500", "--at", "-2d"],
    ["listed", "--platform", "ラクマ", "--title", "ニット A", "--price", "1000", "--at", "-3d"],
    ["listed", "--platform", "ラクマ", "--title", "ニット B", "--price", "1000", "--at", "-3d"],
    ["bundle", "T5", "T6", "--price", "1800", "--buyer", "みお", "--until", "+1d"],
    ["bought", "--platform", "メルカリ", "--title", "古着", "--price", "4000", "--at", "-1d"],
    ["cost", "T1", "--cost", "650", "--extra", "40"],
    ["note", "T1", "--note", "傷あり"],
    ["listed", "--platform", "メルカリ", "--title", "帽子", "--price", "1500", "--at", "-3d"],
    ["sold", "T9", "--buyer", "あや", "--at", "-2d"],
    ["cancelled", "T9", "--reason", "未入金"],
    ["listed", "--platform", "メルカリ", "--title", "靴", "--price", "2000", "--at", "-1d"],
    ["sold", "T10", "--buyer", "けん"],
]
SCREENS = [
    ["list", "--all"],
    ["upcoming"],
    ["log"],
    ["reminders"],
    ["items"],
    ["rules"],
    ["money", "--year", "2026"],
    ["money", "--year", "2026", "--by", "platform"],
    ["config"],
    ["export", "--format", "csv"],
    *(["show", f"T{n}"] for n in range(1, 11)),
]
REFUSALS = [
    ["add", "rated", "T3"],  # bad_step: a listing is not rated
    ["add", "shipped", "T1"],  # trade is shipped already
    ["add", "paid", "T10", "--at", "-5d"],  # before the trade began
    ["add", "request", "T1"],  # Mercari has no requests
    ["add", "listed", "--platform", "メルカリ", "--title", " ", "--price", "100"],
    ["add", "listed", "--platform", "らくまx", "--title", "x", "--price", "100"],
    ["add", "listed", "--platform", "メルカリ", "--title", "x", "--price", "abc"],
    ["add", "message", "T1"],  # click: missing option
    ["add", "shipped"],  # click: missing argument
    ["add", "note", "T1", "--note", "x", "--at", "昨日 18時半ごろ"],
    ["add", "bundle", "T3", "T10", "--price", "100", "--until", "+1d"],
    ["void", "1", "--reason", "間違い"],
    ["show", "T99"],
    ["list", "--state", "そのた"],
]


def _prose(text: str) -> str:
    for pattern in ALLOWED:
        text = re.sub(pattern, " ", text)
    return text


def _english(text: str) -> list[str]:
    prose = _prose(text)
    found = ENGLISH_SENTENCE.findall(prose)
    for ident in IDS:
        if re.search(rf"(?<![\w=/.-]){re.escape(ident)}(?![\w=/.-])", prose):
            found.append(ident)
    return found


@pytest.fixture
def week(run, monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    monkeypatch.setenv("COLUMNS", "200")
    with freeze_time(NOW):
        said = []
        for args in WEEK:
            result = run("add", *args)
            assert result.code == 0, (args, result.err)
            said.append((args, result.out + result.err))
        run.said = said
        assert run("add", "sold", "T3", "--buyer", "かな").code == 0  # under はな's hold: warns
        assert run("undo", "--yes").code == 0
        yield run


def test_every_screen_is_japanese(week) -> None:
    with freeze_time(NOW):
        for args in SCREENS:
            result = week(*args)
            assert result.code == 0, (args, result.err)
            assert result.out.strip(), args
            found = _english(result.out + result.err)
            assert found == [], (args, result.out, result.err)


def test_every_recorded_step_is_said_in_japanese(week) -> None:
    for args, text in week.said:
        assert _english(text) == [], (args, text)


def test_every_refusal_is_japanese(week) -> None:
    with freeze_time(NOW):
        for args in REFUSALS:
            result = week(*args)
            assert result.code != 0, args
            assert result.err.startswith("journal: "), (args, result.err)
            assert _english(result.err) == [], (args, result.err)


def test_show_and_log_say_each_event_as_a_phrase(week) -> None:
    with freeze_time(NOW):
        shown = week("show", "T1").out
        assert "ゆうパケット 追跡 1111-2222-3333 送料 ¥230" in shown
        assert "メルカリ 「ニット」 価格 ¥3,000" in shown
        assert not re.search(r"\w=", shown.split("\n\n")[-1])  # no key=value in the events
        hold = week("show", "T3").out
        assert "はな 様 期限 2026-12-07(月) 01:30" in hold  # the hold's end in JST, not UTC
        assert "Z" not in hold.split("#", 1)[1]
        bundle = week("log").out
        assert "まとめた取引 T5・T6" in bundle
        assert re.search(r"取り消した記録 #\d+（支払い） 理由 journal undo", bundle)


def test_csv_names_in_japanese_and_raw_ids_on_request(week) -> None:
    import csv
    import io

    with freeze_time(NOW):
        rows = list(csv.reader(io.StringIO(week("export", "--format", "csv").out.lstrip("\ufeff"))))
        raw = list(csv.reader(io.StringIO(week("export", "--format", "csv", "--raw").out[1:])))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["アプリ"], first["立場"], first["状態"]) == ("メルカリ", "出品者", "発送済み")
    first_raw = dict(zip(raw[0], raw[1], strict=True))
    assert (first_raw["アプリ"], first_raw["立場"], first_raw["状態"]) == (
        "mercari",
        "seller",
        "shipped",
    )


def test_json_keeps_the_english_ids(week) -> None:
    with freeze_time(NOW):
        trades = json.loads(week("--json", "list", "--all").out)
    states = {t["state"] for t in trades}
    assert states <= set(STATES) and "shipped" in states
    assert {t["platform"] for t in trades} <= set(PLATFORMS)


@pytest.mark.slow
def test_the_daemon_and_the_console_notifier_speak_japanese(tmp_path) -> None:
    env = {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_LANG": "ja",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
    }
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["listed", "--platform", "mercari", "--title", "スニーカー", "--price", "3000"]
        + ["--ship-days", "1-2", "--at", "-3d"],
        ["sold", "T1", "--buyer", "けん", "--at", "-2d"],
        ["paid", "T1", "--at", "-46h"],  # ship by now + 2 h: the 3 h reminder is due
    ):
        subprocess.run([*base, "add", *args], env=env, check=True, capture_output=True)
    preview = subprocess.run(
        [*base, "daemon", "--dry-run"], env=env, capture_output=True, text=True, timeout=120
    )
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("送信予定: T1 スニーカー: 発送: "), preview.stdout
    assert _english(preview.stdout + preview.stderr) == [], preview.stdout + preview.stderr
    done = subprocess.run(
        [*base, "daemon", "--once", "--notifier", "console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("T1 スニーカー: 発送: "), lines
    assert lines[0].count("T1") == 1
    logged = [line for line in done.stderr.splitlines() if "journal daemon:" in line]
    assert any(line.endswith("通知しました: T1 発送（定刻）") for line in logged), logged
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\+09:00 ", logged[0])
    for line in [*lines, *done.stderr.splitlines()]:
        assert _english(line) == [], line
