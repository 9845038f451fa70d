"""Files the program creates beside the journal: private, never through a symlink, never
over something already there.

The small API, shared by the store (a new journal), backup and export, and meant for every
other file made beside the journal (the daemon's lock, a calendar file):

- `private_dirs(folder)`: create the missing folders of a path, each mode 700.
- `create_new(path)`: a new, empty, owner-only file; refuses anything already at the path.
- `open_private(path)`: open (or create) an owner-only file without following a symlink,
  without truncating it, refusing anything that is not a regular file of ours.
- `new_file(target)`: a context manager; the file is written under a hidden partial name
  beside `target` and appears at `target` only when complete, never replacing anything.
- `partial_name(target)` / `remove_stale_partials(folder)`: the hidden partial names, and the
  clean-up of those left by a killed writer (dead process, or untouched for an hour).
- every output of a command (its path named through `journal/paths.py`): `write_new`
  (an export: a new file) and `replace_file` (the calendar, the chart: rewritten by design).

Refusals are `BadInput` (one line, exit status 2).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from journal.core.errors import BadInput
from journal.core.patterns import LazyPattern

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

STALE_AFTER = 3600.0  # seconds without a change after which a partial file is abandoned
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# `.NAME.partial-PID-TOKEN`, and the side files SQLite keeps beside it.
_PARTIAL = LazyPattern(r"^\..+\.partial-(?P<pid>\d+)(?:-[0-9a-f]{8})?(?:-wal|-shm|-journal)?$")
_SIDES = ("-wal", "-shm", "-journal")


def _unusable(path: Path, exc: OSError) -> BadInput:
    return BadInput("file_unusable", path=str(path), detail=exc.strerror or str(exc))


def _what(info: os.stat_result) -> str | None:
    """Why a file found at a path is not one of ours to use (None if it is)."""
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "owned by another user"
    return None


def refuse_unsafe(path: Path) -> os.stat_result | None:
    """Refuse (exit 2) if something at `path` is a symlink, not a regular file, or not ours;
    else what is there (None: nothing)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unusable(path, exc) from None
    why = _what(info)
    if why is not None:
        raise BadInput("file_unsafe", path=str(path), why=why)
    return info


def private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents, each owner-only (700) whatever the umask.

    Folders that already exist are left as they are; a file where a folder should be is
    refused.
    """
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            if not candidate.is_dir():
                raise BadInput("file_unusable", path=str(folder), detail=f"{candidate} is a file")
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        try:
            os.mkdir(candidate, 0o700)
        except FileExistsError:
            continue  # made by someone else meanwhile: theirs, left as it is
        except OSError as exc:
            raise _unusable(candidate, exc) from None
        os.chmod(candidate, 0o700)


def create_new(path: Path) -> int:
    """Create a new, empty, owner-only (600) file and return its descriptor (caller closes).

    `FileExistsError` if anything, a symlink included, is already at the path.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return fd


def open_private(path: Path, *, create: bool = True) -> int:
    """Open `path` read-write without following a symlink and without truncating it.

    Created owner-only (600) if absent and `create`; refused (exit 2, one line) if what is
    there is a symlink, not a regular file, or owned by another user. Returns the descriptor.
    """
    flags = os.O_RDWR | _NOFOLLOW | _CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BadInput("file_unsafe", path=str(path), why="a symbolic link") from None
        if os.path.lexists(path):
            refuse_unsafe(path)
        raise _unusable(path, exc) from None
    why = _what(os.fstat(fd))
    if why is not None:
        os.close(fd)
        raise BadInput("file_unsafe", path=str(path), why=why)
    return fd


def partial_name(target: Path) -> Path:
    """A hidden name beside `target`, unique to this process and call."""
    import secrets  # only a writer needs it (and its import of random and hmac)

    return target.with_name(f".{target.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")


def publish(partial: Path, target: Path) -> None:
    """Give the complete file `partial` the name `target`, never replacing anything there.

    `FileExistsError` if anything is at `target`. `partial` keeps its name too (the caller
    removes it).
    """
    try:
        os.link(partial, target)
    except OSError as exc:  # FileExistsError (EEXIST) included: raised as it is
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _rename_noreplace(partial, target)  # a file system without hard links (FAT, exFAT)
    _sync_folder(target.parent)


def _rename_noreplace(partial: Path, target: Path) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_noreplace = -100, 1
        src, dst = os.fsencode(partial), os.fsencode(target)
        if renameat2(at_fdcwd, src, at_fdcwd, dst, rename_noreplace) == 0:
            return
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise FileExistsError(code, os.strerror(code), str(target))
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(target))
    if os.path.lexists(target):  # last resort: checked, then renamed (a narrow window)
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(partial, target)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_own(path: Path) -> None:
    """Remove a file this process created (and SQLite's side files for it), if still there."""
    for name in (str(path), *(f"{path}{side}" for side in _SIDES)):
        with suppress(FileNotFoundError):
            os.unlink(name)


@contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """A private file that appears at `target` only once complete, and never overwrites.

    Yields the hidden partial path to write (create nothing else there); when the block
    ends without an error it is linked to `target`. Whatever happens, the partial name is
    removed. Refused with one line (exit 2): anything already at `target` (a symlink
    included), a partial file swapped for another meanwhile, an unusable folder.
    """
    refuse_unsafe(target)
    if os.path.lexists(target):
        raise BadInput("file_exists", path=str(target))
    remove_stale_partials(target.parent)
    partial = partial_name(target)
    try:
        fd = create_new(partial)
    except FileExistsError:
        raise BadInput("file_exists", path=str(partial)) from None
    except OSError as exc:
        raise _unusable(target, exc) from None
    try:
        mine = os.fstat(fd)
        yield partial
        _still_mine(partial, mine)
        os.fsync(fd)
        try:
            publish(partial, target)
        except FileExistsError:
            raise BadInput("file_exists", path=str(target)) from None
    except OSError as exc:  # a full disk, a vanished memory card, ...
        raise _unusable(target, exc) from None
    finally:
        os.close(fd)
        remove_own(partial)


def _still_mine(partial: Path, mine: os.stat_result) -> None:
    """Refuse to publish a partial file that was swapped for another while it was written."""
    try:
        now = os.lstat(partial)
    except OSError as exc:
        raise _unusable(partial, exc) from None
    if not _same(now, mine) or _what(now):
        raise BadInput("file_unsafe", path=str(partial), why="replaced while being written")


def _same(one: os.stat_result, other: os.stat_result) -> bool:
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def write_new(target: Path, data: bytes) -> None:
    """`data` as a new private file at `target`; anything already there is refused."""
    with new_file(target) as partial:
        fd = os.open(partial, os.O_WRONLY | _NOFOLLOW | _CLOEXEC)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)


def replace_file(target: Path, data: bytes) -> bool:
    """Write `data` at `target` atomically; False (nothing written) if it already holds it.

    Replaces only a regular file of ours (keeping its mode and group: a calendar a web
    server reads); a symlink, FIFO, device or folder is refused, never opened or read. The
    data goes to a private partial file beside it, renamed over the target once on disk.
    """
    old = refuse_unsafe(target)
    if old is not None and _holds(target, old, data):
        return False
    remove_stale_partials(target.parent)
    partial = partial_name(target)
    try:
        fd = create_new(partial)
    except OSError as exc:
        raise _unusable(target, exc) from None
    try:
        _write_all(fd, data)
        if old is not None:
            _keep_access(fd, old)
        os.fsync(fd)
        _still_mine(partial, os.fstat(fd))
        refuse_unsafe(target)  # checked again just before the swap
        os.replace(partial, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise _unusable(target, exc) from None
    finally:
        os.close(fd)
        remove_own(partial)
    return True


def _holds(target: Path, seen: os.stat_result, data: bytes) -> bool:
    """Does the regular file `seen` at `target` hold exactly `data`? Read at most its size."""
    if seen.st_size != len(data):
        return False
    try:
        fd = os.open(target, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _same(info, seen):
            return False
        chunks, left = [], len(data) + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks) == data
    except OSError:
        return False
    finally:
        os.close(fd)


def _keep_access(fd: int, old: os.stat_result) -> None:
    """The old file's permission bits and group; its group's bits go if the group can't."""
    mode = stat.S_IMODE(old.st_mode) & 0o777
    if os.fstat(fd).st_gid != old.st_gid:
        try:
            os.fchown(fd, -1, old.st_gid)
        except OSError:
            mode &= ~0o070
    os.fchmod(fd, mode)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, belongs to someone else
    return True


def remove_stale_partials(folder: Path, now: float | None = None) -> list[Path]:
    """Remove our partial files in `folder` left by a killed writer; returns those removed.

    A partial file is stale when the process named in it is gone, or when neither it nor
    its side files changed for an hour (a process id reused since). Only regular files owned
    by this user, named as `partial_name` names them, are touched.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    groups: dict[str, list[tuple[str, os.stat_result]]] = {}
    for name in names:
        if _PARTIAL.match(name) is None:
            continue
        base = name
        for side in _SIDES:
            if name.endswith(side):
                base = name[: -len(side)]
                break
        try:
            info = os.lstat(folder / name)
        except OSError:
            continue
        if _what(info) is None:
            groups.setdefault(base, []).append((name, info))
    for base, found in groups.items():
        match = _PARTIAL.match(base)
        if match is None:
            continue
        pid = int(match["pid"])
        if pid == os.getpid():
            continue
        newest = max(info.st_mtime for _name, info in found)
        if _alive(pid) and now - newest < STALE_AFTER:
            continue
        for name, _info in found:
            try:
                os.unlink(folder / name)
                removed.append(folder / name)
            except OSError:
                pass
    return removed
