"""The paths a person names for the files a command writes or reads: `~` expanded, and a
name that names no file, or a home folder this machine does not know, refused in one line
(exit 2) before anything is opened. The writing itself is `journal/files.py`'s."""

from pathlib import Path

from journal.core.errors import BadInput


def output_target(value: str) -> Path | None:
    """The file an output option names; None for `-`, standard output (`output_file`)."""
    return None if value == "-" else output_file(value)


def output_file(value: str) -> Path:
    """The file named to write, refused before anything is opened when it names no file
    (``, `.`, `..`, `/`, `-`, a trailing `/` that `Path` would drop), has a NUL or is too long."""
    from journal.core.validate import file_path

    if value.rsplit("/", 1)[-1] in ("", ".", "..") or value == "-" or "\0" in value:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("output_no_name", path=shown)
    return user_path(file_path(value))


def user_path(value: str) -> Path:
    """A path as a person typed it, `~` and `~user` expanded; a `~user` this machine does not
    know is refused in one line (Path.expanduser raises RuntimeError for it)."""
    try:
        return Path(value).expanduser()
    except RuntimeError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadInput("file_unusable", path=shown, detail="no such user's home") from None
