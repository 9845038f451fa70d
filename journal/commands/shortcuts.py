"""What the entry point (`launch.py`) answers without click, and what click's own answers
teach it: the program's key, the Tab requests it can read, and the trade ids for them. No
import of `cli` or click here (`cli._complete_ids` calls `learn_ids_context`)."""

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    pass

PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # journal/ (no pathlib)
SHELLS = {"bash_complete": "bash", "zsh_complete": "zsh", "fish_complete": "fish"}
# What the help text and the completed words depend on, besides the language settings.
CODE = (
    "cli.py",
    "journal/__init__.py",
    "journal/core/steps.py",
    "journal/core/step_fields.py",
    "journal/text/helptext.py",
    "journal/text/step_names.py",
    "journal/text/labels.py",
    "journal/text/i18n.py",
)
LANGUAGE = ("JOURNAL_LANG", "JOURNAL_CONFIG", "LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS")


# -- the program's key ----------------------------------------------------------------------


def program_key(*extra: str) -> str:
    """Changes whenever the program's files, the language settings or `extra` change."""
    import zlib

    parts = [sys.version, *extra]
    for name in CODE:
        parts.append(_stamp(os.path.join(os.path.dirname(PACKAGE), name)))
    for folder in (os.path.join(PACKAGE, "commands"), *_catalog_folders()):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith((".py", ".mo")):
                parts.append(f"{entry.name}:{_stamp(entry.path)}")
    parts += [f"{name}={os.environ.get(name, '')}" for name in LANGUAGE]
    parts.append(_stamp(_config_file()))
    text = "\0".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


def _catalog_folders() -> list[str]:
    """journal/locale/*/LC_MESSAGES, in order."""
    locale = os.path.join(PACKAGE, "locale")
    try:
        names = sorted(os.listdir(locale))
    except OSError:
        return []
    found = [os.path.join(locale, name, "LC_MESSAGES") for name in names]
    return [folder for folder in found if os.path.isdir(folder)]


def _stamp(path: str) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "-"
    return f"{found.st_size}:{found.st_mtime_ns}"


def _config_file() -> str:
    from journal.paths import config_file

    return config_file()


def cache() -> str:
    """The per-user cache folder (a path as text: nothing here imports pathlib)."""
    from journal.paths import user_folder

    return user_folder("cache")


def in_cache(name: str) -> str:
    """The file `name` in the cache folder."""
    return os.path.join(cache(), name)


def read(path: str) -> str:
    """A file's text (UTF-8); OSError or UnicodeDecodeError as reading raises them."""
    with open(path, encoding="utf-8") as file:
        return file.read()


def remove_stale(folder: str, start: str, end: str) -> None:
    """Remove the files in `folder` whose names start with `start` and end with `end`."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        if not name.startswith(start) or not name.endswith(end) or len(name) < len(start + end):
            continue
        try:
            os.unlink(os.path.join(folder, name))
        except FileNotFoundError:
            continue  # removed by another process meanwhile


def write(path: str, text: str) -> None:
    """Replace the file whole, or not at all (a read-only cache is no failure)."""
    folder, name = os.path.split(path)
    try:
        os.makedirs(folder, exist_ok=True)
        partial = os.path.join(folder, f".{name}.{os.getpid()}")
        with open(partial, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(partial, path)
    except OSError:
        pass


# -- journal --help's width -------------------------------------------------------------


def width() -> int:
    """The width click formats help to: $COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


# -- Tab: trade ids -------------------------------------------------------------------------


def tab_request() -> tuple[str, list[str], str] | None:
    """(shell, words before the one being completed, that word) as click reads them, when
    they are plain words; None when only click can read them (quotes, escapes)."""
    shell = SHELLS.get(os.environ.get("_JOURNAL_COMPLETE", ""))
    words_text, cword = os.environ.get("COMP_WORDS", ""), os.environ.get("COMP_CWORD", "")
    if shell is None or any(c in words_text + cword for c in "'\"\\"):
        return None
    words = words_text.split()
    if shell == "fish":
        incomplete, args = (cword.split() or [""])[0], words[1:]
        if incomplete and args and args[-1] == incomplete:
            args.pop()
    else:
        index = int(cword)
        args = words[1:index]
        incomplete = words[index] if index < len(words) else ""
    if incomplete.startswith("-") or any(a == "--db" or a.startswith("--db=") for a in args):
        return None
    return shell, args, incomplete


def _ids_file() -> str:
    return in_cache(f"tab-ids-{program_key()}.txt")


def learn_ids_context() -> None:
    """Called by click's own completion of a trade id: these words are followed by one."""
    request = tab_request()
    if request is None:
        return
    path = _ids_file()
    try:
        known = set(read(path).splitlines())
    except (OSError, UnicodeDecodeError):
        remove_stale(os.path.dirname(path), "tab-ids-", ".txt")
        known = set()
    context = "\x1f".join(request[1])
    if context not in known:
        write(path, "\n".join(sorted({*known, context})) + "\n")


def complete_ids() -> int | None:
    request = tab_request()
    if request is None:
        return None
    shell, args, incomplete = request
    try:
        known = set(read(_ids_file()).splitlines())
    except (OSError, UnicodeDecodeError):
        return None
    if "\x1f".join(args) not in known:
        return None
    from journal.locations import trades_in_file
    from journal.text.completion import titles, trade_ids

    rows = trades_in_file(_journal_file())
    step = args[1] if len(args) > 1 and args[0] == "add" else None
    found = trade_ids(rows, incomplete, step)[:200]
    names = titles(rows, found)
    several = len(found) > 1
    lines = [_format(shell, ident, names.get(ident), several) for ident in found]
    sys.stdout.write("\n".join(lines) + "\n")  # as click.echo ends it
    sys.stdout.flush()
    return 0


def _journal_file() -> str | None:
    """The journal file a command without --db opens (None for a server): the default file,
    unless $JOURNAL_DB or the config names another (then the settings decide, as they do
    for every command). As text: Tab imports no pathlib (with `re` and `urllib.parse`)."""
    from journal.paths import config_file, user_folder

    if os.environ.get("JOURNAL_DB") is None and not os.path.exists(config_file()):
        return os.path.join(user_folder("data"), "journal.sqlite")
    from journal.app import location_of

    found = location_of(None)
    return None if isinstance(found, str) else os.fspath(found)  # a server URL is text


def _format(shell: str, value: str, help_: str | None, several: bool = False) -> str:
    """One candidate as BashComplete (with the title when there are several: see
    `journal.text.completion.use_titled_bash`), ZshComplete and FishComplete print it."""
    if shell == "bash":
        return f"plain,{value}  {help_}" if several and help_ else f"plain,{value}"
    if shell == "zsh":
        shown = help_ or "_"
        return f"plain\n{value.replace(':', chr(92) + ':') if shown != '_' else value}\n{shown}"
    if help_:
        return f"plain,{value}\t{help_.replace(chr(10), chr(92) + 'n').replace(chr(9), ' ')}"
    return f"plain,{value}"
