"""The `journal` entry point: two answers given before click is imported, else `cli.main`.

Importing click and building the command tree costs about three times a bare interpreter's
start, more than `journal --help` and a Tab press may cost. Both answers depend only on the
installed program and a few settings, except the trade ids Tab offers, which are read from
the journal each time:

- `journal --help`: the text click printed the last time, kept in the user's cache folder
  under a key made of the program's files (their size and modification time), the language
  settings and the terminal's width. Any change is a new key, so a stale text is never
  shown; a missing or unreadable one runs click and keeps what it printed.
- Tab where click completes a trade id (learned from click: `cli._complete_ids` records the
  words before the one being completed, under the same program key; `shortcuts.py`): the
  ids are read with sqlite3 and printed in click's format for bash, zsh or fish. Every
  other Tab, and any request this cannot read plainly (quotes, `--db`, an option being
  typed), goes to click.
- The everyday reading commands (`list`, `upcoming`, `show`, `log`, `reminders`, `money`)
  when their command line is plainly understood, with a spec learned from click
  (`fastpath.py`); their bodies are the ones cli.py's commands call (`everyday.py`).
"""

import gc
import os
import sys

from journal.commands.shortcuts import (
    complete_ids,
    in_cache,
    program_key,
    read,
    remove_stale,
    width,
    write,
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # The cyclic garbage collector stays off while a shortcut is found and its command runs:
    # a command of a tenth of a second leaves no cycles worth its passes, which cost about
    # 8 M instructions of every everyday command (a bare interpreter is 38 M); with it off,
    # `money` at 1M events peaks at the same memory. Click's commands (the daemon, bulk
    # work) run with it on, as does a caller in the same process after `main` returns.
    collecting = gc.isenabled()
    gc.disable()
    try:
        planned = None
        try:
            answered = _answer(args)
            if answered is None:
                planned = _plan(args)
        except Exception:  # noqa: BLE001 - a shortcut that fails is no answer: click gives it
            answered = None
        if answered is not None:
            return answered
        if planned is not None:  # from here on the command runs: its failures are its own
            from journal.commands.fastpath import answer

            return answer(*planned)
    finally:
        if collecting:
            gc.enable()
    import cli

    code = cli.main(argv)
    try:
        from journal.commands.fastpath import learn

        learn(cli)  # the next everyday command is read without click
    except Exception:  # noqa: BLE001 - a spec that cannot be kept is only a slower start
        pass
    return code


def _plan(args: list[str]):
    """An everyday command read plainly (`fastpath.py`), or None."""
    if os.environ.get("_JOURNAL_COMPLETE") or "utf" not in (sys.stdout.encoding or "").lower():
        return None  # Tab, or an output click re-encodes: click's
    for arg in args:
        arg.encode("utf-8")  # undecodable bytes: click's path refuses them
    from journal.commands.fastpath import plan, runnable

    planned = plan(args)
    return planned if planned is not None and runnable(planned[0], planned[1]) else None


def _answer(args: list[str]) -> int | None:
    if os.environ.get("_JOURNAL_COMPLETE"):
        return complete_ids() if not args else None
    if args in (["--help"], ["-h"]):
        return _help(args)
    return None


# -- journal --help -------------------------------------------------------------------------


def _help(args: list[str]) -> int:
    path = in_cache(f"help-{program_key(str(width()))}.txt")
    try:
        kept = read(path)
    except (OSError, UnicodeDecodeError):
        kept = None
    if kept is not None:  # written outside the try: a closed pipe is not a missing text
        sys.stdout.write(kept)
        sys.stdout.flush()
        return 0
    import contextlib
    import io

    import cli

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.main(args)
    text = buffer.getvalue()
    sys.stdout.write(text)
    if code == 0 and "\x1b" not in text:  # no colours: the same text on any output
        remove_stale(os.path.dirname(path), "help-", ".txt")
        write(path, text)
    return code
