"""Recording a step from the web: the door's `Journal.record` (the one write path, as
`journal add` uses) and `journal/text/recorded.py`'s report (the `add --json` object and
the lines for people). A form's own event id makes a second send record nothing more; the
trade's `seen` as the form showed it makes a form for a changed trade refused."""

from typing import Any

from journal.core import clock
from journal.core.steps import Step
from journal.web.fields import at_from, typed


def record_step(
    web: Any,
    step: Step,
    trade_id: str | None,
    raw: dict[str, Any],
    at: Any,
    event_id: str | None,
    expected: int | None,
) -> tuple[dict[str, Any], list[str], Any]:
    """(the `add --json` object, the lines for people, the `Recorded`)."""
    from journal.text.recorded import report

    journal, zone = web.journal, web.locale.zone
    now = clock.now()
    chosen, fields = typed(step, raw, now, zone)
    if trade_id is not None:
        trade_id = journal.resolve_id(trade_id)  # `t2` is T2
    elif chosen is not None:
        trade_id = journal.resolve_id(chosen)
    moment = at_from(at, now, zone)
    recorded = journal.record(
        step.name, trade_id, moment, fields, now=now, command_id=event_id, expected=expected
    )
    # Committed: a report that cannot be made whole falls back to the bare facts, as the
    # command line's does, so a resent form is never taken for a failed one.
    try:
        data, lines = report(recorded, web.locale, now)
    except Exception:  # noqa: BLE001 - the step is recorded; say so plainly
        subject, seq = recorded.subject, recorded.event.seq
        data = {"id": subject} if recorded.creates else {"id": subject, "seq": seq}
        lines = [subject if recorded.creates else f"{subject} #{seq}"]
    return data, lines, recorded
