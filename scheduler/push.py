"""Reminders on the phone: the `apprise` notifier (ntfy, mail, Telegram, Discord, Slack,
LINE, a JSON webhook, … one URL each), and several notifiers at once.

apprise (a well-kept library that speaks to some hundred services) is imported only when
this notifier is used. Its URLs often hold a token or a password, so only their masked
form is ever logged or shown.
"""

import logging
import threading
from collections.abc import Sequence

from journal.core.errors import BadInput
from scheduler.notify import Note, Notifier

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

    def send(self, note: Note) -> bool:
        ok = True
        for plugin, shown in self.plugins:
            try:
                sent = plugin.notify(title=note.title, body=note.message)
            except Exception as exc:  # noqa: BLE001 - a notifier never takes the daemon down
                log.error("push to %s failed: %s", shown, type(exc).__name__)
                sent = False
            else:
                if not sent:
                    log.error("push to %s was not accepted", shown)
            ok = ok and bool(sent)
        return ok


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
