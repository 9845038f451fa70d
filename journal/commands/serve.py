"""`journal serve`: the web app and JSON API on this machine (or the home network), behind
the access token. Only this command (and `journal daemon --serve`) imports the web stack."""

import click

from cli import _app, _common, _journal, _locale
from journal.text.helptext import Command


@click.command(cls=Command)
@click.option("--host", help="The address to listen on (default: [web] host, else 127.0.0.1).")
@click.option("--port", type=int, help="The port, 0 for any free (default: [web] port, else 8765).")
@click.option("--open", "open_", is_flag=True, help="Open the login URL in the browser.")
@click.option("--rotate-token", is_flag=True, help="Replace the access token first.")
@click.option("--rotate-calendar", is_flag=True, help="Replace the calendar feed's secret first.")
@_common
def serve(
    host: str | None, port: int | None, open_: bool, rotate_token: bool, rotate_calendar: bool
) -> None:
    """Serve the journal's web app and JSON API (every page and call needs the token).

    \b
    Example:
      journal serve --open
    """
    from journal.web.serving import make_server, prepare

    web, host, port, sock = prepare(
        _app(), _journal, _locale(), host, port, rotate_token, rotate_calendar, open_
    )
    make_server(web, host, port).run(sockets=[sock])
