"""Where things live and what the user configured (config file + environment).

Config is a TOML file (stdlib `tomllib`, nothing to install) at the per-OS config
location, or `JOURNAL_CONFIG`. Recognised keys:

    timezone = "Asia/Tokyo"          # display zone; else JOURNAL_TZ, else the system's
    language = "ja"                  # "ja" or "en"; else JOURNAL_LANG, else the locale
    database = "postgresql://me@host/journal"  # or a file; after --db and JOURNAL_DB
    [rules.mercari.message_window]   # override any field of a platform rule
    days = 7
    [reminders]                      # advance warnings per deadline kind (see scheduler)
    payment = ["24h", "3h"]
    [notifier]                       # kind, command, lateness (see scheduler)

The whole file is checked against the schema (`journal/config_schema.py`) when it is loaded: an
unknown key or a value of the wrong type or out of range is refused with one line naming
the key, before any command does anything, so nothing downstream meets a value it cannot
use.
"""

from __future__ import annotations

import os
from datetime import timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from journal.core.datatypes import field, record
from journal.core.errors import BadInput
from journal.paths import (  # noqa: F401 - re-exported
    _XDG,
    APP,
    config_file,
    config_path,
    user_dir,
    user_folder,
)
from journal.text.i18n import Locale

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def default_db_path() -> Path:
    """The journal file in the user's data directory (per-OS convention)."""
    from pathlib import Path

    return Path(default_db_file())


def default_db_file() -> str:
    """`str(default_db_path())`, without pathlib."""
    return os.path.join(user_folder("data"), "journal.sqlite")


@record(frozen=True)
class Config:
    timezone: str | None = None
    language: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    reminders: dict[str, Any] = field(default_factory=dict)
    notifier: dict[str, Any] = field(default_factory=dict)
    calendar: dict[str, Any] = field(default_factory=dict)
    money: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


# A config file is a few hundred bytes; anything this large is not one.
MAX_CONFIG_BYTES = 1_000_000


@cache
def load_config() -> Config:
    path = config_file()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:  # no config: neither TOML nor the schema is imported
        return Config()
    except OSError as exc:
        raise _bad_config(path, exc) from None
    import tomllib

    from journal.config_schema import check_config

    try:
        if len(raw) > MAX_CONFIG_BYTES:
            raise BadInput("bad_config", path=str(path), detail=f"larger than {MAX_CONFIG_BYTES}")
        data = tomllib.loads(raw.decode("utf-8"))
    except RecursionError:  # arrays nested thousands deep
        raise BadInput("bad_config", path=str(path), detail="nested too deeply") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad_config(path, exc) from None
    check_config(data, str(path))
    return Config(
        timezone=data.get("timezone"),
        language=data.get("language"),
        rules=data.get("rules", {}) or {},
        reminders=data.get("reminders", {}) or {},
        notifier=data.get("notifier", {}) or {},
        calendar=data.get("calendar", {}) or {},
        money=data.get("money", {}) or {},
        raw=data,
    )


def _bad_config(path: str, exc: Exception) -> BadInput:
    detail = (str(exc).splitlines() or [type(exc).__name__])[0]
    return BadInput("bad_config", path=str(path), detail=detail)


def privacy_of(config: Config) -> tuple[timedelta | None, bool]:
    """`[privacy] forget_after` (default 90 days; "never": None) and whether a 古物台帳 is
    kept (`[books] kobutsu`, read defensively: a journal may not know that section yet)."""
    from journal.core.timeparse import parse_duration

    raw = config.raw
    after = (raw.get("privacy") or {}).get("forget_after", "90d")
    books = raw.get("books")
    kobutsu = type(books) is dict and books.get("kobutsu") is True
    return (None if after == "never" else parse_duration(after.lstrip("+"))), kobutsu


def resolve_db_path(option: str | None) -> Path | str:
    """A journal file's path, or a `postgresql://` URL kept as written (see
    journal.storage.opening)."""
    from journal.core.urls import is_url

    found = resolve_db(option)
    if is_url(found):
        return found
    from pathlib import Path

    return Path(found)


def resolve_db(option: str | None) -> str:
    """`resolve_db_path` as text, without pathlib: a file's path as `str(Path)` writes it
    (never read as a URL: `is_url` tells the two apart), or the URL as written."""
    from journal.core.urls import is_url

    chosen = option or os.environ.get("JOURNAL_DB") or load_config().raw.get("database")
    if chosen and is_url(chosen):
        return chosen
    if not chosen:
        return default_db_file()
    from journal.paths import user_file

    return user_file(chosen)


@cache
def user_tz() -> tzinfo:
    """JOURNAL_TZ, then the config file, then TZ, then the system's zone."""
    return zone_of(load_config())


def zone_of(config: Config) -> tzinfo:
    """The display zone under `config`: JOURNAL_TZ, its timezone, TZ, the system's zone."""
    name = os.environ.get("JOURNAL_TZ") or config.timezone or os.environ.get("TZ")
    if name:
        key = name.lstrip(":")
        try:
            if len(key) > 100 or not key.isprintable():
                raise ValueError(key)
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
            raise BadInput("bad_timezone", value=name[:100]) from None
    return _system_tz()


def _system_tz() -> tzinfo:
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    try:
        with open("/etc/timezone") as file:
            key = file.read().strip()
        if key:
            return ZoneInfo(key)
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    from datetime import datetime

    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def reader(strict: bool = False) -> Locale:
    """The reader's language and timezone, for the edge to pass down. An unusable configured
    zone is refused when `strict`, else UTC (for saying that very error in words)."""
    from datetime import UTC

    try:
        zone = user_tz()
    except BadInput:
        if strict:
            raise
        zone = UTC
    return Locale(language(), zone)


def language() -> str:
    """'ja' or 'en': JOURNAL_LANG, then the config file, then the locale."""
    try:
        config = load_config()
    except BadInput:
        config = Config()
    return language_of(config)


def language_of(config: Config) -> str:
    """'ja' or 'en' under `config`: JOURNAL_LANG, its language, then the locale."""
    choice = os.environ.get("JOURNAL_LANG") or config.language
    if not isinstance(choice, str):
        choice = None
    if not choice:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(var):
                choice = os.environ[var]
                break
    return "ja" if (choice or "").lower().startswith("ja") else "en"


def reset() -> None:
    """Forget cached config and zone (each CLI invocation starts fresh; tests rely on it)."""
    load_config.cache_clear()
    user_tz.cache_clear()
