"""The sandbox the systemd user unit runs the daemon in (systemd.exec(5)).

The daemon reads its journal, config and program, writes only beside the journal (the
SQLite file, its -wal/-journal, the daemon's lock) and the calendar file, talks to the
session bus (desktop notifications, a unix socket under /run/user, readable under
ProtectHome=read-only) and to the network (PostgreSQL, apprise). Everything else is taken
away. `systemd-analyze security --offline=true` rates the unit below 4.0
(tests/test_service_unit_fixes.py).

Left out on purpose: `CapabilityBoundingSet=` (an empty set makes a *user* unit fail with
218/CAPABILITIES: a user manager cannot drop what it does not hold), `PrivateNetwork=` and
`IPAddressDeny=` (PostgreSQL and apprise need the network), `ProtectHome=yes` (it hides the
session bus and the journal under home), `ProcSubset=pid`.
"""

import os
from pathlib import Path

from scheduler.unitfile import checked

# systemd.exec(5) settings that cost the daemon nothing.
HARDENING = (
    "NoNewPrivileges=yes",
    "UMask=0077",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateDevices=yes",
    "PrivateMounts=yes",
    "PrivateUsers=yes",  # what a user manager implies for the settings above anyway
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "ProtectProc=invisible",
    # unix: the session bus; inet: PostgreSQL, apprise
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    # the daemon loads no JIT (matplotlib is only for `money --chart`)
    "MemoryDenyWriteExecute=yes",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallErrorNumber=EPERM",
    "RemoveIPC=yes",
    "KeyringMode=private",
    "DevicePolicy=closed",
)
_SHARED_TMP = (Path("/tmp"), Path("/var/tmp"))


def writable_folders(db: Path | str, calendar: str | None, home: Path) -> list[Path]:
    """The folders the daemon writes: the journal's (as named and with symlinks resolved:
    the lock sits beside the real file) and the calendar file's; none for a server."""
    folders: list[Path] = []
    if isinstance(db, Path):
        folders += [db.absolute().parent, Path(os.path.realpath(db)).parent]
    if calendar:
        target = Path(calendar).expanduser()
        target = target if target.is_absolute() else home / target  # the service's cwd
        folders += [target.parent, Path(os.path.realpath(target)).parent]
    return list(dict.fromkeys(folders))


def sandbox_lines(folders: list[Path]) -> list[str]:
    """The [Service] lines: the hardening, the writable folders, and a private /tmp unless
    a writable folder is in the shared one (the service would not see it there)."""
    lines = list(HARDENING)
    if not any(_under(f, tmp) for f in folders for tmp in _SHARED_TMP):
        lines.insert(1, "PrivateTmp=yes")
    if folders:
        # `-`: a folder missing at start is skipped, not a failure to start at all
        lines.append("ReadWritePaths=" + " ".join(_path_word(f) for f in folders))
    return lines


def _under(folder: Path, top: Path) -> bool:
    real = Path(os.path.realpath(folder))
    return any(p == top or p.is_relative_to(top) for p in (folder, real))


def _path_word(folder: Path) -> str:
    """One ReadWritePaths= entry: quoted, `%` doubled (paths take specifiers, not `$`)."""
    text = checked(str(folder)).replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'"-{text}"'
