"""Nobody else gets in, even on this machine: through real HTTP against `journal serve`,
no token → 401 and nothing written; a form without its CSRF token → 403 and nothing
written; a foreign Host → refused; the one-time login URL works once; a cross-site POST is
refused; no CORS; every answer carries the security headers; the token is never printed."""

import json
import os
import stat

from support import given
from web_server import TOKEN, csrf_of, form_values, serving


def _events(ok) -> int:
    return len(json.loads(ok("log", "--json")))


def _story(ok) -> None:
    given.knit_sold(ok, "--paid")


def test_without_the_token_nothing_is_read_or_written(ok):
    _story(ok)
    before = _events(ok)
    with serving() as server:
        cookie = server.login()
        shipped = form_values(server.page("/trades/T1", cookie).text, "shipped")
        for path in ("/", "/trades", "/trades/T1", "/trades/new", "/trades/T1/undo"):
            answer = server.request("GET", path)
            assert answer.status == 401, path
            assert "ニット" not in answer.text and 'name="token"' in answer.text
        assert server.post_form("/trades/T1/steps", shipped).status == 401  # no cookie
        forged = "journal_session=eyJjc3JmIjoieCJ9.forged.signature"
        assert server.post_form("/trades/T1/steps", shipped, forged).status == 401
        body = {"step": "shipped"}
        assert server.api("POST", "/api/v1/trades/T1/steps", body, token=None).status == 401
        assert server.api("POST", "/api/v1/trades/T1/steps", body, token="nope" * 8).status == 401
        # the session cookie is not a token for the API, nor the token a cookie
        cookie_api = server.request("GET", "/api/v1/trades", headers={"Cookie": cookie})
        assert cookie_api.status == 401
    assert _events(ok) == before


def test_a_form_without_its_csrf_token_is_403_and_writes_nothing(ok):
    _story(ok)
    before = _events(ok)
    with serving() as server:
        cookie = server.login()
        page = server.page("/trades/T1", cookie).text
        shipped = form_values(page, "shipped")
        for csrf in (None, "", "wrong", csrf_of(page)[:-1]):
            form = {k: v for k, v in shipped.items() if k != "csrf"}
            if csrf is not None:
                form["csrf"] = csrf
            answer = server.post_form("/trades/T1/steps", form, cookie)
            assert answer.status == 403, csrf
            assert "CSRF" in answer.text
        new = {"step": "listed", "platform": "mercari", "title": "帽子", "price": "900"}
        assert server.post_form("/trades/new", new, cookie).status == 403
        assert server.post_form("/trades/T1/undo", {"seq": "3"}, cookie).status == 403
        assert server.post_form("/logout", {}, cookie).status == 403
        # another session's token is not this one's
        other = server.login()
        other_csrf = csrf_of(server.page("/", other).text)
        assert (
            server.post_form("/trades/T1/steps", shipped | {"csrf": other_csrf}, cookie).status
            == 403
        )
    assert _events(ok) == before


def test_a_foreign_host_or_a_cross_site_post_is_refused(ok):
    _story(ok)
    before = _events(ok)
    with serving() as server:
        for host in ("evil.example", "evil.example:80", f"attacker.test:{server.port}", ""):
            assert server.api("GET", "/api/v1/trades", host=host).status == 421, host
            assert server.request("GET", "/login", host=host).status == 421
        assert server.request("GET", "/login", host=f"localhost:{server.port}").status == 200
        cookie = server.login()
        shipped = form_values(server.page("/trades/T1", cookie).text, "shipped")
        headers = {"Origin": "http://evil.example", "Cookie": cookie,
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        from urllib.parse import urlencode

        answer = server.request("POST", "/trades/T1/steps", urlencode(shipped).encode(), headers)
        assert answer.status == 403
        preflight = server.request("OPTIONS", "/api/v1/trades", headers={"Origin": "http://x"})
        assert preflight.status == 405
        assert not any(k.startswith("access-control") for k in preflight.headers)
    assert _events(ok) == before


def test_the_login_url_works_once_and_failed_logins_are_limited(ok):
    with serving() as server:
        first = server.request("GET", server.login_path)
        assert first.status == 200
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert TOKEN not in cookie
        assert server.page("/", cookie.split(";")[0]).status == 200
        again = server.request("GET", server.login_path)
        assert again.status == 401 and "set-cookie" not in again.headers
        for _ in range(4):
            assert server.post_form("/login", {"token": "wrong"}).status == 401
        limited = server.post_form("/login", {"token": TOKEN})
        assert limited.status == 429  # even the right token waits out the limit


SECURITY = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


def test_every_answer_carries_the_security_headers(ok):
    _story(ok)
    with serving() as server:
        cookie = server.login()
        answers = [server.page(p, cookie) for p in ("/", "/trades", "/trades/T1", "/trades/new",
                                                    "/trades/T1/undo", "/trades/T404")]  # fmt: skip
        public = ("/login", "/static/app.css", "/icon.svg", "/manifest.webmanifest", "/nowhere")
        answers += [server.request("GET", p) for p in public]
        answers += [
            server.api("GET", "/api/v1/trades"),
            server.api("GET", "/api/v1/trades", token=None),
        ]
        answers.append(server.request("GET", "/", host="evil.example"))
        answers.append(server.request("GET", server.calendar_path))
        for answer in answers:
            for name, part in SECURITY.items():
                assert part in answer.headers.get(name, ""), (answer.status, name)
            assert "script-src" not in answer.headers["content-security-policy"]
            assert "<script" not in answer.text
        assert server.request("GET", server.calendar_path).text.startswith("BEGIN:VCALENDAR")
        assert server.request("GET", "/calendar/wrong-secret.ics").status == 404


def test_the_token_is_never_printed_and_its_file_is_private(ok, tmp_path, monkeypatch):
    _story(ok)
    monkeypatch.delenv("JOURNAL_WEB_TOKEN", raising=False)
    with serving({"JOURNAL_WEB_TOKEN": ""}) as server:
        token_file = tmp_path / "web-token"
        token = token_file.read_text().strip()
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600 and len(token) >= 32
        assert server.api("GET", "/api/v1/trades", token=token).status == 200
        assert server.api("GET", "/api/v1/trades", token=TOKEN).status == 401
        server.api("GET", "/api/v1/trades", token=token + "x")
        server.request("GET", "/login/" + token)
        page = server.page("/", server.login(token))
    assert token not in "".join(server.output) and token not in page.text
    with serving({"JOURNAL_WEB_TOKEN": ""}, "--rotate-token") as server:
        rotated = token_file.read_text().strip()
        assert rotated != token
        assert server.api("GET", "/api/v1/trades", token=token).status == 401
        assert server.api("GET", "/api/v1/trades", token=rotated).status == 200
    assert rotated not in "".join(server.output)
