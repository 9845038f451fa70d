"""Synthetic journals for the benchmark: years of a busy reseller's trades, deterministic.

A journal is a timeline of "slots" (one trade, or two listings bundled into a third),
created at a steady rate and ending at a fixed `now`. Each slot's script is a pure function
of (seed, slot index), so the newest-first pass that decides how many slots reach the
target size and the oldest-first pass that writes them agree without keeping the whole
history in memory. Events are written through the real store (`Store.append`, hash chain
and all) in large transactions, then the read models come from the real `rebuild`.

Old trades always finish (completed, cancelled, delisted or bundled); only trades started
in the last few days are still open, so the open count stays near what one person juggles
(tens) whatever the history length.
"""

import heapq
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Bump when the scripts change, so cached journals are regenerated.
GENERATOR_VERSION = 2
# Every journal ends at the same instant, so the recent trades (and so the output of `list`,
# `upcoming --as-of EPOCH` and `show`) are identical at every size and on every machine:
# only the length of the history differs.
EPOCH = datetime(2026, 11, 22, tzinfo=UTC)

PLATFORMS = ("rakuma", "mercari", "yahoo-auction", "yahoo-flea")
PLATFORM_WEIGHTS = (40, 35, 10, 15)
SLOT_SECONDS = 2880  # a new trade every 48 minutes on average: 30 a day
MIN, HOUR, DAY = 60, 3600, 86400
ITEMS = (
    "ニット",
    "ワンピース",
    "ボトムス",
    "スニーカー",
    "トートバッグ",
    "カーディガン",
    "デニム",
    "ブラウス",
    "コート",
    "マフラー",
    "ポーチ",
    "ハンドクリーム",
    "文庫本セット",
    "ぬいぐるみ",
    "腕時計",
    "イヤホン",
)
SIZES = ("S", "M", "L", "フリー", "23cm", "24.5cm", "")
BUYERS = ("さくら", "はな", "ゆき", "けん", "みお", "たろう", "あや", "りく", "まい", "そら")
MESSAGES = (
    "ご購入ありがとうございます。明日発送いたします。",
    "本日発送しました。到着まで今しばらくお待ちください。",
    "お支払いありがとうございます。",
    "受け取りました。ありがとうございました。",
    "サイズについて質問です。実寸を教えていただけますか?",
    "お値下げは難しいです。申し訳ありません。",
)
NOTES = ("仕入れ値メモ", "再出品候補", "写真を撮り直す", "梱包材を補充")
DEFECTS = ("最終検品で小さな穴", "裾にほつれ", "ボタンが一つ欠け", "箱に潰れ")
CANCEL_REASONS = ("支払い期限切れ", "検品で不良が見つかったため", "購入者都合", "在庫切れ")

Step = tuple[int, int, str, str, dict[str, Any]]  # (time, order, stream key, type, payload)


@dataclass(frozen=True)
class Meta:
    """What the benchmark needs to know about a generated journal (saved beside it)."""

    events: int
    trades: int
    open_trades: int
    open_deadlines: int
    now: str
    show_id: str
    seed: int

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Meta":
        return cls(**json.loads(path.read_text(encoding="utf-8")))


class Script:
    """One slot's events, in time order, built step by step."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self.rng = rng
        self.t = start
        self.steps: list[tuple[int, str, str, dict[str, Any]]] = []

    def at(self, key: str, type_: str, payload: dict[str, Any] | None = None) -> None:
        self.steps.append((self.t, key, type_, payload or {}))

    def wait(self, low: int, high: int) -> None:
        """Move time on by a random span; at least one second so steps stay in order."""
        self.t += max(1, int(self.rng.uniform(low, high)))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def _title(rng: random.Random) -> str:
    size = rng.choice(SIZES)
    return f"{rng.choice(ITEMS)} {size}".strip() + f" #{rng.randrange(1000, 9999)}"


def _price(rng: random.Random) -> int:
    return rng.randrange(3, 200) * 100


def _fmt(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _listing(s: Script, key: str, platform: str, **extra: Any) -> dict[str, Any]:
    rng = s.rng
    payload: dict[str, Any] = {"platform": platform, "title": _title(rng), "price": _price(rng)}
    if platform == "rakuma" and rng.random() < 0.6:
        payload["request_required"] = True
    if rng.random() < 0.7:
        payload["ship_days"] = rng.choice(("1-2", "1-2", "2-3", "4-7"))
    if rng.random() < 0.3:
        payload["shipping"] = rng.choice((0, 175, 210, 230, 520, 750))
    if rng.random() < 0.3:
        payload["cost"] = rng.randrange(1, 50) * 100
    payload.update(extra)
    s.at(key, "listed", payload)
    return payload


def _chatter(s: Script, key: str) -> None:
    """Pre-sale traffic on a listing: messages, notes, offers, holds, price changes."""
    rng = s.rng
    if s.chance(0.5):
        s.wait(10 * MIN, 3 * HOUR)
        s.at(key, "message", {"note": rng.choice(MESSAGES)})
    if s.chance(0.08):
        s.wait(MIN, HOUR)
        s.at(key, "note", {"note": rng.choice(NOTES)})
    if s.chance(0.15):
        s.wait(30 * MIN, 6 * HOUR)
        s.at(key, "offer", {"buyer": rng.choice(BUYERS), "price": _price(rng)})
        s.wait(10 * MIN, 2 * HOUR)
        s.at(key, "offer-accepted" if s.chance(0.4) else "offer-declined")
    if s.chance(0.1):
        s.wait(HOUR, 8 * HOUR)
        s.at(key, "price", {"price": _price(rng)})


def _sale(s: Script, key: str, listing: dict[str, Any], buyer: str | None = None) -> None:
    """From a listing with a buyer on the way to a finished trade (or a cancelled one)."""
    rng = s.rng
    buyer = buyer or rng.choice(BUYERS)
    if listing.get("request_required"):
        s.at(key, "request", {"buyer": buyer})
        if s.chance(0.1):
            s.wait(HOUR, 12 * HOUR)
            s.at(key, "declined")
            s.wait(2 * HOUR, DAY)
            s.at(key, "request", {"buyer": rng.choice(BUYERS)})
        if s.chance(0.04):
            s.wait(10 * MIN, 2 * HOUR)
            s.at(key, "defect", {"note": rng.choice(DEFECTS)})
        s.wait(10 * MIN, 10 * HOUR)
        s.at(key, "approved")
    else:
        s.at(key, "sold", {"buyer": buyer})
    if s.chance(0.04):
        s.wait(HOUR, 2 * DAY)
        s.at(key, "cancelled", {"reason": CANCEL_REASONS[0]})
        return
    s.wait(MIN, 12 * HOUR)
    s.at(key, "paid")
    if s.chance(0.6):
        s.wait(5 * MIN, HOUR)
        s.at(key, "message", {"note": MESSAGES[2]})
    if s.chance(0.02):
        s.wait(HOUR, 6 * HOUR)
        s.at(key, "defect", {"note": rng.choice(DEFECTS)})
        if s.chance(0.5):
            s.wait(10 * MIN, 3 * HOUR)
            s.at(key, "cancelled", {"reason": CANCEL_REASONS[1]})
            return
    s.wait(2 * HOUR, 40 * HOUR)
    s.at(key, "shipped")
    if s.chance(0.5):
        s.wait(MIN, 30 * MIN)
        s.at(key, "message", {"note": MESSAGES[1]})
    s.wait(12 * HOUR, 60 * HOUR)
    if s.chance(0.02):
        s.at(key, "return", {"note": "サイズ違いのため返品希望"})
        s.wait(HOUR, DAY)
        s.at(key, "cancelled", {"reason": "返品"})
        return
    s.at(key, "received")
    if s.chance(0.2):
        s.wait(HOUR, 3 * DAY)
        s.at(key, "completed")
    else:
        s.wait(10 * MIN, 20 * HOUR)
        s.at(key, "rated")
    if s.chance(0.35):
        s.wait(HOUR, 3 * DAY)
        s.at(key, "message", {"note": MESSAGES[3]})


def _seller(s: Script, platform: str) -> None:
    rng = s.rng
    if s.chance(0.01):  # a confirmation listing (確認用出品), deleted later
        buyer = rng.choice(BUYERS)
        s.at(
            "a",
            "listed",
            {
                "platform": platform,
                "title": f"{buyer}様確認用",
                "price": 9_999_999,
                "request_required": True,
                "kind": "confirmation",
            },
        )
        s.wait(2 * HOUR, 2 * DAY)
        s.at("a", "delisted")
        return
    listing = _listing(s, "a", platform)
    _chatter(s, "a")
    if s.chance(0.05):  # a hold (取り置き), then released or honoured by that buyer
        s.wait(HOUR, 6 * HOUR)
        holder = rng.choice(BUYERS)
        until = s.t + int(rng.uniform(DAY, 4 * DAY))
        s.at("a", "hold", {"buyer": holder, "until": _fmt(until)})
        s.wait(HOUR, until - s.t - HOUR)
        if s.chance(0.5):
            _sale(s, "a", listing, holder)
            return
        s.at("a", "hold-ended")
    s.wait(10 * MIN, 30 * HOUR)
    if s.chance(0.05):
        s.at("a", "delisted")
        return
    _sale(s, "a", listing)


def _buyer(s: Script, platform: str) -> None:
    rng = s.rng
    s.at("a", "bought", {"platform": platform, "title": _title(rng), "price": _price(rng)})
    if s.chance(0.03):
        s.wait(HOUR, DAY)
        s.at("a", "cancelled", {"reason": CANCEL_REASONS[2]})
        return
    s.wait(MIN, 2 * HOUR)
    s.at("a", "paid")
    s.wait(6 * HOUR, 2 * DAY)
    s.at("a", "shipped")
    s.wait(12 * HOUR, 2 * DAY)
    s.at("a", "received")
    if s.chance(0.04):
        s.wait(10 * MIN, 2 * HOUR)
        s.at("a", "defect", {"note": rng.choice(DEFECTS)})
        s.wait(HOUR, 6 * HOUR)
        s.at("a", "message", {"note": "商品に不具合がありました。ご確認ください。"})
    s.wait(HOUR, 2 * DAY)
    s.at("a", "rated")


def _bundle(s: Script, platform: str) -> None:
    """Two listings that one buyer wants together (おまとめ): a dedicated set listing."""
    rng = s.rng
    _listing(s, "a", platform)
    s.wait(MIN, 12 * HOUR)
    _listing(s, "b", platform)
    s.wait(HOUR, 20 * HOUR)
    buyer = rng.choice(BUYERS)
    s.at("a", "message", {"note": "おまとめ購入は可能ですか?"})
    s.wait(10 * MIN, 3 * HOUR)
    until = s.t + 2 * DAY
    # The bundle command writes the set listing and marks both sources, in that order.
    s.at(
        "c",
        "bundle",
        {"price": _price(rng), "buyer": buyer, "until": _fmt(until), "platform": platform},
    )
    s.steps.append((s.t, "a", "bundled", {"into": "c"}))
    s.steps.append((s.t, "b", "bundled", {"into": "c"}))
    s.wait(30 * MIN, DAY)
    if s.chance(0.15):
        s.t = max(s.t, until + HOUR)
        s.at("c", "delisted")
        return
    _sale(s, "c", {"request_required": True}, buyer)


def slot_script(
    seed: int, index: int, now: int, gap: int = SLOT_SECONDS
) -> list[tuple[int, str, str, dict]]:
    """Slot `index` (0 = newest) of the timeline ending at `now`: its steps, in time order."""
    rng = random.Random(seed * 1_000_003 + index)
    start = now - (index + 1) * gap + rng.randrange(gap)
    s = Script(rng, start)
    platform = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
    roll = rng.random()
    if roll < 0.10:
        _buyer(s, platform)
    elif roll < 0.13 and platform in ("rakuma", "mercari"):
        _bundle(s, platform)
    else:
        _seller(s, platform)
    if s.chance(0.002):  # a correction: the first message of the trade voided
        first = next((i for i, st in enumerate(s.steps) if st[2] == "message"), None)
        if first is not None:
            s.wait(MIN, HOUR)
            s.steps.append((s.t, s.steps[first][1], "voided", {"_target": first}))
    return [st for st in s.steps if st[0] <= now]


def slots_for(target: int, seed: int, now: int, gap: int) -> int:
    """How many slots (newest first) it takes to reach `target` events."""
    count, index = 0, 0
    while count < target:
        count += len(slot_script(seed, index, now, gap))
        index += 1
    return index


def timeline(slots: int, seed: int, now: int, gap: int) -> Iterator[Step]:
    """Every event, oldest first: (time, slot, local key, type, payload), merged by time.

    Slot creation times only grow, so an event can be released once the next slot starts
    after it; the heap holds only the trades in flight.
    """
    heap: list[Step] = []
    order = 0
    for slot in range(slots - 1, -1, -1):
        steps = slot_script(seed, slot, now, gap)
        start = steps[0][0] if steps else now
        while heap and heap[0][0] <= start - 2 * gap:
            yield heapq.heappop(heap)
        for position, (t, key, type_, payload) in enumerate(steps):
            order += 1
            heapq.heappush(heap, (t, order, f"{slot}{key}", type_, {**payload, "_pos": position}))
    while heap:
        yield heapq.heappop(heap)


def generate(
    path: Path, target: int, seed: int = 7, now: datetime | None = None, gap: int = SLOT_SECONDS
) -> Meta:
    """Write a journal of about `target` events to `path` (a new file) and rebuild it.

    `gap` is the mean time between new trades; a small gap crowds many trades into the last
    days, which is how the daemon's journal gets its 100k open deadlines.
    """
    from journal.core.events import Event
    from journal.service import Journal

    moment = int((now or EPOCH).replace(minute=0, second=0, microsecond=0).timestamp())
    slots = slots_for(target, seed, moment, gap)
    journal = Journal(path)
    store = journal.store
    ids: dict[str, str] = {}
    seqs: dict[tuple[str, int], int] = {}
    next_id = 1
    batch: list[Event] = []
    rng = random.Random(seed)
    command, index = "", 0

    def flush() -> None:
        if batch:
            with store.write() as conn:
                store.append(conn, batch, batch[-1].occurred_at)
            batch.clear()

    for seq, (t, _order, key, type_, raw) in enumerate(timeline(slots, seed, moment, gap), 1):
        payload = dict(raw)
        position = payload.pop("_pos")
        if key not in ids:
            ids[key] = f"T{next_id}"
            next_id += 1
        stream = ids[key]
        slot = key[:-1]
        if type_ == "bundle":
            sources = [ids[f"{slot}a"], ids[f"{slot}b"]]
            payload = {
                **payload,
                "title": f"{payload['buyer']}様専用 おまとめ",
                "from": sources,
                "kind": "dedicated",
                "request_required": True,
            }
        elif type_ == "bundled":
            payload = {"into": ids[f"{slot}c"]}
        elif type_ == "voided":
            target_seq = seqs[(key, payload.pop("_target"))]
            payload = {"seq": target_seq, "reason": "別の取引に記録した", "voided_type": "message"}
        if type_ == "bundled":
            index += 1  # the bundle command's second and third events
        else:
            command, index = f"{rng.getrandbits(128):032x}", 0
        if type_ == "message":
            seqs[(key, position)] = seq
        batch.append(
            Event(
                type=type_,
                stream=stream,
                payload=payload,
                occurred_at=datetime.fromtimestamp(t, UTC),
                event_id=f"{command}:{index}",
            )
        )
        if len(batch) >= 10_000:
            flush()
    flush()
    journal.rebuild()
    with store.read() as conn:
        events = store.last_seq(conn)
        trades = conn.exec_driver_sql("SELECT count(*) FROM trades").scalar_one()
        open_trades = conn.exec_driver_sql(
            "SELECT count(*) FROM trades WHERE active = 1"
        ).scalar_one()
        open_deadlines = conn.exec_driver_sql(
            "SELECT count(*) FROM deadlines WHERE met_at IS NULL AND due > ?", (_fmt(moment),)
        ).scalar_one()
        show_id = conn.exec_driver_sql(
            "SELECT id FROM trades WHERE active = 1 AND role = 'seller'"
            " ORDER BY created_seq DESC LIMIT 1"
        ).scalar_one()
    journal.close()
    return Meta(events, trades, open_trades, open_deadlines, _fmt(moment), show_id, seed)
