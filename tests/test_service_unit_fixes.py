"""The service safe to leave running: the unit `daemon install` writes is sandboxed
(`systemd-analyze security --offline=true` rates it ≤ 4.0), a desktop notification still
arrives from inside that sandbox, `install` warns when the notifier cannot deliver,
`uninstall` disables before it removes, and `status` says what systemd has.

All through the real `journal` command in a child process with a private HOME and
XDG_CONFIG_HOME; `systemctl` is a recording stand-in on PATH where a test needs a user
manager (there is none in CI's container).
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from real_parts import need

ROOT = Path(__file__).resolve().parent.parent
UNIT = Path("systemd") / "user" / "trade-journal.service"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the systemd unit is Linux's")


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "JOURNAL_DB": str(tmp_path / "data" / "j.sqlite"),
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env["HOME"],
    )


def installed(env: dict[str, str], *args: str) -> str:
    done = journal(env, "daemon", "install", *args)
    assert done.returncode == 0, done.stderr
    return (Path(env["XDG_CONFIG_HOME"]) / UNIT).read_text()


def service_settings(text: str) -> dict[str, list[str]]:
    """The [Service] section's settings, each with its values in order."""
    found: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line
        elif "=" in line and section == "[Service]":
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def writable(text: str) -> list[str]:
    (line,) = service_settings(text)["ReadWritePaths"]
    words = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
    assert all(w.startswith("-") for w in words), line
    return [w[1:].replace("\\\\", "\\").replace('\\"', '"') for w in words]


def analyze() -> str:
    exe = shutil.which("systemd-analyze")
    if exe is None:
        need("systemd-analyze is not installed (apt-get install systemd; .ci/run does this)")
    return exe


# --- the sandbox in the unit ----------------------------------------------------------------


@pytest.mark.parametrize("place", ["tmp", "home"])
def test_systemd_rates_the_written_unit_at_most_4(env, tmp_path, place) -> None:
    """Old: 9.6 UNSAFE. Both with the journal in /tmp (no PrivateTmp then) and under home."""
    if place == "home":
        env["JOURNAL_DB"] = str(Path(env["HOME"]) / ".local" / "share" / "j.sqlite")
    installed(env)
    unit = Path(env["XDG_CONFIG_HOME"]) / UNIT
    done = subprocess.run(
        [analyze(), "security", "--offline=true", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    level = re.search(r"Overall exposure level for trade-journal.service: ([0-9.]+)", done.stdout)
    assert level, done.stdout + done.stderr
    assert float(level.group(1)) <= 4.0, done.stdout
    verified = subprocess.run(
        [analyze(), "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0 and verified.stderr.strip() == "", verified.stderr


def test_the_daemons_folders_are_the_only_writable_ones(env, tmp_path) -> None:
    real = tmp_path / "real data"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    env["JOURNAL_DB"] = str(tmp_path / "link" / "o'brien 100%h.sqlite")
    Path(env["JOURNAL_CONFIG"]).write_text('[calendar]\npath = "cal/deadlines.ics"\n')
    text = installed(env)
    settings = service_settings(text)
    home = Path(env["HOME"])
    # the journal's folder as named and as real (the lock is beside the real file), the
    # calendar's (a relative path is the service's working folder: home); not the config's
    assert writable(text) == [str(tmp_path / "link"), str(real), str(home / "cal")]
    assert '"-' + str(tmp_path / "link") + '"' in settings["ReadWritePaths"][0]
    for key, value in [
        ("NoNewPrivileges", "yes"),
        ("UMask", "0077"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "read-only"),
        ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
        ("SystemCallFilter", "@system-service"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
    ]:
        assert settings[key] == [value], key
    assert "PrivateTmp" not in settings  # the journal is in /tmp: a private one would hide it
    assert "CapabilityBoundingSet" not in settings  # fails a user unit (218/CAPABILITIES)


def test_a_journal_outside_tmp_gets_a_private_tmp_and_a_server_journal_no_folder(
    env, pg_url
) -> None:
    env["JOURNAL_DB"] = pg_url
    settings = service_settings(installed(env))
    assert settings["PrivateTmp"] == ["yes"] and "ReadWritePaths" not in settings
    env["JOURNAL_DB"] = "/srv/journal/j.sqlite"
    assert service_settings(installed(env))["PrivateTmp"] == ["yes"]


def test_a_percent_or_quote_in_a_folder_is_escaped_for_systemd(env, tmp_path) -> None:
    folder = tmp_path / 'say "hi" 100%h \\x'
    env["JOURNAL_DB"] = str(folder / "j.sqlite")
    text = installed(env)
    (line,) = service_settings(text)["ReadWritePaths"]
    inner = str(folder).replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    assert line == f'"-{inner}"'
    if shutil.which("systemd-analyze"):
        done = subprocess.run(
            ["systemd-analyze", "verify", str(Path(env["XDG_CONFIG_HOME"]) / UNIT)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_a_calendar_path_with_a_newline_is_refused_and_nothing_written(env) -> None:
    Path(env["JOURNAL_CONFIG"]).write_text('[calendar]\npath = "/x\\nExecStartPre=/bin/true"\n')
    done = journal(env, "daemon", "install")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (Path(env["XDG_CONFIG_HOME"]) / UNIT).exists()


# --- install warns when the notifier cannot deliver ----------------------------------------


def no_bus(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "no-runtime-dir")
    return env


def test_install_warns_that_desktop_notifications_cannot_arrive(env, tmp_path) -> None:
    done = journal(no_bus(env, tmp_path), "daemon", "install", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["notifier_problem"] == "install_no_desktop_server"
    assert "no notification server" in done.stderr
    assert 'kind = "apprise"' in done.stderr and 'kind = "command"' in done.stderr
    ja = journal({**no_bus(env, tmp_path), "JOURNAL_LANG": "ja"}, "daemon", "install")
    assert "通知サーバー" in ja.stderr


def test_install_warns_that_the_configured_command_is_missing(env, tmp_path) -> None:
    Path(env["JOURNAL_CONFIG"]).write_text(
        '[notifier]\nkind = "command"\ncommand = "/nonexistent/notify-me"\n'
    )
    done = journal(no_bus(env, tmp_path), "daemon", "install", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["notifier_problem"] == "install_notifier_unusable"
    assert "/nonexistent/notify-me" in done.stderr and "[notifier]" in done.stderr


def test_install_says_nothing_about_a_console_notifier(env, tmp_path) -> None:
    Path(env["JOURNAL_CONFIG"]).write_text('[notifier]\nkind = "console"\n')
    done = journal(no_bus(env, tmp_path), "daemon", "install", "--json")
    assert json.loads(done.stdout)["notifier_problem"] is None
    assert "notifier" not in done.stderr


# --- uninstall disables first; status asks systemd -----------------------------------------

FAKE_SYSTEMCTL = """#!/bin/sh
# A user manager's systemctl: records each call and whether the unit file was there.
unit="$XDG_CONFIG_HOME/systemd/user/trade-journal.service"
if [ -f "$unit" ]; then there=file; else there=nofile; fi
echo "$* $there" >> "$CALLS"
case "$2" in
  show) echo "${FRAGMENT-$unit}" ;;
  disable) rm -f "$XDG_CONFIG_HOME"/systemd/user/*.wants/trade-journal.service ;;
  is-enabled) echo enabled; exit 0 ;;
  is-active) echo "$ACTIVE"; [ "$ACTIVE" = active ] ;;
esac
"""


def with_systemctl(env: dict[str, str], tmp_path: Path, script: str | None) -> dict[str, str]:
    """PATH with a stand-in `systemctl` (or, for None, with none at all)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("sh", "rm", "cat"):
        (bin_dir / name).unlink(missing_ok=True)
        (bin_dir / name).symlink_to(shutil.which(name))
    if script is not None:
        fake = bin_dir / "systemctl"
        fake.write_text(script)
        fake.chmod(0o755)
    return {**env, "PATH": str(bin_dir), "CALLS": str(tmp_path / "calls"), "ACTIVE": "active"}


def enable_link(env: dict[str, str]) -> Path:
    link = Path(env["XDG_CONFIG_HOME"]) / "systemd/user/default.target.wants/trade-journal.service"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to("../trade-journal.service")
    return link


def test_uninstall_disables_while_the_unit_is_still_there_then_removes(env, tmp_path) -> None:
    installed(env)
    link = enable_link(env)
    env = with_systemctl(env, tmp_path, FAKE_SYSTEMCTL)
    done = journal(env, "daemon", "uninstall", "--json")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls == [
        "--user show --property=FragmentPath --value trade-journal.service file",
        "--user disable --now trade-journal.service file",
        "--user daemon-reload nofile",
    ]
    assert json.loads(done.stdout)["disabled_by_manager"] is True
    assert not link.is_symlink() and not (Path(env["XDG_CONFIG_HOME"]) / UNIT).exists()
    text = journal(env, "daemon", "uninstall").stdout  # nothing left: says so, calls nothing
    assert "no service was installed" in text and len(calls) == 3


def test_uninstall_never_disables_a_unit_the_manager_has_from_another_file(env, tmp_path) -> None:
    installed(env)
    link = enable_link(env)
    env = {**with_systemctl(env, tmp_path, FAKE_SYSTEMCTL), "FRAGMENT": "/elsewhere/x.service"}
    done = journal(env, "daemon", "uninstall", "--json")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert [c.split()[1] for c in calls] == ["show"]  # no disable, no reload
    assert json.loads(done.stdout)["disabled_by_manager"] is False and not link.is_symlink()
    installed(env)
    status = json.loads(journal(env, "daemon", "status", "--json").stdout)
    assert status["systemd"] == {"manager": False, "enabled": "disabled", "active": None}


def test_uninstall_without_systemctl_removes_the_enable_links_first(env, tmp_path) -> None:
    installed(env)
    link = enable_link(env)
    env = with_systemctl(env, tmp_path, None)
    done = journal(env, "daemon", "uninstall")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()
    assert "removed the service's 1 enable link(s) first" in first
    assert second.startswith("removed ") and second.endswith("trade-journal.service")
    assert not link.is_symlink() and not (Path(env["XDG_CONFIG_HOME"]) / UNIT).exists()


@pytest.mark.parametrize(("active", "said"), [("active", "running"), ("failed", "failed")])
def test_status_says_what_systemd_has(env, tmp_path, active, said) -> None:
    installed(env)
    env = {**with_systemctl(env, tmp_path, FAKE_SYSTEMCTL), "ACTIVE": active}
    data = json.loads(journal(env, "daemon", "status", "--json").stdout)
    assert data["systemd"] == {"manager": True, "enabled": "enabled", "active": active}
    assert f"systemd: enabled, {said}\n" in journal(env, "daemon", "status").stdout


def test_status_without_a_user_manager_reads_the_links(env, tmp_path) -> None:
    installed(env)
    env = with_systemctl(env, tmp_path, None)
    data = json.loads(journal(env, "daemon", "status", "--json").stdout)
    assert data["systemd"] == {"manager": False, "enabled": "disabled", "active": None}
    enable_link(env)
    text = journal({**env, "JOURNAL_LANG": "ja"}, "daemon", "status").stdout
    assert "ユーザーマネージャーが応答しない" in text and "リンク上は有効" in text


def test_status_of_a_real_systemctl_without_a_manager_never_fails(env) -> None:
    if shutil.which("systemctl") is None:
        pytest.skip("no systemctl here")
    installed(env)
    done = journal(env, "daemon", "status", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["systemd"]["enabled"] in ("enabled", "disabled")
    assert stat.S_IMODE((Path(env["XDG_CONFIG_HOME"]) / UNIT).stat().st_mode) == 0o600
