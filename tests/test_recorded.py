"""One `journal add`: one transaction, one fold, one typed answer (journal/results.py) that
the command line and the web app both render (journal/text/recorded.py); a form's own id
records once however often it is sent, and a form older than its trade is refused."""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from support.stores import in_memory

import journal.results
import journal.service
from journal.core.errors import BadInput, Refused
from journal.service import Journal
from journal.storage.store import Store

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def counted(monkeypatch):
    """Counts of the store's transactions (`read`, `write`) and of stream folds."""
    seen: Counter = Counter()

    def counting(original, name):
        def wrapper(self):
            seen[name] += 1
            return original(self)

        return wrapper

    for name in ("read", "write"):
        monkeypatch.setattr(Store, name, counting(getattr(Store, name), name))
    for module in (journal.service, journal.results):
        real = module.fold

        def folding(events, _real=real):
            seen["fold"] += 1
            return _real(events)

        monkeypatch.setattr(module, "fold", folding)
    return seen


def _sale(ok) -> None:
    ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "Dress",
        "--price",
        "3000",
        "--at",
        "2026-11-30 10:00",
    )
    ok("add", "sold", "T1", "--buyer", "hana", "--at", "2026-11-30 12:00")
    ok("add", "paid", "T1", "--at", "2026-11-30 12:30")


@freeze_time(NOW)
def test_one_add_is_one_write_transaction_and_one_fold(ok, run, counted):
    _sale(ok)
    counted.clear()
    result = run("add", "shipped", "T1", "--carrier", "yupacket", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["state"] == "shipped"
    assert counted["write"] == 1
    assert counted["fold"] == 1  # the trade as decided on; the answer applies the step to it
    # The one read left is the id as typed (`t1` → T1), before anything is decided.
    assert counted["read"] <= 1, counted


@freeze_time(NOW)
def test_the_answer_is_the_add_json_and_its_lines(ok, run):
    _sale(ok)
    result = run("add", "shipped", "T1", "--json")
    data = json.loads(result.out)
    assert list(data) == [
        "id",
        "seq",
        "state",
        "warnings",
        "next_deadline",
        "notices",
        "also",
        "message",
    ]
    assert (
        data["id"] == "T1" and data["seq"] == 4 and data["next_deadline"]["kind"] == "auto_complete"
    )
    line = run("add", "note", "T1", "--note", "x").out.splitlines()[0]
    assert line.startswith("T1 #5 Dress:")


def _door_sale(door: Journal) -> None:
    """`_sale` through the door (times in UTC: 10:00, 12:00, 12:30 in Tokyo)."""
    day = datetime(2026, 11, 30, tzinfo=UTC)
    listed = {"platform": "mercari", "title": "Dress", "price": 3000}
    door.record("listed", None, day.replace(hour=1), listed, now=NOW)
    door.record("sold", "T1", day.replace(hour=3), {"buyer": "hana"}, now=NOW)
    door.record("paid", "T1", day.replace(hour=3, minute=30), {}, now=NOW)


@pytest.fixture
def door():
    """A journal in memory (the fast middle layer) with T1 sold and paid."""
    with in_memory() as journal:
        _door_sale(journal)
        yield journal


def test_a_form_sent_twice_records_once(door):
    first = door.record("shipped", "T1", NOW, {}, now=NOW, command_id="form-abc12345")
    again = door.record("shipped", "T1", NOW, {}, now=NOW, command_id="form-abc12345")
    assert not first.repeated and again.repeated
    assert [e.seq for e in again.events] == [e.seq for e in first.events]
    assert again.trade.state == first.trade.state == "shipped"
    with door.store.read() as conn:
        kinds = [row[0] for row in conn.exec_driver_sql("SELECT type FROM events")]
    assert kinds.count("shipped") == 1


def test_a_form_older_than_its_trade_is_refused_and_writes_nothing(door):
    shown = door.trade("T1")[0].seen  # the page is rendered
    door.record("note", "T1", NOW, {"note": "meanwhile"}, now=NOW)  # another step lands
    before = door.last_seq()
    with pytest.raises(Refused) as refusal:
        door.record("shipped", "T1", NOW, {}, now=NOW, expected=shown)
    assert refusal.value.key == "changed_since"
    assert door.last_seq() == before
    fresh = door.trade("T1")[0].seen
    assert door.record("shipped", "T1", NOW, {}, now=NOW, expected=fresh).trade.state == "shipped"


def test_a_command_id_must_look_like_one():
    with in_memory() as door:
        with pytest.raises(BadInput):
            door.record("listed", None, NOW, {}, now=NOW, command_id="x; drop")
        assert door.last_seq() == 0
