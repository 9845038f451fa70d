"""Keeping the Japanese catalog complete: `python -m journal.catalogs` (needs Babel, a test
dependency) collects every help text of the command tree and click's own sentences into
`journal/locale/ja/LC_MESSAGES/trade-journal.po`, keeps the translations already there, and
compiles the `.mo` that ships. The tests fail while any of them is untranslated."""

import inspect
import sys
from pathlib import Path

import click

from journal.i18n import DOMAIN, LOCALEDIR

PO = LOCALEDIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")


def help_texts(command: click.Command) -> list[str]:
    """Every help text a person can see in `journal … --help`, in tree order."""
    out: list[str] = []
    for text in (command.help, command.short_help, command.epilog):
        if text:
            out.append(inspect.cleandoc(text))
    for param in command.params:
        if getattr(param, "help", None):
            out.append(param.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            out.extend(help_texts(sub))
    return list(dict.fromkeys(out))


def click_texts() -> list[tuple[str | tuple[str, str], int]]:
    """click's translatable sentences, as Babel extracts them from the installed click."""
    from babel.messages.extract import extract_from_dir

    folder = Path(click.__file__).parent
    found = []
    for _name, _line, message, _comments, _context in extract_from_dir(str(folder)):
        found.append(message)
    return found


def update() -> int:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    import cli

    old = read_po(PO.open("rb")) if PO.exists() else Catalog(locale="ja")
    new = Catalog(locale="ja", domain=DOMAIN, project="trade-journal")
    for text in [*help_texts(cli.cli), *click_texts()]:
        key = text[0] if isinstance(text, tuple) else text
        before = old.get(key)
        if isinstance(text, tuple):
            new.add(text, before.string if before else ("", ""))
        else:
            new.add(text, before.string if before else "")
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as out:
        write_po(out, new, width=100, omit_header=False, sort_output=False)
    with MO.open("wb") as out:
        write_mo(out, read_po(PO.open("rb")))
    missing = [
        m.id for m in new if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    print(f"{PO}: {len(new)} messages, {len(missing)} untranslated")
    return 0


def _translated(string: str | tuple[str, ...]) -> bool:
    return bool(string) if isinstance(string, str) else all(string)


if __name__ == "__main__":
    sys.exit(update())
