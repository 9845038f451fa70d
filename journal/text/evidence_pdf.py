"""`journal evidence T1 -o T1.pdf`: one trade's evidence pack as a PDF a person can print on
A4 and hand over in a dispute: the timeline (times in JST), the deadlines and whether each was
met, the money, the attachments (images shown, every file with its SHA-256), each event's
hash and the chain head at export, and how to check it all (`journal verify --head`).

Laid out by `journal.text.pdf_doc` (fpdf2, the IPAex font embedded), as the journal's other
printable documents.
"""

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from journal.core.personal import is_forgotten
from journal.text import pdf_doc
from journal.text.display import when
from journal.text.event_text import event_text
from journal.text.i18n import Locale
from journal.text.labels import label
from journal.text.messages import render_for
from journal.text.screens import money_line, yen

JST = ZoneInfo("Asia/Tokyo")
FONT = pdf_doc.FONT
_IMAGE_WIDTH, _IMAGE_HEIGHT = 120.0, 110.0  # mm: an image shown whole, on one A4 page


class _Writer:
    """The document being laid out, with the reader's words at hand."""

    def __init__(self, lang: str) -> None:
        self.loc = Locale(lang, JST)
        self.pdf = pdf_doc.document()

    def say(self, key: str, **params: Any) -> str:
        return render_for(self.loc, key, **params)

    def when(self, moment: datetime | None) -> str:
        return "-" if moment is None else when(moment, self.loc)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        pdf_doc.title(self.pdf, text, size=12)
        self.pdf.set_font(FONT, size=9)

    def para(self, text: str, size: float = 9, alarm: bool = False) -> None:
        """A paragraph; `alarm` in red (a file missing or changed)."""
        pdf_doc.para(self.pdf, text, size=size, alarm=alarm)

    def table(self, header: list[str], rows: list[list[str]], widths: tuple, size=8) -> None:
        pdf_doc.grid(self.pdf, header, rows, widths, size=size)


def _details(event: dict[str, Any], w: _Writer) -> str:
    """What the event recorded, in words for people (as `show` and `log` say it): `ゆうパケット
    追跡 1111` and 購入申請あり, not `carrier=… request_required=True`."""
    payload = event["payload"]
    if event["type"] == "attached":
        return f"{payload['name']} (SHA-256 {payload['sha256'][:16]}…)"
    shown = {k: w.say("forgotten") if is_forgotten(v) else v for k, v in payload.items()}
    return event_text(shown, w.loc) or "-"


def render(data: dict[str, Any], lang: str) -> bytes:
    """The evidence pack's PDF bytes, in `lang` ("ja" or "en"), times in JST."""
    w = _Writer(lang)
    trade = data["trade"]
    pdf_doc.title(w.pdf, w.say("ev_title", trade=trade.id))
    w.para(trade.title, size=11)
    role = w.say(f"ev_role_{trade.role}")
    platform = label("platform", trade.platform, lang)
    state = label("state", trade.state, lang)
    w.para(w.say("ev_facts", platform=platform, role=role, state=state, price=yen(trade.price)))
    if trade.buyer:
        shown = w.say("forgotten") if is_forgotten(trade.buyer) else trade.buyer
        w.para(w.say("ev_other_party", name=shown))
    w.para(w.say("ev_made_at", at=w.when(data["made_at"])))
    _timeline(w, data, lang)
    _deadlines(w, data, lang)
    _money(w, data)
    _attachments(w, data)
    _chain(w, data)
    return bytes(w.pdf.output())


def _timeline(w: _Writer, data: dict[str, Any], lang: str) -> None:
    w.heading(w.say("ev_timeline"))
    rows = []
    for e in data["events"]:
        step = label("step", e["type"], lang)
        if e["voided"]:
            step += " " + w.say("ev_voided")
        rows.append([str(e["seq"]), w.when(e["at"]), step, _details(e, w)])
    header = ["#", w.say("ev_col_at"), w.say("ev_col_step"), w.say("ev_col_details")]
    w.table(header, rows, (10, 38, 42, 90))


def _deadlines(w: _Writer, data: dict[str, Any], lang: str) -> None:
    w.heading(w.say("ev_deadlines"))
    if not data["deadlines"]:
        w.para(w.say("ev_no_deadlines"))
        return
    rows = [
        [
            label("kind", d["kind"], lang),
            w.when(d["due"]),
            w.when(d["met_at"]),
            label("status", d["status"], lang),
        ]
        for d in data["deadlines"]
    ]
    header = [w.say(f"ev_col_{name}") for name in ("kind", "due", "met", "result")]
    w.table(header, rows, (60, 40, 40, 40))


def _money(w: _Writer, data: dict[str, Any]) -> None:
    """The money line `show` prints (one wording for both)."""
    money = data["money"]
    w.heading(w.say("ev_money"))
    line = money_line(money, w)  # type: ignore[arg-type]  # a writer says like a screen
    unsold = {"price": yen(money.get("price")), "cost": yen(money.get("cost"))}
    w.para(line or w.say("show_money_unsold", **unsold))


def _attachments(w: _Writer, data: dict[str, Any]) -> None:
    w.heading(w.say("ev_attachments"))
    if not data["attachments"]:
        w.para(w.say("ev_no_attachments"))
        return
    for item in data["attachments"]:
        state = w.say(f"ev_file_{item['problem'] or 'ok'}")
        if item["voided"]:
            state += " " + w.say("ev_voided")
        w.para(
            w.say(
                "ev_file",
                seq=item["seq"],
                name=item["name"],
                size=f"{item['size']:,}",
                media_type=item["media_type"],
                state=state,
            ),
            alarm=item["problem"] is not None,
        )
        w.para(f"SHA-256 {item['sha256']}", size=8)
        if item["problem"] is None and item["media_type"].startswith("image/"):
            _image(w, item["path"])


def _image(w: _Writer, path: Path) -> None:
    """The image, scaled to fit (never enlarged); one that cannot be read stays listed only."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            image.load()
            width, height = image.size
            scale = min(_IMAGE_WIDTH / width, _IMAGE_HEIGHT / height, 25.4 / 96)
            w.pdf.image(image.copy(), w=width * scale, h=height * scale)
    except Exception:  # noqa: BLE001 - a broken image is still listed with its hash
        w.para(w.say("ev_image_unreadable"))
        return
    w.pdf.ln(2)


def _chain(w: _Writer, data: dict[str, Any]) -> None:
    w.heading(w.say("ev_hashes"))
    rows = [[str(e["seq"]), e["hash"]] for e in data["events"]]
    w.table(["#", w.say("ev_col_hash")], rows, (12, 168), size=7.5)
    chain = data["chain"]
    w.heading(w.say("ev_chain"))
    w.para(w.say("ev_chain_head", events=chain["events"], at=w.when(data["made_at"])))
    w.para(chain["head"], size=9)
    w.heading(w.say("ev_how"))
    w.para(w.say("ev_how_text"))
    w.pdf.ln(1)
    w.para(f"journal verify --head {chain['head']}", size=8)
