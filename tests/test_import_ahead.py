"""An import read ahead by a second process (`journal.storage.import_lines`): the same
journal, the same refusals (same line, same words, same status, nothing written) and the
same result when that process fails, as the import in one process."""

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import journal_process
from integrity_support import rechain, synthetic_export

from bench.generate import generate
from journal.storage import import_lines

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)
SUPPORT = Path(__file__).resolve().parent / "support"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A real export (version 3, personal keys after the events) of three batches."""
    folder = tmp_path_factory.mktemp("ahead")
    db = folder / "journal.sqlite"
    meta = generate(db, 11_000, seed=5, now=NOW)
    assert meta.events > 2 * import_lines.BATCH
    target = folder / "export.jsonl"
    env = {"JOURNAL_DB": str(db), "JOURNAL_CONFIG": str(folder / "none.toml")}
    result = journal_process("export", "-o", str(target), env=env)
    assert result.returncode == 0, result.stderr
    assert '"personal_key"' in target.read_text(encoding="utf-8")
    return target


@pytest.fixture
def read_here(monkeypatch) -> list[int]:
    """The first line of each stretch of the file this process checks itself."""
    calls: list[int] = []
    real = import_lines.checked_batches

    def recorded(handle, source, first, sent, keys):
        calls.append(first)
        return real(handle, source, first, sent, keys)

    monkeypatch.setattr(import_lines, "checked_batches", recorded)
    return calls


def _import(run, monkeypatch, source: Path, target: Path, ahead: bool):
    threshold = "0" if ahead else str(1 << 60)
    monkeypatch.setenv(import_lines.AHEAD_MIN_VARIABLE, threshold)
    return run("import", source, "--db", target, "--json")


def _dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


def _same_as_alone(run, ok, monkeypatch, source: Path, tmp_path: Path, read_here) -> None:
    alone, ahead = tmp_path / "alone.sqlite", tmp_path / "ahead.sqlite"
    first = _import(run, monkeypatch, source, alone, ahead=False)
    assert first.code == 0, first.err
    read_here.clear()
    second = _import(run, monkeypatch, source, ahead, ahead=True)
    assert second.code == 0, second.err
    assert second.json() == first.json()
    assert _dump(ahead) == _dump(alone)
    said = [ok("verify", "--db", db).replace(str(db), "DB") for db in (alone, ahead)]
    assert said[0] == said[1] and said[0].startswith("the journal is intact")


def test_a_read_ahead_import_makes_the_same_journal(
    exported, tmp_path, run, ok, monkeypatch, read_here
):
    _same_as_alone(run, ok, monkeypatch, exported, tmp_path, read_here)
    assert read_here == []  # the helper checked every line


def test_a_version_1_export_read_ahead(tmp_path, run, ok, monkeypatch, read_here):
    source = tmp_path / "v1.jsonl"
    synthetic_export(source, trades=3_000, notes=1)
    assert json.loads(source.read_text(encoding="utf-8").split("\n", 1)[0])["version"] == 1
    _same_as_alone(run, ok, monkeypatch, source, tmp_path, read_here)
    assert read_here == []


def test_a_helper_that_cannot_start_leaves_the_work_here(
    exported, tmp_path, run, ok, monkeypatch, read_here
):
    monkeypatch.setattr(import_lines, "HELPER_MODULE", "journal.no_such_helper")
    _same_as_alone(run, ok, monkeypatch, exported, tmp_path, read_here)
    assert read_here == [2]  # this process read the whole file


def test_a_helper_that_dies_midway_leaves_the_rest_here(
    exported, tmp_path, run, ok, monkeypatch, read_here
):
    monkeypatch.setattr(import_lines, "HELPER_MODULE", "dying_import_helper")
    monkeypatch.setenv("PYTHONPATH", str(SUPPORT))
    _same_as_alone(run, ok, monkeypatch, exported, tmp_path, read_here)
    assert read_here == [2 + import_lines.BATCH]  # from the end of the helper's one batch


def _edited(exported: Path, tmp_path: Path, change, chained: bool) -> tuple[Path, list[str]]:
    lines = exported.read_text(encoding="utf-8").splitlines()
    change(lines)
    if chained:
        lines = rechain(lines)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return edited, lines


def _set(number: int, **fields):
    def change(lines):
        lines[number - 1] = json.dumps({**json.loads(lines[number - 1]), **fields})

    return change


def _repeat_id(lines):
    lines[7_500] = json.dumps({**json.loads(lines[7_500]), "event_id": "repeated"})
    lines[7_600] = json.dumps({**json.loads(lines[7_600]), "event_id": "repeated"})


def _garble(number: int, text: str):
    def change(lines):
        lines[number - 1] = text

    return change


def _last_line(lines):
    key = json.loads(lines[-1])
    lines[-1] = json.dumps({**key, "personal_key": 7})


@pytest.mark.parametrize(
    "change, chained, said",
    [
        (_garble(7_003, "{not json"), False, "line 7003: not an event line"),
        (_set(8_004, type="nonsense"), False, "line 8004: #8003 "),
        (_set(9_001, occurred_at="2026-10-01T00:00:00Z"), False, "line 9001: altered"),
        (_set(6_001, prev_hash="0" * 64), False, "line 6001: broken_link"),
        (_repeat_id, True, "line 5002: duplicate event id"),
        (_last_line, False, "line 12269: not a personal key"),
    ],
    ids=["not-json", "bad-type", "altered", "broken-link", "duplicate-id", "bad-key-line"],
)
def test_a_bad_later_batch_is_refused_as_in_one_process(
    exported, tmp_path, run, monkeypatch, read_here, change, chained, said
):
    edited, lines = _edited(exported, tmp_path, change, chained)
    results = []
    for ahead in (False, True):
        target = tmp_path / f"{ahead}.sqlite"
        read_here.clear()
        result = _import(run, monkeypatch, edited, target, ahead)
        assert read_here == ([] if ahead else [2])
        assert result.code == 2, result
        last = result.err.splitlines()[-1]  # after "importing" when the file is large
        assert last.startswith("journal: ") and "Traceback" not in result.err
        assert list(tmp_path.glob(f"*{ahead}.sqlite*")) == []  # nothing written
        results.append((result.code, result.out, result.err))
    assert results[0] == results[1]
    assert said in results[0][2], results[0][2]
