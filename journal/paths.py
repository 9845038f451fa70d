"""The paths a person names for the files a command writes or reads: `~` expanded, and a
name that names no file, or a home folder this machine does not know, refused in one line
(exit 2) before anything is opened. The writing itself is `journal/files.py`'s. Also the
per-user folders (data, config, cache) and the config file's place, found with nothing but
the standard library's `os`, since Tab completion and `--help` ask for them before anything
else is imported."""

import os
import sys
from pathlib import Path

APP = "trade-journal"

# On Linux, platformdirs' per-user folders are the XDG ones: (variable, default under ~).
_XDG = {
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "cache": ("XDG_CACHE_HOME", "~/.cache"),
}


def user_dir(kind: str) -> Path:
    """platformdirs' `user_{kind}_dir` for the journal ("data", "config" or "cache"). On
    Linux it is computed as platformdirs does (the XDG variable, else its default), without
    importing it: every command asks, and the import cost a few milliseconds each time."""
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        variable, default = _XDG[kind]
        base, home = os.environ.get(variable, ""), os.environ.get("HOME", "")
        if base.startswith("/"):
            return Path(base) / APP
        if not base and home.startswith("/"):
            return Path(os.path.expanduser(default)) / APP
    import platformdirs  # elsewhere, and for the odd cases (a relative folder, no $HOME)

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def config_path() -> Path:
    """The config file: $JOURNAL_CONFIG, else config.toml in the per-user config folder."""
    env = os.environ.get("JOURNAL_CONFIG")
    if env:
        return Path(env)
    return user_dir("config") / "config.toml"


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


def user_path(value: str) -> Path:
    """A path as a person typed it, `~` and `~user` expanded; a `~user` this machine does not
    know is refused in one line (Path.expanduser raises RuntimeError for it)."""
    from journal.core.errors import BadInput

    try:
        return Path(value).expanduser()
    except RuntimeError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("file_unusable", path=shown, detail="no such user's home") from None
