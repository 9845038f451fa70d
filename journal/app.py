"""The composition root: the config, the rule book and the journal one process works with,
built once at the edge (the command line builds one per command) and handed down, so no
lower layer loads the config for itself."""

from __future__ import annotations

import os
from datetime import timedelta, tzinfo
from functools import cached_property

from journal import kept
from journal.settings import (
    Config,
    config_path,
    language_of,
    load_config,
    privacy_of,
    reader,
    reset,
    resolve_db,
    resolve_db_path,
    user_folder,
    zone_of,
)
from journal.text.i18n import Locale

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from journal.core.money import MoneySettings
    from journal.core.rules import RuleBook
    from journal.service import Journal
    from scheduler.reminders import Reminders
    from scheduler.run import Setup


class App:
    """One process's view of the settings: what it reads, it reads here, once."""

    def __init__(self, config: Config, location: Path | str) -> None:
        self.config = config
        # The journal as text, what the commands open: a file's path (as `str(Path)` writes
        # it) or a server's URL as written; `is_url` tells them apart. The `Path` of a file,
        # `location`, is made only when another part asks for it (no pathlib on a command).
        self.where = os.fspath(location)

    @classmethod
    def from_settings(cls, db_option: str | None) -> App:
        """From the config file, the environment and `--db` (in that order of weight)."""
        return cls(load_config(), resolve_db(db_option))

    @cached_property
    def location(self) -> Path | str:
        """The journal: a file's `Path`, or a server's URL as written."""
        from journal.core.urls import is_url

        if is_url(self.where):
            return self.where
        from pathlib import Path

        return Path(self.where)

    @property
    def config_file(self) -> Path:
        """Where the config is read from (its folder also holds the user's message templates
        and the web app's secrets)."""
        return config_path()

    @cached_property
    def book(self) -> RuleBook:
        from journal.core import rules

        rules.use_packs(parsed_packs(user_folder("cache")))
        return rules.rulebook_from_config(self.config)

    @cached_property
    def rule_stamp(self) -> int | None:
        """The book's freshness hash (`journal.core.rules.book_hash`) without building the book.

        Building and hashing the book took about 20 M instructions of every command, for a
        hash that changes only with the packs, the code that compiles them or the settings
        that change rules. It is kept in the cache folder beside the text of all of those
        (`_stamp_key`), and read only when that text is the same now: any change is a
        mismatch, so a stale hash is never read (one that cannot be read is computed again).
        None: the book is built and hashed as before."""
        try:
            key = _stamp_key(self.config)
        except (OSError, TypeError, ValueError):
            return None
        path = os.path.join(user_folder("cache"), "rulestamp.txt")
        try:
            with open(path, encoding="utf-8") as file:
                kept_key, _, stamp = file.read().partition("\n")
            if kept_key == key:
                return int(stamp)
        except (OSError, ValueError):
            pass
        from journal.core.rules import book_hash

        found = book_hash(self.book)  # the book is checked here (a bad setting refuses)
        kept.keep(path, f"{key}\n{found}".encode(), ("rulestamp", ""))
        return found

    @cached_property
    def zone(self) -> tzinfo:
        """The display zone: JOURNAL_TZ, the config's, TZ, the system's."""
        return zone_of(self.config)

    @cached_property
    def locale(self) -> Locale:
        """The reader: the language and display zone under this config."""
        return Locale(language_of(self.config), self.zone)

    @cached_property
    def privacy(self) -> tuple[timedelta | None, bool]:
        """The retention rule: forget personal data this long after a trade finished."""
        return privacy_of(self.config)

    @cached_property
    def money(self) -> MoneySettings:
        from journal.core.money import MoneySettings

        return MoneySettings(**self.config.money)

    def journal(self, *, create: bool = True) -> Journal:
        from journal.service import Journal

        money = lambda: self.money  # noqa: E731 - read when money is first asked for
        book = lambda: self.book  # noqa: E731 - built only when a command needs it
        journal = Journal(self.where, book, create=create, money=money, rule_stamp=self.rule_stamp)
        if (self.config.raw.get("books") or {}).get("kobutsu"):  # 古物台帳 mode
            from journal.core.kobutsu import DEMANDS

            journal.demands = DEMANDS
        if self.attachments is not None:
            from journal.evidence import keep_in

            keep_in(journal, self.attachments)
        return journal

    @cached_property
    def attachments(self) -> Path | None:
        """`[attachments] folder`: where a journal on a server keeps its attachments (a file
        journal keeps them in the folder beside itself; a copy of it to a server uses this)."""
        configured = (self.config.raw.get("attachments") or {}).get("folder")
        if not configured:
            return None
        from journal.paths import user_path

        return user_path(configured)

    def reminders(self, journal: Journal) -> Reminders:
        """The reminders of `journal` under this config: offsets, lateness, the zone."""
        from scheduler.reminders import Reminders

        return Reminders(journal, config=self.config, zone=self.zone, loc=self.locale)

    def daemon_setup(self) -> Setup:
        """What a running daemon takes from the settings, each part checked now (a bad rule
        override or zone is refused here, before a running daemon lets go of its own)."""
        from scheduler.run import Setup, calendar_keeper

        return Setup(
            book=self.book,
            money=self.money,
            reminders=self.reminders,
            journal=self.journal,
            keep=calendar_keeper(self.config.calendar, self.locale),
            loc=self.locale,
            privacy=self.privacy,
            location=self.location,
            notifier=dict(self.config.notifier),
        )


def start_reader() -> Locale:
    """The reader a process's messages are first said to, before a command is parsed: the
    settings read afresh, a bad zone read as UTC and a bad config as none, so that the
    command's own refusal of them can be said in the reader's language."""
    reset()
    return reader()


def location_of(option: str | None) -> Path | str:
    """The journal `option` names (a `--db`, a `copy --to`), or the settings' own: a file's
    path, or a server URL as written."""
    return resolve_db_path(option)


class FollowedSettings:
    """The settings a running daemon follows: the config file is read again when it changes
    (checked at every poll by its size, time and inode: one `stat`) or when asked to
    (SIGHUP, as `systemctl reload` sends), and a new `App` is built from it, as a command
    would build one."""

    def __init__(self, db_option: str | None) -> None:
        self.db_option = db_option
        self.path = config_path()
        self.seen = _signature(self.path)
        self.asked = False

    def ask(self) -> None:
        """Read the settings again at the next poll, changed or not (a signal handler)."""
        self.asked = True

    def changed(self) -> bool:
        found = _signature(self.path)
        if found == self.seen and not self.asked:
            return False
        self.seen, self.asked = found, False
        return True

    def load(self) -> Setup:
        """The settings as the file says now; refused (a `JournalError`) when they are bad."""
        reset()
        return App.from_settings(self.db_option).daemon_setup()


def _signature(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


def parsed_packs(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The built-in rule packs parsed, from a cache in `folder` when it holds them.

    Parsing the packs' TOML (and importing tomllib) took about 9 ms of every command. The
    parse is kept with `marshal` (built in: nothing to import; the packs hold only strings,
    numbers, booleans, lists and tables) beside the packs' sources it was made from, under a
    name made of the interpreter's marshal version; it is read only when those sources are
    the packs on disk now, byte for byte, so a stale parse is never read. The file starts
    with the CRC-32 of the rest (zlib: hashlib would load OpenSSL, 11 M instructions): a
    damaged or truncated cache, or one that holds anything else, is parsed again and
    rewritten; one that cannot be written is skipped (the command goes on).
    """
    import marshal
    import sys

    from journal.core.rules import PACK_NAMES, pack_sources, parse_packs

    sources = pack_sources()
    version = f"{sys.implementation.cache_tag}-m{marshal.version}"
    path = os.path.join(folder, f"rulepacks-{version}.marshal")
    payload = kept.opened(path)
    try:
        if payload is not None:
            kept_sources, parsed = marshal.loads(payload)
            if (
                kept_sources == sources
                and isinstance(parsed, dict)
                and set(parsed) == {*PACK_NAMES}
            ):
                return parsed
    except (ValueError, EOFError, TypeError):
        pass
    parsed = parse_packs(sources)
    kept.keep(path, kept.sealed(marshal.dumps((sources, parsed))), ("rulepacks-", ".marshal"))
    return parsed


def _stamp_key(config: Config) -> str:
    """What the rule book's hash depends on, as one line of text: the packs and the code that
    compiles and hashes them (journal/core/rules.py and kinds.py, journal/storage/
    projections.py), each by its file's time, size and inode (an install writes new files),
    and the settings `rulebook_from_config` reads ([rules], [mercari]). Compared whole, not
    hashed: a read then loads no `hashlib` (OpenSSL: 11 M instructions a start)."""
    from journal.core.rules import PACK_NAMES, pack_file

    package = os.path.dirname(__file__)
    files = [pack_file(name) for name in PACK_NAMES]
    files += [os.path.join(package, "core", n) for n in ("rules.py", "kinds.py")]
    files.append(os.path.join(package, "storage", "projections.py"))
    signed = [_signature(path) for path in files]
    if None in signed:
        raise ValueError("no file to sign")
    return repr((signed, config.rules, config.raw.get("mercari")))
