"""A large verify compares part of the journal in a helper process, and a new journal's import
rebuilds in one: what they find and make must not change."""

import pickle
import sqlite3
from contextlib import closing
from datetime import UTC, datetime

import pytest
from integrity_support import raw_sql
from read_models import snapshot

from bench.generate import generate
from journal import safekeeping
from journal.core.events import Event
from journal.core.rules import load_rulebook
from journal.service import Journal
from journal.storage import integrity, rebuild
from journal.storage.integrity import Damage

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)


@pytest.fixture
def path(tmp_path):
    made = tmp_path / "a #1%.sqlite"  # characters that mean something in a file: URI
    generate(made, 2_000, seed=5, now=NOW)
    return made


@pytest.fixture
def calls(monkeypatch):
    """The ranges this process folds itself: [{"high"}] when the helper did its part."""
    seen: list[set[str]] = []
    real = integrity.project_all
    monkeypatch.setattr(
        integrity, "project_all", lambda *a, **k: seen.append(set(k)) or real(*a, **k)
    )
    return seen


def _verify(path, monkeypatch, helper: bool) -> safekeeping.Report:
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0 if helper else 10**9)
    journal = Journal(path)
    try:
        return safekeeping.verify(journal)
    finally:
        journal.close()


def _split(path) -> str:
    journal = Journal(path)
    try:
        with journal.store.read() as conn:
            return rebuild.split_point(conn, journal.store, integrity.VERIFY_SHARE)
    finally:
        journal.close()


def _trades(path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM trades ORDER BY id")]


def test_two_process_verify_finds_an_intact_journal_intact(path, monkeypatch, calls):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    assert _split(path) is not None
    report = _verify(path, monkeypatch, helper=True)
    assert report.ok and report.events > 1_000
    assert calls == [{"high"}]  # the helper compared its part: no fallback


@pytest.mark.parametrize("side", ["helper", "this process"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE trades SET title = 'changed' WHERE id = ?",
        "DELETE FROM deadlines WHERE trade = ?",
        "UPDATE deadlines SET due = '2030-01-01T00:00:00Z' WHERE trade = ?",
        "DELETE FROM trades WHERE id = ?",
    ],
)
def test_a_read_model_difference_on_either_side_is_found_as_by_one_process(
    path, monkeypatch, calls, side, statement
):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    split = _split(path)
    with closing(sqlite3.connect(path)) as conn:
        ids = [r[0] for r in conn.execute("SELECT DISTINCT trade FROM deadlines ORDER BY trade")]
    # a trade with deadlines well inside each side (never next to the cut)
    lower = [i for i in ids if i < split]
    upper = [i for i in ids if i >= split]
    trade = upper[len(upper) // 2] if side == "helper" else lower[len(lower) // 2]
    raw_sql(path, (statement, (trade,)))
    alone = _verify(path, monkeypatch, helper=False)
    found = _verify(path, monkeypatch, helper=True)
    assert found.damage is not None and found.damage.problem == "read_models"
    assert trade in found.damage.detail
    assert found == alone
    assert calls[-1] == {"high"}


def test_a_chain_damage_comes_first_even_while_the_helper_compares(path, monkeypatch, calls):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    split = _split(path)
    with closing(sqlite3.connect(path)) as conn:
        seq = conn.execute(
            "SELECT max(seq) FROM events WHERE stream >= ? AND type = 'listed'", (split,)
        ).fetchone()[0]
    higher = "UPDATE events SET payload = replace(payload, '\"price\":', '\"price\":1')"
    raw_sql(path, (f"{higher} WHERE seq = ?", (seq,)), "UPDATE trades SET title = 'changed'")
    found = _verify(path, monkeypatch, helper=True)
    assert found.damage == Damage(seq, "altered")
    assert found == _verify(path, monkeypatch, helper=False)


def test_a_log_that_does_not_replay_in_the_helper_is_reported_as_by_one_process(path, monkeypatch):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    at = datetime(2026, 11, 20, tzinfo=UTC)
    listed = {"platform": "rakuma", "title": "x", "price": 100}
    bad = [
        Event("listed", "zz-last", listed, at, event_id="bad:0"),
        Event("shipped", "zz-last", {}, at, event_id="bad:1"),  # nothing was sold
    ]
    journal = Journal(path)
    with journal.store.write() as conn:
        journal.store.append(conn, bad, at)  # appended behind the read models' back,
        last = journal.store.last_seq(conn)
        conn.exec_driver_sql(  # which claim to have followed it
            "UPDATE projection_state SET value = ? WHERE key = 'checkpoint'", (last,)
        )
    journal.close()
    assert _split(path) < "zz-last"
    found = _verify(path, monkeypatch, helper=True)
    assert found.damage is not None and found.damage.problem == "replay"
    assert found == _verify(path, monkeypatch, helper=False)


def test_if_the_helper_dies_this_process_compares_its_part(path, monkeypatch, calls):
    monkeypatch.setattr(rebuild, "HELPER_MODULE", "journal.no_such_helper")
    assert _verify(path, monkeypatch, helper=True).ok
    assert calls == [{"high"}, {"low"}]
    trade = _trades(path)[-1]  # the helper's side
    raw_sql(path, ("UPDATE trades SET price = price + 1 WHERE id = ?", (trade,)))
    found = _verify(path, monkeypatch, helper=True)
    assert found.damage == Damage(0, "read_models", f"trade {trade}")


def test_a_helper_that_sees_another_log_hands_its_part_back(path, tmp_path):
    journal = Journal(path)
    with journal.store.read() as conn:
        last = journal.store.last_seq(conn)
    journal.close()
    sink = tmp_path / "sink"
    with open(sink, "wb") as out:
        integrity.compare_range_to(str(path), "T5", load_rulebook(), last + 1, out)
    with open(sink, "rb") as back:
        message = pickle.load(back)
    assert message[0] == "error" and message[3] is None  # not the log: the parent folds it


def test_a_new_journal_is_imported_with_the_helper_and_the_same_read_models(
    path, tmp_path, monkeypatch
):
    source = Journal(path)
    exported = tmp_path / "export.jsonl"
    safekeeping.export_to(source, exported, None)
    source.rebuild()
    with source.store.read() as conn:
        expected = snapshot(conn)
    source.close()
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    folded: list[set[str]] = []
    real = rebuild.project_all
    monkeypatch.setattr(
        rebuild, "project_all", lambda *a, **k: folded.append(set(k)) or real(*a, **k)
    )
    target = tmp_path / "restored.sqlite"
    with Journal.new(target) as journal:
        events, _head, _sent = safekeeping.import_file(journal, exported)
    assert folded == [{"high"}]  # the log was committed first, so the helper could read it
    restored = Journal(target)
    with restored.store.read() as conn:
        assert snapshot(conn) == expected
        assert restored.store.last_seq(conn) == events
    assert safekeeping.verify(restored).ok
    restored.close()
