"""Shared fixtures: a real journal file per test, and the real `journal` command in-process."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pg_server import engine_journal, pg_server, pg_url  # noqa: F401 - PostgreSQL fixtures

import cli

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory):
    """The per-user cache folder (the parsed rule packs) inside the test run, not ~/.cache."""
    folder = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture
def journal_env(tmp_path, monkeypatch):
    """A fresh journal file, Tokyo display time, English messages, no user config."""
    db = tmp_path / "journal.sqlite"
    monkeypatch.setenv("JOURNAL_DB", str(db))
    monkeypatch.setenv("JOURNAL_TZ", "Asia/Tokyo")
    monkeypatch.setenv("JOURNAL_LANG", "en")
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "config.toml"))
    return db


def in_process(capsys):
    """`journal ARGS…` run in-process (so freezegun applies) against whatever JOURNAL_DB the
    caller's fixtures set; returns code, stdout, stderr."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def run(journal_env, capsys):
    """Run `journal ARGS…` in-process on a fresh journal file."""
    return in_process(capsys)


@pytest.fixture
def ok(run):
    """Like `run`, but the command must succeed; returns its stdout."""

    def _ok(*args: str) -> str:
        result = run(*args)
        assert result.code == 0, (args, result.err)
        return result.out.strip()

    return _ok


def journal_process(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run the real installed `journal` command in a child process."""
    full_env = {**os.environ, **(env or {})}
    exe = Path(sys.executable).with_name("journal")
    command = [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]
    return subprocess.run(
        [*command, *args], env=full_env, capture_output=True, text=True, timeout=120, **kwargs
    )
