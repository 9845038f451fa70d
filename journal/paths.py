"""The paths a person names for the files a command writes or reads: `~` expanded, and a
name that names no file, or a home folder this machine does not know, refused in one line
(exit 2) before anything is opened. The writing itself is `journal/files.py`'s. Also the
per-user folders (data, config, cache) and the config file's place, found with nothing but
the standard library's `os`, since Tab completion and `--help` ask for them before anything
else is imported. The everyday commands keep paths as text (`file_text`: `str(Path)` written
without pathlib); a `Path` is made only for a caller that asks for one (`user_dir`,
`config_path`, `user_path`, `output_file`)."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

APP = "trade-journal"

# On Linux, platformdirs' per-user folders are the XDG ones: (variable, default under ~).
_XDG = {
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "cache": ("XDG_CACHE_HOME", "~/.cache"),
}


def file_text(path: str | os.PathLike[str]) -> str:
    """`str(Path(path))` on a POSIX system, without importing pathlib (its import, with
    `urllib.parse`, `ipaddress` and `fnmatch`, cost every command about 17 M instructions):
    repeated slashes and `.` parts dropped, a trailing slash too, `..` kept, a leading `//`
    kept as POSIX allows, `.` for nothing. A file's path is kept in this form wherever it
    may be shown, so that every message names it exactly as before."""
    text = os.fspath(path)
    if os.name != "posix" or not isinstance(text, str):
        from pathlib import Path  # Windows (drives, backslashes): pathlib reads them

        return str(Path(text))
    root = ""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    parts = [part for part in text.split("/") if part and part != "."]
    return root + "/".join(parts) or "."


def expanded(path: str) -> str:
    """`str(Path(path).expanduser())` without pathlib: a leading `~` or `~user` replaced by
    that home folder. RuntimeError, as pathlib raises, for a home this machine cannot name."""
    text = file_text(path)
    if not text.startswith("~"):
        return text
    first, _, rest = text.partition("/")
    home = os.path.expanduser(first)
    if home[:1] == "~":
        raise RuntimeError("Could not determine home directory.")
    home = file_text(home)
    if not rest:
        return home
    return (home if home.endswith("/") else home + "/") + rest if home != "." else rest


def user_dir(kind: str) -> Path:
    """platformdirs' `user_{kind}_dir` for the journal ("data", "config" or "cache")."""
    from pathlib import Path

    return Path(user_folder(kind))


def user_folder(kind: str) -> str:
    """`str(user_dir(kind))`, without pathlib (the everyday commands ask for it). On Linux it
    is computed as platformdirs does (the XDG variable, else its default), without importing
    it: every command asks, and the import cost a few milliseconds each time."""
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        variable, default = _XDG[kind]
        base, home = os.environ.get(variable, ""), os.environ.get("HOME", "")
        if base.startswith("/"):
            return os.path.join(file_text(base), APP)
        if not base and home.startswith("/"):
            return os.path.join(file_text(os.path.expanduser(default)), APP)
    import platformdirs  # elsewhere, and for the odd cases (a relative folder, no $HOME)

    return file_text(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def config_path() -> Path:
    """The config file: $JOURNAL_CONFIG, else config.toml in the per-user config folder."""
    from pathlib import Path

    return Path(config_file())


def config_file() -> str:
    """`str(config_path())`, without pathlib."""
    env = os.environ.get("JOURNAL_CONFIG")
    if env:
        return file_text(env)
    return os.path.join(user_folder("config"), "config.toml")


def output_target(value: str) -> Path | None:
    """The file an output option names; None for `-`, standard output (`output_file`)."""
    return None if value == "-" else output_file(value)


def output_file(value: str) -> Path:
    """The file named to write, refused before anything is opened when it names no file
    (``, `.`, `..`, `/`, `-`, a trailing `/` that `Path` would drop), has a NUL or is too long."""
    from journal.core.errors import BadInput
    from journal.core.validate import file_path

    if value.rsplit("/", 1)[-1] in ("", ".", "..") or value == "-" or "\0" in value:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("output_no_name", path=shown)
    return user_path(file_path(value))


def user_file(value: str) -> str:
    """`str(user_path(value))`, without pathlib: the same refusal of an unknown `~user`."""
    from journal.core.errors import BadInput

    try:
        return expanded(value)
    except RuntimeError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("file_unusable", path=shown, detail="no such user's home") from None


def user_path(value: str) -> Path:
    """A path as a person typed it, `~` and `~user` expanded; a `~user` this machine does not
    know is refused in one line (Path.expanduser raises RuntimeError for it)."""
    from pathlib import Path

    from journal.core.errors import BadInput

    try:
        return Path(value).expanduser()
    except RuntimeError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("file_unusable", path=shown, detail="no such user's home") from None
