"""Rendering the sentences the journal says to a person.

The sentences live in the gettext catalogs (`journal/locale/{en,ja}/LC_MESSAGES/`), one per
message key; `render(key, **params)` speaks to the reader the edge named with `use(locale)`
(English and UTC until it does).
A new key goes into the English `.po`; `python -m journal_tools.catalogs` carries it into the
Japanese one (the tests fail until it is translated) and compiles both.
"""

from __future__ import annotations

from datetime import datetime

from journal.core.errors import JournalError
from journal.text.i18n import Locale, catalog

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_reader = Locale()


def use(locale: Locale) -> None:
    """Name the reader of this process's messages (the edge does, once it knows them)."""
    global _reader
    _reader = locale


def reader() -> Locale:
    return _reader


def render(key: str, **params: Any) -> str:
    """The sentence of `key` for this process's reader."""
    return render_for(_reader, key, **params)


def render_in(lang: str, key: str, **params: Any) -> str:
    """`render` in a given language ("en" or "ja"), for output that is not for this session."""
    return render_for(Locale(lang, _reader.zone), key, **params)


def render_for(loc: Locale, key: str, **params: Any) -> str:
    template = catalog(loc.language).gettext(key)
    shown = {k: _show(v, loc, k) for k, v in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return f"{key}: {params}"


# The parameters that carry an id a person reads by its name (a state, a step, a platform,
# a role, a field): `bad_step` says 状態 発送待ち, not awaiting_shipment. Only a known id is
# named; a parameter already rendered passes as it is.
_NAMED = {
    "state": "STATES",
    "step": "STEPS",
    "type": "STEPS",
    "voided_type": "STEPS",
    "platform": "PLATFORMS",
    "other_platform": "PLATFORMS",
    "by_platform": "PLATFORMS",
    "role": "ROLES",
    "what": "FIELDS",
    "first": "STEPS",
    "platforms": "PLATFORMS",
}


def _show(value: Any, loc: Locale, name: str = "") -> Any:
    if isinstance(value, list):  # a list of ids: each named, then joined
        return ("、" if loc.language == "ja" else ", ").join(
            str(_show(v, loc, name)) for v in value
        )
    if loc.language != "en" and isinstance(value, str) and name in _NAMED:
        from journal.text import idnames

        return getattr(idnames, _NAMED[name]).get(value, value)
    if isinstance(value, JournalError):  # a refusal given as the reason of another
        return render_for(loc, value.key, **value.params)
    if isinstance(value, datetime):
        from journal.text.display import when

        return when(value, loc)
    return value


JournalError.renderer = render  # errors say themselves in the reader's language from now on
