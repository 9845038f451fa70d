"""Desktop notifications: a real notification server (dunst) on a private D-Bus session.

`.ci/run` installs Xvfb, dunst, dbus and notify-send; where they are missing the real
server tests are skipped, saying which programs are missing. The fallback tests run
everywhere: without a reachable server a reminder is printed, never lost, never fatal.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from real_parts import need

from scheduler.note import Note
from scheduler.notify import DesktopNotifier, server_reachable

NEEDED = ("dbus-daemon", "dbus-send", "Xvfb", "dunst", "dunstctl")


def _note(token: str) -> Note:
    return Note(
        title=f"T12 ボトムス {token}",
        message="payment: check the payment — due 2026-11-24 Tue 23:59 (in 20 h 0 min)",
        trade="T12",
        kind="payment",
        due="2026-11-24T23:59:00+09:00",
    )


@pytest.fixture(scope="module")
def desktop(tmp_path_factory):
    """A private session bus, a virtual X display and dunst; yields their environment."""
    missing = [p for p in NEEDED if shutil.which(p) is None]
    if missing:
        need(
            "a real notification server is needed: missing "
            + ", ".join(missing)
            + " (apt-get install xvfb dunst dbus-x11 libnotify-bin; .ci/run does this)"
        )
    home = tmp_path_factory.mktemp("desktop")
    procs: list[subprocess.Popen] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        procs.append(bus)
        address = bus.stdout.readline().strip()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "800x600x24"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        procs.append(xvfb)
        display = xvfb.stdout.readline().strip()
        if not address or not display:
            need("could not start a private D-Bus session or Xvfb display")
        env = {
            "DBUS_SESSION_BUS_ADDRESS": address,
            "DISPLAY": f":{display}",
            "XDG_CONFIG_HOME": str(home),  # no user dunstrc
        }
        full = {**os.environ, **env}
        procs.append(
            subprocess.Popen(
                ["dunst"],
                env=full,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=open(home / "dunst.log", "w"),  # noqa: SIM115
            )
        )
        deadline = time.monotonic() + 15
        while not _server_up(full):
            if time.monotonic() > deadline:
                log = (home / "dunst.log").read_text(errors="replace")[-500:]
                need(f"dunst did not come up on the private bus: {log}")
            time.sleep(0.1)
        yield env
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def _server_up(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications.GetServerInformation",
        ],
        env=env,
        capture_output=True,
        timeout=5,
    )
    return done.returncode == 0


def _shown(env: dict[str, str], token: str, timeout: float = 10.0) -> list[dict]:
    """Notifications dunst received whose summary holds `token` (closing them into history)."""
    full = {**os.environ, **env}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        subprocess.run(["dunstctl", "close-all"], env=full, capture_output=True, timeout=5)
        done = subprocess.run(
            ["dunstctl", "history"], env=full, capture_output=True, text=True, timeout=5
        )
        if done.returncode == 0 and done.stdout.strip():
            items = json.loads(done.stdout)["data"][0]
            found = [n for n in items if token in n["summary"]["data"]]
            if found:
                return found
        time.sleep(0.2)
    return []


def test_plyer_delivers_to_a_real_notification_server(desktop, monkeypatch, capsys):
    for key, value in desktop.items():
        monkeypatch.setenv(key, value)
    notifier = DesktopNotifier()

    def no_fallback(_note):
        raise AssertionError("plyer failed and the notifier fell back")

    monkeypatch.setattr(notifier, "_notify_send", no_fallback)
    monkeypatch.setattr(notifier.console, "send", no_fallback)
    assert server_reachable() is True
    token = uuid.uuid4().hex[:8]
    assert notifier.send(_note(token)) is True
    shown = _shown(desktop, token)
    assert len(shown) == 1
    assert shown[0]["body"]["data"].startswith("payment: check the payment")
    assert shown[0]["appname"]["data"] == "trade-journal"
    assert capsys.readouterr().out == ""


def test_the_daemon_command_notifies_the_desktop(desktop, tmp_path):
    from tests.conftest import journal_process

    env = {
        **desktop,
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "ja",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
    }
    token = uuid.uuid4().hex[:8]
    title = f"ワンピース{token}"
    steps = [
        ("add", "listed", "--platform", "rakuma", "--title", title, "--price", "1800"),
        ("add", "hold", "T1", "--buyer", "さくら", "--until", "+2h"),
        ("daemon", "--once", "--notifier", "desktop"),
    ]
    for step in steps:
        done = journal_process(*step, env=env)
        assert done.returncode == 0, (step, done.stderr)
    shown = _shown(desktop, token)
    assert [n["summary"]["data"] for n in shown] == [f"T1 {title}"]
    assert shown[0]["body"]["data"].startswith("取り置き: ")
    assert "あと" in shown[0]["body"]["data"]


@pytest.mark.parametrize("terminal", [False, True])
def test_without_a_session_bus_the_reminder_is_printed_only_on_a_terminal(
    monkeypatch, capsys, terminal
):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir")
    monkeypatch.setattr("scheduler.notify._interactive", lambda: terminal)
    if sys.platform == "linux":
        assert server_reachable() is False
    assert DesktopNotifier().send(_note("nobus")) is terminal  # a log line reaches nobody
    out = capsys.readouterr().out
    assert ("T12 ボトムス nobus: payment:" in out) is terminal  # the id once, then the kind


@pytest.mark.parametrize("terminal", [False, True])
def test_with_a_dead_session_bus_the_reminder_is_printed_only_on_a_terminal(
    monkeypatch, capsys, tmp_path, terminal
):
    if shutil.which("dbus-send") is None:
        need("dbus-send is not installed")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'gone'}")
    monkeypatch.setattr("scheduler.notify._interactive", lambda: terminal)
    assert server_reachable() is False
    assert DesktopNotifier().send(_note("deadbus")) is terminal
    assert ("deadbus" in capsys.readouterr().out) is terminal


@pytest.mark.parametrize("terminal", [False, True])
def test_plyer_failure_falls_back_without_raising(monkeypatch, capsys, terminal):
    monkeypatch.setattr("scheduler.notify.server_reachable", lambda: True)
    monkeypatch.setattr("scheduler.notify._interactive", lambda: terminal)
    notifier = DesktopNotifier()

    def broken(**_kwargs):
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    from plyer import notification

    monkeypatch.setattr(notification, "notify", broken)
    monkeypatch.setattr("scheduler.notify.shutil.which", lambda _name: None)  # no notify-send
    assert notifier.send(_note("fallback")) is terminal
    assert ("fallback" in capsys.readouterr().out) is terminal
