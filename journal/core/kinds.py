"""The deadline kinds, named once: who has each, which steps meet it, whether the app acts
on it itself. The rule packs give each kind its times per platform (`journal.core.rules`),
`journal.core.deadlines` computes them."""

from journal.core.datatypes import record
from journal.core.steps import Kind

BOTH = ("seller", "buyer")


@record(frozen=True)
class KindSpec:
    """What a deadline kind means, the same on every platform: who has it, what meets it."""

    roles: tuple[str, ...]
    met_by: tuple[str, ...]
    trade_kind: str | None = None  # only for listings of this kind
    by_app: bool = False  # the app itself acts when it passes (e.g. completes the trade)
    closes: bool = False  # a window that simply closes: met in time or not, never overdue


KIND_SPECS: dict[str, KindSpec] = {
    "respond_request": KindSpec(("seller",), ("approval", "decline")),
    "payment": KindSpec(BOTH, ("payment",)),
    "payment_number": KindSpec(("seller",), ("payment",)),
    "remove_winner": KindSpec(("seller",), ("payment", "cancellation")),
    "ship": KindSpec(BOTH, ("shipping",)),
    "buyer_may_cancel": KindSpec(BOTH, ("shipping",)),
    # Yahoo!フリマ: not shipped within 14 days of payment, the app cancels and refunds the buyer
    "unshipped_cancel": KindSpec(BOTH, ("shipping",), by_app=True),
    "auto_complete": KindSpec(BOTH, ("receipt", "completion"), by_app=True),
    "receipt_followup": KindSpec(("seller",), ("receipt", "completion")),
    "rate": KindSpec(("seller",), ("our_rating", "completion")),
    "message_window": KindSpec(BOTH, ()),
    # met by a withdrawal of the balance (journal/core/withdrawals.py)
    "proceeds": KindSpec(("seller",), ("withdrawal",), closes=True),
    "hold_expiry": KindSpec(("seller",), ("hold_end",)),
    "dedicated_expiry": KindSpec(("seller",), ("request", "purchase"), Kind.DEDICATED),
    "confirmation_cleanup": KindSpec(("seller",), ("delisting",), Kind.CONFIRMATION),
    "inspect": KindSpec(("buyer",), ("receipt", "completion")),
    # another listing of the same item was taken: take this one down (journal/core/items.py);
    # once this one sells too there is nothing to take down: that is a double sale, said
    # as such when it is recorded (`double_sale`), never "delist" a sold listing
    "delist": KindSpec(("seller",), ("delisting", "cancellation", "purchase", "approval")),
}
# The kinds that wait for a step: once the trade is finished (cancelled, completed, taken
# down, bundled) one still unmet is closed, since that step will never come; the windows
# that simply close (messages, proceeds) stay as they are, even where a step meets them
# (a withdrawal meets proceeds): `closes`.
AWAITED_KINDS = frozenset(k for k, spec in KIND_SPECS.items() if spec.met_by and not spec.closes)
# A deadline is overdue when it has passed and the trade still waits for the step it asks
# for: a kind met by a step, not one the app acts on itself (auto-complete) and not a
# window that simply closes (messages, proceeds).
OVERDUE_KINDS = frozenset(k for k in AWAITED_KINDS if not KIND_SPECS[k].by_app)
