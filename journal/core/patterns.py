"""Regular expressions compiled when first used.

A command reads few of the patterns its modules define; compiling each at import cost about
0.5-0.8 M instructions apiece (a bare `python -c pass` is 38 M), paid by every command
whether it matched anything or not. After the first use the matching methods are plain
attributes, so a pattern in an inner loop (the import checks every event) costs no more
than a compiled one.
"""

import re

_BOUND = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern:
    """`re.compile(pattern, flags)`, done on first use."""

    __slots__ = ("_args", *_BOUND)

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> object:  # reached only while the slots are unset
        compiled = re.compile(*self._args)
        for method in _BOUND:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
