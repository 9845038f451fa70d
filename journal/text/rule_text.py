"""A rule's words in the reader's language: what happens when a deadline passes.

The packs hold data only; the read models keep a deadline's rule key (`Rule.key`, e.g.
`mercari/proceeds/2018-09-27`), and the words come from the catalogs (`effect:KEY`), or from
the user's config where an override words it (`[rules.APP.KIND] effect`, `effect_ja`). This
is the one place a key becomes words: `show`, `upcoming`, `--json`, the calendar, the web app
and `journal rules` all ask here.
"""

from journal.core.rules import Rule, RuleBook
from journal.text.i18n import catalog


def effect_of(key: str, lang: str, book: RuleBook | None) -> str:
    """What happens when the deadline the rule `key` set passes, in `lang` ("ja" or "en").

    The user's own words first (an override in the config, found through `book`), then the
    catalog's; "" when neither says (a kind the user added without words). A key this
    release does not know (read models not yet rebuilt) is shown as it is."""
    rule = book.by_key(key) if book is not None else None
    if rule is not None:
        own = _own_words(rule, lang)
        if own:
            return own
    msgid = f"effect:{key}"
    words = catalog(lang).gettext(msgid)
    if words != msgid:
        return words
    return "" if rule is not None or key.count("/") == 2 else key


def _own_words(rule: Rule, lang: str) -> str:
    """The words an override gave: in Japanese its `effect_ja`, else its `effect` (the
    user's own words, whatever their language, rather than the pack's they replace)."""
    if lang == "ja":
        return rule.effect_ja or rule.effect
    return rule.effect
