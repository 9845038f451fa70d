"""The first check of a command line: every argument is text. Pure, and kept apart from
`validate.py` (whose imports bring the rule packs and the step catalogue) because every
command, `journal --help` and Tab completion included, runs it before anything else."""

from journal.core.errors import BadInput


def arguments(argv: list[str]) -> None:
    """Every argument must be text: bytes that are not UTF-8 reach Python as lone
    surrogates, which no message, file name or SQLite query can carry."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                raw = arg.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                raw = arg.encode("utf-8", "backslashreplace")
            shown = raw.decode("ascii", "backslashreplace")
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise BadInput("bad_argument", value=shown) from None
