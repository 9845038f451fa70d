"""The `journal` command: parses arguments and prints results, nothing more.

Only click is imported at start-up so `journal --help` (and shell completion) stays quick;
each command imports what it needs.
"""

import contextlib
import sys
from typing import Any

import click

from journal.commands import everyday
from journal.commands.everyday import EXIT_BAD_INPUT, EXIT_DAMAGED, EXIT_OK
from journal.text.helptext import Group
from journal.text.i18n import for_click
from journal.text.step_names import StepGroup

PLATFORM_CHOICES = ("rakuma", "mercari", "yahoo-auction", "yahoo-flea")
STATE_CHOICES = (
    "listed",
    "requested",
    "awaiting_payment",
    "awaiting_shipment",
    "shipped",
    "received",
    "completed",
    "cancelled",
    "bundled",
    "delisted",
)


class _Choice(click.Choice):
    """A choice as people type it: any width or case, a platform by any of its names."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return super().convert(everyday.choose(value, tuple(self.choices)), param, ctx)

    def get_metavar(self, param: Any, ctx: Any) -> str | None:
        from journal.text.helptext import choice_metavar

        return choice_metavar(self.choices) or super().get_metavar(param, ctx)

    def get_invalid_choice_message(self, value: Any, ctx: Any) -> str:
        from journal.text.helptext import choice_refusal

        return choice_refusal(value, self.choices) or super().get_invalid_choice_message(value, ctx)


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Trade ids for Tab: those of the journal `--db` (or JOURNAL_DB, or the default) holds."""
    from click.shell_completion import CompletionItem

    from journal.app import location_of
    from journal.locations import trades_to_complete
    from journal.text.completion import titles, trade_ids

    obj = ctx.find_object(Ctx)
    db = obj.db if obj is not None else None
    try:
        path = location_of(db)
    except Exception:  # noqa: BLE001 - completion never fails loudly
        return []
    rows = trades_to_complete(path)
    with contextlib.suppress(Exception):  # the next Tab here reads the ids without click
        from journal.commands.shortcuts import learn_ids_context

        learn_ids_context()
    add = ctx.parent is not None and ctx.parent.command.name == "add"
    found = trade_ids(rows, incomplete, ctx.command.name if add else None)[:200]
    names = titles(rows, found)
    return [CompletionItem(i, help=names.get(i)) for i in found]


Ctx = everyday.Run  # per-invocation options (`--db`, `--json`), `now` and the App


def _common(func):
    """--db and --json on every leaf command as well as on `journal` itself."""

    def set_db(ctx: click.Context, _param: Any, value: str | None) -> None:
        if value is not None:
            ctx.ensure_object(Ctx).db = value

    def set_json(ctx: click.Context, _param: Any, value: bool) -> None:
        if value:
            ctx.ensure_object(Ctx).json = True

    func = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=set_json,
        help="Machine-readable output.",
    )(func)
    return click.option(
        "--db",
        metavar="PATH",
        expose_value=False,
        callback=set_db,
        help="Journal file or postgresql:// URL (default: $JOURNAL_DB, else the user data dir).",
    )(func)


def _opts() -> Ctx:
    return click.get_current_context().ensure_object(Ctx)


def _app():
    """This command's config, rule book and journal location, read once (`journal.app`)."""
    return _opts().application()


def _journal(must_exist: bool = False):
    """Open the journal (`everyday.Run.journal`)."""
    return _opts().journal(must_exist)


def _now():
    """This command's `now`, read once (`everyday.Run.moment`)."""
    return _opts().moment()


def _when(text: str | None, end: bool = False):
    return _opts().when(text, end)


def _screen():
    """Where this command's text goes (`everyday.screen`)."""
    return everyday.screen(_opts())


def _locale():
    """This command's reader: language and display zone, from its App."""
    return _opts().locale()


def _emit(data: Any, human: str | None = None) -> None:
    _opts().emit(data, human)


# Commands kept in modules of their own (`journal/commands/`), imported only when named or
# when `--help` lists them: name → "module:function". One line here registers a command.
LAZY_COMMANDS: dict[str, str] = {
    "attach": "journal.commands.attach:attach",
    "evidence": "journal.commands.evidence:evidence",
    "serve": "journal.commands.serve:serve",
    "search": "journal.commands.records:search",
    "history": "journal.commands.records:history",
    "tax": "journal.commands.tax:tax",
    "kobutsu": "journal.commands.kobutsu:kobutsu",
    "forget": "journal.commands.forget:forget",
}


class _LazyGroup(Group):
    """The `journal` group: its own commands, and the lazy ones of `LAZY_COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@_common
@click.version_option(package_name="trade-journal", prog_name="journal")
def cli() -> None:
    """A journal of your flea-market trades (Rakuma, Mercari, Yahoo! Auctions, Yahoo!フリマ)
    that knows every deadline and reminds you before it passes.

    \b
    Example:
      journal add listed --platform rakuma --title "ボトムス" --price 3000 --request-required
      journal add request T1 --buyer さくら
      journal upcoming
    """


# --- journal add … ----------------------------------------------------------------------


class _Steps(StepGroup):
    """`journal add`: its thirty-odd step commands are made from the catalogue the first
    time anything asks for them (`commands`), so that every other command, and `journal
    --help`, neither imports the catalogue nor builds them (a few milliseconds each time)."""

    _built = False

    @property
    def commands(self) -> dict[str, click.Command]:
        if not self._built:
            self._built = True
            from journal.core import steps

            for step in steps.CATALOGUE:
                if step.addable:
                    _add_command(step)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value


@cli.group(cls=_Steps)
def add() -> None:
    """Record a step of a trade (it happened now, or --at WHEN).

    \b
    Example:
      journal add shipped T3 --at yesterday
    """


_AT = click.option("--at", "at", metavar="WHEN", help="When it happened (default: now).")


def _record(type_: str, trade: str | None, at: str | None, sources=(), **fields: Any) -> None:
    everyday.record(_opts(), type_, trade, at, sources, fields)


def _add_command(step) -> None:
    """Define `journal add NAME [ID] [options] [--at WHEN]` from the step's catalogue entry
    (journal/core/steps.py): an existing trade's ID, none for a new trade, or the ids a bundle
    takes; a step on an existing trade lists --at after --db and --json, as it always has."""

    def command(at: str | None, trade_id: str | None = None, trade_ids=(), **fields) -> None:
        _record(step.name, trade_id, at, sources=trade_ids, **fields)

    command.__name__ = f"add_{step.name.replace('-', '_')}"
    decorated: Any = command
    if step.creates:
        decorated = _AT(_common(decorated))
    else:
        argument = click.argument("trade_id", metavar="ID", shell_complete=_complete_ids)
        decorated = _common(_AT(argument(decorated)))
    for field in reversed(step.option_fields):
        decorated = _option(field)(decorated)
    if step.bundles:
        decorated = click.argument(
            "trade_ids",
            nargs=-1,
            required=True,
            metavar="ID ID [ID…]",
            shell_complete=_complete_ids,
        )(decorated)
    doc = f"{step.help}\n\n\b\nExample:\n  {step.usage}"
    add.command(step.name, help=doc)(decorated)


def _complete_ship_days(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """The usual 発送までの日数 for Tab; any range N-M is accepted (journal/core/validate.py)."""
    from journal.core import steps

    return [c for c in steps.SHIP_DAYS if c.startswith(incomplete)]


def _option(field):
    """The `--NAME` option of one field of a step; its check says what may be typed."""
    from journal.core import steps

    check = steps.Check
    typed: dict[str, Any] = {
        check.PLATFORM: {"type": _Choice(PLATFORM_CHOICES)},
        check.SHIP_DAYS: {"shell_complete": _complete_ship_days},
        check.KIND: {"type": click.Choice(steps.KINDS), "default": None},
        check.FLAG: {"is_flag": True},
        check.THEN: {"is_flag": True},
        check.SWITCH: {"default": None},
        check.BANK: {"type": click.Choice(steps.BANKS)},
    }.get(field.check, {})
    dest = "trade_id" if field.check == check.ID else field.name
    switch = f"{field.option}/--no-{field.option[2:]}" if field.check == check.SWITCH else None
    return click.option(
        switch or field.option,
        dest,
        metavar=field.metavar,
        help=field.help,
        required=field.required,
        **typed,
    )


# --- reading ----------------------------------------------------------------------------


@cli.command()
@click.argument("trade_id", metavar="ID", shell_complete=_complete_ids)
@_common
def show(trade_id: str) -> None:
    """One trade: its state, deadlines and every event.

    \b
    Example:
      journal show T1 --json
    """
    everyday.show(_opts(), trade_id)


@cli.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include finished trades.")
@click.option("--platform", type=_Choice(PLATFORM_CHOICES), help="Only this app's trades.")
@click.option("--state", type=_Choice(STATE_CHOICES), help="Only trades in this state.")
@click.option("--search", metavar="TEXT", help="Words of a title, a buyer's name, a note.")
@_common
def list_(include_all: bool, platform: str | None, state: str | None, search: str | None) -> None:
    """Trades still running (and completed ones whose message window is open).

    \b
    Example:
      journal list --all --platform メルカリ --search ニット
    """
    everyday.list_(_opts(), include_all, platform, state, search)


@cli.command()
@click.option(
    "--within",
    metavar="DURATION",
    default="7d",
    show_default=True,
    help="How far ahead (48h, 7d, 2w).",
)
@click.option("--as-of", "as_of", metavar="WHEN", help="Look from this time instead of now.")
@_common
def upcoming(within: str, as_of: str | None) -> None:
    """Open deadlines, soonest first.

    \b
    Example:
      journal upcoming --within 48h
    """
    everyday.upcoming(_opts(), within, as_of)


@cli.command()
@click.option(
    "--within",
    metavar="DURATION",
    help="Only deadlines due this far ahead (48h, 7d, 2w; default: all).",
)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    help="Write FILE, replaced atomically (default, or -: stdout).",
)
@_common
def calendar(within: str | None, output: str | None) -> None:
    """The open and overdue deadlines as an iCalendar file, with an alarm per reminder.

    \b
    Example:
      journal calendar -o ~/Dropbox/trade-deadlines.ics
    """

    window = None
    if within is not None:
        from journal.core.timeparse import parse_duration

        window = parse_duration(within)
    from journal.core.deadlines import KIND_SPECS
    from journal.paths import output_target
    from scheduler.plan import warnings_from_config

    target = None if output is None else output_target(output)
    alarms = warnings_from_config(_app().config.reminders, KIND_SPECS).for_kind
    from journal.text.ical import calendar_text, count_events, count_withdrawn

    now = _now()
    journal = _journal()
    entries, journal_id = journal.calendar_entries(now, window)
    text = calendar_text(entries, now, _locale().language, alarms, journal_id, window, journal.book)
    if target is None:
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:
            sys.stdout.write(text)
            return
        # UTF-8 and CRLF line ends (RFC 5545) whatever the terminal's locale and platform.
        sys.stdout.flush()
        raw.write(text.encode("utf-8"))
        raw.flush()
        return
    from journal.files import replace_file
    from journal.text.messages import render

    changed = replace_file(target, text.encode("utf-8"))
    events, withdrawn = count_events(text), count_withdrawn(text)
    counts = {"events": events, "open": events - withdrawn, "withdrawn": withdrawn}
    _emit(
        {"path": str(target), **counts, "changed": changed},
        render("calendar_written" if changed else "calendar_unchanged", **counts, path=target),
    )


@cli.command()
@click.argument("trade_id", metavar="[ID]", required=False, shell_complete=_complete_ids)
@_common
def log(trade_id: str | None) -> None:
    """The event log (of one trade, or all), with corrections marked.

    \b
    Example:
      journal log T1
    """
    everyday.log(_opts(), trade_id)


@cli.command()
@click.argument("seq", type=int)
@click.option("--reason", metavar="TEXT", help="Why (kept in the log; default: void).")
@_common
def void(seq: int, reason: str | None) -> None:
    """Correct a mistake: append an event that voids event SEQ (history stays).

    \b
    Example:
      journal void 12 --reason "wrong trade"
    """
    from journal.core.validate import seq as event_number
    from journal.text.messages import render

    stored = _journal().void(event_number(seq), reason or "void", now=_now())
    _emit({"voided": seq, "seq": stored.seq}, render("voided", seq=seq, new=stored.seq))


@cli.command()
@click.option("--year", type=int, metavar="YYYY", help="This year (default: the current one).")
@click.option("--month", metavar="YYYY-MM", help="This month.")
@click.option("--from", "first", metavar="DATE", help="From this day (with --to).")
@click.option("--to", "last", metavar="DATE", help="To this day, included.")
@click.option("--by", type=click.Choice(("month", "platform")), default="month", show_default=True)
@click.option("--chart", metavar="FILE", help="Also draw the chart into FILE.png or FILE.svg.")
@_common
def money(
    year: int | None,
    month: str | None,
    first: str | None,
    last: str | None,
    by: str,
    chart: str | None,
) -> None:
    """Sales, fees, shipping, costs and profit of the trades completed in a period.

    \b
    Example:
      journal money --year 2026
      journal money --month 2026-11 --by platform --chart 2026-11.png
    """
    data = everyday.money(_opts(), year, month, first, last, by)
    if chart is not None:
        _money_chart(chart, data, by)
    everyday.money_print(_opts(), data, by)


def _money_chart(chart: str, data: dict[str, Any], by: str) -> None:
    from journal.paths import output_file
    from journal.text import chart as charts
    from journal.text.messages import render
    from journal.text.screens import group_name

    labels = {
        "sales": render("money_sales"),
        "profit": render("money_profit"),
        "yen": render("money_yen"),
        "title": render("money_title", first=data["from"], last=data["to"]),
    }
    labels |= {f"group:{g['key']}": group_name(g["key"], by, _screen()) for g in data["groups"]}
    charts.write(output_file(chart), data["groups"], labels)


@cli.command()
@_common
def items() -> None:
    """Items listed on several apps (`listed --item KEY`), with each listing's state.

    \b
    Example:
      journal items --json
    """
    from journal import reading
    from journal.text import screens

    data = reading.items(_journal())
    _emit(data, None if _opts().json else screens.items_screen(data, _screen()))


@cli.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
@click.option("--reason", metavar="TEXT", help="Why (kept in the log; default: undo).")
@_common
def undo(yes: bool, reason: str | None) -> None:
    """Void your most recent step (it stays in the log, marked voided); asks first.

    \b
    Example:
      journal undo --yes
    """
    from journal.core.errors import BadInput
    from journal.core.undo import last_step
    from journal.text.labels import label
    from journal.text.messages import render

    journal = _journal()
    target = last_step(journal.newest())
    if target is None:
        raise BadInput("nothing_to_undo")
    what = render(
        "undo_what",
        seq=target.seq,
        trade=target.stream,
        step=label("step", target.type, _app().locale.language),
        at=target.occurred_at,
    )
    if not yes:
        if not sys.stdin.isatty():
            raise BadInput("undo_needs_yes", what=what)
        # the question goes to stderr: stdout holds only the answer (`--json` stays JSON)
        if not _confirm(render("undo_confirm", what=what)):
            _emit({"voided": None}, render("undo_kept"))
            return
    stored = journal.void(target.seq, reason or "undo", now=_now())
    data = {"voided": target.seq, "seq": stored.seq, "trade": target.stream, "type": target.type}
    _emit(data, render("undone", what=what, new=stored.seq))


def _confirm(question: str) -> bool:
    """A yes/no question on the terminal: y/yes/はい or n/no/いいえ (empty: no)."""
    from journal.core.names import yes_no
    from journal.text.messages import render

    def read(typed: str) -> bool:
        answer = yes_no(typed)
        if answer is None:
            raise click.BadParameter(render("yes_no_again"))
        return answer

    prompt = f"{question} {render('yes_no_choices')}"
    return click.prompt(prompt, default="", show_default=False, value_proc=read, err=True)


@cli.command()
@_common
def rebuild() -> None:
    """Recompute trades and deadlines from the event log, from zero.

    \b
    Example:
      journal rebuild
    """
    from journal.text.messages import render

    journal = _journal()
    count = journal.rebuild()
    events = journal.last_seq()
    _emit({"trades": count, "events": events}, render("rebuilt", trades=count, events=events))


@cli.command()
@click.option(
    "--log-only", is_flag=True, help="Check only the event log (faster; read models skipped)."
)
@click.option(
    "--head",
    "kept_head",
    metavar="HASH",
    help="A chain head printed by an earlier verify: also check the log still contains it.",
)
@_common
def verify(log_only: bool, kept_head: str | None) -> None:
    """Check that no event was changed, removed or inserted, and that trades and deadlines
    match the log. Exit 0 if intact, 4 if damage was found (the first bad event is named).

    \b
    Example:
      journal verify
      journal verify --head 32c0fa54…   (the head you noted last month)
    """
    from journal.core.validate import head_hash
    from journal.safekeeping import verify as check
    from journal.text.messages import render

    if kept_head is not None:
        kept_head = head_hash(kept_head)
    journal = _journal(must_exist=True)
    report = check(journal, log_only=log_only, kept_head=kept_head)
    data: dict[str, Any] = {"ok": report.ok, "events": report.events, "head": report.head}
    if report.ok:
        from journal.commands.verify_files import check_attachments

        damaged = [] if log_only else check_attachments(data, journal)
        if damaged:  # an attached file missing or changed: one line each
            _emit(data)  # the JSON, with --json
            for line in damaged:
                click.echo(f"journal: {' '.join(line.split())}", err=True)
            raise click.exceptions.Exit(EXIT_DAMAGED)
        _emit(data, render("verify_ok", events=report.events, head=report.head))
        return
    damage = report.damage
    assert damage is not None
    data["damage"] = {"seq": damage.seq, "problem": damage.problem, "detail": damage.detail}
    if _opts().json:
        _emit(data)
    line = render(f"verify_{damage.problem}", seq=damage.seq, detail=damage.detail)
    click.echo(f"journal: {' '.join(line.split())}", err=True)
    raise click.exceptions.Exit(EXIT_DAMAGED)


@cli.command()
@click.argument("path", metavar="PATH")
@_common
def backup(path: str) -> None:
    """Copy the journal to a new file (safe while the daemon or other commands run).

    \b
    Example:
      journal backup ~/journal-2026-11-22.sqlite
    """
    from journal.paths import output_file
    from journal.safekeeping import backup as copy
    from journal.text.messages import render

    target = output_file(path)
    events, head = copy(_journal(must_exist=True), target)
    _emit(
        {"path": str(target), "events": events, "head": head},
        render("backup_done", events=events, path=target, head=head),
    )


@cli.command("copy")
@click.option("--to", "to", required=True, metavar="PATH|URL", help="An empty journal.")
@_common
def copy_(to: str) -> None:
    """Copy this journal's whole log into an empty one (a file or a PostgreSQL URL).

    \b
    Example:
      journal copy --to postgresql://me@server/journal
    """
    from journal.app import location_of
    from journal.safekeeping import copy_journal, shown
    from journal.text.messages import render

    source = _journal(must_exist=True)
    target = location_of(to)
    try:
        events, head, sent = copy_journal(source, target)
    finally:
        source.close()
    _emit(
        {"to": shown(target), "events": events, "head": head, "reminders_sent": sent},
        render("copy_done", events=events, path=shown(target), head=head, reminders=sent),
    )


@cli.command()
@click.option(
    "--format", "format_", type=click.Choice(("jsonl", "csv")), default="jsonl", show_default=True
)
@click.option("--output", "-o", metavar="FILE", help="A new file (default, or -: standard output).")
@click.option("--year", type=int, metavar="YYYY", help="csv: the trades of this year only.")
@click.option("--raw", is_flag=True, help="csv: platforms, roles and states as their ids.")
@_common
def export(format_: str, output: str | None, year: int | None, raw: bool) -> None:
    """Write the whole event log, one JSON object per line, with every stored column and hash;
    or, with --format csv, one row per trade with its dates and money (for a spreadsheet).

    \b
    Example:
      journal export --format jsonl -o journal.jsonl
      journal export --format csv --year 2026 -o 2026.csv
    """
    from journal.paths import output_target
    from journal.safekeeping import export_to

    target = None if output is None else output_target(output)
    journal = _journal(must_exist=True)
    if format_ == "csv":
        _export_csv(journal, target, year, raw)
        return
    if year is not None:
        from journal.text.messages import render

        raise click.UsageError(render("year_needs_csv"))
    raw = getattr(sys.stdout, "buffer", None)
    if target is None and raw is not None:
        # UTF-8 whatever the terminal's locale, so the export is the same bytes everywhere.
        sys.stdout.flush()
        export_to(journal, None, lambda text: raw.write(text.encode("utf-8")))
        raw.flush()
    else:
        export_to(journal, target, sys.stdout.write)
    if target is None:  # the attachments cannot go with standard output: one line says so
        from journal.commands.verify_files import note_left_behind

        note_left_behind(journal)


def _export_csv(journal, target, year: int | None, raw_ids: bool = False) -> None:
    """`export --format csv`: UTF-8 with a BOM (Excel), the header in the reader's language."""
    from journal.files import write_new
    from journal.text.csv_export import COLUMNS, csv_text
    from journal.text.messages import reader, render

    if year is not None:
        from journal.core.money_report import checked_year

        checked_year(year)  # the same years as `money`'s periods
    header = [render(f"csv_{name}") for name in COLUMNS]
    trades, money = journal.all_trades(), journal.money_settings()
    lang = "en" if raw_ids else reader().language
    text = csv_text(trades, journal.book, money, header, _app().zone, year, lang)
    raw = getattr(sys.stdout, "buffer", None)  # none when stdout is a text-only stream
    if target is None and raw is None:
        sys.stdout.write(text)
    elif target is None:
        sys.stdout.flush()
        raw.write(text.encode("utf-8"))
        raw.flush()
    else:
        write_new(target, text.encode("utf-8"))


# A file this large shows a progress bar even when stderr is not a terminal.
_BIG_IMPORT = 5_000_000


@cli.command("import")
@click.argument("file", metavar="FILE")
@_common
def import_(file: str) -> None:
    """Restore an export into an empty journal (all or nothing; the chain must verify).

    \b
    Example:
      journal import journal.jsonl --db ~/restored.sqlite
    """

    from journal.core.validate import file_path
    from journal.paths import user_path
    from journal.safekeeping import import_file, source_size
    from journal.service import Journal
    from journal.text.messages import render

    source = user_path(file_path(file))
    size = source_size(source)
    target, _zone = _app().location, _app().zone  # a bad zone is refused before anything is written
    stderr = sys.stderr

    def restore(journal) -> tuple[int, str, int]:
        if size >= _BIG_IMPORT or stderr.isatty():
            with click.progressbar(length=size, label=render("importing"), file=stderr) as bar:
                return import_file(journal, source, bar.update)
        return import_file(journal, source)

    if isinstance(target, str) or target.exists():  # a server URL: always one transaction
        # An existing (empty) journal: the import is one transaction, all of it or nothing.
        journal = _journal()
        try:
            events, head, sent = restore(journal)
        finally:
            journal.close()
    else:
        # A new journal appears at the path only once the whole import is in it; a failed
        # or killed import leaves nothing there, and never removes anyone else's journal.
        app = _app()
        with Journal.new(target, app.book, app.money) as journal:
            events, head, sent = restore(journal)
    _emit(
        {"events": events, "head": head, "reminders_sent": sent},
        render("import_done", events=events, head=head, reminders=sent),
    )


@cli.command()
@click.argument("platform", required=False, type=_Choice((*PLATFORM_CHOICES, "custom")))
@_common
def rules(platform: str | None) -> None:
    """The deadline rules in force, with their sources and confidence.

    \b
    Example:
      journal rules mercari
    """
    from journal.text import views
    from journal.text.rules_screen import rules_screen

    book = _app().book
    names = [platform] if platform else [*PLATFORM_CHOICES, "custom"]
    data = views.rules_json(book, names, _locale().language)
    _emit(data, None if _opts().json else rules_screen(book, names, _screen()))


@cli.command()
@_common
def demo() -> None:
    """Play the example stories into a throw-away journal and print the agenda.

    \b
    Example:
      journal demo
    """
    from journal.demo import run

    click.echo(run(_app(), _now(), _screen()))


# --- reminders and the daemon -----------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option(
    "--notifier",
    type=click.Choice(("desktop", "command", "console", "apprise")),
    multiple=True,
    help="How to deliver; repeat for several (default: [notifier] kind, else desktop).",
)
@click.option(
    "--url",
    "urls",
    metavar="URL",
    multiple=True,
    help="Where the apprise notifier pushes (ntfy://…, tgram://…, mailto://…); repeatable.",
)
@click.option(
    "--command", "program", metavar="PROGRAM", help="Program run per reminder (command notifier)."
)
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron).")
@click.option(
    "--as-of",
    "as_of",
    metavar="WHEN",
    help="With --once: show what would be sent at WHEN; nothing is sent or recorded.",
)
@click.option(
    "--dry-run", is_flag=True, help="Show what would be sent now; nothing is sent or recorded."
)
@click.option("-v", "--verbose", is_flag=True, help="Log planning details too.")
@click.option("--serve", "serve_web", is_flag=True, help="Also serve the web app (journal serve).")
@_common
@click.pass_context
def daemon(
    ctx: click.Context,
    notifier: tuple[str, ...],
    urls: tuple[str, ...],
    program: str | None,
    once: bool,
    as_of: str | None,
    dry_run: bool,
    verbose: bool,
    serve_web: bool,
) -> None:
    """Remind before every open deadline (foreground; logs to stderr; stop with Ctrl-C).

    --once --as-of WHEN and --dry-run are previews: they print what would be sent and
    change nothing (no notification, no record).

    \b
    Example:
      journal daemon --notifier console
      journal daemon --once --as-of 2026-11-24T09:00
      journal daemon --dry-run
      journal daemon install
    """
    if ctx.invoked_subcommand is not None:
        return
    from journal.text.messages import render

    if as_of is not None and not once:
        raise click.UsageError(render("as_of_needs_once"))
    from journal.app import FollowedSettings
    from scheduler import notify, run
    from scheduler.leader import lock_for

    settings = FollowedSettings(_opts().db)  # before reading them: no change slips between
    run.log_to_stderr(_app().locale, verbose)
    chosen = notify.choose(_app().config.notifier, notifier, program, urls)
    setup = _app().daemon_setup()
    moment = _when(as_of)
    if dry_run or moment is not None:
        _daemon_preview(moment or _now())
        return
    path = _app().location
    journal = _journal()
    lock = lock_for(path)
    try:
        reminders = _app().reminders(journal)
        if not once:
            from journal.web.serving import beside_daemon

            reopen = lambda: _app().reminders(_app().journal())  # noqa: E731 - one line
            stop_web = beside_daemon(_app(), _journal, _locale(), serve_web)
            try:
                run.serve(path, reminders, reopen, chosen, setup, settings)
            finally:
                stop_web and stop_web()
            return
        _daemon_once_report(run.once(reminders, chosen, _now(), setup), path)
    finally:
        journal.close()
        lock.close()


def _daemon_once_report(outcome, path) -> None:
    """`--once`: what the pass did (counts on stderr, or JSON); refused when a reminder
    failed or its record could not be written."""
    from journal.core.errors import Refused
    from journal.text.messages import render

    counts = {
        "delivered": len(outcome.delivered),
        "summarized": len(outcome.summarized),
        "failed": outcome.failed,
    }
    if _opts().json:
        _emit({**counts, "unrecorded": outcome.unrecorded})
    else:
        click.echo(render("daemon_once", **counts), err=True)
    if outcome.failed:
        raise Refused("reminders_failed", failed=outcome.failed)
    if outcome.unrecorded:
        raise Refused("reminders_unrecorded", count=outcome.unrecorded, path=str(path))


def _daemon_preview(moment) -> None:
    """`--once --as-of WHEN` / `--dry-run`: what a delivery pass would send; changes nothing."""
    from journal.text.status_text import preview_lines
    from journal.text.views import preview_json
    from scheduler.status import preview_of

    journal = _journal(must_exist=True)
    try:
        works = _app().reminders(journal).preview(moment)
    finally:
        journal.close()
    preview = preview_of(works, moment)
    if _opts().json:
        _emit(preview_json(preview))
        return
    lines, counts = preview_lines(preview, _locale())
    for line in lines:
        click.echo(line)
    click.echo(counts, err=True)


@daemon.command("install")
@_common
def daemon_install() -> None:
    """Install the daemon as a service: a systemd user unit, or a launchd agent on macOS.

    \b
    Example:
      journal daemon install
    """
    from pathlib import Path

    from journal.text.messages import render
    from scheduler.install import install, journal_command, pgpass_hint, source_checkout
    from scheduler.service_state import notifier_problem

    config = _app().config
    where = _app().location
    path, enable = install(where, calendar=config.calendar.get("path"), reader=_app().locale)
    program = journal_command()[0]
    source = source_checkout(Path(program))
    lines = [render("daemon_installed", path=str(path), command=enable)]
    pgpass = pgpass_hint(_app().location)  # the password stays out of the unit: say where
    if pgpass:
        lines.append(render("daemon_pgpass", line=pgpass))
    if source:
        click.echo(f"journal: {render('daemon_in_source', folder=str(source))}", err=True)
    problem = notifier_problem(config.notifier)  # a service that cannot reach anyone
    if problem:
        click.echo(f"journal: {render(problem[0], **problem[1])}", err=True)
    _emit(
        {
            "path": str(path),
            "enable": enable,
            "program": program,
            "inside_source_folder": source and str(source),
            "pgpass": pgpass,
            "notifier_problem": problem and problem[0],
        },
        "\n".join(lines),
    )


@daemon.command("uninstall")
@_common
def daemon_uninstall() -> None:
    """Remove the service that `daemon install` wrote (and say how to stop it).

    \b
    Example:
      journal daemon uninstall
    """
    from journal.text.messages import render
    from scheduler.install import uninstall

    path, existed, stop, disabled = uninstall()
    key = "daemon_uninstalled" if existed else "daemon_not_installed"
    lines = [render(key, path=str(path), command=stop)]
    if disabled is not None:  # disabled first, then removed: said in that order
        manager, links = disabled
        first = "daemon_disabled" if manager else "daemon_disabled_offline"
        lines = [
            render(first, command=stop, links=len(links)),
            render("daemon_removed", path=str(path)),
        ]
    _emit(
        {
            "path": str(path),
            "removed": existed,
            "stop": stop,
            "disabled_by_manager": bool(disabled and disabled[0]),
        },
        "\n".join(lines),
    )


@daemon.command("status")
@_common
def daemon_status() -> None:
    """Is a service installed, what does it run, and is a daemon running on this journal?

    \b
    Example:
      journal daemon status --json
    """
    from journal.text.status_text import daemon_status_lines
    from journal.text.views import daemon_status_json
    from scheduler.status import daemon_status as status_of

    status = status_of(_app().location)
    _emit(daemon_status_json(status), daemon_status_lines(status, _locale()))


@cli.command("config")
@_common
def config_() -> None:
    """Where the journal, config, lock and logs are, and the settings in effect.

    \b
    Example:
      journal config --json
    """
    from journal.text.config_view import config_lines

    data = _in_effect(_app())
    _emit(data, config_lines(data, _locale()))


def _in_effect(app) -> dict[str, Any]:
    """`journal config`'s facts: the places and the settings this command reads."""
    from pathlib import Path

    from journal.core.deadlines import KIND_SPECS
    from journal.locations import shown_location
    from journal.text.config_view import duration_text, other_settings, program_shown
    from scheduler.install import log_place, service_file
    from scheduler.lock import lock_path
    from scheduler.plan import lateness_from_config, warnings_from_config
    from scheduler.push import mask

    db, config, zone = app.location, app.config, app.zone
    warnings = warnings_from_config(config.reminders, KIND_SPECS, zone)
    cfg = app.config_file
    on_file = isinstance(db, Path)
    return {
        "journal": str(db) if on_file else shown_location(db),
        "journal_exists": db.exists() if on_file else None,
        "config": str(cfg),
        "config_exists": cfg.is_file(),
        "lock": str(lock_path(db)) if on_file else None,
        "service": str(service_file()),
        "log": log_place(),
        "timezone": str(zone),
        "language": app.locale.language,
        "notifier": config.notifier.get("kind") or "desktop",
        "lateness": duration_text(lateness_from_config(config.notifier)),
        "reminders": [duration_text(o) for o in warnings.default],
        "overdue_reminder_at": warnings.overdue_at.strftime("%H:%M")
        if warnings.overdue_at
        else None,
        "reminders_by_kind": {
            kind: [duration_text(o) for o in offsets] for kind, offsets in warnings.per_kind.items()
        },
        "command": program_shown(config.notifier.get("command")),
        "push_urls": [mask(url) for url in config.notifier.get("urls", [])],
        "other": other_settings(config.raw),
    }


@cli.command()
@click.argument("shell", type=click.Choice(("bash", "zsh", "fish")))
@_common
def completion(shell: str) -> None:
    """Print the Tab-completion script for your shell (trade ids complete too).

    \b
    Example:
      journal completion bash >> ~/.bashrc
    """
    from click.shell_completion import get_completion_class

    script_class = get_completion_class(shell)
    assert script_class is not None  # the choice allows only shells click knows
    click.echo(script_class(cli, {}, "journal", "_JOURNAL_COMPLETE").source())


@cli.command()
@click.option(
    "--within",
    metavar="DURATION",
    default="7d",
    show_default=True,
    help="Planned this far ahead, and sent this far back.",
)
@click.option("--as-of", "as_of", metavar="WHEN", help="Look from this time instead of now.")
@_common
def reminders(within: str, as_of: str | None) -> None:
    """Reminders planned (from the open deadlines) and already sent.

    \b
    Example:
      journal reminders --within 48h --json
    """
    everyday.reminders(_opts(), within, as_of)


@cli.command()
@click.argument("trade_id", metavar="[ID]", required=False, shell_complete=_complete_ids)
@click.argument("situation", metavar="[SITUATION]", required=False)
@click.option("--lang", type=click.Choice(("ja", "en")), help="The message's language.")
@click.option("--copy", "to_clipboard", is_flag=True, help="Also put it on the clipboard.")
@click.option("--record", is_flag=True, help="Record it in the trade's log as a message.")
@click.option("--edit", metavar="SITUATION", help="Edit your own template in $EDITOR.")
@_common
def message(trade_id, situation, lang, to_clipboard: bool, record: bool, edit) -> None:
    """A trade message (取引メッセージ) for the trade, filled in from the journal. Without
    SITUATION: the ones that fit the trade, the most likely first, and that one.

    \b
    Example:
      journal message T1 発送連絡 --copy
    """
    from journal.core.errors import BadInput
    from journal.core.situations import about
    from journal.text import letters
    from journal.text.messages import render

    lang, user_dir = lang or _locale().language, _app().config_file.parent / "messages"
    if edit is not None:
        _edit_template(letters.situation_of(edit), lang, user_dir)
        return
    if trade_id is None:
        raise BadInput("message_needs_trade")
    journal = _journal()
    trade, fits, facts = about(*journal.trade(journal.resolve_id(trade_id)), _now())
    chosen = letters.situation_of(situation) if situation else (fits or [None])[0]
    if chosen is None:
        raise BadInput("message_none_fits", trade=trade.id, names=letters.all_names(lang))
    letter = letters.render(chosen, lang, facts, user_dir)
    data = {"trade": trade.id, "situation": chosen, "name": letters.name_of(chosen, lang)}
    data |= {"language": lang, "text": letter.text, "blanks": list(letter.blanks)}
    data |= {"fits": fits, "template": str(letter.source), "copied": None}
    names = [letters.name_of(s, lang) for s in fits]
    head = render("message_fits", trade=trade.id, names=" / ".join(names)) + "\n\n"
    said = _message_after(journal, trade.id, letter, to_clipboard, record, data)
    _emit(data, ("" if situation else head) + letter.text.rstrip("\n"))
    for line in said:  # after the message, so that on a terminal they are read last
        click.echo(f"journal: {line}", err=True)


def _message_after(journal, trade_id: str, letter, to_clipboard: bool, record: bool, data):
    """What `journal message` does besides printing (copy, record) and the lines it says
    about it and the blanks."""
    from journal.text.clipboard import copy
    from journal.text.letters import field_names
    from journal.text.messages import reader, render

    said = []
    if letter.blanks:
        said.append(render("message_blanks", fields=field_names(letter.blanks, reader().language)))
    if to_clipboard:
        data["copied"] = tool = copy(letter.text)
        said.append(render("message_copied" if tool else "message_no_clipboard", tool=tool))
    if record:
        journal.add("message", trade_id, _now(), {"note": letter.text}, now=_now())
    return said


def _edit_template(situation: str, lang: str, user_dir) -> None:
    """`journal message --edit SITUATION`: the user's copy, opened in $EDITOR, then checked."""
    import os

    from journal.text import letters
    from journal.text.messages import render

    path = letters.user_copy(situation, lang, user_dir)
    if sys.stdin.isatty() or os.environ.get("VISUAL") or os.environ.get("EDITOR"):
        click.edit(filename=str(path))  # else no editor to wait for: the copy is made
    letters.load(path)  # a broken template is refused now, with its line, not when used
    click.echo(render("message_template_saved", path=str(path)))


# --- entry point ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command; map every failure to one line on stderr and a documented status."""
    lang = "en"
    try:
        from journal.app import start_reader
        from journal.text import messages  # messages: errors say themselves in words

        reader = start_reader()
        messages.use(reader)
        lang = reader.language
    except Exception:  # noqa: BLE001 - never let start-up leak a traceback
        pass
    import os

    if "_JOURNAL_COMPLETE" in os.environ:  # Tab pressed: bash shows titles beside the ids
        from journal.text.completion import use_titled_bash

        use_titled_bash()
    with for_click(lang):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    ctx_obj = Ctx()
    args = sys.argv[1:] if argv is None else argv
    try:
        from journal.core.argv import arguments

        arguments(args)  # undecodable bytes are refused here, before any command sees them
        code = cli.main(args=args, prog_name="journal", standalone_mode=False, obj=ctx_obj)
        # click returns (rather than raises) a command's `Exit` when not in standalone mode.
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        return EXIT_BAD_INPUT
    except click.ClickException as exc:
        from journal.text.helptext import error_text

        everyday.fail(ctx_obj, error_text(exc), EXIT_BAD_INPUT)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001
        return everyday.failed(ctx_obj, exc)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    sys.modules.setdefault("cli", sys.modules[__name__])  # what `journal/commands/` import
    run()
