"""Text at the doors and on the screens, the double sale, and smaller fixes, each through the
real `journal` command.

- import and copy refuse the control characters `add` refuses (one line naming the event,
  exit 2, nothing written); what reaches a journal another way is printed harmlessly;
- a listing sold while its item was already sold elsewhere is a double sale, said loudly;
  the delist alarm names the apps;
- `log --json` keeps which event a void cancels; the daemon's log is stamped in the
  reader's zone; `undo` asks on stderr.
"""

import json
import os
import pty
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import journal_process
from freezegun import freeze_time
from integrity_support import COLUMNS, raw_sql, rechain, rows

from journal.storage.store import event_hash

NOW = "2026-11-22T03:00:00+00:00"  # 12:00 in Tokyo
HOSTILE = "ITEM\x1b]0;TITLE-SET\x07\x1b[2J\r\nT9  mercari  completed  -  FORGED ROW\nINJECTED\n_"
# what must never reach a screen: C0 controls but the newline between lines, DEL, C1, bidi
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _export(ok, tmp_path: Path) -> list[str]:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
        ok("add", "sold", "T1", "--buyer", "けん")
        ok("add", "paid", "T1")
        ok("add", "shipped", "T1", "--carrier", "ゆうパケット", "--tracking", "1111")
        ok("add", "note", "T1", "--note", "二行の\nメモ")
        ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "500")
        ok("add", "cancelled", "T2", "--reason", "出品ミス")
    path = tmp_path / "out.jsonl"
    ok("export", "-o", path)
    return path.read_text(encoding="utf-8").splitlines()


def _forged(lines: list[str], tmp_path: Path, type_: str, key: str, value: str) -> Path:
    """The export with one text field of the first `type_` event changed, the chain
    recomputed as a forger with the program's source would."""
    items = [json.loads(line) for line in lines[1:]]
    target = next(i for i in items if i["type"] == type_)
    payload = json.loads(target["payload"])
    payload[key] = value
    target["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    body = rechain([lines[0], *(json.dumps(i, ensure_ascii=False) for i in items)])
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(body) + "\n", encoding="utf-8")
    return forged


@pytest.mark.parametrize(
    ("type_", "key", "value", "named"),
    [
        ("listed", "title", HOSTILE, "#1 T1 listed"),
        ("listed", "title", "safe\u202etxt.exe", "#1 T1 listed"),  # a bidi override (Cf)
        ("sold", "buyer", "けん\r\nT5 forged", "#2 T1 sold"),
        ("shipped", "carrier", "ゆう\tパケット", "#4 T1 shipped"),  # a tab: notes only
        ("shipped", "tracking", "11\x0011", "#4 T1 shipped"),
        ("note", "note", "bell\x07", "#5 T1 note"),
        ("cancelled", "reason", "x\x1b[2J", "#7 T2 cancelled"),
        ("listed", "item", "bag\x85", "#1 T1 listed"),  # a C1 control
    ],
)
def test_import_refuses_control_characters_as_add_does(
    ok, run, tmp_path, type_, key, value, named
) -> None:
    lines = _export(ok, tmp_path)
    forged = _forged(lines, tmp_path, type_, key, value)
    target = tmp_path / "new.sqlite"
    result = run("import", forged, "--db", target)
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert f"{named}: bad payload {key} (control characters)" in result.err
    assert not FORBIDDEN.search(result.err)
    assert not target.exists()


def test_an_unknown_payload_key_is_quoted_escaped(ok, run, tmp_path) -> None:
    lines = _export(ok, tmp_path)
    forged = _forged(lines, tmp_path, "listed", "\x07k\x1b]0;x\x07", "v")
    result = run("import", forged, "--db", tmp_path / "new.sqlite")
    assert result.code == 2
    assert "bad payload (\\x07k\\x1b]0;x\\x07)" in result.err
    assert not FORBIDDEN.search(result.err)


def test_an_event_id_no_program_could_hash_is_refused_not_a_crash(ok, run, tmp_path) -> None:
    lines = _export(ok, tmp_path)
    event = json.loads(lines[1])
    event["event_id"] = "\ud800"  # a lone surrogate: JSON can say it, UTF-8 cannot
    source = tmp_path / "odd.jsonl"
    source.write_text(f"{lines[0]}\n{json.dumps(event)}\n", encoding="utf-8")
    result = run("import", source, "--db", tmp_path / "new.sqlite")
    assert result.code == 2 and "#1 T1 listed: bad event_id" in result.err


def test_add_refuses_what_import_refuses(run) -> None:
    result = run("add", "listed", "--platform", "mercari", "--title", HOSTILE, "--price", "1")
    assert result.code == 2 and "control characters" in result.err


def test_an_export_with_a_two_line_note_still_imports(ok, run, tmp_path) -> None:
    lines = _export(ok, tmp_path)
    source = tmp_path / "same.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    assert run("import", source, "--db", target).code == 0
    notes = [e for e in run("log", "--json", "--db", target).json() if e["type"] == "note"]
    assert notes[0]["note"] == "二行の\nメモ"


def smuggle(db: Path, stream: str, type_: str, payload: dict, at: str = "2026-11-22T02:00:00Z"):
    """Append an event behind the program's back, hashed and chained as the program does:
    what another client with INSERT on a shared server's `events` could write."""
    stored = rows(db)
    last = stored[-1] if stored else None
    version = 1 + sum(1 for r in stored if r[2] == stream)
    content = (
        (last[0] if last else 0) + 1,
        f"smuggled-{len(stored)}",
        stream,
        version,
        type_,
        1,
        json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        at,
        at,
    )
    prev = last[10] if last else "0" * 64
    values = (*content, prev, event_hash(prev, content))
    marks = ",".join("?" * len(COLUMNS))
    raw_sql(db, (f"INSERT INTO events ({','.join(COLUMNS)}) VALUES ({marks})", values))


def test_copy_refuses_a_journal_holding_control_characters(ok, run, journal_env, tmp_path):
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
    smuggle(journal_env, "T1", "note", {"note": "x\x1b[2J\x00"})
    target = tmp_path / "copy.sqlite"
    result = run("copy", "--to", target)
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert str(journal_env) in result.err and "#2 T1 note: bad payload note" in result.err
    assert "journal-copy-" not in result.err  # not the temporary file it went through
    assert not target.exists()


@pytest.fixture
def hostile(ok, journal_env):
    """A journal with a listing whose texts another client wrote with terminal controls,
    the same item listed on Mercari and sold there, so it must come down here."""
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
        payload = {"platform": "rakuma", "title": HOSTILE, "price": 800, "item": "bag\x1b[2J"}
        smuggle(journal_env, "T2", "listed", payload)
        smuggle(
            journal_env, "T2", "hold", {"buyer": "ゆき\r\nT7 x", "until": "2026-11-23T03:00:00Z"}
        )
        smuggle(journal_env, "T2", "note", {"note": "\x1b]0;pwned\x07bell\x00"})
        ok("list")  # the read models follow the log
    return journal_env


@pytest.mark.parametrize(
    "args",
    [
        ("show", "T2"),
        ("list",),
        ("list", "--all"),
        ("upcoming",),
        ("log",),
        ("log", "T2"),
        ("items",),
        ("reminders",),
    ],
)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_screens_print_stored_controls_as_visible_marks(hostile, run, monkeypatch, args, lang):
    monkeypatch.setenv("JOURNAL_LANG", lang)
    with freeze_time(NOW):
        result = run(*args)
    assert result.code == 0, result.err
    assert not FORBIDDEN.search(result.out), repr(result.out)
    assert not any(line.startswith(("T9", "INJECTED", "T7")) for line in result.out.splitlines())
    if args in (("show", "T2"), ("list",), ("upcoming",)):
        assert "␛]0;TITLE-SET␇␛[2J␍␊T9" in result.out  # shown, harmlessly


def test_json_keeps_the_stored_text_exactly(hostile, run) -> None:
    with freeze_time(NOW):
        assert run("show", "T2", "--json").json()["title"] == HOSTILE


def test_completion_candidates_are_not_forged(hostile) -> None:
    env = {
        "_JOURNAL_COMPLETE": "zsh_complete",
        "COMP_WORDS": "journal show ",
        "COMP_CWORD": "2",
        "JOURNAL_DB": str(hostile),
    }
    done = journal_process(env=env)
    assert done.returncode == 0, done.stderr
    assert not FORBIDDEN.search(done.stdout)
    # zsh reads three lines per candidate: type, value, help
    lines = done.stdout.splitlines()
    assert len(lines) == 6 and lines[1::3] == ["T1", "T2"], lines


def test_a_nul_in_a_title_does_not_stop_the_command_notifier(hostile, run, tmp_path) -> None:
    script = tmp_path / "notify.py"
    out = tmp_path / "argv.json"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(out)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    script.chmod(0o755)
    smuggle(hostile, "T2", "price", {"title": HOSTILE + "\x00end"})
    with freeze_time(NOW):  # the hold's reminder a day before it ends is due now
        result = run("daemon", "--once", "--notifier", "command", "--command", str(script))
    assert result.code == 0, result.err
    told = [json.loads(line) for line in out.read_text().splitlines()]
    assert told and all(not FORBIDDEN.search(" ".join(argv)) for argv in told)
    assert any(argv[0].startswith("T2 ITEM␛]0;TITLE-SET") for argv in told), told


# --- the double sale -------------------------------------------------------------------------


def _two_listings(ok) -> tuple[str, str]:
    first = ok("add", "listed", "--platform", "yahoo-flea", "--title", "バッグ", "--price", "4800",
               "--item", "bag-1")  # fmt: skip
    second = ok("add", "listed", "--platform", "mercari", "--title", "バッグ", "--price", "4800",
                "--item", "bag-1")  # fmt: skip
    return first, second


def test_the_delist_alarm_names_the_app_and_where_it_sold(ok, run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        out = ok("add", "sold", first, "--buyer", "かな")
        assert (
            f"メルカリの {second} を今すぐ取り下げてください（Yahoo!フリマの {first} で売れました）"
            in out
        )
        notice = run("add", "shipped", first, "--json").json()  # Yahoo!フリマ: paid at once
        assert notice["warnings"] == [] and notice["notices"] == []  # said once, at the sale
    monkeypatch.setenv("JOURNAL_LANG", "en")
    with freeze_time(NOW):
        third = ok("add", "listed", "--platform", "rakuma", "--title", "帽子", "--price", "900",
                   "--item", "hat")  # fmt: skip
        fourth = ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900",
                    "--item", "hat")  # fmt: skip
        data = run("add", "hold", third, "--buyer", "ゆき", "--until", "+2d", "--json").json()
    assert data["notices"] == [
        {
            "code": "item-taken",
            "message": f"delist {fourth} on mercari now, before a second buyer pays"
            f" (the same item was put on hold on rakuma as {third})",
            "trades": [fourth],
            "platform": "mercari",
            "by": third,
            "by_platform": "rakuma",
        }
    ]


def test_the_daemons_delist_note_names_the_app_and_where_it_sold(ok, run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        ok("add", "sold", first, "--buyer", "かな")
        result = run("daemon", "--once", "--notifier", "console")
    assert result.code == 0, result.err
    delist = [
        line
        for line in result.out.splitlines()
        if line.startswith(f"{second} ") and ": 出品取り下げ（他で売れた）: " in line
    ]
    assert len(delist) == 1
    assert (
        f"メルカリの {second} を今すぐ取り下げてください（Yahoo!フリマの {first} で売れました）"
        in delist[0]
    )


def test_a_second_sale_of_one_item_is_a_double_sale(ok, run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        ok("add", "sold", first, "--buyer", "かな")
        result = run("add", "sold", second, "--buyer", "けん")
        assert result.code == 0
        assert "二重販売" in result.err and first in result.err and second in result.err
        assert "Yahoo!フリマ" in result.err and "メルカリ" in result.err
        assert "取り下げ" not in result.out  # nothing left to take down: it sold
        assert "期限超過" not in result.out
        shown = run("show", second, "--json").json()
        assert [d for d in shown["deadlines"] if d["overdue"]] == []
        assert [u for u in run("upcoming", "--json").json() if u["kind"] == "delist"] == []
        listings = run("items", "--json").json()[0]["listings"]
        assert [(x["id"], x["delist"], x["double_sale"]) for x in listings] == [
            (first, False, True),
            (second, False, True),
        ]
        assert run("items").out.count("二重販売") == 2


def test_a_double_sale_is_a_warning_in_json(ok, run) -> None:
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        ok("add", "sold", first, "--buyer", "かな")
        data = run("add", "sold", second, "--buyer", "けん", "--json").json()
    assert [w["code"] for w in data["warnings"]] == ["double_sale"]
    warning = data["warnings"][0]
    assert warning["item"] == "bag-1"
    assert warning["trades"] == [
        {"id": second, "platform": "mercari"},
        {"id": first, "platform": "yahoo-flea"},
    ]
    assert "DOUBLE SALE" in warning["message"]


def test_selling_while_another_listing_is_held_is_the_delist_alarm_not_a_double_sale(ok, run):
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        ok("add", "hold", first, "--buyer", "ゆき", "--until", "+2d")
        data = run("add", "sold", second, "--buyer", "けん", "--json").json()
        assert data["warnings"] == []
        listings = run("items", "--json").json()[0]["listings"]
        assert [(x["id"], x["delist"], x["double_sale"]) for x in listings] == [
            (first, True, False),
            (second, False, False),
        ]


def test_cancelling_one_of_the_two_ends_the_double_sale(ok, run) -> None:
    with freeze_time(NOW):
        first, second = _two_listings(ok)
        ok("add", "sold", first, "--buyer", "かな")
        ok("add", "sold", second, "--buyer", "けん")
        ok("add", "cancelled", second, "--reason", "二重販売")
        listings = run("items", "--json").json()[0]["listings"]
        assert [x["double_sale"] for x in listings] == [False, False]
        assert run("verify").code == 0


# --- smaller ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("log", "--json"), ("show", "T1", "--json")])
def test_json_names_the_event_a_void_cancels(ok, run, command) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
        ok("add", "sold", "T1", "--buyer", "けん")
        ok("add", "note", "T1", "--note", "memo")
        ok("void", "2", "--reason", "間違い")
        data = run(*command).json()
    events = data["events"] if isinstance(data, dict) else data
    void = next(e for e in events if e["type"] == "voided")
    assert void["voids"] == 2 and void["seq"] == 4
    assert [e["seq"] for e in events if e["voided"]] == [2]


@pytest.mark.slow
def test_daemon_log_lines_are_in_the_readers_zone_with_the_offset(tmp_path) -> None:
    env = {
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "TZ": "UTC",
    }
    added = journal_process(
        "add", "listed", "--platform", "mercari", "--title", "x", "--price", "9", env=env
    )
    assert added.returncode == 0, added.stderr
    hold = journal_process("add", "hold", "T1", "--buyer", "b", "--until", "+1h", env=env)
    assert hold.returncode == 0, hold.stderr
    done = journal_process("daemon", "--once", "--notifier", "console", env=env)
    stamp = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3}\+09:00 journal daemon: ")
    lines = [line for line in done.stderr.splitlines() if "journal daemon:" in line]
    assert lines and all(stamp.match(line) for line in lines), done.stderr
    logged = datetime.strptime(stamp.match(lines[0]).group(1), "%Y-%m-%d %H:%M:%S")
    tokyo = datetime.now(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None)
    assert abs((tokyo - logged).total_seconds()) < 300


@pytest.mark.slow
def test_undo_on_a_terminal_asks_on_stderr_so_json_stays_json(tmp_path) -> None:
    env = {
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
    }
    args = ("add", "listed", "--platform", "mercari", "--title", "x", "--price", "9")
    assert journal_process(*args, env=env).returncode == 0
    assert journal_process("add", "sold", "T1", "--buyer", "b", env=env).returncode == 0
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"y\n")
        done = journal_process("--json", "undo", env=env, stdin=terminal)
    finally:
        os.close(controller)
        os.close(terminal)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["voided"] == 2
    assert "[y/N]" in done.stderr


def test_a_changed_language_is_followed_from_the_next_start(ok, run, monkeypatch, tmp_path):
    """What scheduler/notes.py promises: the language of the config in force when the daemon
    starts (it is read once per process, so a change needs a restart)."""
    monkeypatch.delenv("JOURNAL_LANG")
    config = Path(os.environ["JOURNAL_CONFIG"])
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
        ok("add", "hold", "T1", "--buyer", "ゆき", "--until", "+1d")
        config.write_text('language = "ja"\n', encoding="utf-8")
        japanese = run("daemon", "--dry-run")
        config.write_text('language = "en"\n', encoding="utf-8")
        english = run("daemon", "--dry-run")
    assert japanese.code == 0 and english.code == 0
    assert "取り置き" in japanese.out and "hold" in english.out and "取り置き" not in english.out
