"""`python -m journal.storage.rebuild_helper`: the second process of a large rebuild.

Reads (journal path, first stream, rule book, last seq the parent sees) pickled on
stdin; writes pickled batches of (trade rows, deadline rows per trade) on stdout, then
None (or an error). See `journal.storage.rebuild._project_parallel`.
"""

import pickle
import sys

from journal.storage.rebuild import project_range_to


def main() -> None:
    path, low, book, last_seq = pickle.load(sys.stdin.buffer)
    project_range_to(path, low, book, last_seq, sys.stdout.buffer)


if __name__ == "__main__":
    main()
