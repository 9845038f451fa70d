"""A large rebuild folds part of the log in a helper process: the result must not change."""

from datetime import UTC, datetime

import pytest
from read_models import snapshot

from bench.generate import generate
from journal.core.errors import Refused
from journal.core.events import Event
from journal.service import Journal
from journal.storage import rebuild

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "a #1%.sqlite"  # characters that mean something in a file: URI
    generate(path, 2_000, seed=5, now=NOW)
    opened = Journal(path)
    yield opened
    opened.close()


def _snapshot(journal: Journal):
    with journal.store.read() as conn:
        return snapshot(conn)


def test_two_process_rebuild_equals_one_process_rebuild(journal, monkeypatch):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 10**9)
    journal.rebuild()
    alone = _snapshot(journal)
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    with journal.store.read() as conn:
        assert rebuild.split_point(conn, journal.store) is not None
    calls = []
    real = rebuild.project_all
    monkeypatch.setattr(rebuild, "project_all", lambda *a, **k: calls.append(k) or real(*a, **k))
    count = journal.rebuild()
    assert _snapshot(journal) == alone
    assert count == len(alone[0])
    assert [set(k) for k in calls] == [{"high"}]  # the helper did its part: no fallback


def test_a_log_that_does_not_replay_fails_the_same_way_in_the_helper(journal, monkeypatch):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    at = datetime(2026, 11, 20, tzinfo=UTC)
    listed = {"platform": "rakuma", "title": "x", "price": 100}
    bad = [
        Event("listed", "zz-last", listed, at, event_id="bad:0"),
        Event("shipped", "zz-last", {}, at, event_id="bad:1"),  # nothing was sold
    ]
    with journal.store.write() as conn:
        journal.store.append(conn, bad, at)
        assert rebuild.split_point(conn, journal.store) < "zz-last"
    with pytest.raises(Refused) as refused:
        journal.rebuild()
    assert refused.value.key == "bad_step"


def test_if_the_helper_dies_this_process_folds_its_part(journal, monkeypatch):
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 10**9)
    journal.rebuild()
    alone = _snapshot(journal)
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    monkeypatch.setattr(rebuild, "HELPER_MODULE", "journal.no_such_helper")
    journal.rebuild()
    assert _snapshot(journal) == alone
