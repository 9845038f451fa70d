"""The everyday commands on a current SQLite journal import neither SQLAlchemy nor Alembic,
nor the web stack that only `journal serve` needs (Starlette, Jinja2, uvicorn, …).

Importing SQLAlchemy cost each command about two thirds of its time; it is now imported only
to create or upgrade a journal's schema (Alembic) and for a PostgreSQL journal. Each command
runs in a fresh process through the real `cli.main`, and the modules it loaded are listed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Imported only by `journal serve` (journal/commands/serve.py and journal/web/).
WEB = ("starlette", "jinja2", "uvicorn", "itsdangerous", "multipart", "python_multipart", "segno")
CHILD = (
    f"WEB = {WEB!r}\n"
    + """
import json, sys
import cli
try:
    code = cli.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic"))
web = sorted(m for m in sys.modules if m.split(".")[0] in WEB)
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "heavy": heavy, "web": web}) + "\\n")
"""
)


def _run(db: Path, *args: str) -> tuple[int, list[str], str]:
    code, heavy, out, _web = _run_all(db, *args)
    return code, heavy, out


def _run_all(db: Path, *args: str, prelude: str = "") -> tuple[int, list[str], str, list[str]]:
    env = {**os.environ, "JOURNAL_DB": str(db), "JOURNAL_LANG": "en", "NO_COLOR": "1"}
    env.pop("JOURNAL_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", prelude + CHILD, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    found = json.loads(line.removeprefix("MODULES "))
    return found["code"], found["heavy"], done.stdout, found["web"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "journal.sqlite"
    code, heavy, _ = _run(
        path, "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500"
    )
    assert code == 0
    # Creating the journal runs the Alembic migrations: that one command does import them.
    assert "alembic" in heavy and "sqlalchemy" in heavy
    return path


EVERYDAY = [
    ("list",),
    ("list", "--json"),
    ("upcoming",),
    ("show", "T1"),
    ("log",),
    ("rules",),
    ("money",),
    ("reminders",),
    ("items",),
    ("config",),
    ("--help",),
    ("add", "--help"),
    ("add", "message", "T1", "--note", "こんにちは"),
    ("add", "sold", "T1", "--buyer", "b"),
    ("show", "T404"),  # an error is no reason to load them either
]


@pytest.mark.parametrize("args", EVERYDAY, ids=" ".join)
def test_an_everyday_command_does_not_import_sqlalchemy_or_alembic(db, args):
    code, heavy, _out, web = _run_all(db, *args)
    assert code in (0, 1, 2)
    assert heavy == []
    assert web == []


def test_serve_loads_the_web_stack_only_when_it_serves_and_the_check_sees_it(db):
    code, _heavy, _out, web = _run_all(db, "serve", "--port", "70000")
    assert code == 2 and web == []  # a refused port: refused before the stack is needed
    code, _heavy, _out, web = _run_all(db, "serve", "--help")
    assert code == 0 and web == []
    code, _heavy, _out, web = _run_all(db, "list", prelude="import journal.web.app\n")
    assert code == 0 and {"starlette", "jinja2"} <= {m.split(".")[0] for m in web}


def test_the_check_sees_an_import(db, tmp_path):
    # A new journal must be migrated: the same check then lists both libraries.
    code, heavy, _ = _run(tmp_path / "new.sqlite", "list")
    assert code == 0
    assert any(m.startswith("alembic") for m in heavy)
    assert any(m.startswith("sqlalchemy") for m in heavy)
