"""SHA-256 for the few short texts a command hashes (the chain link of each event it
appends, the rule book's stamp), without OpenSSL.

`hashlib` loads OpenSSL's libcrypto when imported (about 11 M instructions, a quarter of
`python -c pass`, and the library's pages); CPython's own SHA-256 (`_sha2`; `_sha256` before
3.12), which `hashlib` itself falls back to, gives the same digest without it, at half the
speed per byte. Verify and import, which hash every event, keep `hashlib`.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_made: Callable[[bytes], Any] | None = None


def sha256(data: bytes) -> Any:
    """`hashlib.sha256(data)`, the same digest (tests/test_canonical.py)."""
    global _made
    if _made is None:
        _made = _builtin()
    return _made(data)


def _builtin() -> Callable[[bytes], Any]:
    try:
        from _sha2 import sha256 as made  # type: ignore[import-not-found]  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256 as made  # type: ignore[import-not-found]  # CPython 3.11
        except ImportError:  # an interpreter without them
            from hashlib import sha256 as made
    return made
