"""Backup, export and import: the whole log leaves and comes back exactly, or not at all."""

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from integrity_support import fingerprint, rows, settle, synthetic_export

import cli


@pytest.fixture
def filled(journal_env, ok):
    ok(
        "add",
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "ボトムス 2点",
        "--price",
        "3000",
        "--request-required",
        "--at",
        "-3d",
    )
    ok("add", "request", "T1", "--buyer", "さくら", "--at", "-2d")
    ok("add", "defect", "T1", "--note", "穴あり\n写真あり", "--at", "-2d")
    ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット A",
        "--price",
        "1800",
        "--at",
        "-3d",
    )
    ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット B",
        "--price",
        "1600",
        "--at",
        "-3d",
    )
    ok("add", "bundle", "T2", "T3", "--price", "3000", "--buyer", "はな", "--until", "+2d")
    ok("add", "note", "T1", "--note", "絵文字 🙇‍♀️ も OK")
    ok("void", "9", "--reason", "wrong trade")
    return journal_env


def test_export_import_round_trip_is_exact(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "--format", "jsonl", "-o", exported)
    target = tmp_path / "restored.sqlite"
    result = run("import", exported, "--db", target, "--json")
    assert result.code == 0, result.err
    assert result.json()["events"] == len(rows(filled))
    assert rows(target) == rows(filled)  # every column, hashes included
    assert ok("verify", "--db", target).startswith("the journal is intact")
    again = tmp_path / "again.jsonl"
    ok("export", "-o", again, "--db", target)
    assert again.read_bytes() == exported.read_bytes()
    assert ok("list", "--all", "--json", "--db", target) == ok("list", "--all", "--json")
    assert ok("upcoming", "--json", "--db", target) == ok("upcoming", "--json")


def test_export_to_stdout_has_a_header_and_every_column(filled, ok):
    lines = ok("export").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "trade-journal-events"
    events = [json.loads(x) for x in lines[1:] if not x.startswith('{"personal_key"')]
    assert header["events"] == len(events) == 10  # then the trades' personal-data keys
    assert header["personal_keys"] == len(lines) - 1 - len(events) > 0
    first = events[0]
    assert set(first) == {
        "seq",
        "event_id",
        "stream",
        "version",
        "type",
        "schema_version",
        "payload",
        "occurred_at",
        "recorded_at",
        "prev_hash",
        "hash",
    }
    assert header["head"] == events[-1]["hash"]


def _import_refused(run, source, target, text):
    result = run("import", source, "--db", target)
    assert result.code == 2, result
    assert result.err.startswith("journal: ") and result.err.count("\n") == 1
    assert text in result.err
    return result


def test_an_edited_export_is_refused_and_nothing_is_imported(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)
    lines = exported.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("ニット A", "ニット Z")
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "restored.sqlite"
    _import_refused(run, exported, target, "line 5: altered")
    assert not target.exists()  # a failed restore leaves no new journal behind


def test_a_shortened_export_is_refused(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)
    lines = exported.read_text(encoding="utf-8").splitlines()
    exported.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    target = tmp_path / "restored.sqlite"
    _import_refused(run, exported, target, "does not end where its header says")
    assert not target.exists()  # a failed restore leaves no new journal behind


@pytest.mark.parametrize(
    "content, text",
    [
        ("", "not a trade-journal export"),
        ("hello\n", "not a trade-journal export"),
        (
            '{"format": "trade-journal-events", "version": 9, "events": 0, "head": ""}\n',
            "newer trade-journal",
        ),
        (
            '{"format": "trade-journal-events", "version": 1, "events": 1, "head": ""}\n'
            '{"seq": 1}\n',
            "line 2: not an event line",
        ),
    ],
)
def test_files_that_are_not_exports_are_refused(journal_env, tmp_path, run, content, text):
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    _import_refused(run, source, tmp_path / "t.sqlite", text)
    assert list(tmp_path.glob("t.sqlite*")) == []


def test_a_wrongly_typed_column_is_refused(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)
    lines = exported.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[1])
    item["seq"] = "1"
    lines[1] = json.dumps(item, ensure_ascii=False)
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _import_refused(run, exported, tmp_path / "t.sqlite", "line 2: bad seq")


def test_import_refuses_a_journal_that_already_has_events(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)
    settle(filled)
    before = fingerprint(filled)
    _import_refused(run, exported, filled, "import restores into an empty journal only")
    assert fingerprint(filled) == before


def test_import_of_a_missing_file_is_one_clear_line(journal_env, tmp_path, run):
    _import_refused(run, tmp_path / "nope.jsonl", journal_env, "No such file")


def test_export_and_backup_never_overwrite(filled, tmp_path, ok, run):
    existing = tmp_path / "keep.txt"
    existing.write_text("mine")
    for args in (("export", "-o", existing), ("backup", existing)):
        result = run(*args)
        assert result.code == 2 and "already exists" in result.err
    assert existing.read_text() == "mine"


def test_backup_is_private_complete_and_verifies(filled, tmp_path, ok, run):
    target = tmp_path / "copies" / "backup.sqlite"
    target.parent.mkdir()
    result = run("backup", target, "--json")
    assert result.code == 0, result.err
    assert result.json()["head"] == rows(filled)[-1][-1]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not target.with_name("backup.sqlite-wal").exists()  # self-contained
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert rows(target) == rows(filled)
    assert ok("verify", "--db", target).startswith("the journal is intact")


def test_export_file_is_private(filled, tmp_path, ok):
    target = tmp_path / "out.jsonl"
    ok("export", "-o", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_synthetic_export_imports_and_verifies(journal_env, tmp_path, ok, monkeypatch, run):
    """Shared with the crash tests: the generator's files are real exports."""
    source = tmp_path / "big.jsonl"
    count = synthetic_export(source, trades=300, notes=2)
    monkeypatch.setattr(cli, "_BIG_IMPORT", 0)  # show the progress bar, as on a large file
    result = run("import", source)
    assert result.code == 0, result.err
    assert "importing" in result.err
    assert f"imported {count} events" in result.out
    assert ok("verify").startswith(f"the journal is intact: {count} events")
    assert len(json.loads(ok("list", "--json"))) == 300


@pytest.mark.parametrize("command", [["verify"], ["backup", "copy.sqlite"], ["export"]])
def test_commands_that_read_a_journal_refuse_a_missing_one(tmp_path, run, command):
    missing = tmp_path / "typo.sqlite"
    result = run(*command, "--db", missing)
    assert result.code == 2
    assert "there is no journal at" in result.err and result.err.count("\n") == 1
    assert not missing.exists()


def test_export_to_a_pipe_is_utf8_whatever_the_locale(filled, tmp_path, ok):
    import os
    import subprocess
    import sys
    from pathlib import Path

    to_file = tmp_path / "file.jsonl"
    ok("export", "-o", to_file)
    env = {
        **os.environ,
        "LC_ALL": "en_US.ISO-8859-1",
        "PYTHONIOENCODING": "latin-1",  # a terminal that cannot show Japanese
        "JOURNAL_DB": str(filled),
    }
    exe = Path(sys.executable).with_name("journal")
    piped = subprocess.run([str(exe), "export"], env=env, capture_output=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == to_file.read_bytes()


def test_an_export_resaved_with_bom_and_crlf_still_imports(filled, tmp_path, ok, run):
    """Opened and saved unchanged in a Windows editor: same content, so same chain."""
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)
    resaved = tmp_path / "resaved.jsonl"
    resaved.write_bytes(b"\xef\xbb\xbf" + exported.read_bytes().replace(b"\n", b"\r\n"))
    target = tmp_path / "restored.sqlite"
    result = run("import", resaved, "--db", target)
    assert result.code == 0, result.err
    assert rows(target) == rows(filled)


def _forged(tmp_path, exported, change) -> Path:
    from integrity_support import rechain

    lines = exported.read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines[1:]]
    change(items)
    lines = [lines[0], *(json.dumps(i, ensure_ascii=False) for i in items)]
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(rechain(lines)) + "\n", encoding="utf-8")
    return forged


def test_a_rechained_export_with_a_repeated_event_id_is_refused(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)

    def repeat_id(items):
        items[3]["event_id"] = items[2]["event_id"]

    forged = _forged(tmp_path, exported, repeat_id)
    target = tmp_path / "t.sqlite"
    _import_refused(run, forged, target, "duplicate event id")
    assert not target.exists()


def test_a_rechained_export_with_an_impossible_history_is_refused(filled, tmp_path, ok, run):
    exported = tmp_path / "out.jsonl"
    ok("export", "-o", exported)

    def ship_before_sale(items):
        items[1]["type"] = "shipped"  # T1 was only listed: shipping is impossible
        items[1]["payload"] = "{}"  # (a well-formed shipped event, only out of place)

    forged = _forged(tmp_path, exported, ship_before_sale)
    target = tmp_path / "t.sqlite"
    _import_refused(run, forged, target, "cannot be replayed")
    assert not target.exists()


def test_a_full_disk_during_backup_or_export_is_one_line_and_leaves_nothing(
    filled, tmp_path, run, monkeypatch
):
    import journal.storage.portable as portable

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(portable, "online_backup", disk_full)
    monkeypatch.setattr(portable, "export_lines", disk_full)
    for args in (("backup", tmp_path / "b.sqlite"), ("export", "-o", tmp_path / "e.jsonl")):
        result = run(*args)
        assert result.code == 2
        assert result.err.count("\n") == 1 and "No space left on device" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite"]
