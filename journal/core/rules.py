"""Rule packs: each platform's deadline rules as data, effective-dated, with user overrides.

The packs are TOML files in `journal/rulepacks/`; code here only interprets them.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from journal.core.datatypes import field, fields, record, replace
from journal.core.errors import BadInput
from journal.core.kinds import KIND_SPECS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

PACK_NAMES = ("rakuma", "mercari", "yahoo-auction", "yahoo-flea", "custom")
PLATFORMS = PACK_NAMES[:4]
# Platforms without purchase requests (購入申請): `--request-required` and `request` are refused.
NO_PURCHASE_REQUESTS = ("mercari",)
DEADLINE_KINDS = tuple(KIND_SPECS)  # named once, in journal/core/kinds.py
# `official`: the platform's own page; `assumed`: no page says it, the source is the reason.
CONFIDENCES = ("official", "several-sources", "single-source", "assumed", "custom")
JST = ZoneInfo("Asia/Tokyo")
_OVERRIDABLE = {
    "counted_from",
    "days",
    "hours",
    "minutes",
    "months",
    "at",
    "default_ship_days",
    "effect",
    "effect_ja",
    "note",
    "note_ja",
    "source",
    "confidence",
    "effective_from",
    "enabled",
}


@record(frozen=True)
class Rule:
    """One version of one rule: how to compute a deadline of `kind`, from a given date on."""

    kind: str
    counted_from: tuple[str, ...]
    effective_from: date
    source: str  # page URLs; for `assumed`, the reason no page is cited
    confidence: str
    # What names this version, e.g. `mercari/proceeds/2018-09-27` (pack, kind, effective
    # date as the pack gives them; an override keeps it): the read models keep it for a
    # deadline's effect, `journal.text.rule_text` words it.
    key: str = ""
    # The user's own words for what happens when it passes and a note (`[rules.…] effect`,
    # `effect_ja`, `note`, `note_ja` in the config); the packs' rules have theirs in the
    # catalogs, under `effect:` and `note:` + `key` (journal/text/rule_text.py).
    effect: str = ""
    effect_ja: str = ""
    note: str = ""
    note_ja: str = ""
    off_by: str = ""  # the setting that switched it off, e.g. `[mercari] identity_verified`
    days: int = 0
    hours: int = 0
    minutes: int = 0
    months: int = 0
    at: time | None = None
    on_date: date | None = None  # a fixed date (at `at`, else 00:00 JST) whatever the anchor
    ship_days: bool = False
    default_ship_days: str = "1-2"
    user_until: bool = False
    before: str | None = None
    enabled: bool = True
    rate: float = 0.0  # kind "fee": percent of the price
    tiers: tuple[tuple[int, int, float], ...] = ()  # (sales count, amount, rate) reached
    premium_rate: float | None = None  # a member's rate (ヤフオク premium)
    effective_at: time | None = None  # the time of day it took effect (JST), when known
    yen: int = 0  # kind "transfer_fee": the fee of one withdrawal
    free_from: int | None = None  # … free from this amount withdrawn
    free_banks: tuple[str, ...] = ()  # … free to these (`withdrawal --bank`)

    @property
    def starts(self) -> datetime:
        """The moment this version took effect, Japan time (00:00 unless a time is known)."""
        return datetime.combine(self.effective_from, self.effective_at or time(0), JST)


@record(frozen=True)
class Pack:
    platform: str
    name: str
    rules: dict[str, tuple[Rule, ...]]  # kind -> versions, oldest first
    info: tuple[dict[str, str], ...]


@record(frozen=True)
class RuleBook:
    packs: dict[str, Pack]
    # (platform, kind) -> the versions that apply; filled on first use. A rebuild asks
    # about every deadline of every trade, so the pack lookup is done once, not each time.
    _versions: dict[tuple[str, str], tuple[Rule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # What is derived from the rules alone, kept with them for the same reason, e.g. which
    # deadline kinds apply to a platform, role and listing kind (journal/core/deadlines.py).
    memo: dict[tuple, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def versions(self, platform: str, kind: str) -> tuple[Rule, ...]:
        """Every version of the rule, oldest first (platform pack first, then custom)."""
        key = (platform, kind)
        found = self._versions.get(key)
        if found is None:
            found = ()
            for name in (platform, "custom"):
                pack = self.packs.get(name)
                found = (pack.rules.get(kind) if pack else None) or ()
                if found:
                    break
            self._versions[key] = found
        return found

    def by_key(self, key: str) -> Rule | None:
        """The version a read model names (`Rule.key`), or None if this book lacks it."""
        pack, _, rest = key.partition("/")
        kind = rest.partition("/")[0]
        found = self.packs.get(pack)
        versions = found.rules.get(kind, ()) if found else ()
        return next((rule for rule in versions if rule.key == key), None)

    def rule_for(self, platform: str, kind: str, on: date) -> Rule | None:
        """The version of the rule in force on `on` (platform pack first, then custom)."""
        versions = self.versions(platform, kind)
        if not versions:
            return None
        chosen = versions[0]
        for version in versions[1:]:
            if version.effective_from <= on:
                chosen = version
        return chosen if chosen.enabled else None


# The packs' folder as text: pathlib is not imported for it (`PACKS_DIR`, its `Path`, is
# made when another module asks for it).
PACKS_FOLDER = os.path.join(
    os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "rulepacks"
)


def __getattr__(name: str) -> object:
    if name == "PACKS_DIR":
        from pathlib import Path

        return Path(PACKS_FOLDER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pack_file(name: str) -> str:
    """The built-in pack `name`'s file."""
    return os.path.join(PACKS_FOLDER, f"{name}.toml")


def pack_sources() -> dict[str, bytes]:
    """The built-in packs as they are on disk (what a cache of their parsed form is keyed by)."""
    sources = {}
    for name in PACK_NAMES:
        with open(pack_file(name), "rb") as file:
            sources[name] = file.read()
    return sources


def parse_packs(sources: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """The packs' TOML parsed (tomllib imported only here: a cached parse needs none)."""
    import tomllib

    return {name: tomllib.loads(text.decode("utf-8")) for name, text in sources.items()}


_parsed: dict[str, dict[str, Any]] | None = None


def use_packs(parsed: dict[str, dict[str, Any]]) -> None:
    """Hand over the packs already parsed (by the edge's cache, `journal.app`), so that no
    command parses their TOML again; `parsed` must be `parse_packs(pack_sources())`."""
    global _parsed
    _parsed = parsed


def _build_rule(data: dict[str, Any]) -> Rule:
    known = {f.name for f in fields(Rule)}
    values = {k: v for k, v in data.items() if k in known}
    values["counted_from"] = tuple(values.get("counted_from", ()))
    values["effective_from"] = _date(values.get("effective_from", "2000-01-01"))
    for key in ("at", "effective_at"):
        if values.get(key) is not None:
            values[key] = _time(values[key])
    if values.get("on_date") is not None:
        values["on_date"] = _date(values["on_date"])
    if "free_banks" in values:
        values["free_banks"] = tuple(values["free_banks"])
    if "tiers" in values:
        values["tiers"] = tuple(
            (t["count"], t["amount"], float(t["rate"])) for t in values["tiers"]
        )
    return Rule(**values)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _builtin() -> dict[str, dict[str, Any]]:
    global _parsed
    if _parsed is None:
        _parsed = parse_packs(pack_sources())
    return _parsed


def book_hash(book: RuleBook) -> int:
    """The `rule_book` part of the read models' stamp (journal/storage/projections.py): a
    32-bit hash of the rules as used; the composition root keeps it in its cache (App)."""
    from journal.core.sha256 import sha256  # no OpenSSL (see there)

    text = repr([(name, pack.rules) for name, pack in book.packs.items()])
    return int.from_bytes(sha256(text.encode()).digest()[:4], "big", signed=True)


def load_rulebook(overrides: dict[str, Any] | None = None) -> RuleBook:
    """The built-in packs with the user's overrides (config `[rules.PLATFORM.KIND]`) merged in."""
    packs: dict[str, Pack] = {}
    for name, data in _builtin().items():
        rules: dict[str, list[Rule]] = {}
        for raw in data.get("rules", []):
            rule = _build_rule(raw)
            rule = replace(rule, key=f"{name}/{rule.kind}/{rule.effective_from.isoformat()}")
            rules.setdefault(rule.kind, []).append(rule)
        packs[name] = Pack(
            platform=name,
            name=data.get("name", name),
            rules={k: tuple(sorted(v, key=lambda r: r.effective_from)) for k, v in rules.items()},
            info=tuple(data.get("info", [])),
        )
    for platform, kinds in (overrides or {}).items():
        packs[platform] = _override_pack(packs, platform, kinds)
    return RuleBook(packs)


def rulebook_from_config(config: Any) -> RuleBook:
    """The rule book for the user's config: `[rules.…]` overrides, plus the settings that
    switch a rule off. On Mercari, a seller who completed the in-app identity check
    (`[mercari] identity_verified`) or registered a bank account for メルペイ
    (`[mercari] bank_registered`) keeps proceeds as balance with no deadline."""
    overrides = {k: dict(v) if isinstance(v, dict) else v for k, v in config.rules.items()}
    mercari = config.raw.get("mercari", {})
    off_by = ""
    for key in ("identity_verified", "bank_registered"):
        value = mercari.get(key, False) if isinstance(mercari, dict) else None
        if not isinstance(value, bool):
            raise BadInput("bad_setting", where=f"mercari.{key}", expected="true or false")
        platform = overrides.setdefault("mercari", {}) if value else None
        if isinstance(platform, dict):
            proceeds = platform.get("proceeds", {})
            if isinstance(proceeds, dict):
                platform["proceeds"] = {**proceeds, "enabled": False}
                off_by = f"[mercari] {key}"
    book = load_rulebook(overrides)
    if not off_by:
        return book
    pack = book.packs["mercari"]  # which setting switched it off: the edge words it
    proceeds = tuple(replace(r, off_by=off_by) for r in pack.rules.get("proceeds", ()))
    return RuleBook(
        {**book.packs, "mercari": replace(pack, rules={**pack.rules, "proceeds": proceeds})}
    )


def _override_pack(packs: dict[str, Pack], platform: str, kinds: Any) -> Pack:
    if platform not in packs or not isinstance(kinds, dict):
        raise BadInput("bad_rule_override", where=f"rules.{platform}")
    pack = packs[platform]
    rules = dict(pack.rules)
    for kind, changes in kinds.items():
        where = f"rules.{platform}.{kind}"
        if kind not in DEADLINE_KINDS or not isinstance(changes, dict):
            raise BadInput("bad_rule_override", where=where)
        unknown = set(changes) - _OVERRIDABLE
        if unknown:
            raise BadInput("bad_rule_override", where=f"{where}.{sorted(unknown)[0]}")
        try:
            merged = {"source": "your config", "confidence": "custom", **changes}
            if "at" in merged:
                merged["at"] = _time(merged["at"])
            if "effective_from" in merged:
                merged["effective_from"] = _date(merged["effective_from"])
            if "counted_from" in merged:
                merged["counted_from"] = tuple(merged["counted_from"])
            for key in ("days", "hours", "minutes", "months"):
                if key in merged and (not isinstance(merged[key], int) or merged[key] < 0):
                    raise ValueError(key)
            if kind in rules:
                rules[kind] = tuple(replace(v, **merged) for v in rules[kind])
            else:
                base = {"kind": kind, "source": "", "confidence": "custom"}
                rule = replace(_build_rule(base), **merged)
                rule = replace(rule, key=f"{platform}/{kind}/{rule.effective_from.isoformat()}")
                rules[kind] = (rule,)
        except (TypeError, ValueError):
            raise BadInput("bad_rule_override", where=where) from None
    return replace(pack, rules=rules)
