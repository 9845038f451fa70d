"""Compile the committed `.po` catalogs to `.mo` as they stand, without extracting again.

`python -m journal_tools.catalogs` extracts and sorts; after a merge of two branches that
each added entries, only the compiled files need to follow the merged sources.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "journal" / "locale"


def main() -> None:
    for lang in ("en", "ja"):
        base = LOCALE / lang / "LC_MESSAGES" / "trade-journal"
        with open(base.with_suffix(".po"), "rb") as source:
            catalog = read_po(source, locale=lang)
        with open(base.with_suffix(".mo"), "wb") as out:
            write_mo(out, catalog)
        print(lang, len(catalog))


if __name__ == "__main__":
    main()
