"""`python -m journal.storage.rebuild_helper`: the second process of a large rebuild.

Reads (journal path, first stream, rule book, last seq the parent sees, mode) pickled on
stdin. Mode "rows" (a rebuild): writes pickled batches of (trade rows, deadline rows per
trade) on stdout, then None (or an error); see `journal.storage.rebuild._project_parallel`.
Mode "compare" (verify): compares its part with the stored read models and writes its
first difference, then None; see `journal.storage.integrity.Ahead`.
"""

import pickle
import sys

from journal.storage.rebuild import project_range_to


def main() -> None:
    path, low, book, last_seq, mode = pickle.load(sys.stdin.buffer)
    if mode == "compare":
        from journal.storage.integrity import compare_range_to

        compare_range_to(path, low, book, last_seq, sys.stdout.buffer)
    else:
        project_range_to(path, low, book, last_seq, sys.stdout.buffer)


if __name__ == "__main__":
    main()
