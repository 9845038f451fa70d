"""Install, service and completion: `daemon install/uninstall/status`, `config`,
`completion`, through the real command (and a real bash for Tab)."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, str]:
    values = {
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **values}


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_writes_the_absolute_program_and_warns_inside_a_source_folder(env, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    done = journal(env, "daemon", "install", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert Path(data["program"]).is_absolute()
    unit = Path(data["path"]).read_text()
    assert f"ExecStart={data['program']}" in unit
    # the tests run from a source clone's virtual environment: that is said, once, on stderr
    assert data["inside_source_folder"] == str(ROOT)
    # (a second line may say the desktop notifier cannot deliver here: no session bus)
    assert [line for line in done.stderr.splitlines() if "pipx" in line] == [
        done.stderr.splitlines()[0]
    ]


def test_status_uninstall_and_status_again(env):
    assert "not installed" in journal(env, "daemon", "status").stdout
    assert journal(env, "daemon", "install").returncode == 0
    status = json.loads(journal(env, "daemon", "status", "--json").stdout)
    assert status["service"] and status["program_exists"] and status["running"] is False
    removed = journal(env, "daemon", "uninstall", "--json")
    data = json.loads(removed.stdout)
    assert data["removed"] is True and not Path(data["path"]).exists()
    assert "systemctl --user disable --now" in data["stop"]
    again = journal(env, "daemon", "uninstall")
    assert again.returncode == 0 and "no service was installed" in again.stdout


@pytest.mark.slow
def test_status_sees_a_running_daemon(env):
    journal(env, "add", "listed", "--platform", "mercari", "--title", "x", "--price", "900")
    daemon = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "daemon", "--notifier", "console"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        status = {}
        while time.monotonic() < deadline:
            status = json.loads(journal(env, "daemon", "status", "--json").stdout)
            if status["running"]:
                break
            time.sleep(0.2)
        assert status["running"] is True and status["pid"] == daemon.pid
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    after = json.loads(journal(env, "daemon", "status", "--json").stdout)
    assert after["running"] is False


def test_config_shows_places_and_settings_in_effect(env, tmp_path):
    Path(env["JOURNAL_CONFIG"]).write_text(
        '[reminders]\ndefault = ["48h"]\noverdue = "08:30"\n[notifier]\nkind = "console"\n'
    )
    data = json.loads(journal(env, "config", "--json").stdout)
    assert data["journal"] == env["JOURNAL_DB"] and data["config_exists"] is True
    assert data["lock"].endswith(".daemon.lock")
    assert (data["timezone"], data["language"]) == ("Asia/Tokyo", "en")
    assert (data["notifier"], data["reminders"], data["overdue_reminder_at"]) == (
        "console",
        ["2d"],
        "08:30",
    )
    text = journal({**env, "JOURNAL_LANG": "ja"}, "config").stdout
    assert "設定ファイル" in text and "08:30" in text


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o"),
        ("zsh", "compdef"),
        ("fish", "complete --no-files --command journal"),
    ],
)
def test_completion_scripts(env, shell, marker):
    done = journal(env, "completion", shell)
    assert done.returncode == 0 and "_JOURNAL_COMPLETE" in done.stdout and marker in done.stdout


def test_completion_of_an_unknown_shell_is_refused(env):
    done = journal(env, "completion", "tcsh")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_trade_ids_complete_in_a_real_bash(env, tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    for title in ("ニット", "スカート"):
        journal(env, "add", "listed", "--platform", "mercari", "--title", title, "--price", "900")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "journal"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "cli.py"}" "$@"\n')
    shim.chmod(0o755)
    script = (
        "source <(journal completion bash); COMP_WORDS=(journal show t); COMP_CWORD=2;"
        ' _journal_completion journal; echo "${COMPREPLY[@]}";'
        ' COMPREPLY=(); COMP_WORDS=(journal add paid ""); COMP_CWORD=3;'
        " _journal_completion journal;"
        ' echo "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "-c", script],
        env={**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # several candidates: each with its title (bash shows them as a list to choose from)
    assert done.stdout.splitlines() == ["T1  ニット T2  スカート"] * 2


def test_completion_of_a_journal_that_is_not_there_is_quietly_empty(env, tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py")],
        env={
            **env,
            "JOURNAL_DB": str(tmp_path / "none.sqlite"),
            "_JOURNAL_COMPLETE": "bash_complete",
            "COMP_WORDS": "journal show T",
            "COMP_CWORD": "2",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.strip() == "" and done.stderr == ""
    assert not (tmp_path / "none.sqlite").exists()


def test_install_passes_on_the_display_settings_the_composition_root_read(env):
    """JOURNAL_LANG as written (`ja_JP.UTF-8`) reaches the unit as the language it names; a
    JOURNAL_TZ the journal cannot use is refused before any unit is written."""
    done = journal({**env, "JOURNAL_LANG": "ja_JP.UTF-8"}, "daemon", "install", "--json")
    assert done.returncode == 0, done.stderr
    unit = Path(json.loads(done.stdout)["path"]).read_text()
    assert 'Environment="JOURNAL_LANG=ja"\n' in unit
    assert 'Environment="JOURNAL_TZ=Asia/Tokyo"\n' in unit
    Path(json.loads(done.stdout)["path"]).unlink()

    bad = journal({**env, "JOURNAL_TZ": "Mars/Olympus"}, "daemon", "install", "--json")
    assert bad.returncode == 2
    assert "Mars/Olympus" in bad.stderr and "Traceback" not in bad.stderr
    assert not list((Path(env["XDG_CONFIG_HOME"]) / "systemd").rglob("*.service"))
