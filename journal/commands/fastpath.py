"""The everyday commands answered by the entry point without click (`launch.py`).

Importing click and building its command tree costs about as much as the command itself.
The command line of `list`, `upcoming`, `show`, `log`, `reminders`, `money` (without
`--chart`), `search` (without `--csv` and `--output`) and `add STEP` (the step's name as
the catalogue spells it) is read here with a spec learned from click: each time click runs
(`cli.main`) and finds no spec kept for this program (`shortcuts.program_key`), it writes
one: each command's options and arguments, flags, switches, defaults (as click resolves
them), required options and choices. A command line is answered here only when every word
of it is plainly understood: an unknown option, a value click would refuse, a missing
required option, `--help`, `--`, a short option, a word that starts with a dash where a
value is due, a missing or extra argument, or no spec yet, and click reads it instead, so
every refusal is click's, word for word. The commands' bodies are `everyday.py`'s, the
same ones cli.py's click commands call.
"""

from __future__ import annotations

import json
import os
import sys

from journal.commands.shortcuts import in_cache, program_key, read, remove_stale, write

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

COMMANDS = ("list", "upcoming", "show", "log", "reminders", "money", "search")
COMMON = {"--db": "db", "--json": "json"}  # on `journal` itself and on every command


def _spec_file() -> str:
    return in_cache(f"spec-{program_key()}.json")


# -- learning from click ----------------------------------------------------------------------


def learn(cli_module: Any) -> None:
    """Keep the spec of the everyday commands, read from click's own command tree (called
    after click ran a command, when no spec for this program is kept)."""
    path = _spec_file()
    if os.path.exists(path):
        return
    import click

    spec: dict[str, Any] = {}
    # `get_command` loads a command kept in a module of its own (`cli.LAZY_COMMANDS`).
    ctx = click.Context(cli_module.cli)
    commands = [(name, cli_module.cli.get_command(ctx, name)) for name in COMMANDS]
    commands += [(f"add {name}", c) for name, c in cli_module.add.commands.items()]
    for name, command in commands:
        learned = _command_spec(click, cli_module, command) if command is not None else None
        if learned is not None:
            spec[name] = learned
    remove_stale(os.path.dirname(path), "spec-", ".json")
    write(path, json.dumps(spec, ensure_ascii=False))


def _command_spec(click: Any, cli_module: Any, command: Any) -> dict[str, Any] | None:
    """One command's options and arguments, or None when one of them is of a kind this
    reader does not handle (it then leaves the command to click)."""
    required = [p for p in command.params if isinstance(p, click.Argument) and p.required]
    ctx = command.make_context(command.name, ["X"] * len(required), resilient_parsing=True)
    options: dict[str, dict[str, Any]] = {}
    arguments: list[dict[str, Any]] = []

    def given(word: str) -> Any:
        args = ["X"] * len(required) + [word]
        return command.make_context(command.name, args, resilient_parsing=True).params[p.name]

    for p in command.params:
        if p.multiple or p.nargs != 1 or p.envvar or len(getattr(p, "secondary_opts", ())) > 1:
            return None
        if isinstance(p, click.Argument):
            arguments.append({"name": p.name, "required": p.required})
            continue
        # An option's one long name (a short one, `-o`, is never read plainly: click's).
        long = [o for o in getattr(p, "opts", ()) if o.startswith("--")]
        if not isinstance(p, click.Option) or len(long) != 1:
            return None
        if long[0] in COMMON:
            continue
        entry: dict[str, Any] = {"name": p.name, "default": ctx.params[p.name]}
        entry["required"] = p.required
        if p.secondary_opts:  # --x/--no-x: True, False, or None when not given
            off = p.secondary_opts[0]
            if not off.startswith("--"):
                return None
            if (given(long[0]), given(off), ctx.params[p.name]) != (True, False, None):
                return None
            options[off] = entry | {"kind": "switch", "value": False}
            entry |= {"kind": "switch", "value": True}
        elif p.is_flag:
            if given(long[0]) is not True or ctx.params[p.name] is not False:
                return None
            entry["kind"] = "flag"
        elif isinstance(p.type, cli_module._Choice):
            entry |= {"kind": "named", "choices": list(p.type.choices)}
        elif type(p.type) is click.Choice and p.type.case_sensitive:
            entry |= {"kind": "exact", "choices": list(p.type.choices)}
        elif p.type is click.INT:
            entry["kind"] = "int"
        elif p.type is click.STRING:
            entry["kind"] = "text"
        else:
            return None
        options[long[0]] = entry
    return {"options": options, "arguments": arguments}


# -- reading a command line -------------------------------------------------------------------


class _NotPlain(Exception):
    """Only click reads this command line."""


def plan(args: list[str]) -> tuple[str, dict[str, Any], Any] | None:
    """(command, its values, the shared options) when the command line is plainly one of the
    everyday commands, else None (click reads it)."""
    from journal.commands.everyday import Run

    try:
        spec = json.loads(read(_spec_file()))
    except (OSError, ValueError):
        return None
    run = Run()
    seen: set[str] = set()
    try:
        rest = _common(args, run, seen)
        if rest[:1] == ["add"]:  # `add STEP`: the step's own command
            rest = [" ".join(rest[:2]), *rest[2:]]
        if not rest or rest[0] not in spec:
            return None
        name = rest[0]
        values = _command(rest[1:], spec[name], run, seen)
    except _NotPlain:
        return None
    return name, values, run


def _common(args: list[str], run: Any, seen: set[str]) -> list[str]:
    """`journal`'s own --db and --json, before the command's name."""
    at = 0
    while at < len(args) and args[at].startswith("-"):
        at = _shared(args, at, run, seen)
    return args[at:]


def _shared(args: list[str], at: int, run: Any, seen: set[str]) -> int:
    word = args[at]
    name, equals, value = word.partition("=")
    if name not in COMMON or name in seen:
        raise _NotPlain
    seen.add(name)
    if name == "--json":
        if equals:
            raise _NotPlain
        run.json = True
        return at + 1
    if not equals:
        value = _value(args, at)
        at += 1
    run.db = value
    return at + 1


def _value(args: list[str], at: int) -> str:
    if at + 1 >= len(args) or args[at + 1].startswith("-"):
        raise _NotPlain
    return args[at + 1]


def _command(args: list[str], spec: dict[str, Any], run: Any, seen: set[str]) -> dict[str, Any]:
    options = spec["options"]
    values = {o["name"]: o["default"] for o in options.values()}
    positional: list[str] = []
    at = 0
    while at < len(args):
        word = args[at]
        if not word.startswith("-"):
            positional.append(word)
            at += 1
            continue
        name, equals, value = word.partition("=")
        if name in COMMON:
            at = _shared(args, at, run, seen)
            continue
        option = options.get(name)
        if option is None or option["name"] in seen:
            raise _NotPlain
        seen.add(option["name"])
        if option["kind"] in ("flag", "switch"):
            if equals:
                raise _NotPlain
            values[option["name"]] = option.get("value", True)
            at += 1
            continue
        if not equals:
            value = _value(args, at)
            at += 1
        values[option["name"]] = _convert(option, value)
        at += 1
    if any(o["required"] and values[o["name"]] is None for o in options.values()):
        raise _NotPlain  # click says which option is missing
    arguments = spec["arguments"]
    if len(positional) > len(arguments):
        raise _NotPlain
    for argument, word in zip(arguments, positional + [None] * len(arguments), strict=False):
        if word is None and argument["required"]:
            raise _NotPlain
        values[argument["name"]] = word
    return values


def _convert(option: dict[str, Any], value: str) -> Any:
    kind = option["kind"]
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise _NotPlain from None
    if kind == "named":
        from journal.commands.everyday import choose

        value = choose(value, tuple(option["choices"]))
    if kind in ("named", "exact") and value not in option["choices"]:
        raise _NotPlain
    return value


# -- answering ----------------------------------------------------------------------------------


def answer(name: str, values: dict[str, Any], run: Any) -> int:
    """Run the command as `cli.main` would: the reader's language, then the body; a failure
    is one line on stderr and its status (`everyday.failed`), as click's path maps it."""
    from journal.commands import everyday

    try:
        from journal.app import start_reader
        from journal.text import messages

        messages.use(start_reader())
    except Exception:  # noqa: BLE001 - as cli.main: start-up never leaks a traceback
        pass
    try:
        if name.startswith("add "):
            _record(everyday, run, name[4:], dict(values))
        else:
            _BODIES[name](everyday, run, values)
    except (EOFError, KeyboardInterrupt):
        everyday.echo("", err=True)  # click closes the terminal's ^C echo, then aborts
        return everyday.EXIT_BAD_INPUT
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            return everyday.failed(run, exc)
        from click.core import _PacifyFlushWrapper  # as click does on a closed pipe

        sys.stdout = _PacifyFlushWrapper(sys.stdout)
        sys.stderr = _PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - mapped as cli._main maps it
        return everyday.failed(run, exc)
    return everyday.EXIT_OK


def _record(everyday: Any, run: Any, step: str, values: dict[str, Any]) -> None:
    """`add STEP`, called as cli.py's step command calls it (`everyday.record`)."""
    at, trade = values.pop("at"), values.pop("trade_id", None)
    everyday.record(run, step, trade, at, tuple(values.pop("trade_ids", ())), values)


def _money(everyday: Any, run: Any, v: dict[str, Any]) -> None:
    data = everyday.money(run, v["year"], v["month"], v["first"], v["last"], v["by"])
    everyday.money_print(run, data, v["by"])


def _search(everyday: Any, run: Any, v: dict[str, Any]) -> None:
    names = ("first", "last", "low", "high", "party", "platform")
    everyday.search(run, everyday.criteria(run, *(v[n] for n in names)), v["over_log"])


_BODIES = {
    "list": lambda e, run, v: e.list_(
        run, v["include_all"], v["platform"], v["state"], v["search"]
    ),
    "upcoming": lambda e, run, v: e.upcoming(run, v["within"], v["as_of"]),
    "show": lambda e, run, v: e.show(run, v["trade_id"]),
    "log": lambda e, run, v: e.log(run, v["trade_id"]),
    "reminders": lambda e, run, v: e.reminders(run, v["within"], v["as_of"]),
    "money": _money,
    "search": _search,
}


def runnable(name: str, values: dict[str, Any]) -> bool:
    """`money --chart` draws with matplotlib, `search --csv` and `--output` write a file or
    are refused with --json: cli.py's, not here."""
    if name == "search":
        return not values["as_csv"] and values["output"] is None
    return not (name == "money" and values.get("chart") is not None)
