"""What a delivery pass hands out (`Work`) and what it reports (`Outcome`)."""

from datetime import datetime

from journal.core.datatypes import field, record
from scheduler.note import Note
from scheduler.plan import Reminder


@record
class Outcome:
    """What one delivery pass did."""

    delivered: list[Reminder] = field(default_factory=list)
    summarized: list[Reminder] = field(default_factory=list)
    failed: int = 0
    unrecorded: int = 0  # delivered, but the record could not be written yet


@record
class Work:
    """One notification to send, and the records it settles once sent."""

    note: Note
    items: list[tuple[Reminder, str]]  # (reminder, how): how = on_time, late, superseded, summary
    summary: bool = False

    @property
    def main(self) -> Reminder:
        return self.items[0][0]


@record
class Unrecorded:
    items: list[tuple[Reminder, str]]
    notifier: str
    sent_at: datetime
