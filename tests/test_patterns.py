"""`LazyPattern` answers as the compiled pattern does, compiles nothing until first used, and
compiles once."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from journal.core import patterns
from journal.core.patterns import LazyPattern

CASES = [
    (r"^postgres(ql)?(\+psycopg)?://", re.IGNORECASE, ["PostgreSQL://x", "sqlite:///x", ""]),
    (r"([?&](?:ssl)?password=)([^&]*)", re.IGNORECASE, ["?a=1&PASSWORD=s3&b=2", "none"]),
    (r"[Tt]([0-9]+)", 0, ["T12", "t7x", "x", "T"]),
    (r"^(\d{1,6})\s*(週間|週|日)\s*(前|後)$", re.ASCII, ["3日前", "2週間後", "３日前"]),
]


@pytest.mark.parametrize(("pattern", "flags", "texts"), CASES)
def test_it_answers_as_the_compiled_pattern(pattern, flags, texts):
    lazy, compiled = LazyPattern(pattern, flags), re.compile(pattern, flags)
    for text in texts:
        for method in ("match", "fullmatch", "search"):
            got, want = getattr(lazy, method)(text), getattr(compiled, method)(text)
            assert (got and got.groups()) == (want and want.groups()), (method, text)
        assert lazy.sub("<>", text) == compiled.sub("<>", text)
        assert lazy.split(text) == compiled.split(text)
        assert lazy.findall(text) == compiled.findall(text)
    assert (lazy.pattern, lazy.flags, lazy.groups) == (
        compiled.pattern,
        compiled.flags,
        compiled.groups,
    )


def test_it_compiles_on_first_use_and_then_never_again(monkeypatch):
    calls = []
    real = re.compile
    monkeypatch.setattr(patterns.re, "compile", lambda *a: calls.append(a) or real(*a))
    lazy = LazyPattern(r"^T(\d{1,12})$")
    assert calls == []
    assert lazy.match("T42").group(1) == "42"
    assert lazy.match("T43").group(1) == "43"
    assert lazy.search("xT44") is None
    assert len(calls) == 1
    assert isinstance(lazy.match.__self__, re.Pattern)  # the compiled pattern's own method


def test_a_bad_pattern_fails_when_used():
    lazy = LazyPattern("(")
    with pytest.raises(re.error):
        lazy.match("x")


def compiled(pattern: LazyPattern) -> bool:
    """Whether it was compiled, asked without compiling it (`__getattr__` is not reached)."""
    try:
        object.__getattribute__(pattern, "match")
    except AttributeError:
        return False
    return True


def test_importing_the_modules_that_hold_patterns_compiles_none():
    names = ["journal.core." + m for m in ("names", "urls", "validate", "timeparse")]
    names += ["journal.files", "journal.storage.projections"]
    code = (
        "import importlib, sys; from journal.core.patterns import LazyPattern as L;"
        "from tests.test_patterns import compiled;"
        f"mods = [importlib.import_module(n) for n in {names!r}];"
        "found = [p for m in mods for p in vars(m).values() if isinstance(p, L)];"
        "print(len(found), sum(compiled(p) for p in found))"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    held, made = map(int, done.stdout.split())
    assert held >= 20 and made == 0, done.stderr
