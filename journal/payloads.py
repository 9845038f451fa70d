"""The payload of a step as typed on the command line: each field checked and brought to
the one form the log stores (absent options left out). Pure."""

from datetime import datetime
from typing import Any

from journal import validate
from journal.clock import fmt_time
from journal.errors import BadInput
from journal.trade import KINDS, SHIP_DAYS


def build_payload(type_: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields a step needs and return its payload (absent options left out)."""
    f = {k: v for k, v in fields.items() if v is not None and v is not False}
    payload: dict[str, Any] = {}
    if type_ in ("listed", "bought"):
        payload["platform"] = validate.platform(f.get("platform", ""))
        payload["title"] = validate.title(f.get("title", ""))
        payload["price"] = validate.yen(f.get("price", ""))
        if "ship_days" in f:
            payload["ship_days"] = validate.choice(f["ship_days"], "--ship-days", SHIP_DAYS)
        if type_ == "bought" and "shipping" in f:
            payload["shipping"] = validate.yen(f["shipping"], "shipping", allow_zero=True)
        if type_ == "listed":
            if f.get("request_required"):
                payload["request_required"] = True
            if "kind" in f:
                payload["kind"] = validate.choice(f["kind"], "--kind", KINDS)
            if "until" in f:
                payload["until"] = f["until"]
            for key in ("shipping", "cost"):
                if key in f:
                    payload[key] = validate.yen(f[key], key, allow_zero=True)
            if "buyer" in f:
                payload["buyer"] = validate.name(f["buyer"])
            if "item" in f:
                payload["item"] = validate.item(f["item"])
            if payload.get("kind") == "dedicated" and "buyer" not in payload:
                raise BadInput("dedicated_needs_buyer")
    elif type_ in ("request", "sold"):
        payload["buyer"] = validate.name(f.get("buyer", ""))
        if type_ == "sold" and "price" in f:
            payload["price"] = validate.yen(f["price"])
    elif type_ == "shipped":
        if "shipping" in f:
            payload["shipping"] = validate.yen(f["shipping"], "shipping", allow_zero=True)
        for key in ("carrier", "tracking"):
            if key in f:
                payload[key] = validate.text(f[key], key, validate.MAX_NAME, multiline=False)
    elif type_ == "cost":
        for key in ("cost", "extra"):
            if key in f:
                payload[key] = validate.yen(f[key], key, allow_zero=True)
        if not payload:
            raise BadInput("cost_needs_amount")
        if "note" in f:
            payload["note"] = validate.text(f["note"], "note")
    elif type_ == "cancelled":
        payload["reason"] = validate.text(f.get("reason", ""), "reason")
    elif type_ == "hold":
        payload["buyer"] = validate.name(f.get("buyer", ""))
        payload["until"] = _require(f, "until")
    elif type_ in ("defect", "message", "note", "return"):
        payload["note"] = validate.text(f.get("note", ""), "note")
    elif type_ == "offer":
        payload["buyer"] = validate.name(f.get("buyer", ""))
        payload["price"] = validate.yen(f.get("price", ""))
    elif type_ == "price":
        if "price" not in f and "title" not in f:
            raise BadInput("price_needs_change")
        if "price" in f:
            payload["price"] = validate.yen(f["price"])
        if "title" in f:
            payload["title"] = validate.title(f["title"])
    elif type_ == "bundle":
        payload["price"] = validate.yen(f.get("price", ""))
        payload["buyer"] = validate.name(f.get("buyer", ""))
        if "until" in f:
            payload["until"] = f["until"]
    if isinstance(payload.get("until"), datetime):
        payload["until"] = fmt_time(payload["until"])
    return payload


def _require(fields: dict[str, Any], key: str) -> Any:
    if key not in fields:
        raise BadInput("missing_option", option=key.replace("_", "-"))
    return fields[key]
