"""The gate every request passes, written as plain ASGI (no per-request task or body copy):
the `Host` header must be the one served (DNS rebinding), the API needs `Authorization:
Bearer TOKEN`, a page needs the signed session cookie, a cross-site POST is refused, and
every answer carries the security headers. No CORS header is ever sent."""

import json
from collections.abc import Awaitable, Callable, Iterable
from http.cookies import SimpleCookie
from typing import Any

from journal.web.secrets import SESSION_COOKIE, Sessions, same

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# Without a script of our own there is nothing to allow: styles and the icon from here,
# forms posted only here, no frames either way, no referrer leaving with a secret URL.
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
# Reachable without a session: the login itself, what the login page and a home-screen
# icon load, and the calendar feed (which checks its own secret).
PUBLIC_PREFIXES = ("/static/", "/login", "/calendar/")
PUBLIC = {"/manifest.webmanifest", "/icon.svg"}


WILDCARDS = ("0.0.0.0", "::", "")


def own_addresses() -> list[str]:
    """The addresses this machine's name resolves to, loopback ones last (what a phone may
    type for a server listening on every address)."""
    import socket

    try:
        found = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        found = set()
    return sorted(found, key=lambda a: (a.startswith(("127.", "::1")), a))


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The `Host` values a browser sends for this server: the address served, and for
    loopback its other names; for every address (0.0.0.0), this machine's own."""
    names = {host}
    if host in WILDCARDS:
        names = set(own_addresses())
    if host in ("127.0.0.1", "localhost", "::1", *WILDCARDS):
        names |= {"127.0.0.1", "localhost", "::1"}
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    return frozenset(f"{n}:{port}" for n in names)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def session_of(scope: Scope, sessions: Sessions) -> str | None:
    """The CSRF token of the request's valid session, else None."""
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # noqa: BLE001 - a malformed cookie header is no session
        return None
    morsel = jar.get(SESSION_COOKIE)
    return sessions.read(morsel.value) if morsel else None


class Guard:
    """ASGI middleware around the app; `refuse(scope, status)` renders a page's refusal."""

    def __init__(
        self,
        app: Callable,
        *,
        token: str,
        sessions: Sessions,
        hosts: Iterable[str],
        page_refusal: Callable[[Scope, int], tuple[str, bytes]],
    ) -> None:
        self.app = app
        self.token = token
        self.sessions = sessions
        self.hosts = frozenset(hosts)
        self.page_refusal = page_refusal

    async def __call__(self, scope: Scope, receive: Callable, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0] != b"cache-control"),
                    *HEADERS,
                ]
            await send(message)

        refusal = self.check(scope)
        if refusal is not None:
            status, media, body = refusal
            headers = [(b"content-type", media.encode()), (b"content-length", b"%d" % len(body))]
            if status == 401 and scope["path"].startswith("/api/"):
                headers.append((b"www-authenticate", b'Bearer realm="journal"'))
            await secured({"type": "http.response.start", "status": status, "headers": headers})
            await secured({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, secured)

    def check(self, scope: Scope) -> tuple[int, str, bytes] | None:
        """(status, media type, body) of a refusal, or None to let the request through."""
        path = scope["path"]
        api = path.startswith("/api/")
        if _header(scope, b"host") not in self.hosts:
            return _refusal(api, 421, "wrong_host", scope, self.page_refusal)
        if scope["method"] not in ("GET", "HEAD", "POST"):
            return _refusal(api, 405, "method_not_allowed", scope, self.page_refusal)
        # With no-referrer a browser sends `Origin: null` for our own forms; a foreign origin
        # named outright is refused (the strict cookie and the CSRF token guard the rest).
        origin = _header(scope, b"origin")
        if scope["method"] == "POST" and origin not in (None, "null") and not self._ours(origin):
            return _refusal(api, 403, "cross_site", scope, self.page_refusal)
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            return None
        if api:
            given = _header(scope, b"authorization") or ""
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not same(value.strip(), self.token):
                return _refusal(True, 401, "web_unauthorized", scope, self.page_refusal)
            return None
        csrf = session_of(scope, self.sessions)
        if csrf is None:
            return _refusal(False, 401, "web_unauthorized", scope, self.page_refusal)
        scope.setdefault("state", {})["csrf"] = csrf
        return None

    def _ours(self, origin: str) -> bool:
        return any(origin in (f"http://{h}", f"https://{h}") for h in self.hosts)


def _refusal(
    api: bool, status: int, key: str, scope: Scope, page: Callable[[Scope, int], tuple[str, bytes]]
) -> tuple[int, str, bytes]:
    from journal.text.messages import render

    if api:
        body = json.dumps({"error": key, "message": render(key)}, ensure_ascii=False)
        return status, "application/json", body.encode()
    media, html = page(scope, status)
    return status, media, html
