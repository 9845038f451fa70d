"""The daemon stays behind the door: `scheduler/` imports no `journal.storage` module, no
`cli` and no database driver (lazy imports inside functions included), and runs no SQL of
its own. Its reads, its sent-records and the log's change feed are the door's
(`journal.service.Journal`)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("journal.storage", "cli", "sqlite3", "psycopg", "sqlalchemy")
SQL_CALLS = ("exec_driver_sql", "execute", "executemany", "notifies")


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):  # every import, at module level or inside a function
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def violations(path: Path, source: str | None = None) -> list[str]:
    """`path:line what` for each forbidden import and each driver call in one module."""
    tree = ast.parse(source if source is not None else path.read_text("utf-8"))
    where = path.relative_to(ROOT) if path.is_absolute() else path
    bad = [f"{where}:{line} imports {name}" for line, name in _imports(tree) if _forbidden(name)]
    bad += [
        f"{where}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]
    return bad


def test_scheduler_imports_no_storage_no_cli_no_driver_and_runs_no_sql() -> None:
    modules = sorted((ROOT / "scheduler").glob("*.py"))
    assert len(modules) > 10
    assert [hit for path in modules for hit in violations(path)] == []


def test_the_check_sees_a_lazy_storage_import_a_cli_import_and_raw_sql() -> None:
    source = (
        "from journal.service import Journal\n"
        "def f(conn):\n"
        "    from journal.storage import queries\n"
        "    import cli\n"
        "    conn.exec_driver_sql('PRAGMA data_version')\n"
    )
    found = violations(Path("scheduler/x.py"), source)
    assert found == [
        "scheduler/x.py:3 imports journal.storage",
        "scheduler/x.py:3 imports journal.storage.queries",
        "scheduler/x.py:4 imports cli",
        "scheduler/x.py:5 calls .exec_driver_sql()",
    ]
