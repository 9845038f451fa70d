"""The fields of the steps: how each typed value is checked (`Check`), a step's `Field`, the
kinds of listing and the usual ship-day choices. Pure, the standard library only (the
`--help` path imports it through `journal.core.steps`, which re-exports these names)."""

from journal.core.datatypes import record


class Kind:
    """The kinds of listing (`listed --kind`)."""

    NORMAL = "normal"
    DEDICATED = "dedicated"  # 〇〇様専用: waits for one buyer
    CONFIRMATION = "confirmation"  # a listing that only asks a question (確認用)
    WITHDRAWAL = "withdrawal"  # not a listing: proceeds withdrawn (`journal add withdrawal`)


KINDS = (Kind.NORMAL, Kind.DEDICATED, Kind.CONFIRMATION)
# Where proceeds go (`withdrawal --bank`): 楽天銀行, PayPay (a charge or PayPay銀行), another.
BANKS = ("rakuten", "paypay", "other")
# What the examples of `journal add NAME --help` type for a field they need.
SAMPLES = {"until": "+2d", "reason": "未入金", "note": "傷あり", "price": "2800", "cost": "800"}
SHIP_DAYS = ("1-2", "2-3", "4-7", "3-7", "8-14")  # the apps' choices; any N-M (validate.py)


class Check:
    """How a field's typed value is checked (`journal.core.validate.field` does it)."""

    PLATFORM = "platform"
    TITLE = "title"
    YEN = "yen"  # a price: at least 1 yen
    YEN_OR_ZERO = "yen_or_zero"  # a cost: may be free
    SHIP_DAYS = "ship_days"
    KIND = "kind"
    FLAG = "flag"
    BANK = "bank"
    SWITCH = "switch"  # `--NAME/--no-NAME`: True, False, or not given
    WHEN = "when"  # a moment, already read by the command line
    NAME = "name"  # a buyer
    ITEM = "item"
    LINE = "line"  # one line of text (a carrier, a tracking number)
    TEXT = "text"  # free text (a note, a reason)
    ID = "id"  # the id of a trade (`--id`): not part of the payload
    THEN = "then"  # a flag that records a further step in the same command (`sold --paid`)


@record(frozen=True)
class Field:
    """One field of a step's payload, typed as the option `--NAME` (`_` as `-`)."""

    name: str
    check: str  # a `Check`
    required: bool = False  # absent: the check refuses the empty value (a WHEN: missing)
    metavar: str | None = None
    help: str | None = None
    personal: bool = False  # about a person: sealed with the trade's key, forgotten with it

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


# `note --personal`: the note is about a person, sealed and forgotten with the trade
# (journal/core/personal.py).
PERSONAL = Field(
    "personal",
    Check.FLAG,
    help="About a person (an address, a phone number): sealed, and"
    " forgotten with the trade's personal data.",
)


@record(frozen=True)
class Move:
    """What a step does on one side: the states it may follow, the state it leads to (None:
    the state stays), and the moment ("anchor") it marks. Deadline rules count from anchors
    (`counted_from`), so one rule serves both the seller's and the buyer's view of a trade."""

    after: frozenset[str]
    to: str | None = None
    anchor: str | None = None
    ordered: bool = False  # keeps the state, yet may not be dated before the last step

    def __post_init__(self) -> None:
        object.__setattr__(self, "after", frozenset(self.after))


# Japanese words a seller uses for a step, besides the step's own Japanese name
# (journal/text/labels.py): `journal add 入金 T1` is `journal add paid T1`.
ALIASES = {
    "入金": "paid",
    "支払い済み": "paid",
    "落札": "sold",
    "売れた": "sold",
    "発送済み": "shipped",
    "発送通知": "shipped",
    "受取評価": "received",
    "出品取り消し": "delisted",
    "取り置き終了": "hold-ended",
    "検品": "defect",
    "仕入れ": "bought",
    "原価": "cost",
    "振込申請": "withdrawal",
    "値下げ": "offer",
}


# 古物台帳 (古物営業法16条): what a purchase from a person records when `[books] kobutsu = true`
# (then each is required: journal/core/kobutsu.py); 品目 is the title, 取引年月日 the time.
KOBUTSU_FIELDS = (
    Field("quantity", Check.LINE, metavar="N", help="古物台帳: 数量 (how many)."),
    Field("features", Check.LINE, metavar="TEXT", help="古物台帳: 特徴 (marks, size, serial)."),
    Field("seller_name", Check.LINE, metavar="NAME", help="古物台帳: 相手方の氏名.", personal=True),
    Field(
        "seller_address", Check.LINE, metavar="TEXT", help="古物台帳: 相手方の住所.", personal=True
    ),
    Field("seller_job", Check.LINE, metavar="TEXT", help="古物台帳: 相手方の職業.", personal=True),
    Field("seller_age", Check.LINE, metavar="N", help="古物台帳: 相手方の年齢.", personal=True),
    Field(
        "id_check",
        Check.LINE,
        metavar="TEXT",
        help="古物台帳: 確認方法 (how identity was checked).",
        personal=True,
    ),
)
