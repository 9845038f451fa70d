"""Rendering the sentences the journal says to a person.

The sentences live in the gettext catalogs (`journal/locale/{en,ja}/LC_MESSAGES/`), one per
message key; `render(key, **params)` picks the language from `journal.settings.language()`.
A new key goes into the English `.po`; `python -m journal.catalogs` carries it into the
Japanese one (the tests fail until it is translated) and compiles both.
"""

from datetime import datetime
from typing import Any

from journal.errors import JournalError
from journal.i18n import catalog


def render(key: str, **params: Any) -> str:
    from journal.settings import language

    return render_in(language(), key, **params)


def render_in(lang: str, key: str, **params: Any) -> str:
    """`render` in a given language ("en" or "ja"), for output that is not for this session."""
    template = catalog(lang).gettext(key)
    shown = {k: _show(v, lang) for k, v in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return f"{key}: {params}"


def _show(value: Any, lang: str) -> Any:
    if isinstance(value, JournalError):  # a refusal given as the reason of another
        return render_in(lang, value.key, **value.params)
    if isinstance(value, datetime):
        from journal.display import when

        try:
            return when(value)
        except Exception:  # noqa: BLE001 - a bad JOURNAL_TZ must not hide the real message
            return value.isoformat()
    return value


JournalError.renderer = render  # errors say themselves in the reader's language from now on
