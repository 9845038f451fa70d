"""The other pages: お金 (`journal money`'s table, and its chart as an SVG image), 商品
(`journal items`: the double-listing alarms, each with a 取り下げた button) and リマインダー
(`journal reminders`: what is planned and what was sent). Each reads the door as its
command does and renders the same data."""

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from journal import reading
from journal.core import clock
from journal.web.pages import _form_id, _render, page

MONEY_COLUMNS = ("count", "sales", "fees", "shipping", "cost", "profit")


def _money_data(web: Any, query: Any) -> tuple[dict[str, Any], str]:
    """`journal money [--year] [--month] [--by]`'s data, and its `by`."""
    from journal.core.errors import BadInput
    from journal.core.money import JST
    from journal.core.money_report import period

    by = query.get("by") or "month"
    if by not in ("month", "platform"):
        raise BadInput("web_bad_choice", what="by", value=by[:20], choices="month, platform")
    year = query.get("year") or None
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise BadInput("web_bad_field", field="year")
    today = clock.now().astimezone(JST).date()
    span = period(int(year) if year else None, query.get("month") or None, None, None, today)
    return web.journal.money_report(span, by), by


@page
def money(request: Request, form: dict) -> Response:
    web = request.app.state.web
    data, by = _money_data(web, request.query_params)
    query = str(request.query_params)
    return _render(
        request,
        "money.html",
        data=data,
        by=by,
        columns=MONEY_COLUMNS,
        chart_query=query,
        query=request.query_params,
    )


@page
def money_chart(request: Request, form: dict) -> Response:
    """The chart `journal money --chart FILE.svg` draws, as an image (the page's CSP keeps
    any script out; an SVG shown through <img> runs none either)."""
    from journal.text import chart
    from journal.text.messages import render

    data, _by = _money_data(request.app.state.web, request.query_params)
    labels = {
        "sales": render("money_sales"),
        "profit": render("money_profit"),
        "yen": render("money_yen"),
        "title": render("money_title", first=data["from"], last=data["to"]),
    }
    return Response(chart.render(data["groups"], labels, "svg"), media_type="image/svg+xml")


@page
def items(request: Request, form: dict) -> Response:
    web = request.app.state.web
    data = reading.items(web.journal)
    seen = {
        listing["id"]: web.journal.trade(listing["id"])[0].seen
        for entry in data
        for listing in entry["listings"]
        if listing["delist"]
    }
    return _render(request, "items.html", data=data, seen=seen, form_id=_form_id)


@page
def reminders(request: Request, form: dict) -> Response:
    """`journal reminders --within 7d`: planned from the open deadlines, and sent."""
    web, now = request.app.state.web, clock.now()
    data = web.app.reminders(web.journal).listing(now, timedelta(days=7))
    return _render(request, "reminders.html", data=data)
