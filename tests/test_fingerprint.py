"""The read models know the rule book and the derivation that built them: a config change
between two commands (`[mercari] identity_verified`, a `[rules.…]` override) or a release
that derives them differently rebuilds them on the next command, which says so once, and
`verify` never reports it as damage. On a file and on a PostgreSQL server, in-process
through the real command line."""

import copy
import threading

import pytest
from freezegun import freeze_time

import cli
from journal import app
from journal.core import rules
from journal.storage import projections
from tests.conftest import Result, journal_process

NOW = "2026-12-20T12:00:00+09:00"
SETTINGS = "journal: your settings changed, so the deadlines were recomputed\n"
PROGRAM = "journal: journal was updated, so the deadlines were recomputed\n"
VERIFIED = "[mercari]\nidentity_verified = true\n"
LONGER_WINDOW = "[rules.mercari.message_window]\ndays = 30\n"


@pytest.fixture
def run(engine_journal, capsys):
    """`journal ARGS…` in-process on each engine, time frozen."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        with freeze_time(NOW):
            code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def config(engine_journal, tmp_path):
    """Write the config file between commands."""
    path = tmp_path / "config.toml"

    def _write(text: str) -> None:
        path.write_text(text, encoding="utf-8")

    _write("")
    return _write


def completed_mercari_sale(run) -> None:
    steps = [
        ("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500"),
        ("add", "sold", "T1", "--buyer", "はな", "--price", "2500"),
        ("add", "paid", "T1"),
        ("add", "shipped", "T1"),
        ("add", "received", "T1"),
        ("add", "rated", "T1"),
    ]
    for day, step in enumerate(steps, start=1):
        done = run(*step, "--at", f"2026-12-{day:02d}T10:00")
        assert done.code == 0 and done.err == "", (step, done.err)


def deadlines(run, expected_err: str = "") -> dict[str, str]:
    shown = run("show", "T1", "--json")
    assert shown.code == 0, shown.err
    assert shown.err == expected_err
    return {d["kind"]: d["due"] for d in shown.json()["deadlines"]}


def verified(run) -> None:
    checked = run("verify")
    assert checked.code == 0, checked.err
    assert checked.err == ""


def test_identity_verified_between_commands_drops_the_proceeds_deadline(run, config):
    completed_mercari_sale(run)
    assert "proceeds" in deadlines(run)

    config(VERIFIED)
    assert "proceeds" not in deadlines(run, SETTINGS)  # rebuilt, said once
    assert "proceeds" not in deadlines(run)  # and not again
    verified(run)

    config("")
    assert "proceeds" in deadlines(run, SETTINGS)
    verified(run)


def test_a_rule_override_moves_the_deadline_and_verify_is_the_first_to_see_it(run, config):
    completed_mercari_sale(run)
    before = deadlines(run)["message_window"]

    config(LONGER_WINDOW)
    checked = run("verify", "--json")
    assert checked.code == 0, checked.err  # not exit 4: a config change is no damage
    assert checked.json()["ok"] is True
    assert checked.err == SETTINGS
    after = deadlines(run)["message_window"]
    assert after > before  # 30 days after completion instead of the pack's
    assert after.startswith("2027-01-05")  # completed 12/6, + 30 days
    verified(run)


def test_a_write_after_the_change_rebuilds_too_and_says_so_once(run, config):
    completed_mercari_sale(run)
    config(VERIFIED)
    noted = run("add", "note", "T1", "--note", "お礼済み")
    assert noted.code == 0 and noted.err == SETTINGS
    assert "proceeds" not in deadlines(run)
    verified(run)


def test_the_notice_is_in_japanese_for_a_japanese_reader(run, config, monkeypatch):
    completed_mercari_sale(run)
    config(VERIFIED)
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    listed = run("list")
    assert listed.code == 0
    assert listed.err == "journal: 設定が変わったため、期限を計算し直しました\n"


def test_a_release_that_derives_differently_rebuilds_once(run, config, monkeypatch):
    completed_mercari_sale(run)
    monkeypatch.setattr(projections, "PROJECTION_VERSION", projections.PROJECTION_VERSION + 1)
    deadlines(run, PROGRAM)
    deadlines(run)
    verified(run)


def test_a_release_with_other_rule_packs_says_so_not_that_the_settings_changed(
    run, config, monkeypatch
):
    completed_mercari_sale(run)
    before = deadlines(run)["message_window"]
    packs = copy.deepcopy(rules._builtin())
    for rule in packs["mercari"]["rules"]:
        if rule["kind"] == "message_window":
            rule["days"] += 3
    monkeypatch.setattr(rules, "_builtin", lambda: packs)
    # a release's other packs are other pack files: another key for the book's cached hash
    stamp_key = app._stamp_key
    monkeypatch.setattr(app, "_stamp_key", lambda config: "next-" + stamp_key(config))
    projections._packs_hash.cache_clear()
    try:
        after = deadlines(run, PROGRAM)["message_window"]
        assert after > before
        config(VERIFIED)  # then a config change is told as one
        deadlines(run, SETTINGS)
        verified(run)
    finally:
        projections._packs_hash.cache_clear()


def test_an_unchanged_config_rebuilds_nothing(run, config):
    completed_mercari_sale(run)
    config('# a comment, and the same rules\ntimezone = "Asia/Tokyo"\n')
    deadlines(run)
    verified(run)


@pytest.mark.slow
def test_processes_noticing_the_change_at_once_rebuild_it_once(engine_journal, config):
    """Each checks again under the write lock: one rebuilds and says so, the others find
    the read models current; nothing is torn."""
    env = {"JOURNAL_LANG": "en"}
    for day, step in enumerate(
        [
            ("add", "listed", "--platform", "mercari", "--title", "t", "--price", "900"),
            ("add", "sold", "T1", "--buyer", "b"),
            ("add", "paid", "T1"),
            ("add", "shipped", "T1"),
            ("add", "received", "T1"),
            ("add", "rated", "T1"),
        ],
        start=1,
    ):
        done = journal_process(*step, "--at", f"2026-11-{day:02d}T10:00", env=env)
        assert done.returncode == 0, done.stderr
    config(VERIFIED)
    results: list = [None] * 4

    def one(i: int) -> None:
        results[i] = journal_process("list", "--all", env=env)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.returncode for r in results] == [0] * len(results), [r.stderr for r in results]
    assert sorted(r.stderr for r in results) == ["", "", "", SETTINGS]
    checked = journal_process("verify", env=env)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
