"""The text screens (`list`, `upcoming`, `show`, `log`, `reminders`): tables with a header
row, aligned by display width, names in the reader's language, cut to a terminal's width and
coloured only when the edge says the output is a terminal that wants colour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property

from journal.core.datatypes import record
from journal.core.events import VOID_TYPE, Event
from journal.core.personal import is_forgotten
from journal.core.rules import RuleBook
from journal.text import table
from journal.text.display import compact_when, remaining, when
from journal.text.event_text import event_text
from journal.text.i18n import Locale
from journal.text.labels import label
from journal.text.messages import render_for
from journal.text.rule_text import effect_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from journal.results import Agenda, Listed

SOON = timedelta(hours=24)
NARROW = 120  # columns: a terminal narrower than this gets short dates and wrapped cells

COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("ID", "ID"),
    "platform": ("PLATFORM", "アプリ"),
    "state": ("STATE", "状態"),
    "next": ("NEXT DEADLINE", "次の期限"),
    "title": ("TITLE", "タイトル"),
    "due": ("DUE", "期限"),
    "left": ("LEFT", "残り"),
    "kind": ("DEADLINE", "期限の種類"),
    "status": ("STATUS", "状況"),
    "effect": ("WHEN IT PASSES", "過ぎると"),
    "seq": ("#", "#"),
    "at": ("AT", "日時"),
    "step": ("STEP", "ステップ"),
    "details": ("DETAILS", "内容"),
    "before": ("BEFORE", "期限との差"),
    "how": ("HOW", "方法"),
    "notifier": ("NOTIFIER", "通知先"),
    "item": ("ITEM", "商品"),
    "value": ("VALUE", "値"),
    "anchor": ("COUNTED FROM", "起点"),
    "since": ("SINCE", "適用開始"),
    "confidence": ("CONFIDENCE", "確度"),
    "source": ("SOURCE", "出典"),
}


@record(frozen=True)
class Screen:
    """Where the text goes: the reader's language and timezone, the terminal's width (None
    when piped: nothing is cut), whether colour is wanted (a terminal, and no NO_COLOR)."""

    lang: str = "en"
    width: int | None = None
    colour: bool = False
    zone: tzinfo = UTC

    @cached_property  # a screen of reminders asks it thousands of times
    def locale(self) -> Locale:
        return Locale(self.lang, self.zone)

    def when(self, moment: datetime) -> str:
        return when(moment, self.locale)

    def left(self, due: datetime, now: datetime) -> str:
        return remaining(due, now, self.lang)

    def head(self, *names: str) -> list[str]:
        return [COLUMNS[n][1 if self.lang == "ja" else 0] for n in names]

    @property
    def narrow(self) -> bool:
        """A terminal under 120 columns: short dates, long cells wrapped."""
        return self.width is not None and self.width < NARROW

    @property
    def breaks(self) -> str:
        """Where a cell of a wrapped column may go on to a second line (narrow only)."""
        return "\n" if self.narrow else ""

    def moment(self, moment: datetime, now: datetime) -> str:
        """A time in a table: `2026-12-03(木) 23:00`, or `12/3(木)23:00` on a narrow terminal."""
        return compact_when(moment, now, self.locale) if self.narrow else when(moment, self.locale)

    def table(
        self,
        names: tuple[str, ...],
        rows: list[list[str]],
        shrink: str,
        colours=None,
        wrap: tuple[str, ...] = (),
    ) -> str:
        return table.render(
            self.head(*names),
            rows,
            max_width=self.width,
            shrink=names.index(shrink),
            row_colours=colours if self.colour else None,
            wrap=[names.index(n) for n in wrap],
        )

    def say(self, key: str, **params: Any) -> str:
        return render_for(self.locale, key, **params)

    def shown(self, value: Any) -> Any:
        """A stored value as printed: a forgotten personal field reads 「削除済み」."""
        return self.say("forgotten") if is_forgotten(value) else value


def urgency(due: datetime, now: datetime, overdue: bool) -> str | None:
    """Red for overdue, yellow for due within a day."""
    if overdue or due < now:
        return "red"
    return "yellow" if due - now <= SOON else None


def late_mark(screen: Screen, overdue: bool) -> str:
    """The mark of an overdue deadline: 期限超過, or OVERDUE (capitals: it must be seen)."""
    if not overdue:
        return ""
    return " " + (label("status", "overdue", "ja") if screen.lang == "ja" else "OVERDUE")


def list_screen(rows: list[Listed], now: datetime, screen: Screen) -> str:
    if not rows:
        return screen.say("no_trades")
    out, colours = [], []
    for r in rows:
        nxt, due, colour = r.next_deadline, "-", None
        if nxt:
            due = (
                f"{label('kind', nxt.kind, screen.lang)} {screen.moment(nxt.due, now)}"
                f"{screen.breaks} ({screen.left(nxt.due, now)}){late_mark(screen, nxt.overdue)}"
            )
            colour = urgency(nxt.due, now, nxt.overdue)
        out.append(
            [
                r.id,
                label("platform", r.platform, screen.lang),
                label("state", r.state, screen.lang),
                due,
                screen.shown(r.title),
            ]
        )
        colours.append(colour)
    names = ("id", "platform", "state", "next", "title")
    return screen.table(names, out, "title", colours, wrap=("next",))


def upcoming_screen(agenda: Agenda, now: datetime, screen: Screen, book: RuleBook | None) -> str:
    """`upcoming`; each effect worded from its rule's key (the user's words from `book`)."""
    if not agenda:
        return screen.say("nothing_upcoming")
    out, colours = [], []
    for r in agenda:
        out.append(
            [
                screen.moment(r.due, now),
                screen.left(r.due, now) + screen.breaks + late_mark(screen, r.overdue),
                r.trade,
                label("kind", r.kind, screen.lang),
                # on a narrow terminal the effect is left to `show`: the title comes first
                r.title
                if screen.narrow
                else f"{r.title} — {effect_of(r.effect, screen.lang, book)}",
            ]
        )
        colours.append(urgency(r.due, now, r.overdue))
    names = ("due", "left", "id", "kind", "title")
    return screen.table(names, out, "title", colours, wrap=("left",))


def deadlines_screen(deadlines: list[dict[str, Any]], now: datetime, screen: Screen) -> str:
    """`show`'s deadlines as `views.deadline_json` gives them (the effect in words)."""
    out, colours = [], []
    for d in deadlines:
        late = bool(d.get("overdue"))
        status = "overdue" if late else d["status"]
        left = screen.left(d["due"], now) if status in ("open", "overdue") else ""
        out.append(
            [
                label("kind", d["kind"], screen.lang),
                screen.when(d["due"]),
                label("status", status, screen.lang),
                left,
                d["effect"],
            ]
        )
        colours.append(urgency(d["due"], now, late) if status in ("open", "overdue") else None)
    names = ("kind", "due", "status", "left", "effect")
    return screen.table(names, out, "effect", colours, wrap=("effect",))


def events_screen(events: list[Event], screen: Screen, show_trade: bool = True) -> str:
    if not events:
        return screen.say("no_trades")
    voided = {e.payload["seq"] for e in events if e.type == VOID_TYPE}
    out = []
    for e in events:
        step = label("step", e.type, screen.lang)
        if e.seq in voided:
            step += f" ({label('step', VOID_TYPE, screen.lang)})"
        details = event_text({k: screen.shown(v) for k, v in e.payload.items()}, screen.locale)
        row = [f"{e.seq}", screen.when(e.occurred_at)] + ([e.stream] if show_trade else [])
        out.append(row + [step, details])
    names = ("seq", "at") + (("id",) if show_trade else ()) + ("step", "details")
    return screen.table(names, out, "details", wrap=("details",))


def _person(screen: Screen, name: str | None) -> str:
    return table.clean(screen.shown(name or "-"))


def trade_screen(data: dict[str, Any], events: list[Event], now: datetime, screen: Screen) -> str:
    """`show`: the trade's facts, its deadlines as a table, then its events."""
    lang = screen.lang
    facts = [
        label("platform", data["platform"], lang),
        data["role"] if lang != "ja" else ("出品" if data["role"] == "seller" else "購入"),
        f"¥{data['price']:,}",
        label("state", data["state"], lang),
    ]
    if data.get("buyer"):
        facts.append(table.clean(screen.shown(data["buyer"])))
    title = table.clean(screen.shown(data["title"]))
    lines = [f"{data['id']}  {title}", "  " + " · ".join(facts)]
    money = money_line(data.get("money"), screen)
    if money:
        lines.append("  " + money)
    hold = data.get("hold")
    if hold and hold["active"]:
        lines.append(
            "  "
            + screen.say("show_hold", buyer=_person(screen, hold["buyer"]), until=hold["until"])
        )
    if data.get("bundled_into"):
        lines.append("  " + screen.say("show_bundled_into", trade=data["bundled_into"]))
    if data.get("bundled_from"):
        lines.append("  " + screen.say("show_bundle_of", trades=", ".join(data["bundled_from"])))
    if data["deadlines"]:
        lines.append("")
        lines.append(deadlines_screen(data["deadlines"], now, screen))
    lines.append("")
    lines.append(events_screen(events, screen, show_trade=False))
    return "\n".join(lines)


def items_screen(data: list[dict[str, Any]], screen: Screen) -> str:
    """`journal items`: one row per listing, grouped by item; those to delist in red."""
    if not data:
        return screen.say("no_items")
    rows, colours = [], []
    for entry in data:
        for n, listing in enumerate(entry["listings"]):
            mark = screen.say("item_delist") if listing["delist"] else ""
            if listing.get("double_sale"):
                mark = screen.say("item_double_sale")
            rows.append(
                [
                    entry["item"] if n == 0 else "",
                    listing["id"],
                    label("platform", listing["platform"], screen.lang),
                    label("state", listing["state"], screen.lang) + (f" {mark}" if mark else ""),
                    listing["title"],
                ]
            )
            colours.append("red" if mark else None)
    return screen.table(("item", "id", "platform", "state", "title"), rows, "title", colours)


def yen(value: int | None) -> str:
    return "-" if value is None else f"¥{value:,}"


def money_line(money: dict[str, Any] | None, screen: Screen) -> str | None:
    """`show`'s money: price − fee − shipping − cost = profit."""
    if not money or money.get("price") is None:
        return None
    if money.get("sold") is False:  # listed, cancelled, withdrawn: no fee, no profit
        return screen.say("show_money_unsold", price=yen(money["price"]), cost=yen(money["cost"]))
    rate = money.get("fee_rate")
    return screen.say(
        "show_money",
        price=yen(money["price"]),
        fee=yen(money.get("fee")),
        rate="?" if rate is None else f"{rate:g}%",
        shipping=yen(money.get("shipping")),
        cost=yen(money.get("cost")),
        profit=yen(money.get("profit")),
    )


BAR = "█"
MONEY_COLUMNS = ("count", "sales", "fees", "shipping", "cost", "profit")


def money_screen(data: dict[str, Any], by: str, screen: Screen, bar_width: int = 30) -> str:
    """`journal money`: the groups and their totals, then a bar chart of sales and profit."""
    if not data["trades"]:
        return screen.say("money_none", first=data["from"], last=data["to"])

    def cells(entry: dict[str, Any]) -> list[str]:
        return [str(entry["count"])] + [yen(entry[k]) for k in MONEY_COLUMNS[1:]]

    keys = [group_name(g["key"], by, screen) for g in data["groups"]]
    rows = [[key, *cells(g)] for key, g in zip(keys, data["groups"], strict=True)]
    rows.append([screen.say("money_total"), *cells(data["totals"])])
    widths = [max(table.width(r[i]) for r in rows) for i in range(1, len(MONEY_COLUMNS) + 1)]
    rows = [[r[0], *(c.rjust(w) for c, w in zip(r[1:], widths, strict=True))] for r in rows]
    first = "money_col_key" if by == "month" else "money_col_platform"
    header = [screen.say(first)] + [screen.say(f"money_col_{name}") for name in MONEY_COLUMNS]
    lines = [table.render(header, rows, max_width=screen.width, shrink=0), ""]
    top = max([g["sales"] for g in data["groups"]] + [1])
    label_width = max(table.width(k) for k in keys)
    for key, group in zip(keys, data["groups"], strict=True):
        for n, (what, value) in enumerate(
            (("money_sales", group["sales"]), ("money_profit", group["profit"]))
        ):
            size = round(bar_width * max(value, 0) / top)
            name = table.pad(key if n == 0 else "", label_width)
            lines.append(f"{name}  {table.pad(screen.say(what), 4)}  {BAR * size} {yen(value)}")
    stock = data["inventory"]
    lines.append("")
    if data["purchases"]["count"]:
        bought = data["purchases"]
        lines.append(
            screen.say("money_purchases", count=bought["count"], amount=yen(bought["amount"]))
        )
    lines.append(screen.say("money_inventory", count=stock["count"], cost=yen(stock["cost"])))
    return "\n".join(lines)


def group_name(key: str, by: str, screen: Screen) -> str:
    return label("platform", key, screen.lang) if by == "platform" else key
