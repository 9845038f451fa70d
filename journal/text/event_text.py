"""One event's payload as a phrase a person reads (`show` and `log`'s 内容 column):
`ゆうパケット 追跡 1111-2222-3333 送料 ¥230`, not `carrier=… tracking=… shipping=230`.

Each payload key has a way to be shown (yen, a moment in the reader's zone, a platform's or a
step's name, a list of trades, a flag's word); a key this module does not know is shown as
`key=value`, so nothing recorded is hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from journal.text.display import when
from journal.text.i18n import Locale
from journal.text.labels import label

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# The word before a value, (English, Japanese); "" shows the value alone.
_WORDS: dict[str, tuple[str, str]] = {
    "platform": ("", ""),
    "title": ("", ""),
    "price": ("price", "価格"),
    "buyer": ("buyer", "購入者"),
    "cost": ("cost", "原価"),
    "extra": ("expenses", "経費"),
    "shipping": ("shipping", "送料"),
    "ship_days": ("ships in", "発送まで"),
    "carrier": ("", ""),
    "tracking": ("tracking", "追跡"),
    "until": ("until", "期限"),
    "reason": ("reason", "理由"),
    "note": ("", ""),
    "item": ("item", "商品"),
    "by": ("by", "相手の取引"),
    "from": ("bundles", "まとめた取引"),
    "into": ("bundled into", "まとめ先"),
    "seq": ("voids", "取り消した記録"),
    "step": ("step", "ステップ"),
    "amount": ("amount", "金額"),
    "fee": ("fee", "手数料"),
    "bank": ("to", "振込先"),
    "kind": ("", ""),
}

_KINDS = {"normal": "通常の出品", "dedicated": "専用出品", "confirmation": "確認用出品"}
_BANKS = {"rakuten": "楽天銀行", "paypay": "PayPay", "other": "その他"}
# Flags shown by a word when true (English, Japanese).
_FLAGS = {
    "request_required": ("requests first", "購入申請あり"),
    "partial": ("part of the balance", "一部の振込"),
    "premium": ("premium member", "プレミアム会員"),
    "personal": ("(personal)", "（個人情報）"),  # `note --personal`: sealed, forgotten in time
}


def _yen(value: Any, _loc: Locale) -> str:
    return f"¥{value:,}" if isinstance(value, int) else str(value)


def _moment(value: Any, loc: Locale) -> str:
    try:
        return when(datetime.fromisoformat(str(value).replace("Z", "+00:00")), loc)
    except ValueError:
        return str(value)


def _ids(value: Any, loc: Locale) -> str:
    items = value if isinstance(value, list) else [value]
    return ("・" if loc.language == "ja" else ", ").join(str(i) for i in items)


def _days(value: Any, loc: Locale) -> str:
    text = str(value)
    return f"{text.replace('-', '〜')}日" if loc.language == "ja" else f"{text} days"


def _named(group: str) -> Callable[[Any, Locale], str]:
    return lambda value, loc: label(group, str(value), loc.language)


def _table(names: dict[str, str]) -> Callable[[Any, Locale], str]:
    return lambda value, loc: names.get(value, str(value)) if loc.language == "ja" else str(value)


def _quoted(value: Any, loc: Locale) -> str:
    return f"「{value}」" if loc.language == "ja" else f"“{value}”"


def _seq(value: Any, _loc: Locale) -> str:
    return f"#{value}"


_SHOW: dict[str, Callable[[Any, Locale], str]] = {
    "platform": _named("platform"),
    "title": _quoted,
    "price": _yen,
    "cost": _yen,
    "extra": _yen,
    "shipping": _yen,
    "amount": _yen,
    "fee": _yen,
    "ship_days": _days,
    "until": _moment,
    "from": _ids,
    "seq": _seq,
    "step": _named("step"),
    "voided_type": _named("step"),
    "kind": _table(_KINDS),
    "bank": _table(_BANKS),
}
# The order the parts are read in; the rest follow in the payload's order.
_ORDER = (
    "platform",
    "kind",
    "title",
    "price",
    "buyer",
    "seq",
    "voided_type",
    "carrier",
    "tracking",
)


# The catalogs' labels a key without a word of its own is read by: the 古物台帳's columns
# (a purchase's 16条 fields), then the web forms' fields.
_LABELS = ("kobutsu_col_", "field_")


def _catalog_word(key: str, loc: Locale) -> str | None:
    """The catalogs' label of `key` in the reader's language, or None when none has one."""
    from journal.text.i18n import catalog

    for prefix in _LABELS:
        text = catalog(loc.language).gettext(prefix + key)
        if text != prefix + key:
            return text
    return None


def event_text(payload: dict[str, Any], loc: Locale) -> str:
    """The payload of one event as a short phrase in the reader's language."""
    ja = loc.language == "ja"
    keys = [k for k in _ORDER if k in payload] + [k for k in payload if k not in _ORDER]
    parts = []
    for key in keys:
        value = payload[key]
        if value is None or value == "" or value == []:
            continue
        if key in _FLAGS:
            if value is True:
                parts.append(_FLAGS[key][1 if ja else 0])
            elif value is False and key == "premium":
                parts.append("通常会員" if ja else "not premium")
            continue
        if key == "voided_type" and parts:
            step = _SHOW[key](value, loc)
            parts[-1] += f"（{step}）" if ja else f" ({step})"
            continue
        if key == "reason" and value == "undo" and ja:
            value = "journal undo"
        shown = _SHOW.get(key, lambda v, _l: str(v))(value, loc)
        if key == "buyer":
            parts.append(f"{value} 様" if ja else f"buyer {value}")
            continue
        if key not in _WORDS:
            word = _catalog_word(key, loc)
            if word and isinstance(value, bool):
                no = "いいえ" if ja else "no"
                parts.append(word if value else f"{word}: {no}")
            else:
                parts.append(f"{word} {shown}" if word else f"{key}={value}")
            continue
        word = _WORDS[key][1 if ja else 0]
        parts.append(f"{word} {shown}" if word else shown)
    return " ".join(parts)
