"""Steps recorded as they happen: paid at once, the step to record first, Japanese step
names, an optional buyer, examples that run, and a sale under someone else's hold."""

import shlex

import pytest
from conftest import journal_process
from freezegun import freeze_time

from journal.core.steps import CATALOGUE

NOW = "2026-12-05T01:40:00+09:00"


def listed(platform: str, *more: str) -> tuple[str, ...]:
    return ("add", "listed", "--platform", platform, "--title", "バッグ", "--price", "4800",
            "--at", "-3d", *more)  # fmt: skip


def types(run, trade: str = "T1") -> list[str]:
    return [e["type"] for e in run("log", trade, "--json").json()]


def test_a_yahoo_flea_sale_is_paid_at_once_and_starts_the_ship_by(run, ok) -> None:
    with freeze_time(NOW):
        ok(*listed("yahoo-flea"))
        data = run("add", "sold", "T1", "--json").json()  # no --buyer: not always at hand
        assert data["state"] == "awaiting_shipment" and data["also"] == ["paid"]
        assert data["next_deadline"]["kind"] == "ship"
        assert types(run) == ["listed", "sold", "paid"]
        assert run("verify").code == 0


def test_sold_paid_records_sold_then_paid_in_one_command(run, ok) -> None:
    with freeze_time(NOW):
        ok(*listed("mercari"))
        line = ok("add", "sold", "T1", "--buyer", "けん", "--paid")
        assert line.startswith("T1 #2 バッグ: sold・paid → ship due")
        assert types(run) == ["listed", "sold", "paid"]
        ok(*listed("mercari", "--id", "T2"))
        ok("add", "sold", "T2", "--buyer", "けん")  # without --paid: awaiting payment
        assert run("show", "T2", "--json").json()["state"] == "awaiting_payment"


def test_a_purchase_is_paid_unless_unpaid(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "bought", "--platform", "mercari", "--title", "古着", "--price", "4000")
        ok("add", "bought", "--platform", "mercari", "--title", "古着", "--price", "4000",
           "--unpaid")  # fmt: skip
        assert run("show", "T1", "--json").json()["state"] == "awaiting_shipment"
        assert run("show", "T2", "--json").json()["state"] == "awaiting_payment"
        assert types(run, "T1") == ["bought", "paid"]


def test_shipping_an_unpaid_mercari_sale_records_paid_with_a_notice(run, ok) -> None:
    with freeze_time(NOW):
        ok(*listed("mercari"))
        ok("add", "sold", "T1", "--at", "-2d")
        data = run("add", "shipped", "T1", "--json").json()
        assert data["state"] == "shipped" and data["also"] == ["paid"]
        assert [n["code"] for n in data["notices"]] == ["recorded_first"]
        assert types(run) == ["listed", "sold", "paid", "shipped"]


def test_a_step_whose_earlier_step_is_not_certain_names_it(run, ok, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok(*listed("yahoo-auction"))
        ok("add", "sold", "T1", "--at", "-2d")
        refused = run("add", "shipped", "T1")
        assert refused.code == 1
        assert "先に journal add 支払い T1 を記録してください" in refused.err
        ok("add", "paid", "T1")
        refused = run("add", "received", "T1")
        assert refused.code == 1 and "journal add 発送 T1" in refused.err
        assert types(run) == ["listed", "sold", "paid"]


@pytest.mark.parametrize(
    ("alias", "step", "setup"),
    [
        ("発送", "shipped", [("sold", "T1", "--paid", "--at", "-1d")]),
        ("入金", "paid", [("sold", "T1", "--at", "-1d")]),
        ("取り置き", "hold", []),
        ("落札", "sold", []),
    ],
)
def test_japanese_step_names(run, ok, alias, step, setup) -> None:
    with freeze_time(NOW):
        ok(*listed("mercari"))
        for args in setup:
            ok("add", *args)
        more = ("--until", "+2d") if step == "hold" else ()
        ok("add", alias, "T1", *more)
        assert types(run)[-1] == step


def test_japanese_step_names_in_help_and_completion(run, ok, journal_env) -> None:
    help_text = ok("add", "--help")
    assert "入金" in help_text and "発送" in help_text and "落札" in help_text
    done = journal_process(
        env={
            "_JOURNAL_COMPLETE": "bash_complete",
            "COMP_WORDS": "journal add 発",
            "COMP_CWORD": "2",
        }
    )
    assert done.returncode == 0 and "plain,発送" in done.stdout.split()


_SOLD = [("sold", "T1", "--at", "-2d")]
_SHIPPED = [("sold", "T1", "--paid", "--at", "-2d"), ("shipped", "T1", "--at", "-1d")]
_RAKUMA_REQUEST = [
    (
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "x",
        "--price",
        "900",
        "--request-required",
        "--at",
        "-3d",
    ),  # fmt: skip
    ("request", "T1", "--at", "-2d"),
]
# What T1 (or T4, T5) is before each example runs: a plain Mercari listing unless said here.
_BEFORE: dict[str, list[tuple[str, ...]]] = {
    "request": _RAKUMA_REQUEST[:1],
    "approved": _RAKUMA_REQUEST,
    "declined": _RAKUMA_REQUEST,
    "request-expired": _RAKUMA_REQUEST,
    "payment-number": [listed("yahoo-auction")[1:], *_SOLD],
    "paid": _SOLD,
    "shipped": _SHIPPED[:1],
    "received": _SHIPPED,
    "completed": _SHIPPED,
    "return": _SHIPPED,
    "rated": [*_SHIPPED, ("received", "T1", "--at", "-12h")],
    "hold-ended": [("hold", "T1", "--until", "+2d", "--at", "-2d")],
    "offer-declined": [("offer", "T1", "--price", "800", "--at", "-2d")],
    "offer-accepted": [("offer", "T1", "--price", "800", "--at", "-2d")],
    "bundle": [listed("rakuma", "--id", "T4")[1:], listed("rakuma", "--id", "T5")[1:]],
}
_ADDABLE = [s.name for s in CATALOGUE if s.addable]


@pytest.mark.parametrize("name", _ADDABLE)
def test_every_example_in_add_help_runs_as_printed(run, ok, name) -> None:
    help_text = [line.strip() for line in ok("add", name, "--help").splitlines()]
    example = help_text[help_text.index("Example:") + 1]
    assert example.startswith(f"journal add {name}")
    creates = name in ("listed", "bought", "withdrawal")
    with freeze_time(NOW):
        before = _BEFORE.get(name, [])
        if not creates and not (before and before[0][0] == "listed"):
            before = [listed("mercari")[1:], *before]
        for args in before:
            ok("add", *args)
        result = run(*shlex.split(example)[1:])
        assert result.code == 0, (example, result.err)


def test_a_backfilled_step_says_a_passed_deadline_is_passed_unless_done(run, ok, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok(*listed("mercari", "--at", "-6d"))
        line = ok("add", "sold", "T1", "--buyer", "けん", "--at", "-5d")
        assert "は過ぎています（済んでいれば問題ありません）" in line and "期限超過" not in line
        assert run("add", "note", "T1", "--note", "x").out.count("期限超過") == 1  # now: overdue


def test_a_sale_under_someone_elses_hold_warns(run, ok) -> None:
    with freeze_time(NOW):
        ok(*listed("rakuma"))
        ok("add", "hold", "T1", "--buyer", "ゆき", "--until", "+2d", "--at", "-1d")
        warned = run("add", "sold", "T1", "--buyer", "別の人", "--json")
        assert warned.code == 0 and "ゆき" in warned.err
        assert [w["code"] for w in warned.json()["warnings"]] == ["sold_under_hold"]
        ok(*listed("rakuma", "--id", "T2"))
        ok("add", "hold", "T2", "--buyer", "ゆき", "--until", "+2d", "--at", "-1d")
        quiet = run("add", "sold", "T2", "--buyer", "ゆき")
        assert quiet.code == 0 and quiet.err == ""


def test_yahoo_auction_sale_is_a_winning_bid_with_its_end_time(run, ok, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok(*listed("yahoo-auction"))
        line = ok("add", "sold", "T1", "--price", "7400", "--at", "昨日 21:00")
        assert line.startswith("T1 #2 バッグ: 落札（オークション終了 12/4(金) 21:00） → 支払い期限")
        ok(*listed("yahoo-auction", "--id", "T2"))
        assert ok("add", "落札", "T2").startswith("T2 #4 バッグ: 落札 → 支払い期限")


def _undo_on_a_terminal(tmp_path, answer: bytes) -> tuple[int, str, list]:
    """`journal undo` in Japanese on a pseudo-terminal, answered with `answer`."""
    import json
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "JOURNAL_DB": str(tmp_path / "j.sqlite"), "JOURNAL_LANG": "ja",
           "JOURNAL_TZ": "Asia/Tokyo", "JOURNAL_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (listed("mercari"), ("add", "sold", "T1", "--buyer", "b")):
        subprocess.run([*base, *args], env=env, check=True, capture_output=True)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [*base, "undo"], env)
    out, sent = b"", False
    while True:
        if not select.select([fd], [], [], 20)[0]:  # no answer taken: stop, do not hang
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not sent and "[はい/いいえ]".encode() in out:
            os.write(fd, answer)
            sent = True
    _, status = os.waitpid(pid, 0)
    log = subprocess.run([*base, "log", "T1", "--json"], env=env, capture_output=True, text=True)
    return (
        os.waitstatus_to_exitcode(status),
        out.decode(),
        [e["type"] for e in json.loads(log.stdout)],
    )


@pytest.mark.parametrize(
    ("answer", "voided"), [("はい\n", True), ("いいえ\n", False), ("ｙ\n", True), ("\n", False)]
)
@pytest.mark.slow
def test_undo_takes_hai_and_iie(tmp_path, answer, voided) -> None:
    code, screen, log = _undo_on_a_terminal(tmp_path, answer.encode())
    assert code == 0, screen
    assert ("voided" in log) == voided


def test_a_hold_and_an_offer_without_a_buyer_show_and_a_sale_on_it_does_not_guess(run, ok):
    with freeze_time(NOW):
        ok(*listed("rakuma"))
        ok("add", "hold", "T1", "--until", "+2d")
        ok("add", "offer", "T1", "--price", "800")
        assert "hold" in ok("show", "T1")
        sale = run("add", "sold", "T1")
        assert sale.code == 0 and sale.err == ""  # whose hold it was is not known


def _examples(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("Example:") + 1
    return [line for line in lines[start:] if line.startswith("journal ")]


def test_the_examples_of_journal_help_and_add_help_run_as_printed(run, ok) -> None:
    with freeze_time(NOW):
        for example in _examples(ok("--help")):  # listed with a request, the request, upcoming
            assert run(*shlex.split(example)[1:]).code == 0, example
        for trade in ("T2", "T3"):
            ok(*listed("mercari", "--id", trade))
        ok("add", "sold", "T3", "--paid", "--at", "-2d")
        for example in _examples(ok("add", "--help")):
            assert run(*shlex.split(example)[1:]).code == 0, example


def test_paid_again_after_a_sale_paid_at_once_says_it_is_paid(run, ok, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok(*listed("yahoo-flea"))
        ok("add", "sold", "T1", "--at", "-1d")
        again = run("add", "paid", "T1")
        assert again.code == 1 and "支払い済みとして記録されています" in again.err
        assert types(run) == ["listed", "sold", "paid"]
