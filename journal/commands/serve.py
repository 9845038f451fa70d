"""`journal serve`: the web app and JSON API on this machine (or the home network), behind
the access token. Only this command imports the web stack (Starlette, Jinja2, uvicorn)."""

import socket
import sys

import click

from cli import _app, _common, _journal, _locale
from journal.text.helptext import Command

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command(cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="The port (0: any free).")
@click.option("--open", "open_", is_flag=True, help="Open the login URL in the browser.")
@click.option("--rotate-token", is_flag=True, help="Replace the access token first.")
@click.option("--rotate-calendar", is_flag=True, help="Replace the calendar feed's secret first.")
@_common
def serve(host: str, port: int, open_: bool, rotate_token: bool, rotate_calendar: bool) -> None:
    """Serve the journal's web app and JSON API (every page and call needs the token).

    \b
    Example:
      journal serve --open
    """
    from journal.core.errors import BadInput
    from journal.settings import config_path
    from journal.text.messages import render
    from journal.web.secrets import access_token, calendar_secret

    if not 0 <= port <= 65535:
        raise BadInput("web_bad_port", port=port)
    token, source = access_token(config_path(), rotate=rotate_token)
    if rotate_token:
        click.echo(render("web_token_rotated", path=source), err=True)
    secret = calendar_secret(config_path(), rotate=rotate_calendar)
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    web = _web(token, secret)
    code = web.sessions.login_code()
    base = f"http://{_url_host(host)}:{port}"
    if host not in LOOPBACK:
        click.echo(render("web_not_loopback", host=host), err=True)
        _qr(f"{base}/login/{code}")
    click.echo(render("web_serving", url=base, journal=web.journal.location))
    click.echo(render("web_login_url", url=f"{base}/login/{code}"))
    click.echo(render("web_calendar_url", url=f"{base}/calendar/{secret}.ics"))
    sys.stdout.flush()
    if open_:
        import webbrowser

        webbrowser.open(f"{base}/login/{code}")
    _run(web, host, port, sock)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is said (port 0: the one given)."""
    from journal.core.errors import BadInput

    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        # proto given: asyncio turns Nagle off (TCP_NODELAY) only on a socket that says TCP,
        # and without it every answer waited ~40 ms for the client's delayed ACK
        sock = socket.socket(info[0], socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(128)
    except OSError as exc:
        raise BadInput("web_cannot_listen", host=host, port=port, detail=exc.strerror) from None
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _web(token: str, secret: str):
    from journal.core.deadlines import KIND_SPECS
    from journal.web.app import Web
    from journal.web.secrets import Sessions
    from scheduler.plan import warnings_from_config

    alarms = warnings_from_config(_app().config.reminders, KIND_SPECS).for_kind
    journal = _journal()
    journal.catch_up()  # the read models brought up to date once, before the first page
    return Web(journal, _locale(), token, Sessions(token), secret, alarms, _app())


def _qr(url: str) -> None:
    """The login URL as a QR code in the terminal, for the phone's camera."""
    import segno

    segno.make(url, error="m").terminal(out=sys.stderr, compact=True)


def _run(web, host: str, port: int, sock: socket.socket) -> None:
    """uvicorn on the bound socket; its access log is off (URLs may hold a login code or
    the calendar's secret), and our own lines name no secret."""
    import uvicorn

    from journal.web.app import create

    config = uvicorn.Config(
        create(web, host, port),
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[sock])
