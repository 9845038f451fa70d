"""`/api/v1`: the command line's `--json`, over HTTP, for programs and phone shortcuts.

Each answer is built by the same functions as `journal list --json`, `show --json`,
`upcoming --json` and `add --json`; a refusal is 409 (not allowed now) or 422 (bad input),
`{"error": key, "message": text}` with the command line's words, and nothing written."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from journal.core import clock, steps
from journal.core.errors import BadInput, JournalError, Refused
from journal.text.views import jsonable

STATE_CHOICES = steps.STATES
MAX_BODY = 64 * 1024


def status_of(error: JournalError) -> int:
    if isinstance(error, Refused):
        return 409
    if error.key == "unknown_trade":
        return 404
    return 422


def error_json(error: JournalError) -> JSONResponse:
    from journal.text.messages import render

    message = " ".join(render(error.key, **error.params).split())
    return JSONResponse({"error": error.key, "message": message}, status_code=status_of(error))


def answers(handler: Callable) -> Callable:
    """The handler runs in a worker thread (the door is synchronous) with the body read;
    a JournalError becomes its JSON refusal."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        body = await request.body() if request.method == "POST" else b""
        try:
            return await run_in_threadpool(handler, request, body)
        except JournalError as error:
            return error_json(error)

    return wrapped


def _json(request: Request, data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(jsonable(data, request.app.state.web.locale.zone), status_code=status)


def choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    """A platform or state as `journal list --platform/--state` takes it (any width or
    case, a platform by any of its names, a state by its Japanese name)."""
    from journal.core.names import choice as pick
    from journal.core.names import nfkc
    from journal.text.labels import STATES

    if value in (None, ""):
        return None
    by_name = {name: ident for ident, name in STATES.items()}
    found = pick(by_name.get(nfkc(value), value), choices)
    if found not in choices:
        raise BadInput("web_bad_choice", what=what, value=value[:40], choices=", ".join(choices))
    return found


def list_rows(web: Any, query: Any) -> list[Any]:
    """`journal list [--all] [--platform] [--state] [--search]`'s rows."""
    from journal.web.fields import PLATFORMS

    journal, now = web.journal, clock.now()
    rows = journal.trades(query.get("all") in ("1", "true", "on", "yes"), now)
    return journal.find(
        rows,
        platform=choice(query.get("platform"), PLATFORMS, "platform"),
        state=choice(query.get("state"), STATE_CHOICES, "state"),
        search=query.get("search") or None,
    )


def show_json(web: Any, trade_id: str) -> tuple[dict[str, Any], Any]:
    """`journal show ID --json`'s object, and the trade's events."""
    from journal.text import views

    journal = web.journal
    trade, events, deadlines = journal.trade(journal.resolve_id(trade_id))
    lang = web.locale.language
    money = journal.money(trade)
    data = views.trade_json(trade, events, deadlines, clock.now(), lang, money, book=journal.book)
    return data, (trade, events, deadlines)


@answers
def trades(request: Request, body: bytes) -> Response:
    if request.method == "POST":
        return _record(request, body, None)
    from journal.text.views import list_json

    return _json(request, list_json(list_rows(request.app.state.web, request.query_params)))


@answers
def trade(request: Request, body: bytes) -> Response:
    data, _ = show_json(request.app.state.web, request.path_params["trade_id"])
    return _json(request, data)


@answers
def upcoming(request: Request, body: bytes) -> Response:
    """`journal upcoming [--within 7d] [--as-of WHEN] --json`."""
    from journal.core.timeparse import parse_duration, parse_when
    from journal.text.views import upcoming_json

    web, query = request.app.state.web, request.query_params
    now = clock.now()
    window = parse_duration(query.get("within") or "7d")
    as_of = query.get("as_of")
    moment = parse_when(as_of, now=now, tz=web.locale.zone) if as_of else now
    rows = web.journal.upcoming(moment, window)
    return _json(request, upcoming_json(rows, web.locale.language, web.journal.book))


@answers
def step(request: Request, body: bytes) -> Response:
    return _record(request, body, request.path_params["trade_id"])


def _body(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY:
        raise BadInput("web_bad_body")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadInput("web_bad_body") from None
    if not isinstance(body, dict) or not isinstance(body.get("fields", {}), dict):
        raise BadInput("web_bad_body")
    return body


def _record(request: Request, raw: bytes, trade_id: str | None) -> Response:
    """`journal add NAME [ID] --json`: 201 and its object."""
    from journal.web.record import record_step

    web, body = request.app.state.web, _body(raw)
    name = body.get("step")
    step_ = steps.STEPS.get(name) if isinstance(name, str) else None
    if step_ is None or not step_.addable or step_.creates != (trade_id is None):
        raise BadInput("web_bad_step", step=str(name)[:40])
    expected = body.get("expected")
    if expected is not None and type(expected) is not int:
        raise BadInput("web_bad_field", field="expected")
    event_id = body.get("event_id")
    if event_id is not None and not isinstance(event_id, str):
        raise BadInput("web_bad_field", field="event_id")
    data, _lines, _recorded = record_step(
        web, step_, trade_id, body.get("fields", {}), body.get("at"), event_id, expected
    )
    return _json(request, data, 201)
