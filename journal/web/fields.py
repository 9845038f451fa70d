"""A step's fields on the web, read from its catalogue entry (journal/core/steps.py), never
written per step: the inputs a form shows, and the typed values a form or an API body
gives, brought to what `journal add NAME --OPTION VALUE` hands the door (the checks
themselves are the core's, `journal.core.validate`)."""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from journal.core import steps
from journal.core.errors import BadInput
from journal.core.steps import Check, Field, Step
from journal.core.trade import Trade

PLATFORMS = ("rakuma", "mercari", "yahoo-auction", "yahoo-flea")
# The steps a one-tap button on 今日 may record: those that move a trade on, with no field
# a person must fill in (taking a listing down or cancelling asks on the trade's page).
NOT_ONE_TAP = {"delisted", "cancelled", "declined", "request-expired", "hold-ended"}


@dataclass(frozen=True)
class Input:
    """One input of a form: its name, HTML type, whether required, its choices."""

    name: str
    kind: str  # text, number, checkbox, select, datetime
    required: bool
    choices: tuple[str, ...] = ()
    help: str | None = None


_KINDS = {
    Check.YEN: "number",
    Check.YEN_OR_ZERO: "number",
    Check.FLAG: "checkbox",
    Check.THEN: "checkbox",
    Check.WHEN: "datetime",
    Check.TEXT: "textarea",
}
_CHOICES = {
    Check.PLATFORM: PLATFORMS,
    Check.KIND: steps.KINDS,
    Check.BANK: steps.BANKS,
    Check.SWITCH: ("yes", "no"),
    Check.SHIP_DAYS: steps.SHIP_DAYS,
}


def inputs(step: Step) -> list[Input]:
    """The inputs of `step`'s form, in the order `journal add NAME --help` lists them."""
    out = []
    for f in step.option_fields:
        kind = "select" if f.check in _CHOICES else _KINDS.get(f.check, "text")
        out.append(Input(f.name, kind, f.required, _CHOICES.get(f.check, ()), f.help))
    return out


def allowed(trade: Trade) -> list[Step]:
    """The steps the catalogue allows from the trade's state on its side; a guard that
    reads the trade alone (a request option, an open hold or offer) is applied too."""
    out = []
    for step in steps.CATALOGUE:
        if not step.addable or step.creates or step.bundles:
            continue
        move = step.move(trade.role)
        if not step.anytime and (move is None or trade.state not in move.after):
            continue
        if step.guard is not None and _guard_refuses(step, trade):
            continue
        out.append(step)
    return out


def _guard_refuses(step: Step, trade: Trade) -> bool:
    try:
        return step.guard(trade, None) is not None
    except (AttributeError, KeyError, TypeError):  # the guard reads the step's own event
        return False


def one_tap(trade: Trade) -> list[Step]:
    """The allowed steps a button records at once: they move the trade and need no field."""
    return [
        s
        for s in allowed(trade)
        if not s.anytime
        and s.name not in NOT_ONE_TAP
        and (s.move(trade.role) or steps.Move(())).to is not None
        and not any(f.required for f in s.fields)
    ]


def typed(
    step: Step, raw: dict[str, Any], now: datetime, zone: tzinfo
) -> tuple[str | None, dict[str, Any]]:
    """(the id chosen for a new trade or None, the fields) from a form or an API body."""
    from journal.core.timeparse import parse_when

    chosen: str | None = None
    out: dict[str, Any] = {}
    for f in step.fields:
        value = raw.get(f.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and f.check != Check.SWITCH:
            continue
        if f.check == Check.ID:
            chosen = _text(value, f)
        elif f.check in (Check.FLAG, Check.THEN):
            if _truthy(value):
                out[f.name] = True
        elif f.check == Check.SWITCH:
            out[f.name] = {"yes": True, "no": False}.get(_text(value, f)) if value else None
            if isinstance(value, bool):
                out[f.name] = value
        elif f.check == Check.WHEN:
            out[f.name] = parse_when(_text(value, f), now=now, tz=zone, date_only="end")
        else:
            out[f.name] = _text(value, f)
    return chosen, out


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("on", "1", "true", "yes"))


def _text(value: Any, f: Field) -> str:
    """A value as the command line would have it typed: numbers as their digits."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadInput("web_bad_field", field=f.name)
    return str(value)


def at_from(raw: Any, now: datetime, zone: tzinfo) -> datetime:
    """`--at WHEN`: the moment a step happened (empty: now), as the command line reads it.
    A browser's datetime-local value (`2026-12-05T18:30`) is read in the reader's zone."""
    from journal.core.timeparse import parse_when

    if raw in (None, ""):
        return now
    if not isinstance(raw, str):
        raise BadInput("web_bad_field", field="at")
    return parse_when(raw, now=now, tz=zone, date_only="start")
