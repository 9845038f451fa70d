"""What systemd's user manager says about the unit, disabling it before it is removed, and
whether the chosen notifier can deliver from this machine.

`systemctl --user` needs the user manager on its bus; where none answers (a container, an
ssh session without lingering, cron) it fails with "Failed to connect to bus". Then what
`disable` would do on disk (remove the unit's `*.wants/` links) is done here, and
"enabled" is read from those links.
"""

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

UNIT_NAME = "trade-journal.service"
TIMEOUT = 15.0
# Words `systemctl is-enabled` / `is-active` print: any other output is not an answer.
ENABLED_WORDS = frozenset(
    {
        *("enabled", "enabled-runtime", "linked", "linked-runtime", "alias", "masked"),
        *("masked-runtime", "static", "indirect", "disabled", "generated", "transient"),
        *("bad", "not-found"),
    }
)
ACTIVE_WORDS = frozenset(
    ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance"]
)


def systemctl(*args: str) -> subprocess.CompletedProcess | None:
    """`systemctl --user ARGS…`; None when there is no systemctl or it hangs."""
    exe = shutil.which("systemctl")
    if exe is None:
        return None
    try:
        return subprocess.run(
            [exe, "--user", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _answer(args: tuple[str, ...], words: frozenset[str]) -> str | None:
    done = systemctl(*args)
    if done is None:
        return None
    word = (done.stdout.strip().splitlines() or [""])[0].strip()
    return word if word in words else None


def enable_links(unit: Path) -> list[Path]:
    """The `*.wants/` and `*.requires/` links `enable` made to the unit, beside it."""
    links = []
    for pattern in (f"*.wants/{UNIT_NAME}", f"*.requires/{UNIT_NAME}"):
        links += [p for p in sorted(unit.parent.glob(pattern)) if p.is_symlink()]
    return links


def managed(unit: Path) -> bool:
    """Whether a user manager answers and has this very file as the unit: never ask it
    about (or disable) a trade-journal.service written elsewhere (another
    XDG_CONFIG_HOME, a test's)."""
    done = systemctl("show", "--property=FragmentPath", "--value", UNIT_NAME)
    if done is None or done.returncode != 0 or not done.stdout.strip():
        return False
    return os.path.realpath(done.stdout.strip()) == os.path.realpath(unit)


def unit_state(unit: Path) -> dict[str, Any]:
    """{"manager": whether the user manager answered for this file, "enabled": its word
    (without one: "enabled"/"disabled" from the links on disk), "active": its word or
    None}."""
    if not managed(unit):
        enabled = "enabled" if enable_links(unit) else "disabled"
        return {"manager": False, "enabled": enabled, "active": None}
    active = _answer(("is-active", UNIT_NAME), ACTIVE_WORDS)
    enabled = _answer(("is-enabled", UNIT_NAME), ENABLED_WORDS)
    if enabled is None:
        enabled = "enabled" if enable_links(unit) else "disabled"
    return {"manager": True, "enabled": enabled, "active": active}


def disable(unit: Path) -> tuple[bool, list[Path]]:
    """Disable and stop the unit while its file is still there: (whether the user manager
    did it, the enable links there were). Without a manager (or when it knows another
    file by that name) the links are removed here, which is what `disable` does on disk."""
    links = enable_links(unit)
    if managed(unit):
        done = systemctl("disable", "--now", UNIT_NAME)
        if done is not None and done.returncode == 0:
            return True, links
    for link in enable_links(unit):
        link.unlink(missing_ok=True)
    return False, links


def reload_manager() -> None:
    """Tell the user manager the unit file is gone (nothing to do without one)."""
    systemctl("daemon-reload")


def notifier_problem(config: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
    """Why the configured notifier cannot deliver from here: (a catalog key, its
    parameters), or None when it can (or this cannot be told)."""
    from journal.core.errors import BadInput
    from scheduler import notify

    kinds = config.get("kind") or ["desktop"]
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    try:
        notify.choose(config, None, None)
    except BadInput as exc:
        return "install_notifier_unusable", {"why": str(exc)}
    if kinds == ["desktop"] and notify.server_reachable() is False:
        return "install_no_desktop_server", {}
    return None
