"""Serving the web app: the secrets read (or made), the socket bound, the login and
calendar URLs said (a QR code off loopback), and uvicorn made ready, for `journal serve`
and for `journal daemon --serve` (a thread of the daemon). The web stack is imported only
once serving starts."""

import socket
import sys

import click

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def prepare(app, open_journal, locale, host, port, rotate_token=False, rotate_calendar=False,
            open_=False):  # fmt: skip
    """The web app ready to serve: secrets read (or made), the socket bound, the URLs said.
    `host` and `port` None: the config's `[web]`, else loopback and 8765. `app` is the
    composition root, `open_journal()` opens its journal, `locale` is the reader."""
    from journal.core.errors import BadInput
    from journal.text.messages import render
    from journal.web.secrets import access_token, calendar_secret

    settings = app.config.raw.get("web", {})
    host = host or settings.get("host") or "127.0.0.1"
    port = settings.get("port", 8765) if port is None else port
    if not 0 <= port <= 65535:
        raise BadInput("web_bad_port", port=port)
    token, source = access_token(app.config_file, rotate=rotate_token)
    if rotate_token:
        click.echo(render("web_token_rotated", path=source), err=True)
    secret = calendar_secret(app.config_file, rotate=rotate_calendar)
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    web = _web(app, open_journal(), locale, token, secret)
    code = web.sessions.login_code()
    base = f"http://{_url_host(_shown(host))}:{port}"
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
    return web, host, port, sock


def beside_daemon(app, open_journal, locale, asked: bool):
    """`journal daemon --serve` (or `[web] serve = true`): the web app in a thread of the
    daemon's process, one process holding both; returns how to stop it (None: not asked)."""
    import threading

    if not (asked or app.config.raw.get("web", {}).get("serve")):
        return None
    web, host, port, sock = prepare(app, open_journal, locale, None, None)
    server = make_server(web, host, port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return stop


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


def _shown(host: str) -> str:
    """The address the URLs name: for every address (0.0.0.0), this machine's first own."""
    from journal.web.guard import WILDCARDS, own_addresses

    return (own_addresses() or ["127.0.0.1"])[0] if host in WILDCARDS else host


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _web(app, journal, locale, token: str, secret: str):
    from journal.core.deadlines import KIND_SPECS
    from journal.web.app import Web
    from journal.web.secrets import Sessions
    from scheduler.plan import warnings_from_config

    alarms = warnings_from_config(app.config.reminders, KIND_SPECS).for_kind
    journal.catch_up()  # the read models brought up to date once, before the first page
    return Web(journal, locale, token, Sessions(token), secret, alarms, app)


def _qr(url: str) -> None:
    """The login URL as a QR code in the terminal, for the phone's camera."""
    import segno

    segno.make(url, error="m").terminal(out=sys.stderr, compact=True)


def make_server(web, host: str, port: int):
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
    return uvicorn.Server(config)
