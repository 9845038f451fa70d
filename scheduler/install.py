"""`journal daemon install`: a systemd user unit (Linux) or a launchd agent (macOS).

The service runs `journal daemon` in the foreground and lets the init system restart it;
the journal file, config file and display settings in force now are written into it, so
the service reminds about the same journal the user is looking at.
"""

import os
import shlex
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape, unescape

from journal.core.errors import BadInput
from journal.core.urls import without_password
from journal.text.i18n import Locale
from scheduler.unitfile import UnitUnreadable, checked, environment, exec_program, exec_word
from scheduler.unitsandbox import sandbox_lines, writable_folders

UNIT_NAME = "trade-journal.service"
AGENT_LABEL = "jp.trade-journal.daemon"


def journal_command() -> list[str]:
    """How to start this very installation's `journal` by its absolute path, independent of
    the service's PATH."""
    exe = Path(sys.executable).with_name("journal")
    if exe.exists():
        return [str(exe.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "cli"]


def source_checkout(program: Path) -> Path | None:
    """The source folder whose virtual environment holds `program`, if it is one (a folder
    with pyproject.toml above the environment): deleting or moving it breaks the service."""
    try:
        for folder in program.resolve().parents:
            if (folder / "pyproject.toml").is_file() and (folder / "cli.py").is_file():
                return folder
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop
        return None
    return None


def program_exists(program: str) -> bool:
    """Whether the service's program is still there (any name a unit can hold)."""
    try:
        return Path(program).exists()
    except (OSError, ValueError):
        return False


def service_file(platform: str | None = None, home: Path | None = None) -> Path:
    """Where `install` writes the service on this system."""
    platform = platform or sys.platform
    home = home or Path.home()
    if platform.startswith("linux"):
        base = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
        return base / "systemd" / "user" / UNIT_NAME
    if platform == "darwin":
        return home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
    raise BadInput("daemon_unsupported_os", system=platform)


def log_place(platform: str | None = None, home: Path | None = None) -> str:
    """Where the service's log goes."""
    platform = platform or sys.platform
    if platform == "darwin":
        return str((home or Path.home()) / "Library" / "Logs" / "trade-journal-daemon.log")
    return f"journalctl --user -u {UNIT_NAME}"


def uninstall(
    platform: str | None = None, home: Path | None = None
) -> tuple[Path, bool, str, tuple[bool, list[Path]] | None]:
    """Disable the service, then remove its file: (its path, whether there was one, the
    command that stops a running service, how it was disabled: see
    `service_state.disable`; None on macOS or without a unit).

    Disabled first: systemd finds the unit's links through its file, so a file removed
    first leaves `disable` saying the unit does not exist."""
    platform = platform or sys.platform
    path = service_file(platform, home)
    if platform == "darwin":
        stop = f"launchctl bootout gui/$(id -u) {shlex.quote(str(path))}"
    else:
        stop = f"systemctl --user disable --now {UNIT_NAME}"
    existed = path.is_file()
    disabled = None
    if existed and platform.startswith("linux"):
        from scheduler.service_state import disable

        disabled = disable(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
    if disabled and disabled[0]:
        from scheduler.service_state import reload_manager

        reload_manager()
    return path, existed, stop, disabled


def service_program(path: Path) -> str | None:
    """The program a written service file starts (its first argument); None without one.

    Raises UnitUnreadable when the file is there but neither systemd nor we can read its
    command (not UTF-8, unbalanced quotes, an empty `ExecStart=`).
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if path.suffix != ".plist":
        return exec_program(raw)
    text = raw.decode("utf-8", "replace")
    for line in text.splitlines():
        if "<string>" in line and "ProgramArguments" not in line and "Label" not in line:
            program = unescape(line.strip().removeprefix("<string>").removesuffix("</string>"))
            if not program or not program.isprintable():
                raise UnitUnreadable("no_command")
            return program
    return None


def read_service(path: Path) -> tuple[str | None, str | None]:
    """(the program the service file runs, why it cannot be read): (None, None) when there
    is no service file; a reason (a catalog key's tail) is said in words, never a crash."""
    if not path.is_file():
        return None, None
    try:
        return service_program(path), None
    except UnitUnreadable as exc:
        return None, exc.reason


def pgpass_hint(db: Path | str) -> str | None:
    """For a server URL that holds a password: the ~/.pgpass line the service needs (with
    `PASSWORD` in its place), since the unit is written without it; else None."""
    if not isinstance(db, str) or without_password(db) == db:
        return None
    parts = urlsplit(without_password(db))
    try:
        port = str(parts.port or 5432)
    except ValueError:
        port = "*"
    fields = [parts.hostname or "localhost", port, unquote(parts.path.lstrip("/")) or "*"]
    return ":".join([*fields, unquote(parts.username or "*"), "PASSWORD"])


def _service_env(reader: Locale | None) -> dict[str, str]:
    """The display settings passed on to the service, as the composition root read them
    (`App.locale`: a zone it could not use was refused there, before anything is written,
    since it would make the service fail and restart forever)."""
    env = {}
    if os.environ.get("JOURNAL_CONFIG"):
        env["JOURNAL_CONFIG"] = str(Path(os.environ["JOURNAL_CONFIG"]).expanduser().absolute())
    if reader is not None and os.environ.get("JOURNAL_TZ"):
        env["JOURNAL_TZ"] = os.environ["JOURNAL_TZ"]
    if reader is not None and os.environ.get("JOURNAL_LANG"):
        env["JOURNAL_LANG"] = reader.language  # "ja" or "en", whatever was written
    return env


def install(
    db: Path | str,
    platform: str | None = None,
    home: Path | None = None,
    calendar: str | None = None,
    reader: Locale | None = None,
) -> tuple[Path, str]:
    """Write the service file; return its path and the one command that enables it.
    `calendar`: the `[calendar] path` the daemon rewrites (the unit lets it write there);
    `reader`: the language and zone the settings name, passed on when set by the environment."""
    platform = platform or sys.platform
    home = home or Path.home()
    # A server's URL as given, but never its password: a command line is public (`ps`).
    where = without_password(db) if isinstance(db, str) else str(db.resolve())
    argv = [*journal_command(), "daemon", "--db", where]
    env = _service_env(reader)
    path = service_file(platform, home)
    if platform.startswith("linux"):
        text = systemd_unit(argv, env, writable_folders(db, calendar, home))
        enable = f"systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}"
    else:
        log = home / "Library" / "Logs" / "trade-journal-daemon.log"
        text = launchd_plist(argv, env, log)
        enable = f"launchctl bootstrap gui/$(id -u) {shlex.quote(str(path))}"
    try:
        _make_private_dirs(path.parent)
        write_private(path, text)
    except OSError as exc:
        raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
    return path, enable


def _make_private_dirs(folder: Path) -> None:
    """Create the missing folders owner-only (0700), whatever the umask; leave existing ones."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            break
        missing.append(parent)
    for parent in reversed(missing):
        parent.mkdir(mode=0o700, exist_ok=True)
        os.chmod(parent, 0o700)  # mkdir's mode is cut by the umask, never widened: be sure


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` as an owner-only file (0600, whatever the umask), atomically.

    Written under a temporary name created exclusively (never through a symlink) and
    renamed over the target, so no other user can edit what the service will run.
    """
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            fd = -1
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        if fd >= 0:
            os.close(fd)
        partial.unlink(missing_ok=True)


def systemd_unit(argv: list[str], env: dict[str, str], writable: list[Path] = ()) -> str:
    """The user unit, sandboxed (scheduler/unitsandbox.py) but for the `writable`
    folders; every value escaped for systemd (scheduler/unitfile.py)."""
    words = [exec_word(a) for a in argv]
    lines = [
        "[Unit]",
        "Description=trade-journal deadline reminders",
        "After=graphical-session.target",
        "",
        "[Service]",
        "ExecStart=" + " ".join(words),
        "Restart=on-failure",
        "RestartSec=10",
        # exit 2 is bad input or settings: restarting cannot mend it, only repeat it
        "RestartPreventExitStatus=2",
    ]
    lines += [environment(k, v) for k, v in sorted(env.items())]
    lines += sandbox_lines(list(writable))
    lines += ["", "[Install]", "WantedBy=default.target", ""]
    return "\n".join(lines)


def launchd_plist(argv: list[str], env: dict[str, str], log: Path) -> str:
    args = "\n".join(f"    <string>{escape(checked(a))}</string>" for a in argv)
    env_items = "\n".join(
        f"    <key>{escape(k)}</key><string>{escape(checked(v))}</string>"
        for k, v in sorted(env.items())
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>{AGENT_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
{args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
{env_items}
  </dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
  <key>StandardErrorPath</key><string>{escape(str(log))}</string>
</dict>
</plist>
"""


def running_daemon(db: Path | str) -> int | None:
    """The pid of the daemon holding this journal's file lock, or None when none runs (a
    journal on a server has no file lock: its daemons elect a leader there)."""
    import fcntl

    if not isinstance(db, Path):
        return None

    from scheduler.lock import lock_path

    path = lock_path(db)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            return int(text) if text.isdigit() else 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
