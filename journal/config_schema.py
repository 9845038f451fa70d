"""The config file's schema: every key it may hold and what each value must be.

Each value's check returns None when the value is fine, else (message key, params) saying
what was expected; a table's check names the offending key. Plain TOML types, no library.
"""

from functools import cache
from typing import Any

from journal.core.datatypes import field, record
from journal.core.errors import BadInput

_Wrong = tuple[str, dict[str, Any]] | None
_Check = Any  # Callable[[Any], _Wrong] | _Table


def _text(limit: int = 500, multiline: bool = False):
    def check(value: Any) -> _Wrong:
        shown = value.replace("\n", " ") if multiline and type(value) is str else value
        ok = type(value) is str and 0 < len(value) <= limit and shown.isprintable()
        return None if ok else ("expect_text", {"limit": limit})

    return check


def _file_name(value: Any) -> _Wrong:
    """A file to write (`[calendar] path`): text that names a file, not a folder."""
    wrong = _text(4096)(value)
    if wrong is not None:
        return wrong
    from journal.paths import output_file

    try:
        output_file(value)
    except BadInput:
        return ("expect_file", {})
    return None


def _integer(low: int, high: int):
    def check(value: Any) -> _Wrong:
        ok = type(value) is int and low <= value <= high  # not bool: True is an int in Python
        return None if ok else ("expect_integer", {"low": low, "high": high})

    return check


def _boolean(value: Any) -> _Wrong:
    return None if type(value) is bool else ("expect_bool", {})


def _one_of(*choices: str):
    def check(value: Any) -> _Wrong:
        return None if value in choices and type(value) is str else _choices(choices)

    return check


NOTIFIERS = ("desktop", "command", "console", "apprise")


def _list_of(each, most: int):
    """A list of up to `most` values, each passing `each`."""

    def check(value: Any) -> _Wrong:
        if type(value) is not list or len(value) > most:
            return ("expect_list", {"most": most})
        return next((wrong for wrong in map(each, value) if wrong), None)

    return check


def _one_or_list(each):
    """One value, or a list of them (`kind = "desktop"` or `kind = ["desktop", "apprise"]`)."""
    listed = _list_of(each, 10)

    def check(value: Any) -> _Wrong:
        return listed(value) if type(value) is list else each(value)

    return check


def _choices(choices) -> tuple[str, dict[str, Any]]:
    return ("expect_one_of", {"choices": ", ".join(f'"{c}"' for c in choices)})


def _anchors(value: Any) -> _Wrong:
    """`counted_from`: a non-empty list of the moments a trade records."""
    from journal.core.trade import _ANCHORS

    known = sorted(
        {
            *(a for side in _ANCHORS.values() for a in side.values()),
            "hold",
            "hold_end",
            "item_taken",
        }
    )
    ok = (
        type(value) is list
        and 0 < len(value) <= len(known)
        and all(type(v) is str and v in known for v in value)
    )
    return None if ok else ("expect_anchors", {"choices": ", ".join(known)})


def _time_of_day(value: Any) -> _Wrong:
    from datetime import time

    if type(value) is time and value.tzinfo is None:
        return None
    if type(value) is str and len(value) <= 8:
        try:
            time.fromisoformat(value)
            return None
        except ValueError:
            pass
    return ("expect_time", {})


def _day(value: Any) -> _Wrong:
    from datetime import date

    from journal.core.timeparse import EARLIEST, LATEST

    day = value if type(value) is date else None
    if type(value) is str and len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    ok = day is not None and EARLIEST <= day <= LATEST
    return None if ok else ("expect_date", {"low": EARLIEST, "high": LATEST})


def _duration(value: Any) -> _Wrong:
    from journal.core.timeparse import MAX_SPAN, parse_duration

    try:
        if type(value) is str and len(value) <= 20:
            parse_duration(value.lstrip("+"))
            return None
    except BadInput:
        pass
    return ("expect_duration", {"days": MAX_SPAN.days})


def _forget_after(value: Any) -> _Wrong:
    """`[privacy] forget_after`: a duration (`90d`), or "never" to keep personal data."""
    return None if value == "never" else _duration(value)


def _MAX_DAYS() -> int:  # noqa: N802 - reads as the constant it is
    from journal.core.timeparse import MAX_SPAN

    return MAX_SPAN.days


def _durations(value: Any) -> _Wrong:
    """`[reminders]`: a duration or a list of them (an empty list: no reminders)."""
    items = [value] if type(value) is str else value
    ok = type(items) is list and len(items) <= 20 and not any(map(_duration, items))
    return None if ok else ("expect_durations", {"days": _MAX_DAYS()})


def _overdue_time(value: Any) -> _Wrong:
    """`[reminders] overdue`: the time of day of the daily overdue reminder, or "off"."""
    return None if value == "off" else _time_of_day(value)


@record(frozen=True)
class _Table:
    """A TOML table: the keys it may hold (`keys`), or any of `names` each checked by `each`."""

    keys: dict[str, _Check] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    each: _Check = None


def _rule_fields() -> dict[str, _Check]:
    from journal.core.rules import CONFIDENCES
    from journal.core.steps import SHIP_DAYS
    from journal.core.validate import ship_days_ok

    def ship_days(value: Any) -> _Wrong:
        return None if ship_days_ok(value) else _choices(SHIP_DAYS)

    return {
        "counted_from": _anchors,
        "days": _integer(0, 3650),
        "hours": _integer(0, 3650 * 24),
        "minutes": _integer(0, 3650 * 24 * 60),
        "months": _integer(0, 120),
        "at": _time_of_day,
        "default_ship_days": ship_days,
        "effect": _text(),
        "effect_ja": _text(),
        "note": _text(2000, multiline=True),
        "note_ja": _text(2000, multiline=True),
        "source": _text(),
        "confidence": _one_of(*CONFIDENCES),
        "effective_from": _day,
        "enabled": _boolean,
    }


@cache
def _schema() -> _Table:
    from journal.core.rules import DEADLINE_KINDS, PACK_NAMES

    rule = _Table(keys=_rule_fields())
    return _Table(
        keys={
            "timezone": _text(100),
            "language": _one_of("ja", "en"),
            "database": _text(4096),
            "rules": _Table(names=PACK_NAMES, each=_Table(names=DEADLINE_KINDS, each=rule)),
            "reminders": _Table(
                keys={"overdue": _overdue_time},
                names=("default", *DEADLINE_KINDS),
                each=_durations,
            ),
            "mercari": _Table(keys={"identity_verified": _boolean, "bank_registered": _boolean}),
            "notifier": _Table(
                keys={
                    "kind": _one_or_list(_one_of(*NOTIFIERS)),
                    "command": _text(4096),
                    "lateness": _duration,
                    "urls": _list_of(_text(4096), 20),
                }
            ),
            "calendar": _Table(keys={"path": _file_name, "within": _duration}),
            "attachments": _Table(keys={"folder": _text(4096)}),
            "books": _Table(keys={"kobutsu": _boolean}),
            "privacy": _Table(keys={"forget_after": _forget_after}),
            "web": _Table(keys={"serve": _boolean, "host": _text(255), "port": _integer(0, 65535)}),
            "money": _Table(
                keys={
                    "yahoo_premium": _boolean,
                    "rakuma_outside_count": _integer(0, 100000),
                    "rakuma_outside_amount": _integer(0, 10**10),
                }
            ),
        }
    )


def check_config(data: dict[str, Any], path: str) -> None:
    """Refuse (BadInput, naming the key) anything the config schema does not allow."""
    _check(_schema(), data, (), path)


def _check(spec: _Check, value: Any, where: tuple[str, ...], path: str) -> None:
    if isinstance(spec, _Table):
        if type(value) is not dict:
            _refuse(where, path, ("expect_table", {}))
        for key, item in value.items():
            inner = spec.keys.get(key) or (spec.each if key in spec.names else None)
            if inner is None:
                raise BadInput("config_unknown_key", name=_key(*where, key), path=path)
            _check(inner, item, (*where, key), path)
        return
    wrong = spec(value)
    if wrong is not None:
        _refuse(where, path, wrong)


def _refuse(where: tuple[str, ...], path: str, wrong: tuple[str, dict[str, Any]]) -> None:
    raise BadInput("config_bad_value", name=_key(*where), path=path, expected=_Expected(*wrong))


@record(frozen=True)
class _Expected:
    """What a value should have been, rendered only when the message is (in its language:
    choosing the language reads this same config, so it cannot be done while loading it)."""

    key: str
    params: dict[str, Any]

    def __str__(self) -> str:
        from journal.text.messages import render

        return render(self.key, **self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _key(*parts: str) -> str:
    """How the key is written in the file: `[rules.mercari.payment] days`, or `language`."""
    shown = [p if p.replace("_", "").replace("-", "").isalnum() else repr(p) for p in parts]
    if len(shown) == 1:
        return shown[0]
    return f"[{'.'.join(shown[:-1])}] {shown[-1]}"
