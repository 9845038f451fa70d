"""The real `journal serve` in a child process on a free port, and plain HTTP to it
(http.client: every header, the Host one included, is exactly what the test sends)."""

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

TOKEN = "test-token-" + "x" * 32
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Server:
    port: int
    login_path: str
    calendar_path: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)
    address: str = "127.0.0.1"

    @property
    def base(self) -> str:
        return f"http://{self.address}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        host: str | None = None,
    ) -> Answer:
        conn = http.client.HTTPConnection(self.address, self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", f"{self.address}:{self.port}" if host is None else host)
            for key, value in (headers or {}).items():
                conn.putheader(key, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            answer = conn.getresponse()
            return Answer(
                answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
            )
        finally:
            conn.close()

    def api(self, method: str, path: str, data=None, token: str | None = TOKEN, **kw) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        return self.request(method, path, body, headers | kw.pop("headers", {}), **kw)

    def login(self, token: str = TOKEN) -> str:
        """Log in with the token typed in the form: the session cookie's `name=value`."""
        answer = self.post_form("/login", {"token": token})
        assert answer.status == 303, answer.status
        return answer.headers["set-cookie"].split(";", 1)[0]

    def post_form(self, path: str, form: dict, cookie: str | None = None) -> Answer:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            headers["Cookie"] = cookie
        return self.request("POST", path, urlencode(form).encode(), headers)

    def page(self, path: str, cookie: str) -> Answer:
        return self.request("GET", path, headers={"Cookie": cookie})


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def form_values(html: str, step: str) -> dict[str, str]:
    """The hidden inputs of the form that records `step` (its event id, `seen`, …)."""
    for form in re.findall(r"<form.*?</form>", html, re.S):
        if f'value="{step}"' in form:
            return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
    raise AssertionError(f"no form for {step}")


@contextmanager
def serving(env: dict[str, str] | None = None, *args: str):
    """`journal serve --port 0` with JOURNAL_WEB_TOKEN set; stopped (SIGTERM) at the end."""
    full = {**os.environ, "JOURNAL_WEB_TOKEN": TOKEN, **(env or {})}
    exe = Path(sys.executable).with_name("journal")
    command = [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]
    process = subprocess.Popen(
        [*command, "serve", "--port", "0", *args],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    found: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while "calendar" not in found:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("serve ended: " + "".join(output))
        output.append(line)
        for name, pattern in (("login", r"(/login/\S+)"), ("calendar", r"(/calendar/\S+)")):
            match = re.search(r"http://([0-9.]+):(\d+)" + pattern, line)
            if match:
                found["address"], found["port"], found[name] = match.groups()
        assert time.monotonic() < deadline
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    server = Server(int(found["port"]), found["login"], found["calendar"], process, output)
    server.address = found["address"]
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
