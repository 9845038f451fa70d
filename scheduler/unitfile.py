"""The systemd unit's text: written escaped, read back the way systemd reads it.

Written: every value goes through systemd's own rules (systemd.syntax(7), systemd.service(5)
"Command lines", systemd.exec(5) `Environment=`): `%` is a specifier (`%%`), `$` a variable
(`$$`, command lines only), `\\` and `"` are escapes inside double quotes. A character no
escaping makes safe (a newline adds a directive, a control character is not text) is
refused before anything is written, as is text that is not UTF-8 (systemd skips it).

Read back (`daemon status`): the [Service] section's last `ExecStart=`, its first word
unquoted and unescaped, systemd's prefix characters (`-@:+!`) dropped. A unit it cannot
read is a reason to say so, never an internal error.
"""

import re

from journal.core.errors import BadInput

# Arguments made only of these are written bare (the usual absolute path and options).
_BARE = re.compile(r"[A-Za-z0-9_./:@+,=-]+")
# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_UNWRITABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PREFIXES = "-@:+!|"
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "s": " ",
    "\\": "\\",
    '"': '"',
    "'": "'",
}


class UnitUnreadable(Exception):
    """The unit's command cannot be read; `reason` names why (a catalog key's tail)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def checked(value: str) -> str:
    """`value` when it can go into a unit file; refused (exit 2) when no escaping can."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("unit_unwritable", value=ascii(value)[:200]) from None
    if _UNWRITABLE.search(value):
        raise BadInput("unit_unwritable", value=ascii(value)[:200])
    return value


def exec_word(arg: str) -> str:
    """One command-line argument: specifiers and variables doubled, quoted unless bare."""
    text = checked(arg).replace("%", "%%").replace("$", "$$")
    if _BARE.fullmatch(arg) and arg != ";":
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def environment(key: str, value: str) -> str:
    """One `Environment="KEY=VALUE"` line (no variable expansion there: `$` stays)."""
    text = checked(value).replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'Environment="{key}={text}"'


def exec_program(raw: bytes) -> str | None:
    """The program the unit's ExecStart= runs, None when it has no ExecStart= at all.

    Raises UnitUnreadable("not_utf8" / "quoting" / "no_command") when systemd would not
    run it either.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnitUnreadable("not_utf8") from None
    command = _last_exec_start(text)
    if command is None:
        return None
    words = _words(command)
    if not words:
        raise UnitUnreadable("no_command")
    first = words[0]
    prefixes = first[: len(first) - len(first.lstrip(_PREFIXES))]
    program = first[len(prefixes) :].replace("%%", "%")
    if ":" not in prefixes:
        program = program.replace("$$", "$")
    if not program or not program.isprintable():  # nothing to run, or to show
        raise UnitUnreadable("no_command")
    return program


def _last_exec_start(text: str) -> str | None:
    """The value of the [Service] section's last `ExecStart=` ("" after a reset)."""
    section, found = "", None
    for line in _logical_lines(text):
        if line.startswith("["):
            section = line.strip()
            continue
        key, sep, value = line.partition("=")
        if sep and section == "[Service]" and key.strip() == "ExecStart":
            found = value.strip()
    return found


def _logical_lines(text: str) -> list[str]:
    """Lines with comments dropped and backslash continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _words(command: str) -> list[str]:
    """Split a command line the way systemd does: quotes, C escapes, whitespace."""
    words: list[str] = []
    word: list[str] | None = None
    quote = ""
    i = 0
    while i < len(command):
        char = command[i]
        i += 1
        if char == "\\":
            if i >= len(command):
                raise UnitUnreadable("quoting")
            char, i = _escape(command, i)
        elif quote and char == quote:
            quote = ""
            continue
        elif not quote and char in "\"'":
            quote, word = char, word if word is not None else []
            continue
        elif not quote and char.isspace():
            if word is not None:
                words.append("".join(word))
            word = None
            continue
        word = word if word is not None else []
        word.append(char)
    if quote:
        raise UnitUnreadable("quoting")
    if word is not None:
        words.append("".join(word))
    return words


def _escape(command: str, i: int) -> tuple[str, int]:
    """The character a C escape at `command[i]` (after its backslash) stands for."""
    char = command[i]
    if char in _ESCAPES:
        return _ESCAPES[char], i + 1
    for lead, size, base in (("x", 2, 16), ("u", 4, 16), ("U", 8, 16)):
        if char == lead:
            digits = command[i + 1 : i + 1 + size]
            if len(digits) == size and re.fullmatch(r"[0-9a-fA-F]+", digits):
                return _char(int(digits, base)), i + 1 + size
            raise UnitUnreadable("quoting")
    digits = command[i : i + 3]
    if re.fullmatch(r"[0-7]{3}", digits):
        return _char(int(digits, 8)), i + 3
    return char, i + 1


def _char(code: int) -> str:
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise UnitUnreadable("quoting")
    return chr(code)
