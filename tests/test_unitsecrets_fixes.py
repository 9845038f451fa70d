"""`daemon install` writes a unit systemd reads as meant and no password; `daemon status`
reads any unit without crashing; no piece of a secret in any message, log or written file;
one year range (2000–2100) for every period option. All through the real `journal`
command in a child process, with a private HOME and XDG_CONFIG_HOME (no real unit touched).
"""

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = Path("systemd") / "user" / "trade-journal.service"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the systemd unit is Linux's")


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env["HOME"],
    )


def unit_of(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / UNIT


def everything_written(env: dict[str, str], *done: subprocess.CompletedProcess) -> str:
    """Every output of the commands and every file the test's folder holds (but the config
    file the secret was put in), as text."""
    texts = [d.stdout + d.stderr for d in done]
    for path in Path(env["HOME"]).parent.rglob("*"):
        if path.is_file() and str(path) != env["JOURNAL_CONFIG"]:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def one_line_refusal(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


# --- 15. secrets ---------------------------------------------------------------------------


@pytest.mark.parametrize("place", ["config", "JOURNAL_DB"])
def test_install_never_copies_a_database_password(env, place) -> None:
    url = "postgresql://journal:TopSecret1@db.example.invalid/journal"
    if place == "config":
        Path(env["JOURNAL_CONFIG"]).write_text(f'database = "{url}"\n')
        env.pop("JOURNAL_DB")
    else:
        env["JOURNAL_DB"] = url
    done = journal(env, "daemon", "install")
    assert done.returncode == 0, done.stderr
    unit = unit_of(env).read_text()
    assert "daemon --db postgresql://journal@db.example.invalid/journal\n" in unit
    assert "~/.pgpass" in done.stdout
    assert "db.example.invalid:5432:journal:journal:PASSWORD" in done.stdout
    status = journal(env, "daemon", "status")
    as_json = journal(env, "daemon", "install", "--json")
    assert json.loads(as_json.stdout)["pgpass"].endswith(":journal:journal:PASSWORD")
    assert "TopSecret1" not in everything_written(env, done, status, as_json)
    assert unit_of(env).is_file()  # the unit was among the files searched


@pytest.mark.slow
def test_a_server_journals_password_is_nowhere_but_where_it_was_put(env, pg_url) -> None:
    """The test server trusts its loopback logins, so any password logs in: planted here,
    it must not come out of any command, log (`-v` included) or file."""
    assert pg_url.startswith("postgresql://journal@"), pg_url
    env["JOURNAL_DB"] = pg_url.replace("journal@", "journal:TopSecret9@", 1)
    done = [
        journal(env, "add", "listed", "--platform", "mercari", "--title", "x", "--price", "9"),
        journal(env, "daemon", "--once", "-v", "--notifier", "console"),
        journal(env, "daemon", "install"),
        journal(env, "daemon", "status", "--json"),
        journal(env, "config", "--json"),
    ]
    assert [d.returncode for d in done] == [0] * 5, [d.stderr for d in done]
    assert "TopSecret9" not in everything_written(env, *done)
    assert f"--db {pg_url}\n" in unit_of(env).read_text()


class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.hits += 1  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Sink)
    server.hits = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_verbose_daemon_logs_no_push_token(env, sink) -> None:
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", "knit", "--price", "900"]
        + ["--ship-days", "1-2", "--at", "-3d"],
        ["add", "sold", "T1", "--buyer", "ken", "--at", "-2d"],
        ["add", "paid", "T1", "--at", "-46h"],  # the 3 h shipping warning is due now
    ):
        assert journal(env, *args).returncode == 0
    url = f"json://127.0.0.1:{sink.server_port}/TopSecret2Token"
    done = journal(env, "daemon", "--once", "-v", "--notifier", "apprise", "--url", url)
    assert done.returncode == 0, done.stderr
    assert sink.hits == 1  # the request was made: its path was there to be logged
    assert "TopSecret2Token" not in everything_written(env, done)


def test_a_push_url_with_a_slash_in_its_password_is_refused_without_it(env) -> None:
    url = "mailto://john.doe:TopSecret3.part/rest@gmail.com"
    done = journal(env, "daemon", "--once", "--notifier", "apprise", "--url", url)
    one_line_refusal(done)
    assert "TopSecret3" not in everything_written(env, done) and "john.doe" not in done.stderr
    assert "mailto://" in done.stderr


@pytest.mark.parametrize("password", ["Top@Secret4", "Top/Secret5", "Top?Secret6"])
def test_no_piece_of_a_database_password_holding_a_separator_is_shown(env, password) -> None:
    url = f"postgresql://journal:{password}@127.0.0.1:9/db"
    done = journal(env, "--db", url, "list")
    one_line_refusal(done)
    assert password[4:] not in everything_written(env, done) and "Top" not in done.stderr
    assert "postgresql://journal:***@127.0.0.1:9/db" in done.stderr


# --- 16. unit escaping ---------------------------------------------------------------------


def verify(unit: Path) -> None:
    """systemd's own reading of the unit (the callers skip without systemd-analyze)."""
    done = subprocess.run(
        [ANALYZE or "systemd-analyze", "verify", str(unit)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Unbalanced" not in done.stderr and "ignoring" not in done.stderr


ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


@needs_analyze
@pytest.mark.parametrize(
    "name", ["o'brien.sqlite", 'say "hi" 100%h $HOME \\.sqlite', "日記.sqlite"]
)
def test_systemd_analyze_verifies_the_written_unit(env, tmp_path, name) -> None:
    env["JOURNAL_DB"] = str(tmp_path / name)
    done = journal(env, "daemon", "install")
    assert done.returncode == 0, done.stderr
    verify(unit_of(env))


def test_a_journal_path_with_quote_specifier_variable_and_backslash(env, tmp_path) -> None:
    env["JOURNAL_DB"] = str(tmp_path / "o'brien 100%h$HOME \\x.sqlite")
    done = journal(env, "daemon", "install")
    assert done.returncode == 0, done.stderr
    unit = unit_of(env)
    command = next(x for x in unit.read_text().splitlines() if x.startswith("ExecStart="))
    # systemd.service(5): in double quotes `\\` is one backslash, `%%` one %, `$$` one $
    expected = str(tmp_path / "o'brien 100%%h$$HOME \\\\x.sqlite")
    assert command.endswith(f' daemon --db "{expected}"'), command
    assert "RestartPreventExitStatus=2" in unit.read_text()
    status = journal(env, "daemon", "status", "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert (
        data["program"] == json.loads(journal(env, "daemon", "install", "--json").stdout)["program"]
    )
    assert data["program_exists"] is True and data["service_unreadable"] is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JOURNAL_DB", "x\nExecStartPre=/bin/touch\t/tmp/PWNED\n#.sqlite"),
        ("JOURNAL_DB", "tab\there.sqlite"),
        ("JOURNAL_CONFIG", "c\nExecStartPre=/bin/true\n#.toml"),
        ("JOURNAL_TZ", "Mars/Olympus"),
        ("JOURNAL_TZ", "Asia/Tokyo\nExecStartPre=/bin/true"),
    ],
)
def test_what_cannot_be_written_is_refused_and_nothing_written(env, tmp_path, name, value) -> None:
    env[name] = str(tmp_path / value) if name == "JOURNAL_DB" else value
    done = journal(env, "daemon", "install")
    one_line_refusal(done)
    assert not unit_of(env).exists()
    assert not Path(env["XDG_CONFIG_HOME"]).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # no journal either


def test_the_language_is_written_as_the_language_in_force(env) -> None:
    env["JOURNAL_LANG"] = 'en"\nExecStartPre=/bin/true\n#'
    done = journal(env, "daemon", "install")
    assert done.returncode == 0, done.stderr
    text = unit_of(env).read_text()
    assert 'Environment="JOURNAL_LANG=en"\n' in text and "ExecStartPre" not in text


# --- 18. daemon status on any unit ---------------------------------------------------------


def _status_on(env: dict[str, str], content: bytes) -> tuple[subprocess.CompletedProcess, dict]:
    unit = unit_of(env)
    unit.parent.mkdir(parents=True, exist_ok=True)
    unit.write_bytes(content)
    done = journal(env, "daemon", "status")
    assert done.returncode == 0, done.stderr
    as_json = journal(env, "daemon", "status", "--json")
    assert as_json.returncode == 0, as_json.stderr
    return done, json.loads(as_json.stdout)


@pytest.mark.parametrize(
    ("content", "reason", "said"),
    [
        (
            b"[Service]\nExecStart=/usr/bin/journal daemon --db /h/o'brien.sqlite\n",
            "quoting",
            "quotes",
        ),
        (b"[Service]\nExecStart=\n", "no_command", "no command"),
        (b"[Service]\nExecStart=/usr/bin/jo\xffurnal daemon\n", "not_utf8", "UTF-8"),
    ],
)
def test_status_says_why_a_unit_cannot_be_read(env, content, reason, said) -> None:
    done, data = _status_on(env, content)
    assert data["service_unreadable"] == reason and data["program"] is None
    assert said in done.stdout and "journal daemon install" in done.stdout


def test_status_drops_systemds_prefix_characters(env) -> None:
    done, data = _status_on(env, b"[Service]\nExecStart=-/bin/sh -c true\n")
    assert data["program"] == "/bin/sh" and data["program_exists"] is True
    assert "no longer exists" not in done.stdout


# --- 18. one range for every period option --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("money", "--month", "9999-12"),
        ("money", "--month", "0001-01"),
        ("money", "--month", "2101-01"),
        ("money", "--month", "1999-12"),
        ("money", "--year", "2101"),
        ("export", "--format", "csv", "--year", "0"),
        ("export", "--format", "csv", "--year", "99999999999999999999"),
        ("export", "--format", "csv", "--year", "2101", "-o", "out.csv"),
    ],
)
def test_every_period_option_takes_2000_to_2100(env, args) -> None:
    added = journal(env, "add", "listed", "--platform", "mercari", "--title", "x", "--price", "9")
    assert added.returncode == 0, added.stderr
    done = journal(env, *args)
    one_line_refusal(done)
    assert "2000" in done.stderr and "2100" in done.stderr
    assert not (Path(env["HOME"]) / "out.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("money", "--month", "2000-01"),
        ("money", "--month", "2100-12"),
        ("export", "--format", "csv", "--year", "2100"),
    ],
)
def test_the_ends_of_the_range_are_taken(env, args) -> None:
    added = journal(env, "add", "listed", "--platform", "mercari", "--title", "x", "--price", "9")
    assert added.returncode == 0, added.stderr
    done = journal(env, *args)
    assert done.returncode == 0, done.stderr
