"""`journal attach`: files kept by their SHA-256 beside the journal, the hash in an
`attached` event the chain covers; `verify` names a missing or changed file; backup, export
(with import) and copy carry the files. All through the real command and a real file."""

import hashlib
import json
import os
import sqlite3
import stat

import pytest
from integrity_support import raw_sql
from PIL import Image
from support import given

EXIT_BAD_INPUT, EXIT_DAMAGED = 2, 4


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def trade(journal_env, ok, tmp_path):
    """T1 sold on Mercari, and two files to attach: a screenshot and a receipt."""
    given.knit_sold(ok, "--paid")
    shot = tmp_path / "取引画面.png"
    Image.new("RGB", (120, 80), (200, 40, 40)).save(shot)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 a receipt\n")
    return journal_env, shot, receipt


def attached_events(db) -> list[dict]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT seq, stream, payload FROM events WHERE type = 'attached'")
        return [{"seq": s, "trade": t, **json.loads(p)} for s, t, p in rows]


def test_attach_keeps_each_file_by_its_hash_in_a_private_folder(trade, ok) -> None:
    db, shot, receipt = trade
    out = json.loads(ok("attach", "T1", shot, receipt, "--json"))
    folder = db.with_name(db.name + ".attachments")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted([sha(shot), sha(receipt)])
    for name in kept:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == name
    events = attached_events(db)
    assert [(e["name"], e["sha256"], e["size"], e["media_type"]) for e in events] == [
        ("取引画面.png", sha(shot), shot.stat().st_size, "image/png"),
        ("receipt.pdf", sha(receipt), receipt.stat().st_size, "application/pdf"),
    ]
    assert [a["seq"] for a in out["attached"]] == [e["seq"] for e in events]
    verified = json.loads(ok("verify", "--json"))
    assert verified["ok"] is True and verified["attachments"] == {"checked": 2, "problems": []}


def test_the_chain_covers_the_recorded_hash(trade, ok, run) -> None:
    db, shot, _receipt = trade
    ok("attach", "T1", shot)
    event = attached_events(db)[0]  # the recorded hash changed behind the journal's back
    seq = event.pop("seq")
    del event["trade"]
    forged = json.dumps(event | {"sha256": "0" * 64}, ensure_ascii=False)
    raw_sql(db, ("UPDATE events SET payload = ? WHERE seq = ?", (forged, seq)))
    result = run("verify")
    assert result.code == EXIT_DAMAGED
    assert f"#{seq}" in result.err


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_verify_names_a_changed_or_missing_file(trade, ok, run, damage) -> None:
    db, shot, receipt = trade
    ok("attach", "T1", shot, receipt)
    kept = db.with_name(db.name + ".attachments") / sha(receipt)
    if damage == "changed":
        kept.write_bytes(b"%PDF-1.4 another receipt\n")
    else:
        kept.unlink()
    result = run("verify")
    assert result.code == EXIT_DAMAGED
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "receipt.pdf" in lines[0] and sha(receipt) in lines[0] and damage in lines[0]
    assert "取引画面.png" not in result.err
    data = run("verify", "--json").json()
    assert data["ok"] is False
    assert [(p["name"], p["problem"]) for p in data["attachments"]["problems"]] == [
        ("receipt.pdf", damage)
    ]
    assert run("verify", "--log-only").code == 0  # the log itself is intact


def test_attaching_the_original_again_restores_a_changed_file(trade, ok, run) -> None:
    db, shot, _receipt = trade
    ok("attach", "T1", shot)
    kept = db.with_name(db.name + ".attachments") / sha(shot)
    kept.write_bytes(b"not the screenshot")
    assert run("verify").code == EXIT_DAMAGED
    ok("attach", "T1", shot)
    assert kept.read_bytes() == shot.read_bytes()
    ok("verify")


def _nothing_written(db, before: int) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
    folder = db.with_name(db.name + ".attachments")
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.parametrize("bad", ["missing", "folder", "fifo", "unknown trade"])
def test_bad_input_is_one_line_and_nothing_is_written(trade, run, tmp_path, bad) -> None:
    db, shot, _receipt = trade
    names = {
        "missing": [shot, tmp_path / "nowhere.png"],
        "folder": [shot, tmp_path],
        "fifo": [shot, tmp_path / "pipe"],
        "unknown trade": [shot],
    }[bad]
    if bad == "fifo":
        os.mkfifo(tmp_path / "pipe")
    result = run("attach", "T9" if bad == "unknown trade" else "T1", *names)
    assert result.code == EXIT_BAD_INPUT
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    _nothing_written(db, 3)


def test_a_voided_attachment_stays_in_the_history(trade, ok) -> None:
    db, shot, _receipt = trade
    ok("attach", "T1", shot)
    seq = attached_events(db)[0]["seq"]
    ok("void", str(seq), "--reason", "wrong trade")
    ok("verify")
    assert "attached" in ok("log", "T1")


def test_backup_carries_the_attachments(trade, ok, tmp_path) -> None:
    _db, shot, receipt = trade
    ok("attach", "T1", shot, receipt)
    target = tmp_path / "backups" / "b.sqlite"
    target.parent.mkdir()
    ok("backup", target)
    kept = target.with_name("b.sqlite.attachments")
    assert sorted(p.name for p in kept.iterdir()) == sorted([sha(shot), sha(receipt)])
    assert json.loads(ok("verify", "--db", target, "--json"))["ok"] is True


def test_export_and_import_carry_the_attachments(trade, ok, run, tmp_path) -> None:
    _db, shot, receipt = trade
    ok("attach", "T1", shot, receipt)
    export = tmp_path / "out" / "journal.jsonl"
    export.parent.mkdir()
    ok("export", "-o", export)
    beside = export.with_name("journal.jsonl.attachments")
    assert sorted(p.name for p in beside.iterdir()) == sorted([sha(shot), sha(receipt)])
    restored = tmp_path / "restored.sqlite"
    ok("import", export, "--db", restored)
    assert sorted(p.name for p in restored.with_name("restored.sqlite.attachments").iterdir()) == (
        sorted([sha(shot), sha(receipt)])
    )
    ok("verify", "--db", restored)
    # an export whose folder lost a file: the import restores the log, verify names the file
    (beside / sha(receipt)).unlink()
    again = tmp_path / "again.sqlite"
    ok("import", export, "--db", again)
    result = run("verify", "--db", again)
    assert result.code == EXIT_DAMAGED and "receipt.pdf" in result.err


def test_copy_carries_the_attachments(trade, ok, tmp_path) -> None:
    _db, shot, _receipt = trade
    ok("attach", "T1", shot)
    target = tmp_path / "copy.sqlite"
    ok("copy", "--to", target)
    assert [p.name for p in target.with_name("copy.sqlite.attachments").iterdir()] == [sha(shot)]
    ok("verify", "--db", target)


def test_an_import_refuses_a_forged_attachment_payload(trade, ok, run, tmp_path) -> None:
    _db, shot, _receipt = trade
    ok("attach", "T1", shot)
    export = tmp_path / "journal.jsonl"
    ok("export", "-o", export)
    lines = export.read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        if '"attached"' in line:
            lines[number] = line.replace(sha(shot), "not a hash")
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(lines) + "\n", "utf-8")
    result = run("import", forged, "--db", tmp_path / "forged.sqlite")
    assert result.code == EXIT_BAD_INPUT and "sha256" in result.err


def test_an_export_to_standard_output_says_it_left_the_attachments(trade, ok, run) -> None:
    _db, shot, _receipt = trade
    quiet = run("export")
    assert quiet.code == 0 and quiet.err == ""  # no attachment: nothing to say
    ok("attach", "T1", shot)
    loud = run("export")
    assert loud.code == 0
    assert loud.out.splitlines()[0].startswith('{"format"')  # the export itself, unchanged
    assert len(loud.err.strip().splitlines()) == 1 and "-o FILE" in loud.err
