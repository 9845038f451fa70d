"""古物台帳 mode (`[books] kobutsu = true`): a purchase from a person records the fields of
古物営業法16条 (取引年月日, 品目・数量, 特徴, 相手方の住所・氏名・職業・年齢, 確認方法), and
`journal kobutsu --year` prints the register. Pure: the settings come in as a flag."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from journal.core.errors import BadInput
from journal.core.step_fields import KOBUTSU_FIELDS

FIELDS = tuple(f.name for f in KOBUTSU_FIELDS)
# What each step must carry in 古物台帳 mode (the App hands this to the journal).
DEMANDS = {"bought": FIELDS}


def check(type_: str, fields: dict[str, Any], demands: dict[str, tuple[str, ...]]) -> None:
    """Refuse a step that lacks a field the register needs (nothing is written)."""
    missing = [name for name in demands.get(type_, ()) if fields.get(name) in (None, "")]
    if missing:
        options = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise BadInput("kobutsu_missing", options=options)


def register(purchases: Iterable[tuple[str, datetime, dict[str, Any], str]]) -> list[dict]:
    """The register's rows from (trade, time, the purchase's payload, its state), by time."""
    rows = [
        {
            "id": trade,
            "at": at,
            "title": payload.get("title"),
            "price": payload.get("price"),
            **{name: payload.get(name) for name in FIELDS},
            "state": state,
        }
        for trade, at, payload, state in purchases
    ]
    return sorted(rows, key=lambda r: (r["at"], r["id"]))
