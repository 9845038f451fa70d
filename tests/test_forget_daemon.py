"""The running daemon applies the retention rule when it starts (and every few hours):
a sale finished 100 days ago loses its buyer's name without anyone running `forget`."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.daemon import daemon_env

ROOT = Path(__file__).resolve().parent.parent


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (args, done.stderr)
    return done


@pytest.mark.slow
def test_the_running_daemon_forgets_what_the_rule_reached(tmp_path) -> None:
    env = daemon_env(tmp_path / "j.sqlite", tmp_path / "config.toml")
    add = ("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "900")
    journal(env, *add, "--at", "-105d")
    journal(env, "add", "sold", "T1", "--buyer", "けん", "--paid", "--at", "-104d")
    for step, ago in (("shipped", "-103d"), ("received", "-101d"), ("rated", "-100d")):
        journal(env, "add", step, "T1", "--at", ago)
    journal(env, *add)  # T2: finished long ago it is not
    journal(env, "add", "sold", "T2", "--buyer", "みお")
    daemon = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "daemon", "--notifier", "console"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = json.loads(journal(env, "show", "T1", "--json").stdout)
            if shown["buyer"] == "[forgotten]":
                break
            time.sleep(0.3)
        assert shown["buyer"] == "[forgotten]"
        assert json.loads(journal(env, "show", "T2", "--json").stdout)["buyer"] == "みお"
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    log = daemon.stderr.read().decode()
    assert daemon.returncode == 0, log
    assert "retention rule: T1" in log
    journal(env, "verify")
