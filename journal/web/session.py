"""Logging in (the one-time URL `serve` prints, or the token typed once, with failed tries
limited), logging out, the refusals a page shows, the home-screen manifest and icon, and
the calendar feed behind its own secret."""

import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from journal.web.csrf import Forbidden, checked_form
from journal.web.secrets import SESSION_COOKIE, SESSION_DAYS, same

ICON = Path(__file__).resolve().parent / "static" / "icon.svg"
STATUS_KEYS = {
    401: "web_unauthorized",
    403: "web_csrf",
    404: "web_not_found",
    405: "method_not_allowed",
    421: "wrong_host",
    429: "web_too_many",
}


def _page(web: Any, name: str, code: int = 200, **context: Any) -> HTMLResponse:
    html = web.templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=code)


def refusal_page(web: Any, scope: dict, status: int) -> tuple[str, bytes]:
    """A refusal as a page (the guard's, before any route): what happened, and a way in."""
    template = "login.html" if status == 401 else "refused.html"
    key = STATUS_KEYS.get(status, "web_refused")
    html = web.templates.get_template(template).render(message_key=key, status=status)
    return "text/html; charset=utf-8", html.encode("utf-8")


def failed(request: Request, exc: Exception) -> Response:
    """An unexpected failure: one line in the reader's words, never a traceback."""
    from starlette.responses import JSONResponse

    from journal.text.messages import render

    web = request.app.state.web
    message = render("internal", detail=type(exc).__name__)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "internal", "message": message}, status_code=500)
    return _page(web, "refused.html", 500, message_key="internal",
                 params={"detail": type(exc).__name__}, status=500)  # fmt: skip


def refused(web: Any, status: int, key: str | None = None, **params: Any) -> HTMLResponse:
    key = key or STATUS_KEYS.get(status, "web_refused")
    return _page(web, "refused.html", status, message_key=key, params=params, status=status)


def _logged_in(web: Any, response: Response) -> Response:
    value, _csrf = web.sessions.cookie()
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


async def login(request: Request) -> Response:
    """GET: the form to type the token; POST: the token typed (failed tries are limited)."""
    web = request.app.state.web
    if request.method == "GET":
        return _page(web, "login.html", 200, message_key=None)
    if web.throttle.blocked():
        return refused(web, 429)
    form = await request.form()
    given = form.get("token")
    if isinstance(given, str) and same(given.strip(), web.token):
        return _logged_in(web, RedirectResponse("/", status_code=303))
    web.throttle.failed()
    return _page(web, "login.html", 401, message_key="web_bad_token")


async def login_once(request: Request) -> Response:
    """The one-time URL: it logs this browser in once; used again, it is refused. The
    answer is a page that moves on to 今日 by itself, so the strict cookie goes with it."""
    web = request.app.state.web
    if web.throttle.blocked():
        return refused(web, 429)
    if not web.sessions.spend(request.path_params["code"]):
        web.throttle.failed()
        return _page(web, "login.html", 401, message_key="web_link_used")
    return _logged_in(web, _page(web, "welcome.html"))


async def logout(request: Request) -> Response:
    try:
        await checked_form(request)
    except Forbidden:
        return refused(request.app.state.web, 403)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


async def manifest(request: Request) -> Response:
    """The web app manifest: the page can be added to the home screen (no offline writes)."""
    from journal.text.messages import render

    data = {
        "name": render("web_app_name"),
        "short_name": render("web_app_short"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c62828",
        "lang": request.app.state.web.locale.language,
        "icons": [{"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, media_type="application/manifest+json")


async def icon(request: Request) -> Response:
    return Response(ICON.read_bytes(), media_type="image/svg+xml")


async def calendar(request: Request) -> Response:
    """The deadlines as iCalendar for a phone's calendar app; its URL holds the feed's own
    secret (not the token), so it can be replaced alone."""
    from starlette.concurrency import run_in_threadpool

    web = request.app.state.web
    if not web.calendar_secret or not same(request.path_params["secret"], web.calendar_secret):
        return refused(web, 404)
    text = await run_in_threadpool(_calendar_text, web)
    return Response(text.encode("utf-8"), media_type="text/calendar; charset=utf-8")


def _calendar_text(web: Any) -> str:
    from journal.core import clock
    from journal.text.ical import calendar_text

    now = clock.now()
    entries, journal_id = web.journal.calendar_entries(now, None)
    lang = web.locale.language
    return calendar_text(entries, now, lang, web.alarms, journal_id, None, web.journal.book)
