"""The payload of a step as typed on the command line: each field checked and brought to
the one form the log stores (absent options left out). Pure.

Which fields a step has, and how each is checked, is its entry in journal/core/steps.py."""

from __future__ import annotations

from datetime import datetime

from journal.core import validate
from journal.core.clock import fmt_time
from journal.core.errors import BadInput
from journal.core.steps import STEPS, Check, Step

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def build_payload(type_: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields a step needs and return its payload (absent options left out)."""
    step = STEPS.get(type_)
    if step is None or not step.addable:
        return {}
    switches = {field.name for field in step.fields if field.check == Check.SWITCH}
    f = {k: v for k, v in fields.items() if v is not None and (v is not False or k in switches)}
    if step.needs and not any(name in f for name in step.needs[1:]):
        raise BadInput(step.needs[0])
    payload = {field.name: _checked(field, f) for field in _given(step, f)}
    refusal = step.check_payload(payload) if step.check_payload else None
    if refusal:
        raise BadInput(refusal)
    if isinstance(payload.get("until"), datetime):
        payload["until"] = fmt_time(payload["until"])
    return payload


def then_flags(type_: str, fields: dict[str, Any]) -> frozenset[str]:
    """The flags given that record a further step in the same command (`sold --paid`);
    they are not part of the payload."""
    step = STEPS.get(type_)
    names = {f.name for f in step.fields if f.check == Check.THEN} if step else set()
    return frozenset(name for name in names if fields.get(name) is True)


def _given(step: Step, f: dict[str, Any]) -> list:
    """The step's fields that go into its payload: those typed, and those it requires."""
    return [field for field in step.payload_fields if field.name in f or field.required]


def _checked(field, f: dict[str, Any]) -> Any:
    if field.name in f:
        return validate.field(field.check, f[field.name], field.name)
    if field.check == Check.WHEN:  # a moment has no empty form to refuse: it is missing
        raise BadInput("missing_option", option=field.option[2:])
    return validate.field(field.check, "", field.name)
