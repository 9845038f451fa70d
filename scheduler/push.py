"""Reminders on the phone: the `apprise` notifier (ntfy, mail, Telegram, Discord, Slack,
LINE, a JSON webhook, … one URL each), and several notifiers at once.

apprise (a well-kept library that speaks to some hundred services) is imported only when
this notifier is used. Its URLs often hold a token or a password, so only their masked
form is ever logged or shown.
"""

import contextlib
import io
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from journal.core.errors import BadInput
from scheduler.note import Note, Notifier

log = logging.getLogger("journal.daemon")
# apprise logs parts of the URLs it reads (users, token fragments): only our masked lines
logging.getLogger("apprise").setLevel(logging.CRITICAL + 1)
# the HTTP libraries under it log each request's path at DEBUG (`daemon -v`): for json://,
# Telegram, Discord and Slack URLs that path is the token
for _name in ("urllib3", "requests"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def _plugin(url: str):
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        raise BadInput("bad_push_url", url=mask(url))
    return plugin


def mask(url: str) -> str:
    """What may be shown of a push URL: its kind and, when it is a host name or address,
    its server; never a user, password, token, topic or path (`ntfy://ntfy.sh/…`,
    `tgram://…`: a Telegram "host" is the bot token).

    The server is shown only when it is unambiguous: an `@` after the first `/`, `?` or
    `#` means a password holding one of those (`mailto://me:pa/ss@host`), so where the
    password ends is unknown and only the kind is shown.
    """
    scheme, _, rest = url.partition("://")
    if not rest:
        return "?://…"
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    host = rest[:end].rsplit("@", 1)[-1]
    name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
    readable = "@" not in rest[end:] and (not colon or port.isdigit())
    plain = ("." in name or name == "localhost") and len(name) < 100
    shown = host if readable and plain and name.isprintable() else "…"
    return f"{scheme[:20]}://{shown}/…"


class AppriseNotifier:
    """One notification per reminder to each URL; delivered when every URL took it."""

    name = "apprise"

    def __init__(self, urls: Sequence[str]) -> None:
        if not urls:
            raise BadInput("push_needs_url")
        self.plugins = [(_plugin(url), mask(url)) for url in urls]  # bad URLs refused at start
        self.urls = list(urls)

    def send(self, note: Note) -> bool:
        ok = True
        for (plugin, shown), url in zip(self.plugins, self.urls, strict=True):
            try:
                with _apprise_says() as said:
                    sent = plugin.notify(title=note.title, body=note.message)
            except Exception as exc:  # noqa: BLE001 - a notifier never takes the daemon down
                log.error("push to %s failed: %s", shown, type(exc).__name__)
                sent = False
            else:
                if not sent:
                    log.error("push to %s was not accepted: %s", shown, reason(said, url))
            ok = ok and bool(sent)
        return ok


@contextlib.contextmanager
def _apprise_says() -> Iterator[io.StringIO]:
    """What apprise logs while it pushes, kept here (not passed on to the daemon's log,
    where its URL pieces would show) for `reason` to read."""
    said = io.StringIO()
    handler = logging.StreamHandler(said)
    logger = logging.getLogger("apprise")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def reason(said: Any, url: str) -> str:
    """apprise's own last word on a failed push (`… Internal Server Error (500)`), with every
    piece of the URL but the server it names (`mask`) taken out: a user, password, token
    or topic never reaches the log."""
    lines = [line.strip() for line in said.getvalue().splitlines() if line.strip()]
    if not lines:
        return "-"
    text = lines[-1][:300]
    kept = mask(url).split("://", 1)[-1].split("/", 1)[0]
    pieces = re.split(r"[:/@?&=#,;]+", url.split("://", 1)[-1])
    for piece in sorted({p for p in pieces if len(p) >= 3 and p != kept}, key=len, reverse=True):
        text = text.replace(piece, "…")
    return text


class AllNotifiers:
    """Several notifiers at once (the desktop and the phone). A reminder is delivered when
    each of them took it; on a retry, those that already took it are not asked again."""

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self.notifiers = list(notifiers)
        self.name = "+".join(n.name for n in self.notifiers)
        self._done: dict[tuple[str, str, str, str], set[str]] = {}
        self._lock = threading.Lock()

    def send(self, note: Note) -> bool:
        key = (note.trade, note.kind, note.due, note.message)
        with self._lock:
            done = set(self._done.get(key, ()))
        for notifier in self.notifiers:
            if notifier.name not in done and notifier.send(note):
                done.add(notifier.name)
        complete = all(n.name in done for n in self.notifiers)
        with self._lock:
            if complete:
                self._done.pop(key, None)
            else:
                self._done[key] = done
        return complete
