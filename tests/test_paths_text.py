"""The everyday commands keep paths as text, without pathlib: the text must be what pathlib
would have made, since every message names the path (`journal.paths.file_text`,
`expanded`, `journal.storage.file_checks`), and the journal file's URI what urllib's
quoting makes."""

import os
import sys
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.paths import expanded, file_text
from journal.storage import file_checks
from journal.storage.engines.sqlite import sqlite_uri

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX paths")

PIECES = st.sampled_from(["", "/", "//", "///", ".", "..", "a", "b.c", "~", "~root", " ", "é"])
PATHS = st.lists(PIECES, max_size=8).map("".join)


@given(PATHS)
def test_file_text_is_str_of_path(text):
    assert file_text(text) == str(Path(text))


@given(PATHS)
def test_parents_are_paths_parents(text):
    path = file_text(text)
    assert file_checks.parent(path) == str(Path(path).parent)
    assert file_checks.parents(path) == [str(p) for p in Path(path).parents]


def _expanduser(text):
    try:
        return str(Path(text).expanduser())
    except RuntimeError:
        return RuntimeError


def _expanded(text):
    try:
        return expanded(text)
    except RuntimeError:
        return RuntimeError


@given(PATHS)
def test_expanded_is_expanduser(text):
    assert _expanded(text) == _expanduser(text)


@pytest.mark.parametrize("home", ["/", "//", "/home/x/", "rel", ".", "//h//"])
@pytest.mark.parametrize("text", ["~", "~/", "~/a", "~//a/./b", "~/..", "~nosuchuser-x/a"])
def test_expanded_under_odd_homes(home, text, monkeypatch):
    monkeypatch.setenv("HOME", home)
    assert _expanded(text) == _expanduser(text)


@pytest.mark.parametrize(
    "text",
    ["/tmp/a b/%x?#", "/tmp/ニット", "rel/x.sqlite", "/a/b_c.-~", "".join(map(chr, range(1, 256)))],
)
def test_the_uri_is_urllibs(text):
    absolute = os.path.abspath(os.fsencode(text))
    assert sqlite_uri(text, "rw") == f"file://{quote_from_bytes(absolute, safe='/')}?mode=rw"


def test_the_checks_read_errors_as_pathlib_does(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    names = ["file", "link", "loop", "nowhere", "file/below", "a\0b", ""]
    for name in names:
        path = tmp_path / name if name else tmp_path
        text = str(path)
        assert file_checks.is_dir(text) == path.is_dir(), name
        assert file_checks.exists(text) == path.exists(), name
        assert file_checks.is_symlink(text) == path.is_symlink(), name


@pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is Linux's")
def test_a_relative_journal_is_named_as_pathlib_names_it(tmp_path, monkeypatch):
    from journal import settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOURNAL_DB", raising=False)
    for given_ in ("j.sqlite", "./a//b/../j.sqlite", "~/x/./j.sqlite", "/tmp//x/"):
        assert settings.resolve_db(given_) == str(settings.resolve_db_path(given_))
        assert settings.resolve_db(given_) == str(Path(given_).expanduser())
