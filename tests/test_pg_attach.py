"""Attachments of a journal on a PostgreSQL server: it has no "beside", so they go to the
folder the config names (`[attachments] folder`); without one `attach` is refused and
nothing is written. `copy --to` a file carries them beside the new file."""

import hashlib
import json

import pytest
from test_pg_store import LISTED, journal

pytestmark = pytest.mark.slow  # a PostgreSQL server and the journal as child processes

EXIT_BAD_INPUT, EXIT_DAMAGED = 2, 4


def test_a_server_journal_keeps_attachments_where_the_config_says(pg_url, tmp_path) -> None:
    def run(*args: str):
        return journal(pg_url, *args, tmp_path=tmp_path)

    assert run(*LISTED).returncode == 0
    shot = tmp_path / "screen.png"
    shot.write_bytes(b"\x89PNG a screenshot")
    digest = hashlib.sha256(shot.read_bytes()).hexdigest()

    refused = run("attach", "T1", str(shot))
    assert refused.returncode == EXIT_BAD_INPUT
    assert "[attachments] folder" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert json.loads(run("log", "T1", "--json").stdout)[-1]["type"] == "listed"

    folder = tmp_path / "shared" / "evidence"
    (tmp_path / "config.toml").write_text(f'[attachments]\nfolder = "{folder}"\n', "utf-8")
    done = run("attach", "T1", str(shot), "--json")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in folder.iterdir()] == [digest]
    assert json.loads(run("verify", "--json").stdout)["ok"] is True

    (folder / digest).unlink()
    damaged = run("verify")
    assert damaged.returncode == EXIT_DAMAGED and "screen.png" in damaged.stderr

    shot_back = folder / digest
    shot_back.write_bytes(shot.read_bytes())
    local = tmp_path / "local.sqlite"
    assert run("copy", "--to", str(local)).returncode == 0
    assert [p.name for p in (tmp_path / "local.sqlite.attachments").iterdir()] == [digest]


def test_copy_of_a_file_journal_to_a_server_needs_its_folder(pg_url, tmp_path) -> None:
    local = tmp_path / "local.sqlite"

    def run(db, *args: str):
        return journal(db, *args, tmp_path=tmp_path)

    assert run(local, *LISTED).returncode == 0
    shot = tmp_path / "screen.png"
    shot.write_bytes(b"\x89PNG a screenshot")
    assert run(local, "attach", "T1", str(shot)).returncode == 0

    refused = run(local, "copy", "--to", pg_url)
    assert refused.returncode == EXIT_BAD_INPUT and len(refused.stderr.splitlines()) == 1
    assert json.loads(run(pg_url, "search", "--json").stdout) == []  # nothing was copied

    folder = tmp_path / "evidence"
    (tmp_path / "config.toml").write_text(f'[attachments]\nfolder = "{folder}"\n', "utf-8")
    assert run(local, "copy", "--to", pg_url).returncode == 0
    assert [p.name for p in folder.iterdir()] == [hashlib.sha256(shot.read_bytes()).hexdigest()]
    assert json.loads(run(pg_url, "verify", "--json").stdout)["attachments"]["checked"] == 1
