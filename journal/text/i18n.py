"""The translation catalogs (gettext, standard library at run time; the compiled `.mo` files
ship in the package beside their `.po` sources in `journal/locale/`).

Two kinds of entries: the journal's own sentences under a message key (`bad_duration`),
in both catalogs, the English one being their source; and the help of every command and
option and click's own sentences ("Usage:", "No such option …") with the English text as
the message id, only in the Japanese catalog. A translator works on one file.
"""

import contextlib
import gettext
import os
from collections.abc import Iterator
from datetime import UTC, tzinfo
from functools import lru_cache

from journal.core.datatypes import record

DOMAIN = "trade-journal"


@record(frozen=True)
class Locale:
    """The reader: their language ("ja" or "en") and timezone. Built once at the edge (the
    command line, the daemon) from the settings and passed down to every view, message and
    reminder note; nothing below the edge reads the settings to find them."""

    language: str = "en"
    zone: tzinfo = UTC


# The catalogs' folder as text: pathlib is not imported for it (`LOCALEDIR`, its `Path`,
# is made when another module asks for it).
LOCALE_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "locale")


def __getattr__(name: str) -> object:
    if name == "LOCALEDIR":
        from pathlib import Path

        return Path(LOCALE_FOLDER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=4)
def catalog(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` ("ja" or "en"), falling back to English for a missing entry."""
    english = _compiled("en")
    if lang == "en":
        return english
    found = _compiled(lang)
    found.add_fallback(english)
    return found


def _compiled(lang: str) -> gettext.NullTranslations:
    """`gettext.translation(DOMAIN, LOCALE_FOLDER, [lang], fallback=True)`: the package's `.mo`
    of `lang`, or an empty catalog. gettext's search first expands the name through the
    `locale` module's alias table (`en` to `en_US.ISO8859-1`, …), importing it: about 6 M
    instructions for folders the package does not ship; it ends at `LOCALE_FOLDER/lang` too."""
    try:
        with open(os.path.join(LOCALE_FOLDER, lang, "LC_MESSAGES", f"{DOMAIN}.mo"), "rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:
        return gettext.NullTranslations()


def translate(lang: str, text: str) -> str:
    return catalog(lang).gettext(text) if text else text


@contextlib.contextmanager
def for_click(lang: str) -> Iterator[None]:
    """Make click's own sentences (usage, errors, "Show this message and exit.") speak `lang`.

    click translates with the module-level `gettext.gettext`, i.e. the global text domain and
    the languages named in the environment; both are set for the command and put back after,
    so an in-process caller (the tests) and child processes see no change.
    """
    if lang == "en":
        yield
        return
    before_domain = gettext.textdomain()
    before_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, LOCALE_FOLDER)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        gettext.textdomain(before_domain)
        if before_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before_language
