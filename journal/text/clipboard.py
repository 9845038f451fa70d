"""Putting a message on the clipboard (`journal message --copy`) through the desktop's own
tool: wl-copy on Wayland, xclip or xsel on X11, pbcopy on macOS, clip.exe on Windows/WSL."""

import os
import shutil
import subprocess
import sys

_TIMEOUT = 10


def tools() -> list[list[str]]:
    """The clipboard commands this session can use, the best first."""
    found: list[list[str]] = []
    if os.environ.get("WAYLAND_DISPLAY"):
        found.append(["wl-copy"])
    if os.environ.get("DISPLAY"):
        found += [["xclip", "-selection", "clipboard", "-in"], ["xsel", "--clipboard", "--input"]]
    if sys.platform == "darwin":
        found.append(["pbcopy"])
    found.append(["clip.exe"])  # Windows, and WSL's bridge to it
    return [command for command in found if shutil.which(command[0])]


def copy(text: str) -> str | None:
    """Copy `text`; the tool that did it, or None where no clipboard can be reached."""
    for command in tools():
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,  # xclip stays behind to serve the selection
                stderr=subprocess.DEVNULL,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return command[0]
    return None
