"""The two ways a command can fail on purpose; each maps to a documented exit status."""

from typing import Any


class JournalError(Exception):
    """Base class: carries a message key from `journal.messages` and its parameters."""

    exit_code = 2

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        from journal.messages import render

        return render(self.key, **self.params)


class BadInput(JournalError):
    """Bad usage or bad input (unknown trade, bad date, unusable database): exit 2."""

    exit_code = 2


class Refused(JournalError):
    """A step the trade's rules do not allow in its current state: exit 1."""

    exit_code = 1
