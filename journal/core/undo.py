"""`journal undo`: which step is "your most recent one". Pure.

The newest event that is not itself a correction and was not voided already: undoing twice
goes one step further back, never voids a void (that would bring the step back).
"""

from collections.abc import Iterable

from journal.core.events import ITEM_TYPES, VOID_TYPE, Event
from journal.core.steps import WITHDRAWN

# Written by the journal itself as part of a step (a bundle marks its originals, a sale
# raises the double-listing alarm on the item's other listings, a withdrawal marks the sales
# whose proceeds it took): undoing the step means voiding the event the person recorded,
# which comes first (and takes these along).
_FOLLOWERS = frozenset({"bundled", WITHDRAWN, *ITEM_TYPES})


def last_step(newest_first: Iterable[Event]) -> Event | None:
    voided: set[int] = set()
    for event in newest_first:
        if event.type == VOID_TYPE:
            voided.add(event.payload["seq"])
            continue
        if event.seq in voided or event.type in _FOLLOWERS:
            continue
        return event
    return None
