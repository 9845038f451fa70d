"""`journal rules` as text: per app, a table of every version of every rule, then its notes
and the app's other facts, in the reader's language (the JSON's `value` is English)."""

from journal.core.rules import Rule, RuleBook
from journal.text import table
from journal.text.labels import label
from journal.text.rule_text import describe, effect_of, info_of, note_of, source_of
from journal.text.screens import Screen
from journal.text.views import UNKNOWN_START


def _pack_heading(name: str, platform: str, lang: str) -> str:
    """`ラクマ (Rakuma)` in Japanese (`journal rules ラクマ` names it), `… [rakuma]` in English;
    the user's own promises by their Japanese name."""
    if lang != "ja":
        return f"{name} [{platform}]"
    return "自分の約束（取り置き・専用出品など）" if platform == "custom" else name


def rules_screen(book: RuleBook, names: list[str], screen: Screen) -> str:
    """`journal rules`: per app, a table of every version of every rule (what it is, what it
    counts from, what happens when it passes, since when, how sure, the source), then the
    notes and the app's other facts."""
    lang, lines = screen.lang, []
    for name in names:
        pack = book.packs[name]
        lines.append(_pack_heading(pack.name, pack.platform, lang))
        rows, notes = [], []
        for kind, versions in pack.rules.items():
            for rule in versions:
                row, note = _rule_row(kind, rule, screen, book)
                rows.append(row)
                if note:
                    notes.append(f"  {screen.say('rules_note', note=f'{row[0]}: {note}')}")
        names_ = ("kind", "value", "anchor", "effect", "since", "confidence", "source")
        whole = table.render(screen.head(*names_), rows)
        if screen.width is not None and max(map(table.width, whole.splitlines())) > screen.width:
            # seven columns do not fit: one block per rule, its long cells wrapped, not cut
            lines.extend(line for row in rows for line in _rule_block(names_, row, screen))
        else:
            lines.append(screen.table(names_, rows, "effect"))
        extra = list(notes)
        for number, info in enumerate(pack.info, 1):
            words = info_of(pack.platform, number, info, lang)
            extra.append(f"  ({words['topic']}) {words['text']} · {words['source']}")
        lines.extend(_wrapped(extra, screen))
        lines.append("")
    return "\n".join(lines).rstrip()


def _rule_block(names: tuple[str, ...], row: list[str], screen: Screen) -> list[str]:
    """A rule on a narrow terminal: its kind and value, then each other cell on a line of
    its own, named and wrapped to the width."""
    head = screen.head(*names)
    lines = [f"{row[0]}: {row[1]}"]
    lines += [f"  {name}: {cell}" for name, cell in zip(head[2:], row[2:], strict=True) if cell]
    return _wrapped(lines, screen)


def _wrapped(lines: list[str], screen: Screen) -> list[str]:
    """Lines wrapped to the terminal's width, a continuation indented under its start."""
    if screen.width is None:
        return lines
    wrap_text = table.wrap_text
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        parts = wrap_text(line, screen.width)
        if len(parts) > 1:
            rest = wrap_text(" ".join(parts[1:]).strip(), screen.width - len(indent))
            parts = [parts[0], *(indent + p for p in rest)]
        out.extend(parts)
    return out


def _rule_row(kind: str, rule: Rule, screen: Screen, book: RuleBook) -> tuple[list[str], str]:
    lang = screen.lang
    name = label("kind", kind, lang) + ("" if rule.enabled else f" ({screen.say('rules_off')})")
    note = note_of(rule, lang)
    since = ""
    if rule.effective_from.isoformat() != UNKNOWN_START:  # a date is known only when given
        start = rule.effective_from.isoformat()
        start += f" {rule.effective_at:%H:%M}" if rule.effective_at is not None else ""
        since = screen.say("rules_since", date=start)
    row = [
        name,
        describe(rule, lang, short=True),
        "/".join(label("anchor", a, lang) for a in rule.counted_from) or "-",
        effect_of(rule.key, lang, book),
        since,
        label("confidence", rule.confidence, lang),
        source_of(rule, lang),
    ]
    return row, note
