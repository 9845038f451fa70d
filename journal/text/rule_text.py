"""A rule's words in the reader's language: what happens when a deadline passes
(`effect_of`) and what its value means (`describe`).

The packs hold data only; the read models keep a deadline's rule key (`Rule.key`, e.g.
`mercari/proceeds/2018-09-27`), and the words come from the catalogs (`effect:KEY`), or from
the user's config where an override words it (`[rules.APP.KIND] effect`, `effect_ja`). This
is the one place a key becomes words: `show`, `upcoming`, `--json`, the calendar, the web app
and `journal rules` all ask here.
"""

from datetime import time

from journal.core.rules import Rule, RuleBook
from journal.text.i18n import catalog
from journal.text.labels import label
from journal.text.messages import render_in


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


def note_of(rule: Rule, lang: str) -> str:
    """A rule's note in `lang`: why it was switched off by a setting, else the user's own
    words (`[rules.…] note`, `note_ja`), else the catalog's (`note:KEY`), else ""."""
    if rule.off_by:
        return render_in(lang, "rules_off_by", setting=rule.off_by)
    own = (rule.note_ja or rule.note) if lang == "ja" else rule.note
    return own or _catalog_words(lang, f"note:{rule.key}")


def source_of(rule: Rule, lang: str) -> str:
    """Where a rule comes from: its pages (the same in every language), or for a rule no page
    supports the reason, translated in the catalogs (`source:KEY`) unless the user gave it."""
    if lang == "ja" and rule.source and rule.source == _catalog_words("en", f"source:{rule.key}"):
        return _catalog_words("ja", f"source:{rule.key}") or rule.source
    return rule.source


def info_of(platform: str, number: int, info: dict[str, str], lang: str) -> dict[str, str]:
    """A pack's other fact (`[[info]]`, numbered from 1) in `lang`: {"topic","text","source"}
    (the topic and text in the catalogs, `info:PACK/N/topic|text`; the source a page, or a
    reason translated as `info:PACK/N/source`)."""
    words = {part: _catalog_words(lang, f"info:{platform}/{number}/{part}") for part in _INFO}
    return {**words, "source": words["source"] or info.get("source", "")}


_INFO = ("topic", "text", "source")


def _catalog_words(lang: str, msgid: str) -> str:
    """The catalog's entry, or "" when it has none (gettext answers the id itself)."""
    words = catalog(lang).gettext(msgid)
    return "" if words == msgid else words


def _own_words(rule: Rule, lang: str) -> str:
    """The words an override gave: in Japanese its `effect_ja`, else its `effect` (the
    user's own words, whatever their language, rather than the pack's they replace)."""
    if lang == "ja":
        return rule.effect_ja or rule.effect
    return rule.effect


def describe(rule: Rule, lang: str, short: bool = False) -> str:
    """What a rule's value means, e.g. "2 days later (calendar days), at 23:59 JST" /
    「2日後の 23:59（暦日、日本時間）」, from the catalogs' `rule_…` templates. `short`: a fee's
    tiers as the lowest rate reached (the `rules` table; its JSON `value` has them all)."""
    if rule.kind == "transfer_fee":
        return render_in(lang, "rule_withdrawal", yen=rule.yen) + _free(rule, lang)
    if rule.kind == "fee":
        if short and rule.tiers:
            low = min(r for _, _, r in rule.tiers)
            return render_in(lang, "rule_fee_down_to", rate=rule.rate, low=low)
        text = render_in(lang, "rule_fee", rate=rule.rate)
        if rule.tiers:
            steps = [
                render_in(lang, "rule_fee_tier", rate=r, count=c, amount=a)
                for c, a, r in rule.tiers
            ]
            text += render_in(lang, "rule_fee_tiers", steps=_joined(steps, lang, "、", ", "))
        if rule.premium_rate is not None:
            text += render_in(lang, "rule_fee_premium", rate=rule.premium_rate)
        return text
    if rule.ship_days:
        return render_in(lang, "rule_ship_days", default=rule.default_ship_days)
    at = f"{rule.at or time(0, 0):%H:%M}"
    if rule.on_date is not None:
        return render_in(lang, "rule_on_date", date=rule.on_date.isoformat(), at=at)
    span = _span(rule, lang)
    if rule.at is not None:
        text = render_in(lang, "rule_later_at", span=span, at=at)
    else:
        text = render_in(lang, "rule_later", span=span) if span else "—"
    if rule.user_until:
        text = (
            render_in(lang, "rule_given_else", text=text) if span else render_in(lang, "rule_given")
        )
    if rule.before:
        text = render_in(lang, "rule_capped", text=text, before=label("kind", rule.before, lang))
    return text


def _span(rule: Rule, lang: str) -> str:
    """The offset: "1 month 2 days 3 h" / 「1か月2日3時間」."""
    units = (
        (rule.months, "rule_month", "rule_months"),
        (rule.days, "rule_day", "rule_days"),
        (rule.hours, "rule_hours", "rule_hours"),
        (rule.minutes, "rule_minutes", "rule_minutes"),
    )
    parts = [render_in(lang, one if n == 1 else many, n=n) for n, one, many in units if n]
    return _joined(parts, lang, "", " ")


def _free(rule: Rule, lang: str) -> str:
    """When a withdrawal is free: from an amount, to some banks, or both."""
    named = [(b, render_in(lang, f"bank_{b}")) for b in rule.free_banks]
    names = [b if name == f"bank_{b}" else name for b, name in named]  # a bank of an override
    banks = _joined(names, lang, "・", " or ")
    if rule.free_from is not None and banks:
        return render_in(lang, "rule_free_from_to", amount=rule.free_from, banks=banks)
    if rule.free_from is not None:
        return render_in(lang, "rule_free_from", amount=rule.free_from)
    return render_in(lang, "rule_free_to", banks=banks) if banks else ""


def _joined(parts: list[str], lang: str, ja: str, en: str) -> str:
    return (ja if lang == "ja" else en).join(parts)
