"""`copy --to`, `export` and `import` carry the sent-reminder records, so the real daemon
on the moved journal (a PostgreSQL server, or a file) does not deliver again what was
delivered; old (version 1) exports still import; damaged record lines are refused."""

import json
import sys
from pathlib import Path

import pytest
from pg_server import psql
from test_daemon_e2e import NOTIFIER, _notes

from tests.conftest import journal_process

pytestmark = pytest.mark.slow


@pytest.fixture
def delivered(tmp_path) -> tuple[dict[str, str], Path]:
    """A journal file whose daemon delivered one reminder (and recorded it)."""
    script = tmp_path / "notify.py"
    script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    config = tmp_path / "config.toml"
    # A warning 2 h ahead of a hold of 1 h: due at once, when the hold is recorded.
    config.write_text('[reminders]\nhold_expiry = ["2h"]\n', encoding="utf-8")
    env = {
        "JOURNAL_DB": str(tmp_path / "local.sqlite"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(tmp_path / "notes.jsonl"),
    }
    _ok(env, "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
    _ok(env, "add", "hold", "T1", "--buyer", "はな", "--until", "+1h")
    _once(env, script)
    assert [(n["trade"], n["kind"]) for n in _notes(tmp_path / "notes.jsonl")] == [
        ("T1", "hold_expiry")
    ]
    return env, script


def _ok(env: dict[str, str], *args: str) -> str:
    done = journal_process(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _once(env: dict[str, str], script: Path) -> None:
    """The real daemon, one delivery pass (as cron runs it)."""
    _ok(env, "daemon", "--once", "--notifier", "command", "--command", str(script))


def _sent(env: dict[str, str]) -> list[tuple]:
    listed = json.loads(_ok(env, "reminders", "--json"))
    return sorted((s["trade"], s["kind"], s["due"]) for s in listed["sent"])


def test_copy_to_a_server_carries_the_sent_records_and_its_daemon_does_not_repeat(
    delivered, pg_url, tmp_path
):
    env, script = delivered
    copied = json.loads(_ok(env, "copy", "--to", pg_url, "--json"))
    assert copied["events"] == 2 and copied["reminders_sent"] == 1
    said = _ok(env, "copy", "--to", str(tmp_path / "second.sqlite"))
    assert "1 sent-reminder records" in said

    server, name = pg_url.rsplit("/", 1)
    assert psql(server, name, "SELECT trade, kind, offset_s FROM reminders_sent").split() == [
        "T1|hold_expiry|7200"
    ]
    on_server = {**env, "JOURNAL_DB": pg_url}
    _once(on_server, script)  # the old copy had no records: the reminder came again
    assert len(_notes(tmp_path / "notes.jsonl")) == 1
    assert _sent(on_server) == _sent(env)

    back = {**env, "JOURNAL_DB": str(tmp_path / "back.sqlite")}
    assert (
        json.loads(_ok(on_server, "copy", "--to", back["JOURNAL_DB"], "--json"))["reminders_sent"]
        == 1
    )
    _once(back, script)
    assert len(_notes(tmp_path / "notes.jsonl")) == 1


def test_export_and_import_carry_the_sent_records_byte_for_byte(delivered, pg_url, tmp_path):
    env, script = delivered
    exported = tmp_path / "out.jsonl"
    _ok(env, "export", "-o", str(exported))
    lines = exported.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert (header["version"], header["events"], header["reminders_sent"]) == (3, 2, 1)
    record = json.loads(lines[-1])["reminder_sent"]
    assert (record["trade"], record["kind"], record["how"]) == ("T1", "hold_expiry", "on_time")

    on_server = {**env, "JOURNAL_DB": pg_url}
    restored = json.loads(_ok(on_server, "import", str(exported), "--json"))
    assert restored["reminders_sent"] == 1 and restored["head"] == header["head"]
    assert json.loads(_ok(on_server, "verify", "--json"))["head"] == header["head"]
    _once(on_server, script)
    assert len(_notes(tmp_path / "notes.jsonl")) == 1  # not delivered again
    again = tmp_path / "again.jsonl"
    _ok(on_server, "export", "-o", str(again))
    assert again.read_bytes() == exported.read_bytes()
    backup = tmp_path / "server-backup.jsonl"  # a server's backup is an export: records too
    _ok(on_server, "backup", str(backup))
    assert backup.read_bytes() == exported.read_bytes()


def test_an_export_of_the_first_format_still_imports(delivered, tmp_path):
    env, script = delivered
    exported = tmp_path / "out.jsonl"
    _ok(env, "export", "-o", str(exported))
    lines = exported.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    old = json.dumps({k: header[k] for k in ("format", "events", "head")} | {"version": 1})
    lines = [x for x in lines if not x.startswith('{"personal_key"')]  # version 3's keys
    first = tmp_path / "v1.jsonl"
    first.write_text("\n".join([old, *lines[1:-1]]) + "\n", encoding="utf-8")
    target = {**env, "JOURNAL_DB": str(tmp_path / "from-v1.sqlite")}
    restored = json.loads(_ok(target, "import", str(first), "--json"))
    assert (restored["events"], restored["reminders_sent"]) == (2, 0)
    assert _ok(target, "verify").startswith("the journal is intact")
    # …but a version 1 file holds events only: a record line there is not an event
    mixed = tmp_path / "v1-mixed.jsonl"
    mixed.write_text("\n".join([old, *lines[1:]]) + "\n", encoding="utf-8")
    refused = journal_process("import", str(mixed), env={**env, "JOURNAL_DB": str(tmp_path / "m")})
    assert refused.returncode == 2 and "line 4: not an event line" in refused.stderr


def _edited(lines: list[str], change) -> list[str]:
    record = json.loads(lines[-1])
    change(record["reminder_sent"])
    return [*lines[:-1], json.dumps(record, ensure_ascii=False)]


@pytest.mark.parametrize(
    "edit, why",
    [
        (lambda ls: ls[:-1], "does not end where its header says"),
        (lambda ls: [*ls, ls[-1]], "does not end where its header says"),
        (
            lambda ls: [ls[0].replace('"reminders_sent":1', '"reminders_sent":2'), *ls[1:], ls[-1]],
            "duplicate sent-reminder record",
        ),
        (lambda ls: _edited(ls, lambda r: r.update(how="twice")), "bad sent-reminder how"),
        (lambda ls: _edited(ls, lambda r: r.update(due="tomorrow")), "bad sent-reminder due"),
        (lambda ls: _edited(ls, lambda r: r.update(offset_s="7200")), "bad sent-reminder offset"),
        (lambda ls: _edited(ls, lambda r: r.update(trade="T1\x1b[2J")), "bad sent-reminder trade"),
        (lambda ls: _edited(ls, lambda r: r.pop("notifier")), "not a sent-reminder record"),
    ],
)
def test_a_damaged_record_line_is_refused_and_nothing_is_imported(delivered, tmp_path, edit, why):
    env, _script = delivered
    exported = tmp_path / "out.jsonl"
    _ok(env, "export", "-o", str(exported))
    lines = edit(exported.read_text(encoding="utf-8").splitlines())
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    refused = journal_process("import", str(exported), env={**env, "JOURNAL_DB": str(target)})
    assert refused.returncode == 2, refused.stderr
    assert why in refused.stderr and refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr
    assert not target.exists()
