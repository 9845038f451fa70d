"""Finding trades (`list --platform/--state/--search`) and undoing the last step."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time

from journal.core.events import Event
from journal.core.search import fold, matches
from journal.core.undo import last_step

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T03:00:00+00:00"


@pytest.fixture
def shop(ok):
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "rakuma", "--title", "ﾆｯﾄ セーター", "--price", "3000")
        ok("add", "listed", "--platform", "mercari", "--title", "ワンピース", "--price", "2500")
        ok("add", "sold", "T2", "--buyer", "サクラ")
        ok("add", "note", "T1", "--note", "KNIT は冬物 箱A")
        ok("add", "listed", "--platform", "mercari", "--title", "Tシャツ", "--price", "900")
        yield


def ids(run, *args: str) -> list[str]:
    result = run("list", *args, "--json")
    assert result.code == 0, result.err
    return [r["id"] for r in result.json()]


def test_search_reads_any_width_case_and_kana() -> None:
    assert fold("ﾆｯﾄ") == fold("ニット") == fold("にっと")
    assert matches("さくら", ["サクラ"]) and matches("knit", ["ＫＮＩＴ"])
    assert not matches("ニット", ["ワンピース"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["T1", "T2", "T3"]),
        (("--platform", "mercari"), ["T2", "T3"]),
        (("--platform", "メルカリ"), ["T2", "T3"]),
        (("--platform", "RAKUMA"), ["T1"]),
        (("--state", "awaiting_payment"), ["T2"]),
        (("--state", "支払い待ち"), ["T2"]),
        (("--state", "listed", "--platform", "mercari"), ["T3"]),
        (("--search", "ニット"), ["T1"]),  # the title is half-width ﾆｯﾄ
        (("--search", "さくら"), ["T2"]),  # the buyer's name, in katakana
        (("--search", "knit"), ["T1"]),  # a note, in capitals
        (("--search", "箱a"), ["T1"]),
        (("--search", "ｔシャツ"), ["T3"]),
        (("--search", "ない言葉"), []),
    ],
)
def test_list_filters(run, shop, args, expected) -> None:
    with freeze_time(NOW):
        assert ids(run, *args) == expected


@pytest.mark.parametrize("args", [("--state", "bogus"), ("--platform", "amazon"), ("--search",)])
def test_bad_filters_are_one_line_and_exit_2(run, shop, args) -> None:
    with freeze_time(NOW):
        result = run("list", *args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def _event(number: int, type_: str, **payload) -> Event:
    return Event(type_, "T1", payload, occurred_at=None, seq=number)  # type: ignore[arg-type]


def test_last_step_skips_voids_what_they_voided_and_bundle_markers() -> None:
    newest_first = [
        _event(6, "voided", seq=5),
        _event(5, "shipped"),
        _event(4, "bundled"),
        _event(3, "paid"),
    ]
    assert last_step(newest_first).seq == 3
    assert last_step([_event(2, "voided", seq=1), _event(1, "listed")]) is None


def test_undo_refuses_a_creation_with_exit_1_and_writes_nothing(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "x", "--price", "900")
        before = run("log", "--json").json()
        result = run("undo", "--yes")
        assert result.code == 1 and len(result.err.strip().splitlines()) == 1
        assert run("log", "--json").json() == before


def test_undo_without_a_terminal_asks_for_yes(run, shop) -> None:
    with freeze_time(NOW):
        before = run("log", "--json").json()
        result = run("undo")
        assert result.code == 2 and "--yes" in result.err
        assert run("log", "--json").json() == before


def test_undo_goes_back_step_by_step(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "x", "--price", "900")
        ok("add", "sold", "T1", "--buyer", "b")
        ok("add", "paid", "T1")
        assert run("undo", "--yes", "--json").json()["type"] == "paid"
        assert run("show", "T1", "--json").json()["state"] == "awaiting_payment"
        assert run("undo", "--yes", "--json").json()["type"] == "sold"
        assert run("show", "T1", "--json").json()["state"] == "listed"
        assert run("undo", "--yes").code == 1  # only the listing is left


def _on_a_terminal(args: list[str], env: dict[str, str], answer: bytes) -> tuple[int, str]:
    """Run the real command with a pseudo-terminal as its input and output."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command
        os.execve(sys.executable, [sys.executable, str(ROOT / "cli.py"), *args], env)
    out = b""
    sent = False
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not sent and b"?" in out:
            os.write(fd, answer)
            sent = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


@pytest.mark.parametrize(("answer", "voided"), [(b"y\n", True), (b"n\n", False)])
@pytest.mark.slow
def test_undo_on_a_terminal_shows_what_and_asks(tmp_path, answer, voided) -> None:
    env = {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
    }
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900"],
        ["add", "sold", "T1", "--buyer", "b"],
    ):
        subprocess.run([*base, *args], env=env, check=True, capture_output=True)
    code, screen = _on_a_terminal(["undo"], env, answer)
    assert code == 0, screen
    assert "Void #2 T1 sold" in screen
    shown = subprocess.run(
        [*base, "show", "T1", "--json"], env=env, capture_output=True, text=True
    ).stdout
    assert json.loads(shown)["state"] == ("listed" if voided else "awaiting_payment")
