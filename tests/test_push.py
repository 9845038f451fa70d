"""The `apprise` notifier against a real local HTTP endpoint, through the real daemon."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Endpoint(HTTPServer):
    """A webhook on 127.0.0.1 that keeps what it is sent; `status` is what it answers."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.received: list[dict] = []
        self.status = 200

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server_port}/hook"


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        server: Endpoint = self.server  # type: ignore[assignment]
        if server.status == 200:
            server.received.append(json.loads(body))
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    values = {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
    }
    base = [sys.executable, str(ROOT / "cli.py")]
    for args in (
        ["add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900"]
        + ["--ship-days", "1-2", "--at", "-3d"],
        ["add", "sold", "T1", "--buyer", "けん", "--at", "-2d"],
        ["add", "paid", "T1", "--at", "-46h"],  # ship by now + 2 h: the 3 h warning is due
    ):
        subprocess.run([*base, *args], env=values, check=True, capture_output=True)
    return values


def journal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_reminder_reaches_the_endpoint(env, endpoint) -> None:
    done = journal(env, "daemon", "--once", "--notifier", "apprise", "--url", endpoint.url)
    assert done.returncode == 0, done.stderr
    assert len(endpoint.received) == 1
    sent = endpoint.received[0]
    assert "T1" in sent["title"] and "ニット" in sent["title"]
    assert "ship" in sent["message"]
    again = journal(env, "daemon", "--once", "--notifier", "apprise", "--url", endpoint.url)
    assert again.returncode == 0 and len(endpoint.received) == 1  # recorded: not sent twice


@pytest.mark.slow
def test_a_failing_endpoint_leaves_the_reminder_pending_and_hides_secrets(env, endpoint) -> None:
    endpoint.status = 500
    secret_url = endpoint.url.replace("json://", "json://shop:s3cret-token@")
    failed = journal(env, "daemon", "--once", "--notifier", "apprise", "--url", secret_url)
    assert endpoint.received == []
    assert "s3cret-token" not in failed.stderr + failed.stdout
    assert "127.0.0.1" in failed.stderr  # the log says where it failed, masked
    refused = [line for line in failed.stderr.splitlines() if "was not accepted" in line]
    assert refused and "500" in refused[0], failed.stderr  # and why: apprise's own words
    assert "hook" not in refused[0] and "shop" not in refused[0]  # no piece of the URL
    pending = json.loads(journal(env, "reminders", "--json").stdout)["sent"]
    assert pending == []
    endpoint.status = 200
    done = journal(env, "daemon", "--once", "--notifier", "apprise", "--url", secret_url)
    assert done.returncode == 0, done.stderr
    assert len(endpoint.received) == 1 and "T1" in endpoint.received[0]["title"]


def test_desktop_and_phone_at_once_from_the_config(env, endpoint, tmp_path) -> None:
    Path(env["JOURNAL_CONFIG"]).write_text(
        f'[notifier]\nkind = ["console", "apprise"]\nurls = ["{endpoint.url}"]\n'
    )
    done = journal(env, "daemon", "--once")
    assert done.returncode == 0, done.stderr
    assert any(
        line.startswith("T1 ") and ": shipping: " in line for line in done.stdout.splitlines()
    )
    assert len(endpoint.received) == 1


def test_the_command_line_takes_several_notifiers(env, endpoint) -> None:
    done = journal(
        env, "daemon", "--once", "--notifier", "console", "--notifier", "apprise",
        "--url", endpoint.url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert ": shipping: " in done.stdout and len(endpoint.received) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--notifier", "apprise"),  # no URL
        ("--notifier", "apprise", "--url", "nosuchscheme://tok3n-abc@example.com"),
    ],
)
def test_bad_push_settings_are_one_line_and_exit_2(env, args) -> None:
    done = journal(env, "daemon", "--once", *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "tok3n" not in done.stderr
