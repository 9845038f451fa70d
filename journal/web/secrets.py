"""The web app's secrets: the access token, the one-time login codes, the signed session
cookie with its CSRF token, the calendar feed's own secret, and the limit on failed logins.

Loopback is no boundary between the users of one machine, so every page and API call needs
the token. It is `JOURNAL_WEB_TOKEN` when set, else a file kept owner-only (600) beside the
config, made on first start and replaced by `journal serve --rotate-token`. The session key
is derived from the token, so a new token also ends every browser session.
"""

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from journal.core.errors import BadInput
from journal.files import private_dirs, refuse_unsafe, replace_file, write_new

TOKEN_FILE = "web-token"
CALENDAR_FILE = "calendar-secret"
SESSION_COOKIE = "journal_session"
SESSION_DAYS = 30
LOGIN_CODE_MINUTES = 15


def _read_or_make(path: Path, rotate: bool) -> str:
    """The secret kept at `path` (owner-only), made when missing or `rotate`."""
    found = refuse_unsafe(path)
    if found is not None and not rotate:
        if found.st_mode & 0o077:
            os.chmod(path, 0o600)  # a secret others could read is made private again
        text = path.read_text("ascii").strip()
        if len(text) >= 32:
            return text
    new = secrets.token_urlsafe(32)
    private_dirs(path.parent)
    if found is None:
        write_new(path, new.encode("ascii") + b"\n")
    else:
        replace_file(path, new.encode("ascii") + b"\n")
    return new


def access_token(config: Path, *, rotate: bool = False) -> tuple[str, str]:
    """(token, where it came from: "env" or the file's path)."""
    if rotate or not os.environ.get("JOURNAL_WEB_TOKEN"):
        token = _read_or_make(config.parent / TOKEN_FILE, rotate)
    env = os.environ.get("JOURNAL_WEB_TOKEN")
    if env:
        if len(env) < 16:
            raise BadInput("web_token_short")
        return env, "env"
    return token, str(config.parent / TOKEN_FILE)


def calendar_secret(config: Path, *, rotate: bool = False) -> str:
    """The calendar feed's own secret: a phone's calendar app holds it in its URL, so it is
    not the token and can be replaced alone (`journal serve --rotate-calendar`)."""
    return _read_or_make(config.parent / CALENDAR_FILE, rotate)


def same(given: str | None, expected: str) -> bool:
    """Compared in constant time: a wrong guess says nothing of how close it was."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass
class Sessions:
    """The signed session cookie (itsdangerous: a well-kept, timestamped signature) and the
    one-time login codes that `serve` prints; a code works once, within its minutes."""

    token: str
    codes: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from itsdangerous import URLSafeTimedSerializer

        key = hashlib.sha256(b"journal-web-session\0" + self.token.encode()).hexdigest()
        self.signer = URLSafeTimedSerializer(key, salt="session")

    def login_code(self) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = time.monotonic() + LOGIN_CODE_MINUTES * 60
        return code

    def spend(self, code: str) -> bool:
        """True once for a code `login_code` gave and that has not expired."""
        with self.lock:
            until = self.codes.pop(code, None)
        return until is not None and time.monotonic() < until

    def cookie(self) -> tuple[str, str]:
        """A new session: (cookie value, its CSRF token)."""
        csrf = secrets.token_urlsafe(24)
        return self.signer.dumps({"csrf": csrf}), csrf

    def read(self, value: str | None) -> str | None:
        """The CSRF token of a valid session cookie, else None."""
        if not value:
            return None
        from itsdangerous import BadSignature

        try:
            data = self.signer.loads(value, max_age=SESSION_DAYS * 86400)
        except BadSignature:
            return None
        csrf = data.get("csrf") if isinstance(data, dict) else None
        return csrf if isinstance(csrf, str) else None


@dataclass
class Throttle:
    """Failed logins: after `limit` within `window` seconds, further tries wait it out."""

    limit: int = 5
    window: float = 60.0
    failures: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.failures = [t for t in self.failures if now - t < self.window]
            return len(self.failures) >= self.limit

    def failed(self) -> None:
        with self.lock:
            self.failures.append(time.monotonic())
