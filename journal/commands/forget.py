"""`journal forget`: forget the personal data of a trade, or of every trade the retention
rule (`[privacy] forget_after`) has reached."""

import sys
from typing import Any

import click

from cli import _app, _common, _confirm, _emit, _journal, _now
from journal.text.helptext import Command


@click.command(cls=Command)
@click.argument("trade_id", metavar="[TRADE]", required=False)
@click.option("--due", is_flag=True, help="Forget every trade the retention rule has reached.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
@click.option("--force", is_flag=True, help="Forget an unfinished trade's personal data too.")
@_common
def forget(trade_id: str | None, due: bool, yes: bool, force: bool) -> None:
    """Forget a trade's personal data (names, messages, personal notes); asks first.

    The trade's key is destroyed: those fields read 削除済み from then on, everywhere;
    money, dates and the trade's steps stay, and `journal verify` still passes.

    \b
    Example:
      journal forget T1 --yes
      journal forget --due
    """
    from journal.core.errors import BadInput
    from journal.text.messages import render

    if due == (trade_id is not None):
        raise BadInput("forget_what")
    journal = _journal(must_exist=True)
    if due:
        _forget_due(journal)
        return
    from journal import forgetting

    trade_id = journal.resolve_id(trade_id)  # type: ignore[arg-type]
    if not yes:
        if not sys.stdin.isatty():
            raise BadInput("forget_needs_yes", trade=trade_id)
        if not _confirm(render("forget_confirm", trade=trade_id)):
            _emit({"forgotten": []}, render("undo_kept"))
            return
    done = forgetting.forget(journal, trade_id, _now(), force=force)
    _emit({"forgotten": [done.as_dict()]}, _said(done))


def _forget_due(journal: Any) -> None:
    from journal import forgetting
    from journal.text.messages import render

    after, kobutsu = _app().privacy  # the daemon's pass applies the same (App.daemon_setup)
    done = forgetting.forget_due(journal, _now(), after, kobutsu)
    lines = [_said(item) for item in done] or [render("forget_none_due")]
    _emit({"forgotten": [item.as_dict() for item in done]}, "\n".join(lines))


def _said(done: Any) -> str:
    from journal.text.messages import render

    key = "forget_already" if done.already else "forget_done"
    line = render(key, trade=done.trade)
    if done.plain:
        line += "\n" + render("forget_plain_kept", trade=done.trade, count=done.plain)
    return line
