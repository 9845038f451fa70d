"""The two ways a command can fail on purpose; each maps to a documented exit status.

An error carries a message key and its parameters, never text: the words are chosen at the
edge. `journal.text.messages` installs the renderer `str()` uses when it is loaded (the command
line loads it first thing), so the core never imports text.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar


class JournalError(Exception):
    """Base class: carries a message key from `journal.text.messages` and its parameters."""

    exit_code = 2
    renderer: ClassVar[Callable[..., str] | None] = None  # set by journal.text.messages

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        if JournalError.renderer is None:
            return f"{self.key}: {self.params}"
        return JournalError.renderer(self.key, **self.params)


class BadInput(JournalError):
    """Bad usage or bad input (unknown trade, bad date, unusable database): exit 2."""

    exit_code = 2


class Refused(JournalError):
    """A step the trade's rules do not allow in its current state: exit 1."""

    exit_code = 1
