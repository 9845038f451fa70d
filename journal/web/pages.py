"""The pages, server-rendered (no script): 今日 (what is overdue, what is due within 48 h,
with a button per step the trade may take next), 取引 (the list and its filters), a trade
(its timeline, deadlines, money and a form per allowed step), a new listing or purchase,
and undo. Every form carries the session's CSRF token, its own event id and, for a trade,
the trade as it was shown (`seen`)."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from journal.core import clock, steps
from journal.core.errors import JournalError
from journal.web import fields
from journal.web.csrf import Forbidden, checked_form

TODAY_WINDOW = timedelta(hours=48)
TODAY_ROWS = 30  # a phone's screenful or three; the rest is one tap away on 取引


def page(handler: Callable) -> Callable:
    """The handler runs in a worker thread (the door is synchronous) with the checked form
    of a POST; a refusal is shown in the reader's words, a missing CSRF token is 403."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        from journal.web.api import status_of
        from journal.web.session import refused

        web = request.app.state.web
        try:
            form = await checked_form(request) if request.method == "POST" else {}
            return await run_in_threadpool(handler, request, form)
        except Forbidden:
            return refused(web, 403)
        except JournalError as error:
            return refused(web, status_of(error), error.key, **error.params)

    return wrapped


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    web = request.app.state.web
    context |= {"csrf": request.state.csrf, "now": clock.now(), "path": request.url.path}
    html = web.templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def _form_id() -> str:
    return uuid.uuid4().hex


@page
def today(request: Request, form: dict) -> Response:
    web, now = request.app.state.web, clock.now()
    agenda = web.journal.upcoming(now, TODAY_WINDOW)
    rows, more = agenda.items[:TODAY_ROWS], max(0, len(agenda) - TODAY_ROWS)
    from journal.reading import folded

    trades = folded(web.journal, list(dict.fromkeys(r.trade for r in rows)))
    buttons = {t: fields.one_tap(trade) for t, trade in trades.items()}
    first = {row.trade: i for i, row in reversed(list(enumerate(rows)))}
    return _render(
        request,
        "today.html",
        rows=rows,
        trades=trades,
        buttons=buttons,
        first=set(first.values()),
        form_id=_form_id,
        more=more,
    )


@page
def trades(request: Request, form: dict) -> Response:
    from journal.web.api import STATE_CHOICES, list_rows

    web, query = request.app.state.web, request.query_params
    rows = list_rows(web, query)
    return _render(
        request,
        "trades.html",
        rows=rows,
        query=query,
        platforms=fields.PLATFORMS,
        states=STATE_CHOICES,
    )


@page
def trade(request: Request, form: dict) -> Response:
    from journal.web.api import show_json

    data, (trade_, events, _deadlines) = show_json(
        request.app.state.web, request.path_params["trade_id"]
    )
    from journal.text.screens import Screen, money_line

    web = request.app.state.web
    allowed = [(s, fields.inputs(s)) for s in fields.allowed(trade_)]
    screen = Screen(web.locale.language, None, False, web.locale.zone)
    return _render(
        request,
        "trade.html",
        data=data,
        trade=trade_,
        events=events,
        allowed=allowed,
        form_id=_form_id,
        undo=_undoable(events),
        money_line=money_line(data.get("money"), screen),
    )


def _undoable(events: list) -> Any:
    """The trade's last step that undo would void (journal/core/undo.py), or None."""
    from journal.core.undo import last_step

    newest = list(reversed(events))
    voided = {e.payload["seq"] for e in newest if e.type == steps.VOID_TYPE}
    live = [e for e in newest if e.type != steps.VOID_TYPE and e.seq not in voided]
    target = last_step(newest)
    # a step another trade's step wrote here last (a bundle, an item alarm) is undone there
    return target if live and target is live[0] else None


@page
def step(request: Request, form: dict) -> Response:
    """A form's step: recorded, then back to where the form was (今日 or the trade)."""
    from journal.web.record import record_step

    web = request.app.state.web
    step_ = steps.STEPS.get(form.get("step", ""))
    if step_ is None or not step_.addable or step_.creates:
        return _bad_step(request, form)
    expected = form.get("seen", "")
    data, lines, recorded = record_step(
        web,
        step_,
        request.path_params["trade_id"],
        form,
        form.get("at"),
        form.get("event_id") or None,
        int(expected) if expected.isdigit() else None,
    )
    back = {"today": "/", "items": "/items"}.get(
        form.get("back", ""), f"/trades/{recorded.subject}"
    )
    warnings = [w["message"] for w in data.get("warnings", ())]
    return _render(request, "recorded.html", lines=lines, warnings=warnings, back=back)


def _bad_step(request: Request, form: dict) -> Response:
    from journal.web.session import refused

    return refused(request.app.state.web, 422, "web_bad_step", step=form.get("step", "")[:40])


@page
def new_trade(request: Request, form: dict) -> Response:
    """A new listing (出品) or purchase (仕入れ): the catalogue's fields of `listed` or
    `bought`."""
    from journal.web.record import record_step

    creating = [steps.STEPS["listed"], steps.STEPS["bought"]]
    if request.method == "GET":
        chosen = request.query_params.get("step", "listed")
        step_ = next((s for s in creating if s.name == chosen), creating[0])
        return _render(
            request,
            "new.html",
            step=step_,
            inputs=fields.inputs(step_),
            creating=creating,
            form_id=_form_id(),
        )
    step_ = steps.STEPS.get(form.get("step", ""))
    if step_ not in creating:
        return _bad_step(request, form)
    _data, lines, recorded = record_step(
        request.app.state.web, step_, None, form, form.get("at"), form.get("event_id"), None
    )
    back = f"/trades/{recorded.subject}"
    return _render(request, "recorded.html", lines=lines, warnings=[], back=back)


@page
def undo(request: Request, form: dict) -> Response:
    """GET asks (what would be undone); POST, confirmed, voids it (`journal undo`)."""
    web, trade_id = request.app.state.web, request.path_params["trade_id"]
    trade_, events, _ = web.journal.trade(web.journal.resolve_id(trade_id))
    target = _undoable(events)
    if target is None:
        from journal.core.errors import BadInput

        raise BadInput("nothing_to_undo")
    if request.method == "GET":
        return _render(request, "undo.html", trade=trade_, target=target)
    if form.get("seq") != str(target.seq):  # the last step changed since the question
        from journal.core.errors import Refused

        raise Refused("changed_since", trade=trade_.id)
    web.journal.void(target.seq, "undo", now=clock.now())
    return RedirectResponse(f"/trades/{trade_.id}", status_code=303)
