"""The layers, read from the import graph: the pure core (events, trades, decisions,
deadlines, rules, money, the reminder planner) imports no storage, no command line, no
settings and no text for people; each row of docs/ARCHITECTURE.md's table imports only
what its "may import" column names (lazy imports included, `TYPE_CHECKING` aside); and
no two modules import each other in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = (
    "journal.core.events",
    "journal.core.trade",
    "journal.core.decide",
    "journal.core.deadlines",
    "journal.core.kinds",
    "journal.core.rules",
    "journal.core.timeparse",
    "journal.core.clock",
    "journal.core.errors",
    "journal.core.items",
    "journal.core.money",
    "journal.core.money_report",
    "journal.core.undo",
    "journal.core.search",
    "journal.core.records",
    "journal.core.tax",
    "journal.core.payloads",
    "journal.core.steps",
    "journal.core.step_fields",
    "journal.core.withdrawals",
    "journal.core.fees",
    "journal.core.calendar",
    "journal.text.table",
    "journal.core.names",
    "journal.core.validate",
    "journal.core.argv",
    "journal.core.personal",
    "scheduler.plan",
)
# storage, the command line, the settings, and everything that chooses words for people
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "click",
    "apscheduler",
    "plyer",
    "apprise",
    "journal.storage.store",
    "journal.storage.projections",
    "journal.storage.queries",
    "journal.service",
    "journal.settings",
    "journal.text.messages",
    "journal.text.i18n",
    "journal.text.labels",
    "journal.text.display",
    "journal.text.views",
    "journal.text.screens",
    "cli",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of the nodes under `if TYPE_CHECKING:` (never imported at run time)."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(n) for child in node.body for n in ast.walk(child))
    return hidden


def import_lines(path: Path, top_level_only: bool, names: bool = True) -> list[tuple[int, str]]:
    """(line, module) of each import, lazy ones too unless `top_level_only`; with `names`,
    `from x import y` also gives `x.y` (y may be a module)."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    hidden = _type_checking_only(tree)
    found: list[tuple[int, str]] = []
    for node in nodes:
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if names:
                found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def imports_of(path: Path, top_level_only: bool) -> set[str]:
    return {module for _, module in import_lines(path, top_level_only)}


def sources(root: Path = ROOT) -> list[Path]:
    return [*root.glob("journal/**/*.py"), *root.glob("scheduler/*.py"), root / "cli.py"]


def graph(top_level_only: bool) -> dict[str, set[str]]:
    modules = {module_name(f): f for f in sources()}
    return {
        name: {m for m in imports_of(path, top_level_only) if m in modules or "." not in m}
        | {m.split(".")[0] for m in imports_of(path, top_level_only)}
        for name, path in modules.items()
    }


def reach(edges: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module `start` imports, directly or not, with one module that imports it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        for target in sorted(edges.get(current, ())):
            if target not in seen and target != start:
                seen[target] = current
                todo.append(target)
    return seen


@pytest.mark.parametrize("module", PURE)
def test_the_pure_core_imports_no_storage_command_line_settings_or_text(module) -> None:
    edges = graph(top_level_only=False)  # lazy imports inside functions count too
    assert module in edges
    reached = reach(edges, module)
    bad = {m: via for m, via in reached.items() if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN}
    assert bad == {}, f"{module} reaches {bad}"


def test_no_import_circle() -> None:
    """At import time (module-level imports), no module reaches itself."""
    edges = graph(top_level_only=True)
    own = set(edges)
    mine = {name: targets & own for name, targets in edges.items()}
    circles = [m for m in sorted(own) if any(m in reach(mine, t) or t == m for t in mine[m])]
    assert circles == []


def test_the_graph_is_really_read() -> None:
    edges = graph(top_level_only=False)
    assert "journal.core.trade" in reach(edges, "journal.core.decide")
    assert "sqlalchemy" in reach(edges, "journal.service")
    assert "click" in reach(edges, "cli")


def _reaches_past_the_door(path: Path) -> list[str]:
    """`x.store`, `x._fresh()` or `x.book.…`-style reaches into a Journal's insides."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("store", "_fresh")
    ]


def test_nothing_outside_journal_reaches_past_the_door() -> None:
    outside = [ROOT / "cli.py", *sorted((ROOT / "scheduler").glob("*.py"))]
    assert [hit for path in outside for hit in _reaches_past_the_door(path)] == []


def test_the_door_check_sees_a_reach() -> None:
    inside = _reaches_past_the_door(ROOT / "journal" / "safekeeping.py")
    assert any(".store" in hit for hit in inside)


# -- one "may import" set per row of docs/ARCHITECTURE.md's table --------------------------
# The rows, by module name: the first prefix that matches names the row.
ROWS = (
    ("journal.text.table", "core"),
    ("scheduler.plan", "core"),
    ("journal.core", "core"),
    ("journal.storage", "storage"),
    ("journal.files", "files"),
    ("journal.paths", "files"),
    ("journal.kept", "files"),
    ("journal.service", "door"),
    ("journal.results", "door"),
    ("journal.safekeeping", "door"),
    ("journal.locations", "door"),
    ("journal.reading", "door"),
    ("journal.records", "door"),
    ("journal.evidence", "door"),
    ("journal.forgetting", "door"),
    ("journal.app", "root"),
    ("journal.demo", "root"),
    ("journal.settings", "settings"),
    ("journal.config_schema", "settings"),
    ("journal.text", "text"),
    ("scheduler", "scheduler"),
    ("cli", "cli"),
    ("journal.commands", "cli"),
    ("journal.web", "cli"),  # the web app: an edge like the command line
)
EVERYTHING = {"core", "files", "storage", "door", "root", "settings", "text", "scheduler", "cli"}
MAY_IMPORT = {
    "core": {"core"},
    # the one writer of output files (journal/files.py): below every layer but the core
    "files": {"core", "files"},
    "storage": {"core", "files", "storage"},
    "door": {"core", "files", "storage", "door"},
    # the config: refusals in words (text)
    "settings": {"core", "files", "settings", "text"},
    "text": {"core", "files", "text", "settings"},
    # the composition root builds what a process works with: the journal, its reminders
    "root": {"core", "files", "door", "root", "settings", "text", "scheduler"},
    # the settings are read by the composition root only (journal/app.py): the daemon and
    # the edges take what they need from the App they are handed
    "scheduler": EVERYTHING - {"storage", "cli", "settings"},
    "cli": EVERYTHING - {"storage", "settings"},
}
# Imports that break the table today, each (importing module, imported module), to be
# emptied; a new break fails, and so does an entry that no longer happens.
ALLOWED: set[tuple[str, str]] = set()


def row_of(module: str) -> str | None:
    for prefix, row in ROWS:
        if module == prefix or module.startswith(prefix + "."):
            return row
    return None


def breaks(root: Path = ROOT) -> dict[tuple[str, str], str]:
    """Every import (lazy ones included, `TYPE_CHECKING` aside) of a module under `root`
    whose row may not import the imported module's row, with where it is. A `from X import
    y` counts as an import of X."""
    found: dict[tuple[str, str], str] = {}
    for path in sources(root):
        if not path.exists():
            continue
        parts = path.relative_to(root).with_suffix("").parts
        importer = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mine = row_of(importer)
        for line, imported in import_lines(path, top_level_only=False, names=False):
            theirs = row_of(imported)
            if mine is None or theirs is None or theirs in MAY_IMPORT[mine]:
                continue
            where = f"{path.relative_to(root)}:{line} ({mine} may not import {theirs})"
            found.setdefault((importer, imported), where)
    return found


def test_each_row_imports_only_what_the_table_allows() -> None:
    found = breaks()
    new = {pair: where for pair, where in found.items() if pair not in ALLOWED}
    assert new == {}, "\n".join(sorted(new.values()))
    gone = ALLOWED - set(found)
    assert gone == set(), f"allowed but no longer imported, remove from ALLOWED: {gone}"


def _plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "text", "pair"),
    [
        (
            "journal/storage/x.py",
            "def f():\n    from journal.service import Journal\n",
            ("journal.storage.x", "journal.service"),
        ),
        (
            "journal/storage/x.py",
            "import journal.text.ical\n",
            ("journal.storage.x", "journal.text.ical"),
        ),
        (
            "journal/text/x.py",
            "from journal.storage import queries\n",
            ("journal.text.x", "journal.storage"),
        ),
        ("journal/text/x.py", "import cli\n", ("journal.text.x", "cli")),
        (
            "journal/service.py",
            "from journal.settings import load_config\n",
            ("journal.service", "journal.settings"),
        ),
        (
            "journal/service.py",
            "from journal.text import ical\n",
            ("journal.service", "journal.text"),
        ),
        ("scheduler/x.py", "import cli\n", ("scheduler.x", "cli")),
        (
            "scheduler/x.py",
            "from journal.storage.store import Store\n",
            ("scheduler.x", "journal.storage.store"),
        ),
        (
            "cli.py",
            "from journal.storage.integrity import verify\n",
            ("cli", "journal.storage.integrity"),
        ),
    ],
)
def test_the_row_check_sees_a_planted_import(tmp_path, name, text, pair) -> None:
    """The checker, run on a small tree with one forbidden import planted, reports it; and
    the same tree without the import, or with it under `TYPE_CHECKING`, passes."""
    clean = {"journal/core/a.py": "import json\n", "cli.py": "from journal.core import a\n"}
    assert breaks(_plant(tmp_path / "clean", clean)) == {}
    planted = breaks(_plant(tmp_path / "planted", {**clean, name: text}))
    assert list(planted) == [pair]
    hidden = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n" + "".join(
        "    " + line + "\n" for line in text.splitlines() if not line.startswith("def ")
    ).replace("        ", "    ")
    assert breaks(_plant(tmp_path / "hidden", {**clean, name: hidden})) == {}


def test_the_circle_check_sees_a_planted_circle() -> None:
    mine = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert "a" in reach(mine, "b") and "d" not in reach(mine, "a")


def circles(edges: dict[str, set[str]]) -> list[str]:
    own = set(edges)
    mine = {name: targets & own for name, targets in edges.items()}
    return [m for m in sorted(own) if any(m in reach(mine, t) or t == m for t in mine[m])]


def test_no_import_circle_even_through_lazy_imports() -> None:
    """No two modules import each other in a circle, counting the imports made inside
    functions: a lazy import only defers a circle, it does not remove it."""
    assert circles(graph(top_level_only=False)) == []


def test_the_circle_check_sees_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c"]
