"""`journal add` in Japanese: each step also answers to its Japanese name (labels.py) and
to the words in `journal.core.step_fields.ALIASES` (`journal add 発送 T1`, `入金`, `落札`),
in the command, its help and Tab completion."""

from typing import Any

import click

from journal.text.helptext import Group


def aliases(commands: dict[str, Any]) -> dict[str, str]:
    """Alias → step, for the steps `journal add` has; a name two steps share is left out.
    (The names are imported here, not at start-up: only `journal add` needs them.)"""
    from journal.core.step_fields import ALIASES
    from journal.text.labels import STEPS as NAMES

    found: dict[str, list[str]] = {}
    for step, name in NAMES.items():
        if step in commands and name not in commands:
            found.setdefault(name, []).append(step)
    out = {name: steps[0] for name, steps in found.items() if len(steps) == 1}
    return out | {word: step for word, step in ALIASES.items() if step in commands}


class StepGroup(Group):
    """The `add` group: a step by its id or by a Japanese name."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        name = aliases(self.commands).get(cmd_name, cmd_name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        _name, command, rest = super().resolve_command(ctx, args)
        return (command.name if command else _name), command, rest  # the step's own id

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        found = super().shell_complete(ctx, incomplete)
        more = aliases(self.commands).items()
        return found + [CompletionItem(a, help=s) for a, s in more if a.startswith(incomplete)]

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from journal.text.messages import render

        by_step: dict[str, list[str]] = {}
        for alias, step in aliases(self.commands).items():
            by_step.setdefault(step, []).append(alias)
        rows = [(step, "、".join(names)) for step, names in by_step.items()]
        with formatter.section(render("step_aliases_heading")):
            formatter.write_dl(rows)
        super().format_epilog(ctx, formatter)
