"""The entry point answers the everyday commands without click (journal/commands/
fastpath.py), and its answer is click's own: for each command line of a matrix (each
command, `add` with its steps, its options, Japanese choice names, --json, --db, bad
options and choices, an unknown trade, an empty journal, in English and Japanese), the
same stdout, stderr and exit status as the click path (`cli.main`), in a fresh process on
a real SQLite journal: once with no spec kept (click answers, and leaves the spec), once
more with it (the shortcut answers, and must not have imported click when the command
line was plainly one it reads; it must have, when click alone can refuse it). The clock
is pinned in the child (freezegun), so that "in 2 d" reads the same in both runs. Each
`add` runs on its own copy of the same journal, so the three runs record the same step
on the same state."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ENTRY = """
import json, sys
import freezegun
freezegun.freeze_time("2026-11-20T03:00:00Z").start()
from journal.commands.launch import main  # the installed `journal` script's entry point
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.flush()
sys.stderr.write("\\nFAST " + json.dumps({"code": code, "click": "click" in sys.modules}))
"""
CLICK = ENTRY.replace("from journal.commands.launch import main", "from cli import main")


def run(env: dict[str, str], args: list[str], program: str = ENTRY) -> tuple[str, str, int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        env=env,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    err, _, tail = done.stderr.decode().rpartition("\nFAST ")
    found = json.loads(tail)
    return done.stdout.decode(), err, found["code"], found["click"]


def forget_spec(env: dict[str, str]) -> None:
    for kept in Path(env["XDG_CACHE_HOME"]).rglob("spec-*.json"):
        kept.unlink()


STORY = [
    [
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット: 白",
        "--price",
        "2500",
        "--at",
        "2026-11-15",
    ],
    ["add", "sold", "T1", "--buyer", "けん", "--paid", "--at", "2026-11-18 12:00"],
    ["add", "shipped", "T1", "--at", "2026-11-19 10:00"],
    [
        "add",
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "ボトムス",
        "--price",
        "3000",
        "--request-required",
    ],
    ["add", "request", "T2", "--buyer", "さくら"],
    ["add", "listed", "--platform", "yahoo-flea", "--title", "Tシャツ 白", "--price", "1200"],
    [
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "スカート",
        "--price",
        "3800",
        "--at",
        "2026-11-01",
    ],
    ["add", "sold", "T4", "--buyer", "ゆき", "--paid", "--at", "2026-11-02 09:00"],
    ["add", "shipped", "T4", "--at", "2026-11-03 09:00"],
    ["add", "received", "T4", "--at", "2026-11-05 09:00"],
    ["add", "rated", "T4", "--at", "2026-11-06 09:00"],
]

# (command line, read without click once the spec is kept)
CASES: list[tuple[list[str], bool]] = [
    (["list"], True),
    (["list", "--all"], True),
    (["list", "--platform", "メルカリ"], True),
    (["list", "--platform=らくま"], True),
    (["list", "--platform", "ＭＥＲＣＡＲＩ", "--all"], True),
    (["list", "--state", "発送待ち", "--all"], True),
    (["list", "--state", "SHIPPED"], True),
    (["list", "--search", "ニット", "--json"], True),
    (["--json", "list", "--all"], True),
    (["list", "--platform", "nosuch"], False),
    (["list", "--state", ""], False),
    (["list", "--bogus"], False),
    (["list", "extra"], False),
    (["list", "--all=1"], False),
    (["list", "--all", "--all"], False),
    (["list", "--help"], False),
    (["list", "-h"], False),
    (["list", "--search"], False),
    (["upcoming"], True),
    (["upcoming", "--within", "48h"], True),
    (["upcoming", "--within=2w", "--json"], True),
    (["upcoming", "--within", "nonsense"], True),
    (["upcoming", "--as-of", "2026-11-25"], True),
    (["upcoming", "--as-of", "garbage", "--json"], True),
    (["show", "T1"], True),
    (["show", "t2"], True),
    (["show", "--json", "T4"], True),
    (["show", "T999"], True),
    (["show", "T999", "--json"], True),
    (["show"], False),
    (["show", "--", "T1"], False),
    (["show", "T1", "T2"], False),
    (["log"], True),
    (["log", "T1"], True),
    (["log", "T999"], True),
    (["log", "--json", "T2"], True),
    (["reminders"], True),
    (["reminders", "--within", "2w", "--json"], True),
    (["reminders", "--as-of", "2026-11-21 09:00"], True),
    (["money"], True),
    (["money", "--year", "2026"], True),
    (["money", "--year", "abc"], False),
    (["money", "--by", "platform", "--json"], True),
    (["money", "--by", "Platform"], False),
    (["money", "--month", "2026-11"], True),
    (["money", "--month", "bad"], True),
    (["money", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "platform"], True),
    (["search"], True),
    (["search", "--from", "2026-11-01", "--to", "2026-11-30"], True),
    (["search", "--min", "2,000", "--max", "3000", "--json"], True),
    (["search", "--party", "けん"], True),
    (["search", "--platform", "メルカリ", "--log"], True),
    (["search", "--to", "2026-11-10", "--log", "--json"], True),
    (["search", "--min", "5000", "--max", "1000"], True),
    (["search", "--from", "garbage"], True),
    (["search", "--platform", "nosuch"], False),
    (["search", "--csv"], False),
    (["search", "--csv", "--json"], False),
    (["search", "--output", "never-written.csv"], False),
    (["search", "-o", "never-written.csv"], False),
    (["--version"], False),
    (["items"], False),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """A user with a journal of a few trades in the default place, no config, Tokyo time."""
    home = tmp_path_factory.mktemp("fast")
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "HOME": str(home),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "NO_COLOR": "1",
        "HOMEDIR": str(home),
    }
    for name in ("JOURNAL_DB", "JOURNAL_CONFIG", "_JOURNAL_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
        env.pop(name, None)
    for args in STORY:
        out, err, code, _ = run(env, args, CLICK)
        assert code == 0, (args, out, err)
    empty = str(home / "empty.sqlite")
    assert run(env, ["log", "--db", empty], CLICK)[2] == 0  # an empty journal, made once
    return env


def story_journal(env: dict[str, str]) -> str:
    found = list(Path(env["XDG_DATA_HOME"]).rglob("journal.sqlite"))
    assert len(found) == 1, found  # the story's journal, in the default place
    return str(found[0])


def with_db(env: dict[str, str]) -> list[tuple[list[str], bool]]:
    other = story_journal(env)
    empty = str(Path(env["HOMEDIR"], "empty.sqlite"))
    return [
        (["--db", other, "list", "--all"], True),
        (["list", "--db", other, "--json"], True),
        (["list", f"--db={empty}"], True),
        (["upcoming", "--db", empty, "--json"], True),
        (["money", "--db", empty], True),
        (["log", "--db", empty], True),
        (["show", "T1", "--db", empty], True),
        (["--db", other, "list", "--db", other], False),
    ]


def differences(env: dict[str, str], cases: list[tuple[list[str], bool]]) -> list[str]:
    found = []
    for args, plain in cases:
        expected = run(env, args, CLICK)[:3]
        forget_spec(env)
        first = run(env, args)
        if first[:3] != expected or not first[3]:
            found.append(f"{args} without a spec: {first} != click's {expected}")
        kept = run(env, args)
        if kept[:3] != expected:
            found.append(f"{args} with the spec: {kept[:3]} != click's {expected}")
        if kept[3] == plain:
            found.append(f"{args}: click {'imported' if plain else 'not imported'}")
    return found


@pytest.mark.slow
def test_every_everyday_answer_is_clicks_in_english(env):
    found = differences(env, CASES + with_db(env))
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_every_everyday_answer_is_clicks_in_japanese(env):
    japanese = {**env, "JOURNAL_LANG": "ja"}
    cases = [c for c in CASES if c[0][0] in ("list", "show", "upcoming", "money")][::2]
    cases += [(["show", "T999"], True), (["list", "--platform", "nosuch"], False)]
    found = differences(japanese, cases)
    assert not found, "\n".join(found)


def test_the_installed_script_answers_as_click(env):
    """The `journal` script itself (its console entry point), on its own journal and the
    real clock, on what does not depend on the clock: the kept spec makes it answer without
    click, with click's answer."""
    script = Path(sys.executable).with_name("journal")
    if not script.exists():
        pytest.skip("no installed `journal` script beside this interpreter")
    unpinned = CLICK.replace('freezegun.freeze_time("2026-11-20T03:00:00Z").start()', "")
    real = {**env, "JOURNAL_DB": str(Path(env["HOMEDIR"], "real.sqlite"))}
    assert run(real, STORY[0][:-2], unpinned)[2] == 0
    for args in (["log"], ["log", "--json", "T1"], ["money", "--year", "2026", "--json"]):
        expected = run(real, args, unpinned)[:3]
        forget_spec(real)
        for _ in range(2):  # without the spec (click answers and keeps it), then with it
            done = subprocess.run([str(script), *args], env=real, capture_output=True, timeout=120)
            assert (done.stdout.decode(), done.stderr.decode(), done.returncode) == expected


def test_every_case_was_checked_against_a_story_with_output(env):
    """The matrix compares real answers: the journal holds the story's trades."""
    out = run(env, ["list", "--all", "--json"], CLICK)[0]
    assert {row["id"] for row in json.loads(out)} == {"T1", "T2", "T3", "T4"}
    # and the search lines find trades: an empty answer on both paths would also be equal
    for program in (CLICK, ENTRY):
        found = json.loads(run(env, ["search", "--min", "3,000", "--json"], program)[0])
        assert {row["id"] for row in found} == {"T2", "T4"}
        found = json.loads(run(env, ["search", "--party", "けん", "--json"], program)[0])
        assert [row["id"] for row in found] == ["T1"]


ADD: list[tuple[list[str], bool]] = [
    (["add", "message", "T1", "--note", "こんにちは"], True),
    (["add", "message", "t1", "--note", "x", "--json"], True),
    (["add", "listed", "--platform", "メルカリ", "--title", "ニット", "--price", "2500"], True),
    (["add", "listed", "--platform", "rakuma", "--title", "A", "--price", "abc"], True),
    (["add", "listed", "--platform", "nosuch", "--title", "A", "--price", "1"], False),
    (["add", "listed", "--title", "A", "--price", "1"], False),
    (
        [
            "add",
            "listed",
            "--platform",
            "yahoo-auction",
            "--title",
            "A",
            "--price",
            "1",
            "--premium",
        ],
        True,
    ),
    (
        ["add", "listed", "--platform", "mercari", "--title", "A", "--price", "1", "--no-premium"],
        True,
    ),
    (
        [
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "A",
            "--price",
            "9",
            "--kind",
            "dedicated",
        ],
        True,
    ),
    (
        [
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "A",
            "--price",
            "9",
            "--kind",
            "Dedicated",
        ],
        False,
    ),
    (
        [
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "A",
            "--price",
            "9",
            "--premium",
            "--no-premium",
        ],
        False,
    ),
    (["add", "sold", "T3", "--buyer", "はな", "--paid", "--at", "2026-11-19 10:00"], True),
    (["add", "hold", "T3", "--buyer", "ゆき", "--until", "+7d", "--json"], True),
    (["add", "shipped", "T2"], True),
    (["add", "message", "T999", "--note", "x"], True),
    (["add", "message", "T999", "--note", "x", "--json"], True),
    (["add", "発送", "T1"], False),
    (["add", "message"], False),
    (["add", "bundle", "T2", "T3", "--price", "2000"], False),
    (["add", "--json", "message", "T1"], False),
    (["add", "message", "T1", "--help"], False),
]


def copy_of(source: str, target: Path) -> dict[str, str]:
    """A copy of the journal (SQLite's own backup), for one run to write to."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return {"JOURNAL_DB": str(target)}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_step_recorded_is_answered_as_click_answers_it(env, tmp_path, lang):
    source = story_journal(env)
    base = {**env, "JOURNAL_LANG": lang}
    cases = ADD if lang == "en" else ADD[::3]
    found = []
    for n, (args, plain) in enumerate(cases):
        expected = run({**base, **copy_of(source, tmp_path / f"{n}-click.sqlite")}, args, CLICK)
        forget_spec(base)
        first = run({**base, **copy_of(source, tmp_path / f"{n}-first.sqlite")}, args)
        if first[:3] != expected[:3] or not first[3]:
            found.append(f"{args} without a spec: {first} != click's {expected[:3]}")
        kept = run({**base, **copy_of(source, tmp_path / f"{n}-kept.sqlite")}, args)
        if kept[:3] != expected[:3]:
            found.append(f"{args} with the spec: {kept[:3]} != click's {expected[:3]}")
        if kept[3] == plain:
            found.append(f"{args}: click {'imported' if plain else 'not imported'}")
    assert not found, "\n".join(found)
