"""What a person reads for each stable id: states, deadline statuses, steps, platforms.

JSON keeps the English ids. Japanese screens show these names (出品中, 発送待ち, ラクマ, …);
English screens show the ids themselves, which are English words already and are what a
reader of the JSON and the README sees. Deadline kinds are named in `journal.text.messages`.
"""

from functools import lru_cache

from journal.text.idnames import (  # noqa: F401 - named here for the screens
    ANCHORS,
    CONFIDENCE,
    FIELDS,
    HOW,
    PLATFORMS,
    ROLES,
    STATES,
    STATUSES,
    STEPS,
)
from journal.text.messages import render_in

_GROUPS = {
    "state": STATES,
    "status": STATUSES,
    "step": STEPS,
    "platform": PLATFORMS,
    "how": HOW,
    "anchor": ANCHORS,
    "confidence": CONFIDENCE,
    "role": ROLES,
    "field": FIELDS,
}


def label(group: str, ident: str | None, lang: str) -> str:
    """The name of `ident` in `group` for a person; an unknown id is shown as it is."""
    if ident is None:
        return "-"
    if lang != "ja":
        return ident
    if group == "kind":
        return _kind_name(ident, lang)
    return _GROUPS[group].get(ident, ident)


@lru_cache(maxsize=256)  # named on every row of `journal reminders` and `upcoming`
def _kind_name(ident: str, lang: str) -> str:
    text = render_in(lang, f"kind_{ident}")
    return ident if text == f"kind_{ident}" else text


def step_name(step: str, platform: str, lang: str) -> str:
    """A step's name on a platform: ヤフオク's sale is its winning bid (落札)."""
    if step == "sold" and platform == "yahoo-auction":
        return render_in(lang, "step_won")
    return label("step", step, lang)
