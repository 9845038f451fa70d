"""Every form POST carries the session's CSRF token (the guard put it in the request's
state from the signed session cookie); a form without it is refused with 403."""

from typing import Any

from starlette.requests import Request

from journal.web.secrets import same


class Forbidden(Exception):
    """A form POST without the session's CSRF token."""


async def checked_form(request: Request) -> dict[str, Any]:
    """The posted form, if it carries this session's CSRF token; else Forbidden (403)."""
    form = await request.form()
    given = form.get("csrf")
    if not isinstance(given, str) or not same(given, request.state.csrf):
        raise Forbidden
    return {k: v for k, v in form.items() if isinstance(v, str)}
