"""One notification, as the reminders make it and the notifiers deliver it. Kept apart from
`notify.py` (which imports subprocess, threading, logging and signal to deliver), so that
listing the reminders (`journal reminders`) loads none of that."""

from __future__ import annotations

from journal.core.datatypes import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Protocol
else:  # the protocol is for type checkers: at run time a plain base, and no `typing` import
    Protocol = object

URGENT_KINDS = frozenset({"delist"})


@record(frozen=True)
class Note:
    """One notification: what a person reads, and what a program forwarding it needs."""

    title: str
    message: str
    trade: str
    kind: str
    due: str  # ISO 8601 in the user's timezone

    @property
    def urgent(self) -> bool:
        """Shown as critical where the desktop allows: the item is about to sell twice."""
        return self.kind in URGENT_KINDS


class Notifier(Protocol):
    """What delivers a `Note` (scheduler/notify.py, scheduler/push.py): True once it reached
    a person."""

    name: str

    def send(self, note: Note) -> bool: ...
