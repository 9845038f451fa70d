"""What the templates may call: the catalogs' words, the names of states, steps and
platforms, and times in the reader's zone — the same renderers the command line uses."""

from datetime import datetime
from typing import Any

from journal.text.i18n import Locale, translate


def install(env: Any, loc: Locale) -> None:
    from journal.core.personal import is_forgotten
    from journal.text import display
    from journal.text.labels import label, step_name
    from journal.text.messages import render_for

    lang = loc.language
    env.globals.update(
        lang=lang,
        t=lambda key, **params: render_for(loc, key, **params),
        help=lambda text: translate(lang, text) if text else "",
        label=lambda group, ident: label(group, ident, lang),
        step_label=lambda step, platform: step_name(step, platform, lang),
        when=lambda moment: display.when(moment, loc) if moment else "-",
        short=lambda moment, now: display.short_when(moment, now, loc) if moment else "-",
        remaining=lambda due, now: display.remaining(due, now, lang),
        local_input=lambda moment: _local_input(moment, loc),
        yen=lambda amount: "-" if amount is None else f"¥{amount:,}",
        shown=lambda value: render_for(loc, "forgotten") if is_forgotten(value) else value,
    )


def _local_input(moment: datetime | None, loc: Locale) -> str:
    """An instant as a browser's datetime-local value in the reader's zone."""
    if moment is None:
        return ""
    return moment.astimezone(loc.zone).strftime("%Y-%m-%dT%H:%M")
