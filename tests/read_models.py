"""The read models as plain rows, for comparing inline projection with a rebuild (tests only)."""

from typing import Any


def snapshot(conn: Any) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The read models as plain rows, for comparing inline projection with a rebuild."""
    return (
        list(conn.exec_driver_sql("SELECT * FROM trades ORDER BY id")),
        list(conn.exec_driver_sql("SELECT * FROM deadlines ORDER BY trade, kind")),
        # without the stamp of what built them (projections.stamp): a new journal whose
        # every step was refused has none until a rebuild, with the same rows
        list(
            conn.exec_driver_sql(
                "SELECT * FROM projection_state"
                " WHERE key NOT IN ('projection_version', 'rule_book', 'rule_packs') ORDER BY key"
            )
        ),
    )
