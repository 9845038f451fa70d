"""`python -m dying_import_helper`: the import's read-ahead helper (`import_lines.main`),
ending abruptly right after sending its first batch, as a killed helper would."""

import os

from journal.storage import import_lines

_send = import_lines._send


def _send_then_die(out, message):
    _send(out, message)
    os._exit(9)


import_lines._send = _send_then_die
import_lines.main()
