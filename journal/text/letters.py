"""Trade messages in words: one template file per situation and language, with named
fields (`${buyer}様`, `${tracking}`), rendered with the standard library's `string.Template`
(the templates need named fields and nothing else: no loops, no logic a seller must learn).

The built-in templates ship in `journal/text/letters/{ja,en}/SITUATION.txt`; a file of the
same name in the user's folder (`messages/{ja,en}/` beside the config) replaces one. A
template naming a field the journal does not have, or with a stray `$`, is refused with its
file and line. Only `journal message` imports this module.
"""

from datetime import datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from journal.core.datatypes import record
from journal.core.errors import BadInput
from journal.core.situations import DAYS, FIELDS, MOMENTS, YEN
from journal.text.labels import label
from journal.text.table import clean

BUILT_IN = Path(__file__).resolve().parent / "letters"
JST = ZoneInfo("Asia/Tokyo")  # the buyer reads Japan time, whatever the seller's zone
BLANK = {"ja": "〇〇", "en": "____"}
_WEEKDAYS = {"ja": "月火水木金土日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


_FIELD_NAMES_JA = {
    "buyer": "購入者名",
    "title": "商品名",
    "price": "価格",
    "platform": "アプリ",
    "offer_price": "希望価格",
    "carrier": "配送方法",
    "tracking": "追跡番号",
    "shipped_on": "発送日",
    "arrival": "お届け予定",
    "ship_by": "発送期限",
    "payment_due": "支払い期限",
    "hold_until": "取り置き期限",
    "dedicated_until": "専用出品の期限",
    "receipt_due": "自動完了の日時",
    "message_until": "メッセージの期限",
    "defect": "不良の内容",
    "return_reason": "返品の理由",
    "return_method": "返送方法",
    "return_fee": "返送の送料",
    "return_address": "返送先",
}


def field_names(keys: tuple[str, ...], lang: str) -> str:
    """The blanks named for the reader: `追跡番号, 配送方法` / `tracking, carrier`."""
    return ", ".join(_FIELD_NAMES_JA.get(k, k) if lang == "ja" else k for k in keys)


@record(frozen=True)
class Letter:
    """A rendered message: its text, the fields left blank, the template it came from."""

    text: str
    blanks: tuple[str, ...]
    source: Path


def template_path(situation: str, lang: str, user_dir: Path | None) -> Path:
    """The user's template if there is one, else the built-in one."""
    if user_dir is not None:
        mine = user_dir / lang / f"{situation}.txt"
        if mine.is_file():
            return mine
    return BUILT_IN / lang / f"{situation}.txt"


def load(path: Path) -> Template:
    """Read and check a template: refused with its file and line when broken."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput("message_template_unreadable", path=str(path), detail=str(exc)) from None
    template = Template(text)
    for match in template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start("invalid")) + 1
            snippet = text[match.start("invalid") : match.start("invalid") + 12].split("\n")[0]
            raise BadInput("message_template_syntax", path=str(path), line=line, text=snippet)
        if name is not None and name not in FIELDS:
            line = text.count("\n", 0, match.start()) + 1
            raise BadInput(
                "message_template_field",
                path=str(path),
                line=line,
                field=name,
                known=", ".join(FIELDS),
            )
    return template


def render(situation: str, lang: str, values: dict[str, Any], user_dir: Path | None) -> Letter:
    """The message of `situation` in `lang`, filled with `values` (journal.core.situations'
    `facts`); a field without a value shows as a visible blank (`〇〇`)."""
    path = template_path(situation, lang, user_dir)
    template = load(path)
    shown = {key: show(key, values.get(key), lang) for key in FIELDS}
    named = {
        m.group("named") or m.group("braced") for m in template.pattern.finditer(template.template)
    }
    blanks = tuple(k for k in FIELDS if k in named and values.get(k) in (None, ""))
    return Letter(template.substitute(shown).strip("\n") + "\n", blanks, path)


def show(key: str, value: Any, lang: str) -> str:
    """A field as the message says it: dates in Japan time, yen, an app's name."""
    if value is None or value == "":
        return BLANK[lang]
    if key in MOMENTS:
        return moment(value, lang)
    if key in DAYS:
        return day(value, lang)
    if key == "arrival":
        first, last = value
        return (
            f"{day(first, lang)}〜{day(last, lang)}"
            if lang == "ja"
            else (f"{day(first, lang)} – {day(last, lang)}")
        )
    if key in YEN:
        return f"{value:,}円" if lang == "ja" else f"¥{value:,}"
    if key == "platform":
        return label("platform", value, lang)
    return clean(str(value))


def day(value: datetime, lang: str) -> str:
    """`12月5日(土)` / `Sat, Dec 5`, in Japan time."""
    local = value.astimezone(JST)
    weekday = _WEEKDAYS[lang][local.weekday()]
    if lang == "ja":
        return f"{local.month}月{local.day}日({weekday})"
    return f"{weekday}, {_MONTHS[local.month - 1]} {local.day}"


def moment(value: datetime, lang: str) -> str:
    """`12月5日(土) 21時` (`21時30分`) / `Sat, Dec 5, 21:00 JST`, in Japan time; a deadline at
    midnight is the end of the day before, as a person says it (`24時`)."""
    local = value.astimezone(JST)
    if (local.hour, local.minute) == (0, 0):
        before = local - timedelta(days=1)
        return f"{day(before, lang)} 24時" if lang == "ja" else f"{day(before, lang)}, 24:00 JST"
    if lang == "ja":
        minutes = f"{local.minute}分" if local.minute else ""
        return f"{day(local, lang)} {local.hour}時{minutes}"
    return f"{day(local, lang)}, {local:%H:%M} JST"


def user_copy(situation: str, lang: str, user_dir: Path) -> Path:
    """The user's own template of `situation` (`journal message --edit`): made from the
    built-in one the first time, kept as it is after."""
    mine = user_dir / lang / f"{situation}.txt"
    try:
        if not mine.exists():
            mine.parent.mkdir(parents=True, exist_ok=True)
            mine.write_text((BUILT_IN / lang / f"{situation}.txt").read_text("utf-8"), "utf-8")
    except OSError as exc:
        raise BadInput("message_template_unreadable", path=str(mine), detail=str(exc)) from None
    return mine


def situation_of(name: str) -> str:
    """The situation id a typed name means, or a refusal that lists the names."""
    from journal.core.situations import SITUATIONS, find

    found = find(name)
    if found is None:
        names = ", ".join(f"{s.ja} ({s.id})" for s in SITUATIONS)
        raise BadInput("message_unknown_situation", name=name, names=names)
    return found


def all_names(lang: str) -> str:
    from journal.core.situations import SITUATIONS

    return ", ".join(name_of(s.id, lang) for s in SITUATIONS)


def name_of(situation: str, lang: str) -> str:
    from journal.core.situations import shown_name

    return shown_name(situation, lang)
