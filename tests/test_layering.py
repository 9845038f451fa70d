"""The layers, read from the import graph: the pure core (events, trades, decisions,
deadlines, rules, money, the reminder planner) imports no storage, no command line, no
settings and no text for people; and no two modules import each other in a circle."""

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
    "journal.core.payloads",
    "journal.core.steps",
    "journal.core.step_fields",
    "journal.core.withdrawals",
    "journal.core.fees",
    "journal.text.table",
    "journal.core.names",
    "journal.core.validate",
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


def imports_of(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def graph(top_level_only: bool) -> dict[str, set[str]]:
    files = [*ROOT.glob("journal/**/*.py"), *ROOT.glob("scheduler/*.py"), ROOT / "cli.py"]
    modules = {module_name(f): f for f in files}
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
    inside = _reaches_past_the_door(ROOT / "journal" / "storage" / "portable.py")
    assert any(".store" in hit for hit in inside)
