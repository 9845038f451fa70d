"""One daemon per journal file: an exclusive flock on `<journal>.daemon.lock`."""

import contextlib
import fcntl
import os
import stat
import time
from pathlib import Path
from typing import IO

from journal.core.errors import BadInput, Refused


def lock_path(db: Path) -> Path:
    """`<journal>.daemon.lock` beside the real journal file (symlinks resolved), so every
    spelling of the path (a symlink, `..`) meets the same lock."""
    real = Path(os.path.realpath(db))
    return real.with_name(real.name + ".daemon.lock")


def acquire_lock(db: Path) -> IO[str]:
    """One daemon per journal: an exclusive, non-blocking flock beside the journal file.

    The kernel releases it when the process dies, so a crash never leaves a stale lock.
    The lock file is opened without following a symlink and without truncating it; it
    must be a regular file of this user with no other name (else refused, exit 2), and is
    created private (0600). The pid is written only once the lock is held.
    """
    path = lock_path(db)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise BadInput("lock_unsafe", path=str(path), detail="a symbolic link") from None
        raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        problem = _lock_problem(info)
        if problem:
            raise BadInput("lock_unsafe", path=str(path), detail=problem)
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Refused("daemon_running", path=str(db), pid=_holder(fd)) from None
    except BaseException:
        os.close(fd)
        raise
    with contextlib.suppress(OSError):  # the pid is a courtesy: a full disk must not stop us
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return os.fdopen(fd, "r+", encoding="utf-8")


def _lock_problem(info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_uid != os.geteuid():
        return "owned by another user"
    if info.st_nlink != 1:
        return "it has other names (hard links)"
    return None


def _holder(fd: int) -> str:
    """The pid the running daemon wrote (it may be a moment behind taking the lock)."""
    for _ in range(20):
        with contextlib.suppress(OSError):
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            if text:
                return text
        time.sleep(0.025)
    return "?"
