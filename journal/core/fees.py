"""Which fee applies: the fee rule's era for a sale, whether a ヤフオク sale was a premium
sale, and a withdrawal's transfer fee. Pure; `journal.core.money` does the arithmetic."""

from journal.core.rules import Rule, RuleBook
from journal.core.steps import Kind
from journal.core.trade import Trade


def fee_rule(trade: Trade, book: RuleBook) -> Rule | None:
    """The fee version in force for this sale. Each version is judged by the moment it counts
    from (Rakuma's 6.6 % from 2021-01-13 by the payment; the tiers by the purchase), that
    moment being the purchase while it is not recorded yet; the latest version whose start
    that moment has reached wins, the first one covering everything before."""
    moment = trade.anchors.get("purchase") or trade.anchors.get("approval")
    if moment is None:
        return None
    chosen = None
    for version in book.versions(trade.platform, "fee"):
        at = next((trade.anchors[a] for a in version.counted_from if a in trade.anchors), moment)
        if chosen is None or version.starts <= at:
            chosen = version
    return chosen if chosen is not None and chosen.enabled else None


def is_premium(trade: Trade, default: bool) -> bool:
    """A ヤフオク premium sale: the membership when listed (`listed --premium` or
    `--no-premium`), else the config's `[money] yahoo_premium` (`default`)."""
    return default if trade.premium is None else trade.premium


def is_withdrawal(trade: Trade) -> bool:
    return trade.kind == Kind.WITHDRAWAL


def transfer_fee(trade: Trade, book: RuleBook) -> int | None:
    """A withdrawal's fee: as typed (`--fee`), else the platform's rule in force then (a fee
    per withdrawal, free from an amount or to some banks where the rule says so)."""
    moment = trade.anchors.get("withdrawal")
    if trade.transfer_fee is not None or moment is None:
        return trade.transfer_fee
    rule = None
    for version in book.versions(trade.platform, "transfer_fee"):
        if rule is None or version.starts <= moment:
            rule = version
    if rule is None or not rule.enabled:
        return None
    bank_free = not rule.free_banks or trade.bank in rule.free_banks
    amount_free = rule.free_from is None or trade.price >= rule.free_from
    has_free = rule.free_from is not None or bool(rule.free_banks)
    return 0 if has_free and bank_free and amount_free else rule.yen
