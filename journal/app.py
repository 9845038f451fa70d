"""The composition root: the config, the rule book and the journal one process works with,
built once at the edge (the command line builds one per command) and handed down, so no
lower layer loads the config for itself."""

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from journal.settings import Config, load_config, resolve_db_path

if TYPE_CHECKING:
    from journal.core.money import MoneySettings
    from journal.core.rules import RuleBook
    from journal.service import Journal


class App:
    """One process's view of the settings: what it reads, it reads here, once."""

    def __init__(self, config: Config, location: Path | str) -> None:
        self.config = config
        self.location = location

    @classmethod
    def from_settings(cls, db_option: str | None) -> "App":
        """From the config file, the environment and `--db` (in that order of weight)."""
        return cls(load_config(), resolve_db_path(db_option))

    @cached_property
    def book(self) -> "RuleBook":
        from journal.core.rules import rulebook_from_config

        return rulebook_from_config(self.config)

    @cached_property
    def money(self) -> "MoneySettings":
        from journal.core.money import MoneySettings

        return MoneySettings(**self.config.money)

    def journal(self, *, create: bool = True) -> "Journal":
        from journal.service import Journal

        return Journal(self.location, self.book, create=create, money=self.money)
