"""How tests/data/journal-v0.1.0.sqlite was made (kept for reference; do not rerun casually).

The file is a journal written by trade-journal 0.1.0: the demo stories at a fixed time.
`tests/test_kept_journal.py` checks that every later version still reads it.
"""

import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from journal.core.rules import load_rulebook
from journal.demo import play
from journal.service import Journal

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def main(target: Path) -> None:
    journal = Journal(target, load_rulebook({}))
    play(journal, NOW)
    journal.close()
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        conn.execute("VACUUM")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
