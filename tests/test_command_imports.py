"""What each everyday command imports is a list kept in the repository
(tests/command_imports.json): a command that starts importing a module it did not import
before fails here, so a heavy import on the command path is a conscious change, not an
accident found later in the benchmark.

Each command runs in a fresh process through the real entry point on a real journal file
(twice: the second run, with the caches the first one made, is what a user meets every
day; `--help` and Tab then import neither cli nor click), and the modules it left in
`sys.modules` are compared with the list: the journal's own modules (`journal…`,
`scheduler…`, `cli`) by full name, any other library's by its top-level name; the standard
library and what a bare interpreter already holds are left out. Nothing is timed. After a
deliberate change, rewrite the list with

    UPDATE_IMPORT_LISTS=1 python -m pytest tests/test_command_imports.py

and let the diff show what each command now loads.
"""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LISTS = Path(__file__).with_name("command_imports.json")

CHILD = """
import json, sys
before = set(sys.modules)
sys.argv[0] = "journal"
from journal.commands.launch import main  # the installed `journal` script's entry point
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
found = sorted(set(sys.modules) - before)
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "modules": found}) + "\\n")
"""

# Tab completion: what bash asks when the user presses Tab after `journal show `.
TAB = {"_JOURNAL_COMPLETE": "bash_complete", "COMP_WORDS": "journal show ", "COMP_CWORD": "2"}

COMMANDS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "add message": (("add", "message", "T1", "--note", "こんにちは"), {}),
    "add listed": (
        ("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "1200"),
        {},
    ),
    "list": (("list",), {}),
    "upcoming": (("upcoming",), {}),
    "show": (("show", "T1"), {}),
    "log": (("log", "T1"), {}),
    "money": (("money",), {}),
    "reminders": (("reminders",), {}),
    "search": (("search", "--from", "2026-01-01", "--min", "1000"), {}),
    "--help": (("--help",), {}),
    "tab completion": ((), TAB),
}


def ours(name: str) -> bool:
    return name == "cli" or name.split(".")[0] in ("journal", "scheduler", "journal_migrations")


# Standard-library modules too heavy for the everyday path, watched by name: `typing` alone
# is about 15 M instructions (a `python -c pass` is 38 M); cryptography's `exceptions`
# module imports it, so a failing seal would show it too.
WATCHED_STDLIB = ("typing",)


def loaded(modules: list[str]) -> list[str]:
    """The journal's modules by full name, other libraries' by top-level name; of the
    standard library only the watched ones."""
    kept = set()
    for name in modules:
        top = name.split(".")[0]
        if ours(name) or name in WATCHED_STDLIB:
            kept.add(name)
        elif top not in sys.stdlib_module_names and not top.startswith("_"):
            kept.add(top)
    return sorted(kept)


def spawn(child: str, env: dict[str, str], *args: str, bare: bool = False):
    """`child` run with `args` in a fresh interpreter (`bare`: without `site`, see BARE)."""
    flags = ["-S"] if bare else []
    return subprocess.run(
        [sys.executable, *flags, "-c", child, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def reported(done: subprocess.CompletedProcess, mark: str) -> str:
    """What the child wrote on its last `mark` line of stderr."""
    lines = [x for x in done.stderr.splitlines() if x.startswith(mark + " ")]
    assert lines, done.stderr[-2000:]
    return lines[-1].removeprefix(mark + " ")


def run(env: dict[str, str], *args: str) -> tuple[int, list[str], str]:
    done = spawn(CHILD, env, *args)
    found = json.loads(reported(done, "MODULES"))
    return found["code"], loaded(found["modules"]), done.stdout


def probe_list(env: dict[str, str], before: str) -> list[str]:
    """What `journal list` loads when `before` runs first (as a new import on its path would)."""
    entry = "from journal.commands.launch import main"
    done = spawn(CHILD.replace(entry, before + "\n" + entry, 1), env, "list")
    return loaded(json.loads(reported(done, "MODULES"))["modules"])


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """A user with a journal in the default place, no config, English, Tokyo time (the
    per-user folders point into a temporary one): T1 listed, and a set for a named buyer
    (B1, of T2 and T3), whose buyer and 〇〇様専用 title are sealed: `money` folds it and
    must not open them (its list has no `cryptography`)."""
    home = tmp_path_factory.mktemp("imports")
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "NO_COLOR": "1",
    }
    for name in ("JOURNAL_DB", "JOURNAL_CONFIG", "_JOURNAL_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
        env.pop(name, None)
    listed = ("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    bundle = ("add", "bundle", "T2", "T3", "--price", "4500", "--buyer", "はな", "--id", "B1")
    for args in (listed, listed, listed, bundle):  # the first creates (migrates) the journal
        code, _, _ = run(env, *args)
        assert code == 0, args
    return env


def observed(env: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for name, (args, extra) in COMMANDS.items():
        run({**env, **extra}, *args)  # fills the caches (help text, parsed rule packs)
        code, modules, out = run({**env, **extra}, *args)
        assert code == 0, (name, code)
        if name == "tab completion":
            assert "T1" in out  # the check ran the real completion, which found the trade
        found[name] = modules
    return found


@pytest.mark.slow
def test_each_everyday_command_imports_only_what_its_list_allows(env):
    found = observed(env)
    if os.environ.get("UPDATE_IMPORT_LISTS"):
        LISTS.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(LISTS.read_text())
    problems = []
    for name, modules in found.items():
        allowed = set(expected.get(name, []))
        if new := sorted(set(modules) - allowed):
            problems.append(f"`journal {name}` now imports {new}")
        if gone := sorted(allowed - set(modules)):
            problems.append(f"`journal {name}` no longer imports {gone} (update the list)")
    assert not problems, "\n".join(problems) + "\n(see this test's docstring to update)"


def test_the_check_sees_a_new_import(env):
    """The same comparison notices a module the list does not have: here one imported
    before the command runs, as a new module-level import on its path would be."""
    expected = set(json.loads(LISTS.read_text())["list"])
    assert "journal.text.csv_export" not in expected
    modules = set(probe_list(env, "import journal.text.csv_export"))
    assert "journal.text.csv_export" in modules - expected  # (with what it imports)


def test_the_check_sees_typing_imported(env):
    """`typing` is watched though it is standard library: a module on the path that imports
    it at run time (say `from typing import NamedTuple`) shows in the comparison."""
    assert all("typing" not in names for names in json.loads(LISTS.read_text()).values())
    assert "typing" in probe_list(env, "import typing")


# The standard library's pathlib imports `urllib.parse` (and with it `ipaddress`), `fnmatch`
# and `ntpath`: about 17 M instructions of a 260 M command. The everyday commands keep paths
# as text (`journal.paths.file_text`); a `Path` is made only for the other commands.
NOT_LOADED = ("pathlib", "urllib.parse")

# The child runs without `site` (-S): the development install's editable hook, a `.pth` file,
# imports pathlib before anything runs. Its path is the repository and the venv's packages.
BARE = """
import sys
sys.path[:0] = {paths!r}
sys.argv[0] = "journal"
from journal.commands.launch import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = [name for name in {names!r} if name in sys.modules]
sys.stderr.write("\\nLOADED " + " ".join([str(code), *loaded]) + "\\n")
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "--help"])
def test_no_everyday_command_loads_pathlib(env, name):
    """Nor Tab on a trade id, once click has answered the first one (its second run)."""
    args, extra = COMMANDS[name]
    paths = [str(ROOT), sysconfig.get_paths()["purelib"]]
    child = BARE.format(paths=paths, names=NOT_LOADED)
    for run_ in ("first", "second"):  # the second with the caches the first one made
        done = spawn(child, {**env, **extra}, *args, bare=True)
        code, *loaded = reported(done, "LOADED").split()
        assert code == "0", (name, run_, done.stderr[-2000:])
        if name == "tab completion":
            assert "T1" in done.stdout  # the real completion ran and found the trade
            if run_ == "first":
                continue  # click answers the first Tab (and learns for the next ones)
        assert loaded == [], f"`journal {name}` ({run_} run) imports {loaded}"
