"""Tab completion of trade ids, from the (id, title, state) rows the door hands over
(`journal.locations.trades_to_complete`): the candidates a shell may show, only those a
step can be recorded on, and their titles (bash shows them too, beside the ids, when there
is more than one to choose from)."""

from __future__ import annotations

from journal.text.table import clean

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def trade_ids(
    rows: list[tuple[str, str, str]], incomplete: str, step: str | None = None
) -> list[str]:
    """The ids that start with `incomplete`; for `journal add STEP`, without the finished
    trades, which take only the steps recorded at any time (a note, a message, a cost)."""
    folded = incomplete.casefold()
    finished = _finished_for(step)
    # a shell reads candidates line by line: an id with a control character in it (written
    # behind the program's back) would become several candidates
    return [
        i
        for i, _, state in rows
        if i.isprintable() and i.casefold().startswith(folded) and state not in finished
    ]


def _finished_for(step: str | None) -> frozenset[str]:
    """The states a trade offered for `step` may not be in."""
    if step is None:
        return frozenset()
    from journal.core.step_fields import ALIASES
    from journal.core.steps import FINISHED_STATES, STEPS
    from journal.text.idnames import STEPS as NAMES

    by_name = {name: ident for ident, name in NAMES.items()}  # 発送 → shipped
    known = STEPS.get(ALIASES.get(step) or by_name.get(step) or step)
    return frozenset() if known is None or known.anytime else FINISHED_STATES


def titles(rows: list[tuple[str, str, str]], ids: list[str]) -> dict[str, str]:
    """The titles shown beside the ids."""
    wanted = set(ids)
    return {ident: clean(title) for ident, title, _ in rows if ident in wanted}


def use_titled_bash() -> None:
    """bash completes trade ids with their titles when there are several (zsh and fish show
    titles themselves): `T1  ニット` on a line of its own, the id alone when it is the one."""
    from click.shell_completion import BashComplete, add_completion_class

    class TitledBash(BashComplete):
        def complete(self) -> str:
            args, incomplete = self.get_completion_args()
            items = self.get_completions(args, incomplete)
            several = len(items) > 1
            return "\n".join(_bash_line(item, several) for item in items)

    add_completion_class(TitledBash, "bash")


def _bash_line(item: Any, several: bool) -> str:
    """`plain,T1  ニット` (click's bash script reads one candidate a line)."""
    is_trade = item.type == "plain" and any(c.isdigit() for c in item.value)
    if several and is_trade and item.help and not item.value.startswith("-"):
        return f"plain,{item.value}  {item.help}"
    return f"{item.type},{item.value}"
