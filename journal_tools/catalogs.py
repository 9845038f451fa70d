"""Keeping the catalogs complete: `python -m journal_tools.catalogs` (run from the checkout;
needs Babel, a test dependency) collects the message keys of the English catalog, every help
text of the command tree and click's own sentences into the Japanese catalog, keeps the
translations already there, and compiles the `.mo` files that ship. The tests fail while any
is untranslated. A maintainer's tool: it imports `cli`, so it lives outside the package."""

import inspect
import sys
from functools import partial
from pathlib import Path

import click

from journal.text.i18n import DOMAIN, LOCALEDIR

PO = LOCALEDIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
EN_PO = LOCALEDIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"


def help_texts(command: click.Command) -> list[str]:
    """Every help text a person can see in `journal … --help`, in tree order."""
    out: list[str] = []
    for text in (command.help, command.short_help, command.epilog):
        if text:
            out.append(inspect.cleandoc(text))
    for param in command.params:
        if getattr(param, "help", None):
            out.append(param.help)
    if isinstance(command, click.Group):  # the lazy commands (`cli.LAZY_COMMANDS`) too
        ctx = click.Context(command)
        lazy = [n for n in command.list_commands(ctx) if n not in command.commands]
        for sub in [*command.commands.values(), *map(partial(command.get_command, ctx), lazy)]:
            if sub is not None:
                out.extend(help_texts(sub))
    return list(dict.fromkeys(out))


def log_texts() -> list[str]:
    """The daemon's log sentences (journal/text/logtext.py translates them as they are written)."""
    from journal.text.logtext import log_messages

    root = Path(__file__).resolve().parents[1]
    found: list[str] = []
    for path in [*sorted((root / "scheduler").glob("*.py")), *sorted(root.glob("journal/**/*.py"))]:
        found.extend(log_messages(path.read_text("utf-8")))
    return list(dict.fromkeys(found))


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

    with EN_PO.open("rb") as source:
        english = read_po(source, locale="en")
    with PO.open("rb") as source:
        old = read_po(source, locale="ja")
    # the old creation date: re-running on an unchanged tree leaves the files as they are
    new = Catalog(
        locale="ja", domain=DOMAIN, project="trade-journal", creation_date=old.creation_date
    )
    for m in english:
        if m.id:
            before = old.get(m.id)
            new.add(m.id, before.string if before else "", auto_comments=[f"English: {m.string}"])
    for text in [*help_texts(cli.cli), *log_texts(), *click_texts()]:
        key = text[0] if isinstance(text, tuple) else text
        before = old.get(key)
        empty: str | tuple[str, str] = ("", "") if isinstance(text, tuple) else ""
        new.add(text, before.string if before else empty)
    with PO.open("wb") as out:
        write_po(out, new, width=100, sort_output=False)
    for po, catalog in ((PO, new), (EN_PO, english)):
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)
    missing = [m.id for m in new if m.id and not _translated(m.string)]
    print(f"{PO}: {len(new)} messages, {len(missing)} untranslated")
    return 0


def _translated(string: str | tuple[str, ...]) -> bool:
    return bool(string) if isinstance(string, str) else all(string)


if __name__ == "__main__":
    sys.exit(update())
