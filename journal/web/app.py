"""The web app: Starlette (a small, well-kept ASGI toolkit: routing, forms, responses) with
Jinja2 templates, served by uvicorn, built by `journal serve` from the same `App` the
command line uses. It reads and writes only through the door (`journal.service.Journal`),
as the command line does; the JSON it answers is the command line's `--json`."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from journal.text.i18n import Locale
from journal.web.guard import Guard, allowed_hosts
from journal.web.secrets import Sessions, Throttle

HERE = Path(__file__).resolve().parent


@dataclass
class Web:
    """What every request handler is handed: the journal, the reader, the secrets."""

    journal: Any  # journal.service.Journal
    locale: Locale
    token: str
    sessions: Sessions
    calendar_secret: str = ""
    alarms: Any = None  # the calendar's alarms per kind (from the config's reminders)
    app: Any = None  # the composition root (journal.app.App): the reminders page's planner
    throttle: Throttle = field(default_factory=Throttle)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        from journal.web import render

        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        render.install(self.templates.env, self.locale)


def create(web: Web, host: str, port: int) -> Any:
    """The ASGI application: routes behind the guard."""
    from journal.web import api, more, pages, session

    routes = [
        Route("/api/v1/trades", api.trades, methods=["GET", "POST"]),
        Route("/api/v1/trades/{trade_id}", api.trade, methods=["GET"]),
        Route("/api/v1/trades/{trade_id}/steps", api.step, methods=["POST"]),
        Route("/api/v1/upcoming", api.upcoming, methods=["GET"]),
        Route("/", pages.today, methods=["GET"]),
        Route("/trades", pages.trades, methods=["GET"]),
        Route("/trades/new", pages.new_trade, methods=["GET", "POST"]),
        Route("/trades/{trade_id}", pages.trade, methods=["GET"]),
        Route("/trades/{trade_id}/steps", pages.step, methods=["POST"]),
        Route("/trades/{trade_id}/undo", pages.undo, methods=["GET", "POST"]),
        Route("/money", more.money, methods=["GET"]),
        Route("/money/chart.svg", more.money_chart, methods=["GET"]),
        Route("/items", more.items, methods=["GET"]),
        Route("/reminders", more.reminders, methods=["GET"]),
        Route("/login", session.login, methods=["GET", "POST"]),
        Route("/login/{code}", session.login_once, methods=["GET"]),
        Route("/logout", session.logout, methods=["POST"]),
        Route("/manifest.webmanifest", session.manifest, methods=["GET"]),
        Route("/icon.svg", session.icon, methods=["GET"]),
        Route("/calendar/{secret}.ics", session.calendar, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={Exception: session.failed})
    app.state.web = web
    return Guard(
        app,
        token=web.token,
        sessions=web.sessions,
        hosts=allowed_hosts(host, port),
        page_refusal=lambda scope, status: session.refusal_page(web, scope, status),
    )
