"""The files a command keeps in the per-user cache folder to skip work the next time: the
parsed rule packs, the rule book's stamp, the parsed message catalogs.

Each is written whole (a reader never sees half of one) and read only when its check
holds: a damaged, truncated or foreign file reads as nothing, and the work is done again.
Nothing here is the journal's truth; deleting the folder costs one slower command.
"""

from __future__ import annotations

import os


def sealed(payload: bytes) -> bytes:
    """`payload` behind the CRC-32 of it (zlib: hashlib would load OpenSSL, 11 M instructions
    a start), as `opened` reads it back."""
    import zlib

    return zlib.crc32(payload).to_bytes(4, "big") + payload


def opened(path: str) -> bytes | None:
    """The payload of a file `sealed` wrote, or None (no such file, or its check fails)."""
    import zlib

    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return None
    if len(data) > 4 and zlib.crc32(data[4:]) == int.from_bytes(data[:4], "big"):
        return data[4:]
    return None


def keep(path: str, data: bytes, stale: tuple[str, str]) -> None:
    """Replace the file at `path` whole; stale ones go: those in its folder whose names start
    and end as `stale` says (an older interpreter's, an older format's). A folder that cannot
    be written (read-only, full) is skipped: the next command does the work again."""
    folder, name = os.path.split(path)
    folder = folder or "."
    start, end = stale
    try:
        os.makedirs(folder, exist_ok=True)
        for found in os.listdir(folder):
            if not found.startswith(start) or not found.endswith(end):
                continue
            try:
                os.unlink(os.path.join(folder, found))
            except FileNotFoundError:
                continue  # removed by another process meanwhile
        partial = os.path.join(folder, f".{name}.{os.getpid()}")
        with open(partial, "wb") as file:
            file.write(data)
        os.replace(partial, path)
    except OSError:
        pass
