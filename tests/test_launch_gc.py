"""The entry point keeps the cyclic garbage collector off while a shortcut (--help, Tab, an
everyday command read without click) is found and runs, and on for click's commands (the
daemon, bulk work) and for whoever called it in the same process afterwards."""

import gc

import pytest

import cli
from journal.commands import fastpath, launch


@pytest.fixture
def seen(monkeypatch):
    states: list[bool] = []
    monkeypatch.setattr(launch, "_answer", lambda args: None)
    return states


def test_an_everyday_command_runs_without_the_collector(seen, monkeypatch):
    monkeypatch.setattr(launch, "_plan", lambda args: ("list", {}))
    monkeypatch.setattr(fastpath, "answer", lambda *planned: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert launch.main(["list"]) == 0
    assert seen == [False]
    assert gc.isenabled()  # the caller's collector is back


def test_a_failing_everyday_command_gives_the_collector_back(seen, monkeypatch):
    def fails(*planned):
        raise RuntimeError("boom")

    monkeypatch.setattr(launch, "_plan", lambda args: ("list", {}))
    monkeypatch.setattr(fastpath, "answer", fails)
    with pytest.raises(RuntimeError):
        launch.main(["list"])
    assert gc.isenabled()


def test_clicks_commands_run_with_the_collector(seen, monkeypatch):
    monkeypatch.setattr(launch, "_plan", lambda args: None)
    monkeypatch.setattr(cli, "main", lambda argv: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(fastpath, "learn", lambda module: None)
    assert launch.main(["daemon"]) == 0
    assert seen == [True]


def test_a_caller_without_the_collector_keeps_it_off(seen, monkeypatch):
    monkeypatch.setattr(launch, "_plan", lambda args: ("list", {}))
    monkeypatch.setattr(fastpath, "answer", lambda *planned: 0)
    gc.disable()
    try:
        launch.main(["list"])
        assert not gc.isenabled()
    finally:
        gc.enable()
