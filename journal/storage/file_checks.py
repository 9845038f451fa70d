"""A journal file's path checked before SQLite touches it, with `os` alone: every command
opens a journal, and pathlib (with `urllib.parse`, `ipaddress` and `fnmatch`, which it
imports) cost each one about 17 M instructions. The path is text as `str(Path)` writes it
(`journal.paths.file_text`); what each check does is what the `Path` method it stands
for does (`is_dir`, `exists`, `is_symlink`, `parents`), errors included, so that every
refusal is the one it was.
"""

import errno
import os
import stat

from journal.core.errors import BadInput

# The errors pathlib's `exists`, `is_dir` and `is_symlink` read as "no" (others are raised).
_NO = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _mode(path: str, follow: bool = True) -> int | None:
    """The file's mode, or None where pathlib's checks would say there is nothing."""
    try:
        return (os.stat(path) if follow else os.lstat(path)).st_mode
    except OSError as exc:
        if exc.errno in _NO:
            return None
        raise
    except ValueError:  # a NUL in the name
        return None


def is_dir(path: str) -> bool:
    found = _mode(path)
    return found is not None and stat.S_ISDIR(found)


def exists(path: str) -> bool:
    return _mode(path) is not None


def is_symlink(path: str) -> bool:
    found = _mode(path, follow=False)
    return found is not None and stat.S_ISLNK(found)


def parent(path: str) -> str:
    """`Path(path).parent` as text: the path itself for a root or `.`."""
    body = path.lstrip("/")
    root = path[: len(path) - len(body)]
    if "/" not in body:
        return root or "."
    return root + body.rsplit("/", 1)[0]


def parents(path: str) -> list[str]:
    """`Path(path).parents` as text, nearest first."""
    found = []
    while (above := parent(path)) != path:
        found.append(above)
        path = above
    return found


def creation_target(path: str) -> str:
    """Where a new journal for `path` is created: the path, or a dangling symlink's target."""
    if is_symlink(path):
        return os.path.realpath(path)
    return path


def existing(path: str, create: bool = True) -> bool:
    """Check the journal path before SQLite touches it. True if a journal file is there;
    False if nothing is (the folders above are then checked to be usable, if `create`)."""
    try:
        if is_dir(path):
            raise BadInput("db_is_directory", path=path)
        if exists(path):
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise BadInput("db_unusable", path=path, detail="not a regular file")
            if not os.access(path, os.R_OK):
                raise BadInput("db_unusable", path=path, detail="permission denied")
            if info.st_size == 0 and not _fills_soon(path):
                raise BadInput("empty_file", path=path)
            return True
        if not create:
            return False
        for above in parents(creation_target(path)):
            if exists(above) or is_symlink(above):
                if not is_dir(above):
                    raise BadInput("db_unusable", path=path, detail=f"{above} is a file")
                break
        return False
    except OSError as exc:
        raise BadInput("db_unusable", path=path, detail=exc.strerror or str(exc)) from None


def _fills_soon(path: str, wait: float = 2.0) -> bool:
    """An empty file may be a journal another process is creating right now: wait a little."""
    import time

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if os.stat(path).st_size > 0:
            return True
    return False
