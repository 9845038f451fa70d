"""A new command's id, in the form `uuid.uuid4().hex` has (32 hex digits, version 4, the RFC
4122 variant), made from `os.urandom` as uuid4 makes it.

Every `journal add` needs one, and importing `uuid` for it imports `platform` and uuid's C
helper (about 10 M instructions, a quarter of `python -c pass`) for this one call.
"""

import os


def new_command_id() -> str:
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
    return raw.hex()
