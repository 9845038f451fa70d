"""`journal message` with the user's own wording (templates beside the config, `--edit`),
broken templates refused with their line, the clipboard on a real X display (Xvfb + xclip)
and the clear line where there is none, and the everyday commands kept free of it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time
from real_parts import need

NOW = "2026-12-05T12:00:00+09:00"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shipped(ok, monkeypatch, journal_env):
    """T1 shipped with ゆうパケット; Japanese messages; the user's template folder."""
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
        ok("add", "sold", "T1", "--buyer", "さくら")
        ok("add", "paid", "T1")
        ok("add", "shipped", "T1", "--carrier", "ゆうパケット", "--tracking", "1234-5678")
    return journal_env.parent / "messages"  # beside JOURNAL_CONFIG (conftest)


def _write(folder: Path, lang: str, situation: str, text: str) -> Path:
    path = folder / lang / f"{situation}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_a_user_template_replaces_the_built_in_one(shipped, run):
    _write(
        shipped,
        "ja",
        "shipped",
        "${buyer}さん\n${title}を${carrier}で送りました（${tracking}）。\n",
    )
    with freeze_time(NOW):
        mine = run("message", "T1", "発送連絡")
        english = run("message", "T1", "shipped", "--lang", "en")  # no English copy: built-in
    assert (
        mine.code == 0
        and mine.out == "さくらさん\nニットをゆうパケットで送りました（1234-5678）。\n"
    )
    assert english.code == 0 and "Tracking number: 1234-5678" in english.out


def test_a_template_with_an_unknown_field_is_refused_with_its_line(shipped, run):
    path = _write(shipped, "ja", "shipped", "${buyer}様\n\n追跡: ${tracking_no}\n")
    with freeze_time(NOW):
        result = run("message", "T1", "shipped")
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err
    assert str(path) in result.err and "3 行目" in result.err and "tracking_no" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_template_with_broken_syntax_is_refused_with_its_line(shipped, run, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "en")
    path = _write(shipped, "en", "shipped", "Hello ${buyer}\nIt costs $ 5.\n")
    with freeze_time(NOW):
        result = run("message", "T1", "shipped")
    assert result.code == 2 and result.out == ""
    assert f"{path}, line 2" in result.err and "stray $" in result.err
    _write(shipped, "en", "shipped", "Hello ${buyer}\nIt costs $$5 and ${title\n")
    with freeze_time(NOW):
        result = run("message", "T1", "shipped")
    assert result.code == 2 and "line 2" in result.err


def test_edit_opens_a_copy_in_the_editor_and_checks_it(shipped, run, monkeypatch):
    monkeypatch.setenv("EDITOR", "sed -i -e s/お待たせしました/大変お待たせしました/")
    with freeze_time(NOW):
        edited = run("message", "--edit", "発送連絡")
        text = run("message", "T1", "shipped").out
    mine = shipped / "ja" / "shipped.txt"
    assert edited.code == 0 and str(mine) in edited.out
    assert "大変お待たせしました" in mine.read_text("utf-8") and "大変お待たせしました" in text
    monkeypatch.setenv("EDITOR", "sed -i -e s/追跡番号：.{tracking}/追跡番号：${number}/")
    with freeze_time(NOW):
        broken = run("message", "--edit", "shipped")
    assert broken.code == 2 and "number" in broken.err and str(mine) in broken.err


def test_without_a_clipboard_a_clear_line_and_the_message_printed(shipped, run, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", str(shipped.parent))  # no clipboard tool to be found either
    monkeypatch.setenv("JOURNAL_LANG", "en")
    with freeze_time(NOW):
        result = run("message", "T1", "shipped", "--copy")
    assert result.code == 0 and "Tracking number: 1234-5678" in result.out
    assert "journal: no clipboard here" in result.err
    with freeze_time(NOW):
        assert run("message", "T1", "shipped", "--copy", "--json").json()["copied"] is None


@pytest.fixture
def x_display():
    """A private X display (Xvfb) for xclip."""
    missing = [t for t in ("Xvfb", "xclip") if shutil.which(t) is None]
    if missing:
        need("a real clipboard needs " + ", ".join(missing) + " (apt-get install xvfb xclip)")
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "640x480x24"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        display = xvfb.stdout.readline().strip()
        if not display:
            need("could not start an Xvfb display")
        yield f":{display}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


def test_copy_puts_the_message_on_a_real_clipboard(shipped, run, monkeypatch, x_display):
    monkeypatch.setenv("DISPLAY", x_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with freeze_time(NOW):
        result = run("message", "T1", "発送連絡", "--copy", "--json")
    assert result.code == 0, result.err
    assert "クリップボードにコピーしました（xclip）" in result.err
    pasted = subprocess.run(
        ["xclip", "-selection", "clipboard", "-out"],
        env={**os.environ, "DISPLAY": x_display},
        capture_output=True,
        timeout=30,
    )
    assert pasted.returncode == 0
    assert pasted.stdout.decode("utf-8") == result.json()["text"]
    assert result.json()["copied"] == "xclip"
    assert "追跡番号：1234-5678" in pasted.stdout.decode("utf-8")


CHILD = """
import json, sys
import cli
try:
    code = cli.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m in ("journal.text.letters", "string"))
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "loaded": loaded}) + "\\n")
"""


def test_the_everyday_commands_do_not_load_the_templates(shipped, tmp_path):
    env = {**os.environ, "JOURNAL_DB": str(shipped.parent / "journal.sqlite")}
    for args in (["add", "note", "T1", "--note", "x"], ["show", "T1"], ["list"]):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
        found = json.loads(line.removeprefix("MODULES "))
        assert found["code"] == 0 and "journal.text.letters" not in found["loaded"], args


def test_a_sellers_payment_reminder_names_the_payment_request(run, ok, monkeypatch):
    """Story 1's Rakuma trade, approved and unpaid: 3 h before the payment deadline the
    reminder names 支払いのお願い; a buyer's own payment reminder names no message."""
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time("2026-11-20T12:00:00+09:00") as frozen:
        ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "3000",
           "--request-required")  # fmt: skip
        ok("add", "request", "T1", "--buyer", "さくら")
        ok("add", "approved", "T1")
        ok("add", "bought", "--platform", "rakuma", "--title", "ワンピース", "--price", "1800")
        frozen.move_to("2026-11-22T21:00:00+09:00")
        result = run("daemon", "--once", "--notifier", "console")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    seller = [line for line in lines if "T1" in line]
    buyer = [line for line in lines if "T2" in line]
    assert seller and all("→ journal message T1 支払いのお願い" in line for line in seller)
    assert buyer and not any("journal message" in line for line in buyer)


def test_the_situations_module_is_pure() -> None:
    from test_layering import FORBIDDEN, graph, reach

    reached = reach(graph(top_level_only=False), "journal.core.situations")
    assert [m for m in reached if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN] == []


def test_edit_without_an_editor_or_terminal_makes_the_copy(shipped, run, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    result = run("message", "--edit", "受取評価のお願い", "--lang", "en")
    mine = shipped / "en" / "rating-request.txt"
    assert result.code == 0 and str(mine) in result.out
    assert "receipt rating" in mine.read_text("utf-8")


def test_a_purchase_of_yours_fits_no_message_but_one_may_be_named(run, ok, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok("add", "bought", "--platform", "rakuma", "--title", "ワンピース", "--price", "1800")
        none = run("message", "T1")
        named = run("message", "T1", "取引完了のお礼")
    assert none.code == 2 and none.out == "" and "T1" in none.err
    assert named.code == 0 and "「ワンピース」" in named.out


def test_edit_where_the_folder_cannot_be_made_is_one_line(shipped, run, monkeypatch):
    shipped.parent.joinpath("messages").write_text("not a folder")  # in the way
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    result = run("message", "--edit", "shipped")
    assert result.code == 2 and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1 and "messages" in result.err
