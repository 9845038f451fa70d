"""Notifiers: desktop (plyer, then notify-send, then the log), a user's command, the console.

A notifier returns True when the reminder reached its destination and False when it did
not (the daemon then keeps the reminder unsent and retries); it never raises.
"""

import logging
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from journal.errors import BadInput

log = logging.getLogger("journal.daemon")
COMMAND_TIMEOUT = 60.0
PROBE_TIMEOUT = 5.0
KINDS = ("desktop", "command", "console")


@dataclass(frozen=True)
class Note:
    """One notification: what a person reads, and what a program forwarding it needs."""

    title: str
    message: str
    trade: str
    kind: str
    due: str  # ISO 8601 in the user's timezone


class Notifier(Protocol):
    name: str

    def send(self, note: Note) -> bool: ...


class ConsoleNotifier:
    """One line per reminder on stdout (it contains the trade id and the deadline kind)."""

    name = "console"

    def send(self, note: Note) -> bool:
        try:
            print(f"{note.trade} {note.kind} {note.title}: {note.message}", flush=True)
        except OSError as exc:
            log.error("console output failed: %s", exc)
            return False
        return True


class CommandNotifier:
    """Run the user's program, no shell: argv (title, message) plus JOURNAL_* variables."""

    name = "command"

    def __init__(self, program: str) -> None:
        self.program = program

    def send(self, note: Note) -> bool:
        env = {
            **os.environ,
            "JOURNAL_TRADE": note.trade,
            "JOURNAL_KIND": note.kind,
            "JOURNAL_DUE": note.due,
        }
        try:
            done = subprocess.run(
                [self.program, note.title, note.message],
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.error("notifier command %s failed: %s", self.program, exc)
            return False
        if done.returncode != 0:
            detail = (done.stderr or b"").decode(errors="replace").strip().splitlines()
            log.error(
                "notifier command %s exited with %s%s",
                self.program,
                done.returncode,
                f": {detail[-1]}" if detail else "",
            )
            return False
        return True


class DesktopNotifier:
    """plyer first; notify-send when plyer cannot; the console when no server answers.

    plyer raises when dbus-python finds no notification server, but when it falls back to
    notify-send itself it ignores the exit status, so the session bus is probed first:
    a reminder shown to nobody must not be recorded as sent.
    """

    name = "desktop"

    def __init__(self) -> None:
        self.console = ConsoleNotifier()

    def send(self, note: Note) -> bool:
        if server_reachable() is False:
            log.warning("no desktop notification server reachable: printing the reminder")
            return self.console.send(note)
        if self._plyer(note) or self._notify_send(note):
            return True
        log.warning("desktop notification failed: printing the reminder")
        return self.console.send(note)

    def _plyer(self, note: Note) -> bool:
        try:
            from plyer import notification

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                notification.notify(
                    title=note.title, message=note.message, app_name="trade-journal", timeout=30
                )
        except Exception as exc:  # noqa: BLE001 - any backend failure means "try the next"
            log.warning("plyer could not notify: %s", str(exc).splitlines()[0] if str(exc) else exc)
            return False
        return True

    def _notify_send(self, note: Note) -> bool:
        exe = shutil.which("notify-send")
        if not exe:
            return False
        try:
            done = subprocess.run(
                [exe, "-a", "trade-journal", note.title, note.message],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=PROBE_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("notify-send failed: %s", exc)
            return False
        return done.returncode == 0


def server_reachable() -> bool | None:
    """Is a desktop notification server on the session bus? None when we cannot tell."""
    if sys.platform != "linux":
        return None
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not address and not (runtime and Path(runtime, "bus").exists()):
        return False
    probe = _probe_command()
    if probe is None:
        return None
    try:
        done = subprocess.run(
            probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.returncode == 0


def _probe_command() -> list[str] | None:
    method = "org.freedesktop.Notifications.GetServerInformation"
    if shutil.which("dbus-send"):
        return [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            method,
        ]
    if shutil.which("gdbus"):
        return [
            "gdbus",
            "call",
            "--session",
            "--dest",
            "org.freedesktop.Notifications",
            "--object-path",
            "/org/freedesktop/Notifications",
            "--method",
            method,
        ]
    return None


def choose(config: Mapping[str, Any], kind: str | None, command: str | None) -> Notifier:
    """The notifier from `--notifier`/`--command`, else `[notifier] kind`/`command`."""
    chosen = kind or ("command" if command else None) or config.get("kind") or "desktop"
    if chosen not in KINDS:
        raise BadInput("bad_notifier", value=chosen)
    if chosen == "console":
        return ConsoleNotifier()
    if chosen == "desktop":
        return DesktopNotifier()
    program = command or config.get("command")
    if not program or not isinstance(program, str):
        raise BadInput("notifier_needs_command")
    resolved = shutil.which(os.path.expanduser(program))
    if resolved is None:
        raise BadInput("notifier_command_missing", program=program)
    return CommandNotifier(resolved)
