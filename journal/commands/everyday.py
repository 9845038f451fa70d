"""The everyday commands (`list`, `upcoming`, `show`, `log`, `reminders`, `money`, `add`),
written once, without click: cli.py's click commands parse and call them, and the entry
point (`launch.py`, `fastpath.py`) calls them itself when it reads the command line plainly,
so a seller's everyday command never pays for importing click. So is the mapping of a
failure to one line on stderr and its exit status (`failed`), shared by both paths.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_DAMAGED = 0, 1, 2, 3, 4


class Run:
    """One command's options shared by all commands (`--db`, `--json`), and what it reads
    once: its `now`, its composition root (`journal.app.App`)."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.json = False
        self.now = None  # read once, on first use (`moment`)
        self.app = None  # the composition root, built once, on first use (`application`)

    def application(self) -> Any:
        """This command's config, rule book and journal location, read once."""
        if self.app is None:
            from journal.app import App

            self.app = App.from_settings(self.db)
        return self.app

    def journal(self, must_exist: bool = False) -> Any:
        """Open the journal; `must_exist` for commands that only make sense on an existing one
        (verify, backup, export), so a mistyped --db is not silently a new, empty journal."""
        self.zone()  # a bad timezone is refused before anything is written, not after
        journal = self.application().journal(create=not must_exist)
        journal.on_rebuilt = say_rebuilt
        return journal

    def moment(self) -> Any:
        """This command's `now`: the clock is read once per command, and every time it
        speaks of (a step's moment, its deadline's distance, a list's window) is the same."""
        if self.now is None:
            from journal.core import clock

            self.now = clock.now()
        return self.now

    def zone(self) -> Any:
        """The display zone, from this command's App: a bad one is refused when first asked."""
        return self.application().zone

    def locale(self) -> Any:
        """The reader (language, display zone), from this command's App."""
        return self.application().locale

    def when(self, text: str | None, end: bool = False) -> Any:
        from journal.core.timeparse import parse_when

        if text is None:
            return None
        span = "end" if end else "start"
        return parse_when(text, now=self.moment(), tz=self.zone(), date_only=span)

    def emit(self, data: Any, human: str | None = None) -> None:
        if self.json:
            import json

            from journal.text.views import jsonable

            echo(json.dumps(jsonable(data, self.zone()), ensure_ascii=False, indent=None))
        elif human is not None:
            echo(human)


def screen(run: Run) -> Any:
    """Where text output goes: a terminal gets rows cut to its width and colour (unless
    NO_COLOR is set); a pipe or file gets everything, uncoloured."""
    from journal.text.screens import Screen

    tty = sys.stdout.isatty()
    width = None
    if tty:
        import shutil  # a terminal's width only (shutil imports bz2 and lzma)

        width = shutil.get_terminal_size().columns
    loc = run.locale()
    return Screen(loc.language, width, tty and not os.environ.get("NO_COLOR"), loc.zone)


def echo(text: str, err: bool = False) -> None:
    """One line, as `click.echo` writes it: a text with an escape sequence goes through
    click itself (it strips colours on a pipe), any other is written and flushed."""
    stream = sys.stderr if err else sys.stdout
    if "\x1b" in text:
        import click

        click.echo(text, err=err)
        return
    stream.write(text + "\n")
    stream.flush()


def say_rebuilt(reason: str) -> None:
    """One line on stderr when the deadlines were recomputed for a changed config
    ("settings") or a new release ("program"); the next command finds them current."""
    from journal.text.messages import render

    echo(f"journal: {render(f'rebuilt_for_{reason}')}", err=True)


def failed(run: Run, exc: Exception) -> int:
    """A command's failure as the user sees it: one line on stderr (and `{"error": …}` with
    --json), the documented exit status; anything unforeseen is an internal error."""
    from journal.core.errors import JournalError
    from journal.text.messages import render

    if isinstance(exc, JournalError):
        fail(run, render(exc.key, **exc.params), exc.exit_code)
        return exc.exit_code
    fail(run, render("internal", detail=f"{type(exc).__name__}: {exc}"), EXIT_INTERNAL)
    return EXIT_INTERNAL


def fail(run: Run, message: str, code: int) -> None:
    line = " ".join(message.split())
    echo(f"journal: {line}", err=True)
    if run.json:
        import json

        echo(json.dumps({"error": line}, ensure_ascii=False))


def choose(value: str, choices: tuple[str, ...]) -> str:
    """A choice as people type it: any width or case, a platform by any of its names, a
    state by its name (`発送待ち`); anything else comes back normalised, to be refused."""
    from journal.core.names import choice, nfkc
    from journal.text.labels import STATES

    by_name = {name: ident for ident, name in STATES.items()}  # 発送待ち → awaiting_shipment
    return choice(by_name.get(nfkc(value), value), choices)


# -- the commands ---------------------------------------------------------------------------


def show(run: Run, trade_id: str) -> None:
    from journal.text import screens, views

    now = run.moment()
    journal = run.journal()
    trade, events, deadlines = journal.trade(journal.resolve_id(trade_id))
    lang, money = run.locale().language, journal.money(trade)
    data = views.trade_json(trade, events, deadlines, now, lang, money, book=journal.book)
    run.emit(data, None if run.json else screens.trade_screen(data, events, now, screen(run)))


def list_(
    run: Run, include_all: bool, platform: str | None, state: str | None, search: str | None
) -> None:
    from journal.text import screens, views

    now = run.moment()
    journal = run.journal()
    rows = journal.trades(include_all, now)
    rows = journal.find(rows, platform=platform, state=state, search=search)
    human = None if run.json else screens.list_screen(rows, now, screen(run))
    run.emit(views.list_json(rows), human)


def upcoming(run: Run, within: str, as_of: str | None) -> None:
    from journal.core.timeparse import parse_duration
    from journal.text import screens, views

    window = parse_duration(within)
    moment = run.when(as_of) or run.moment()
    journal = run.journal()
    rows = journal.upcoming(moment, window)
    run.emit(
        views.upcoming_json(rows, run.locale().language, journal.book),
        None if run.json else screens.upcoming_screen(rows, moment, screen(run), journal.book),
    )


def log(run: Run, trade_id: str | None) -> None:
    from journal.text import screens, views

    journal = run.journal()
    events = journal.log(None if trade_id is None else journal.resolve_id(trade_id))
    human = None if run.json else screens.events_screen(events, screen(run))
    run.emit(views.events_json(events), human)


def money(
    run: Run,
    year: int | None,
    month: str | None,
    first: str | None,
    last: str | None,
    by: str,
) -> dict[str, Any]:
    """Prints the report (its chart is cli.py's) and gives its data."""
    from journal.core.money import JST
    from journal.core.money_report import period

    now = run.moment()
    day = [run.when(d).astimezone(JST).date() if d else None for d in (first, last)]
    span = period(year, month, day[0], day[1], now.astimezone(JST).date())
    return run.journal().money_report(span, by)


def money_print(run: Run, data: dict[str, Any], by: str) -> None:
    from journal.text import screens

    run.emit(data, None if run.json else screens.money_screen(data, by, screen(run)))


def reminders(run: Run, within: str, as_of: str | None) -> None:
    from journal.core.timeparse import parse_duration
    from journal.text.reminders_screen import reminders_screen

    window = parse_duration(within)
    moment = run.when(as_of) or run.moment()
    data = run.application().reminders(run.journal()).listing(moment, window)
    run.emit(data, None if run.json else reminders_screen(data, moment, screen(run)))


def criteria(
    run: Run,
    first: str | None,
    last: str | None,
    low: str | None = None,
    high: str | None = None,
    party: str | None = None,
    platform: str | None = None,
) -> Any:
    """`search`'s and `history`'s conditions as typed: `--to` includes its minute (a day
    alone: the whole day); amounts as people type them (`3,000`, `３０００`, `3000円`)."""
    from datetime import timedelta

    from journal.core.errors import BadInput
    from journal.core.records import Criteria
    from journal.core.validate import yen

    low_yen = None if low is None else yen(low, "--min", allow_zero=True)
    high_yen = None if high is None else yen(high, "--max", allow_zero=True)
    start = run.when(first)
    end = run.when(last, end=True)
    if end is not None:
        end += timedelta(minutes=1)
    if start is not None and end is not None and end <= start:
        raise BadInput("search_from_to")
    if low_yen is not None and high_yen is not None and high_yen < low_yen:
        raise BadInput("search_min_max")
    return Criteria(start, end, low_yen, high_yen, party, platform)


def search(run: Run, wanted: Any, over_log: bool) -> None:
    """`journal search` on the screen or as JSON (its CSV is cli's: `commands/records.py`)."""
    from journal.records import search as find
    from journal.text.records_text import search_screen

    rows = find(run.journal(must_exist=True), wanted, log=over_log)
    run.emit(rows, None if run.json else search_screen(rows, over_log, screen(run)))


def record(
    run: Run,
    type_: str,
    trade: str | None,
    at: str | None,
    sources: tuple[str, ...],
    fields: dict[str, Any],
) -> None:
    """`journal add STEP`: record it, then say what it means (journal/text/recorded.py)."""
    moment = run.when(at) or run.moment()
    if fields.get("until") is not None:  # a day given alone means its end
        fields["until"] = run.when(fields["until"], end=True)
    journal = run.journal()
    trade = None if trade is None else journal.resolve_id(trade)  # `t2` is T2
    sources = tuple(map(journal.resolve_id, sources))
    rec = journal.record(type_, trade, moment, fields, sources, now=run.moment())
    # Committed: from here on nothing may turn the command into a failure, or a script that
    # retries on failure would record the step twice. A report that cannot be made whole
    # (a date this zone cannot show) falls back to the bare facts.
    try:
        from journal.text.recorded import report

        data, lines = report(rec, run.locale(), run.moment())
    except Exception:  # noqa: BLE001 - the step is recorded; say so plainly
        subject, seq = rec.subject, rec.event.seq
        data = {"id": subject} if rec.creates else {"id": subject, "seq": seq}
        lines = [subject if rec.creates else f"{subject} #{seq}"]
    try:
        for note in data.get("warnings", ()):
            echo(f"journal: {note['message']}", err=True)
        run.emit(data, "\n".join(lines))
    except OSError:  # stdout gone (a closed pipe): recorded all the same
        pass
