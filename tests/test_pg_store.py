"""The journal on a real PostgreSQL server: the guards in the database itself, clear
errors for an unreachable server or a refused login (passwords never shown), and the
log's files (export, import, backup, verify) the same as on SQLite."""

import json
import subprocess

import pytest
from conftest import journal_process
from pg_server import psql

from journal.storage.store import HEAD_REVISION

pytestmark = pytest.mark.slow  # a PostgreSQL server and the journal as child processes

ENV = {"JOURNAL_TZ": "Asia/Tokyo", "JOURNAL_LANG": "en"}
LISTED = ["add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500"]


def journal(db, *args: str, tmp_path=None) -> subprocess.CompletedProcess:
    env = {**ENV, "JOURNAL_DB": str(db)}
    if tmp_path is not None:
        env["JOURNAL_CONFIG"] = str(tmp_path / "config.toml")
    return journal_process(*args, env=env)


def ok(db, *args: str) -> str:
    done = journal(db, *args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def split(url: str) -> tuple[str, str]:
    server, name = url.rsplit("/", 1)
    return server, name


@pytest.mark.parametrize(
    "sql", ["UPDATE events SET type = 'x'", "DELETE FROM events", "TRUNCATE events"]
)
def test_the_database_refuses_to_change_or_remove_events(pg_url, sql):
    ok(pg_url, *LISTED)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        psql(*split(pg_url), sql)
    assert "events are append-only" in refused.value.stderr
    assert psql(*split(pg_url), "SELECT count(*), min(type) FROM events").strip() == "1|listed"


def test_a_second_event_with_the_same_stream_version_is_refused(pg_url):
    ok(pg_url, *LISTED)
    copy = (
        "INSERT INTO events SELECT seq + 1, event_id || 'x', stream, version, type,"
        " schema_version, payload, occurred_at, recorded_at, hash, hash FROM events"
    )
    with pytest.raises(subprocess.CalledProcessError) as refused:
        psql(*split(pg_url), copy)
    assert "events_stream_version_key" in refused.value.stderr


def test_an_unreachable_server_is_one_line_exit_2_password_masked(pg_server):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    done = journal(f"postgresql://journal:s3cr3t@127.0.0.1:{port}/x", "list")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("journal: cannot reach the journal database ")
    assert done.stderr.count("\n") == 1
    assert "s3cr3t" not in done.stderr and "journal:***@" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_refused_login_is_one_line_exit_2_password_masked(pg_server):
    server = pg_server.split("://", 1)[1].split("@", 1)[1]
    # The test cluster trusts every login it knows: a role it does not know is refused.
    done = journal(f"postgresql://nobody:hunter2@{server}/postgres", "list")
    assert done.returncode == 2
    assert done.stderr.startswith("journal: the journal database postgresql://nobody:***@")
    assert done.stderr.count("\n") == 1
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr


def test_a_missing_journal_is_not_created_by_verify(pg_url):
    done = journal(pg_url, "verify")
    assert done.returncode == 2 and "there is no journal at" in done.stderr
    tables = psql(*split(pg_url), "SELECT count(*) FROM pg_tables WHERE schemaname='public'")
    assert tables.strip() == "0"


def test_a_refused_step_leaves_no_gap_in_seq(pg_url):
    ok(pg_url, *LISTED)
    refused = journal(pg_url, "add", "paid", "T1")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    ok(pg_url, "add", "note", "T1", "--note", "after")
    rows = psql(*split(pg_url), "SELECT seq, version FROM events ORDER BY seq")
    assert rows.split() == ["1|1", "2|2"]


def test_export_import_verify_and_backup_match_sqlite(pg_url, tmp_path):
    local = tmp_path / "local.sqlite"
    ok(local, *LISTED)
    ok(local, "add", "sold", "T1", "--buyer", "b")
    ok(local, "add", "note", "T1", "--note", "引っ越し")
    exported = tmp_path / "local.jsonl"
    ok(local, "export", "-o", str(exported))
    restored = json.loads(ok(pg_url, "import", str(exported), "--json"))
    assert restored["events"] == 3
    verified = json.loads(ok(pg_url, "verify", "--json"))
    assert verified["events"] == 3 and verified["head"] == restored["head"]
    again = tmp_path / "server.jsonl"
    ok(pg_url, "export", "-o", str(again))
    assert again.read_bytes() == exported.read_bytes()
    assert ok(pg_url, "show", "T1", "--json") == ok(local, "show", "T1", "--json")
    backup = tmp_path / "server-backup.jsonl"
    made = json.loads(ok(pg_url, "backup", str(backup), "--json"))
    assert made["events"] == 3 and made["head"] == restored["head"]
    assert backup.read_bytes() == exported.read_bytes()
    into = journal(pg_url, "import", str(exported))
    assert into.returncode == 2 and "already holds events" in into.stderr


def test_the_config_file_can_name_the_server(pg_url, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'database = "{pg_url}"\n', encoding="utf-8")
    env = {**ENV, "JOURNAL_DB": "", "JOURNAL_CONFIG": str(config)}
    added = journal_process(*LISTED, env=env)
    assert added.returncode == 0 and added.stdout.strip() == "T1", added.stderr
    assert psql(*split(pg_url), "SELECT stream FROM events").strip() == "T1"
    local = tmp_path / "first.sqlite"
    assert journal_process("--db", str(local), *LISTED, env=env).returncode == 0
    assert psql(*split(pg_url), "SELECT count(*) FROM events").strip() == "1"


def test_daemon_install_names_the_server_journal(pg_url, tmp_path):
    env = {
        **ENV,
        "JOURNAL_DB": pg_url,
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
    }
    done = journal_process("daemon", "install", "--json", env=env)
    if "launchctl" in done.stdout:
        pytest.skip("a macOS agent: the systemd unit is checked on Linux")
    assert done.returncode == 0, done.stderr
    unit = (tmp_path / "xdg" / "systemd" / "user" / "trade-journal.service").read_text()
    assert f"daemon --db {pg_url}" in unit


def test_the_migrations_go_down_and_up_again_on_postgres(pg_url, tmp_path):
    import sys

    from conftest import ROOT

    ok(pg_url, *LISTED)

    def alembic(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
            + ["-x", f"db={pg_url}", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr

    server, name = split(pg_url)
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    alembic("downgrade", "base")
    assert psql(server, name, tables).strip() == "1"  # alembic_version alone
    alembic("upgrade", "head")
    assert psql(server, name, "SELECT version_num FROM alembic_version").strip() == HEAD_REVISION
    assert ok(pg_url, "list", "--json") == "[]\n"
    with pytest.raises(subprocess.CalledProcessError):
        psql(server, name, "TRUNCATE events")


@pytest.mark.parametrize(
    "url", ["postgresql://me:pw1@[::1/x", "postgresql://me:pw1@host:notaport/x"]
)
def test_a_malformed_url_is_one_line_exit_2(url, tmp_path):
    done = journal(url, "list", tmp_path=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("journal: ") and done.stderr.count("\n") == 1
    assert "not a usable PostgreSQL URL" in done.stderr
    assert "pw1" not in done.stderr and "Traceback" not in done.stderr


def test_verify_finds_an_event_edited_behind_the_triggers(pg_url):
    ok(pg_url, *LISTED)
    ok(pg_url, "add", "sold", "T1", "--buyer", "b")
    # A tamperer who owns the database disables the guard and lowers the price.
    psql(
        *split(pg_url),
        "ALTER TABLE events DISABLE TRIGGER events_no_update;"
        " UPDATE events SET payload = replace(payload, '2500', '250') WHERE seq = 1;"
        " ALTER TABLE events ENABLE TRIGGER events_no_update;",
    )
    done = journal(pg_url, "verify")
    assert done.returncode == 4, done.stderr  # the documented status for a damaged journal
    assert done.stderr.count("\n") == 1
    assert "#1" in done.stderr and "changed after it was written" in done.stderr
