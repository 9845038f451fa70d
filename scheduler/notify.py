"""Notifiers: desktop (plyer, then notify-send), a user's command, the console.

A notifier returns True when the reminder reached a person and False when it did not (the
daemon then keeps the reminder unsent and retries); it never raises. A `command` runs in
its own process group with a time-out, and what it prints is read with a bound, so a
notifier that hangs or floods its output can neither block the daemon nor fill its memory.
"""

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from journal.core.errors import BadInput
from scheduler.note import Note, Notifier

log = logging.getLogger("journal.daemon")
COMMAND_TIMEOUT = 60.0  # per call; the process group is killed after it
PROBE_TIMEOUT = 5.0
OUTPUT_KEPT = 4096  # bytes of a command's output kept for the log; the rest is read and dropped
KINDS = ("desktop", "command", "console", "apprise")
QUIET = 3600.0  # seconds between two log lines about the same lasting problem


class Throttle:
    """Say a lasting problem once, then at most once per `every` seconds."""

    def __init__(self, every: float = QUIET) -> None:
        self.every = every
        self.last: dict[str, float] = {}
        self.lock = threading.Lock()

    def due(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            last = self.last.get(key)
            if last is not None and now - last < self.every:
                return False
            self.last[key] = now
            return True


throttle = Throttle()


class Children:
    """The notifier processes running now, so a stopping daemon can kill them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[subprocess.Popen] = set()
        self.closed = False

    def add(self, proc: subprocess.Popen) -> bool:
        with self.lock:
            if self.closed:
                return False
            self.running.add(proc)
            return True

    def discard(self, proc: subprocess.Popen) -> None:
        with self.lock:
            self.running.discard(proc)

    def kill_all(self) -> int:
        """Kill every running notifier's process group; no new one starts afterwards."""
        with self.lock:
            self.closed = True
            procs = list(self.running)
        for proc in procs:
            _kill_group(proc)
        return len(procs)


children = Children()


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the notifier and whatever it started (it leads its own process group)."""
    if proc.returncode is not None:
        return  # reaped: its pid may belong to someone else by now
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()


def _drain(stream: IO[bytes], kept: bytearray) -> None:
    """Read a pipe to its end, keeping only the first OUTPUT_KEPT bytes."""
    try:
        while True:
            chunk = stream.read1(65536)
            if not chunk:
                break
            room = OUTPUT_KEPT - len(kept)
            if room > 0:
                kept.extend(chunk[:room])
    except (OSError, ValueError):
        pass
    finally:
        with contextlib.suppress(OSError):
            stream.close()


class ConsoleNotifier:
    """One line per reminder on stdout: the title (the trade id and its title) and the text
    (it starts with the deadline kind's name); the ids are in JOURNAL_TRADE/KIND of a
    `command` notifier."""

    name = "console"

    def send(self, note: Note) -> bool:
        try:
            print(f"{note.title}: {note.message}", flush=True)
        except OSError as exc:
            log.error("console output failed: %s", exc)
            return False
        return True


class CommandNotifier:
    """Run the user's program, no shell: argv (title, message) plus JOURNAL_* variables."""

    name = "command"

    def __init__(self, program: str, timeout: float = COMMAND_TIMEOUT) -> None:
        self.program = program
        self.timeout = timeout

    def send(self, note: Note) -> bool:
        env = {
            **os.environ,
            "JOURNAL_TRADE": note.trade,
            "JOURNAL_KIND": note.kind,
            "JOURNAL_DUE": note.due,
        }
        try:
            proc = subprocess.Popen(
                [self.program, note.title, note.message],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed whole on time-out
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.error("notifier command %s failed: %s", self.program, exc)
            return False
        if not children.add(proc):  # the daemon is stopping
            _kill_group(proc)
            proc.wait()
            return False
        kept = bytearray()
        reader = threading.Thread(target=_drain, args=(proc.stdout, kept), daemon=True)
        reader.start()
        try:
            code = proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
            log.error("notifier command %s timed out after %g s", self.program, self.timeout)
            return False
        finally:
            children.discard(proc)
        reader.join(timeout=1.0)  # a background child may hold the pipe: do not wait for it
        if code != 0:
            detail = bytes(kept).decode(errors="replace").strip().splitlines()
            log.error(
                "notifier command %s %s%s",
                self.program,
                f"exited with {code}" if code > 0 else f"was killed by signal {-code}",
                f": {detail[-1][:500]}" if detail else "",
            )
            return False
        return True


class DesktopNotifier:
    """plyer first, then notify-send; printing counts only on an interactive terminal.

    plyer raises when dbus-python finds no notification server, but when it falls back to
    notify-send itself it ignores the exit status, so the session bus is probed first.
    Without a server (cron, a service outside the desktop session) a reminder printed to a
    log reaches nobody: it is a failure, the reminder stays pending and is retried. Only
    when the daemon's stdout is a terminal someone is looking at does printing count.
    """

    name = "desktop"

    def __init__(self) -> None:
        self.console = ConsoleNotifier()

    def send(self, note: Note) -> bool:
        if server_reachable() is False:
            return self._fallback(False, note)
        if self._plyer(note) or self._notify_send(note):
            return True
        return self._fallback(True, note)

    def _fallback(self, failed: bool, note: Note) -> bool:
        """Print on a terminal someone watches; otherwise say why nothing was delivered
        (each log line a whole sentence, so the log speaks the reader's language)."""
        if _interactive():
            if throttle.due("desktop-print") and failed:
                log.warning("the desktop notification failed: printing reminders on this terminal")
            elif throttle.due("desktop-print"):
                log.warning("no desktop notification server is reachable: printing reminders here")
            return self.console.send(note)
        if throttle.due("desktop-none"):
            if failed:
                log.warning(
                    "the desktop notification failed and the output is not a terminal:"
                    " reminders stay pending and are retried (said at most once an hour)"
                )
            else:
                log.warning(
                    "no desktop notification server is reachable and the output is not a"
                    " terminal: reminders stay pending and are retried (said at most once an"
                    " hour)"
                )
        return False

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
        urgency = ["-u", "critical"] if note.urgent else []
        try:
            done = subprocess.run(
                [exe, "-a", "trade-journal", *urgency, note.title, note.message],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=PROBE_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("notify-send failed: %s", exc)
            return False
        return done.returncode == 0


def _interactive() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (OSError, ValueError):
        return False


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


def choose(
    config: Mapping[str, Any],
    kind: str | Sequence[str] | None,
    command: str | None,
    urls: Sequence[str] = (),
) -> Notifier:
    """The notifier(s) from `--notifier`/`--command`/`--url`, else `[notifier] kind`,
    `command`, `urls`; several kinds at once make one notifier that sends to each."""
    kinds = [kind] if isinstance(kind, str) else list(kind or ())
    if not kinds:
        configured = config.get("kind")
        kinds = [configured] if isinstance(configured, str) else list(configured or ())
    if not kinds:
        kinds = ["command" if command else "desktop"]
    chosen = [_one(k, config, command, urls) for k in dict.fromkeys(kinds)]
    if len(chosen) == 1:
        return chosen[0]
    from scheduler.push import AllNotifiers

    return AllNotifiers(chosen)


def _one(chosen: str, config: Mapping[str, Any], command: str | None, urls: Sequence[str]):
    if chosen not in KINDS:
        raise BadInput("bad_notifier", value=chosen)
    if chosen == "console":
        return ConsoleNotifier()
    if chosen == "desktop":
        return DesktopNotifier()
    if chosen == "apprise":
        from scheduler.push import AppriseNotifier

        return AppriseNotifier(list(urls) or list(config.get("urls") or ()))
    program = command or config.get("command")
    if not program or not isinstance(program, str):
        raise BadInput("notifier_needs_command")
    resolved = shutil.which(os.path.expanduser(program))
    if resolved is None:
        raise BadInput("notifier_command_missing", program=program)
    return CommandNotifier(resolved)
