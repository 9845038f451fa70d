"""What start-up no longer recomputes: the rule packs' parse is kept in the user's cache
folder (journal.app.parsed_packs), and the per-user folders are found without platformdirs
on Linux (journal.settings.user_dir) — the same folders platformdirs names."""

import marshal
import os
import sys

import pytest

from journal import app, settings
from journal.core import rules


def test_the_cached_parse_is_the_parse(tmp_path):
    fresh = rules.parse_packs(rules.pack_sources())
    assert app.parsed_packs(tmp_path) == fresh  # built and written
    [cached] = tmp_path.glob("rulepacks-*.marshal")
    assert app.parsed_packs(tmp_path) == fresh  # read back
    assert _kept(cached) == (rules.pack_sources(), fresh)


def _kept(path):
    """What a cache file holds: the packs' sources and their parse (after its CRC-32)."""
    return marshal.loads(path.read_bytes()[4:])


def test_a_cached_parse_is_read_not_parsed(tmp_path, monkeypatch):
    app.parsed_packs(tmp_path)

    def no_parse(_sources):
        raise AssertionError("parsed again")

    monkeypatch.setattr(rules, "parse_packs", no_parse)
    assert set(app.parsed_packs(tmp_path)) == set(rules.PACK_NAMES)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:],  # one bit flipped
        lambda b: b"",
        lambda b: b[:4] + marshal.dumps((rules.pack_sources(), {"rakuma": {}})),  # other
    ],
    ids=["truncated", "bit-flip", "empty", "other-content"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage):
    fresh = app.parsed_packs(tmp_path)
    [cached] = tmp_path.glob("rulepacks-*.marshal")
    cached.write_bytes(damage(cached.read_bytes()))
    assert app.parsed_packs(tmp_path) == fresh
    assert _kept(cached)[1] == fresh  # rewritten whole


def test_a_changed_pack_is_parsed_again(tmp_path, monkeypatch):
    """The cache holds the sources it was parsed from: other packs on disk are not read
    from it (a release's new packs), and the new parse replaces it."""
    app.parsed_packs(tmp_path)
    sources = rules.pack_sources()
    sources["custom"] = b'changed = "yes"\n' + sources["custom"]
    monkeypatch.setattr(rules, "pack_sources", lambda: sources)
    assert app.parsed_packs(tmp_path)["custom"]["changed"] == "yes"
    [new] = tmp_path.glob("rulepacks-*.marshal")
    assert _kept(new)[0] == sources


def test_an_unwritable_cache_folder_is_no_failure(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert app.parsed_packs(blocker / "cache") == rules.parse_packs(rules.pack_sources())


def test_the_app_uses_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    book = app.App(settings.Config(), tmp_path / "j.sqlite").book
    assert book.packs.keys() == rules.load_rulebook().packs.keys()
    assert list((tmp_path / settings.APP).glob("rulepacks-*.marshal"))


@pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is Linux's")
@pytest.mark.parametrize("kind", ["data", "config", "cache"])
@pytest.mark.parametrize("value", [None, "", "   ", "/somewhere/else", "relative/dir"])
@pytest.mark.parametrize("home", ["/home/someone", "relative-home", None])
def test_user_dirs_are_platformdirs_own(kind, value, home, monkeypatch):
    import platformdirs

    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home)
    variable = settings._XDG[kind][0]
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    expected = getattr(platformdirs, f"user_{kind}_dir")(settings.APP, appauthor=False)
    assert str(settings.user_dir(kind)) == expected


def test_the_rule_books_hash_is_kept_and_read_without_the_book(tmp_path, monkeypatch):
    """`App.rule_stamp`: the freshness hash of the book, cached under a key of everything it
    depends on; a hit builds no book, another [rules] override is another key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    first = app.App(settings.Config(), tmp_path / "j.sqlite")
    assert first.rule_stamp == rules.book_hash(first.book)
    assert len(list((tmp_path / settings.APP).glob("rulestamp*"))) == 1

    def no_book(_config):
        raise AssertionError("built the book")

    monkeypatch.setattr(rules, "rulebook_from_config", no_book)
    assert app.App(settings.Config(), tmp_path / "j.sqlite").rule_stamp == first.rule_stamp
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    changed = settings.Config(rules={"mercari": {"message_window": {"days": 9}}})
    other = app.App(changed, tmp_path / "j.sqlite")
    assert other.rule_stamp == rules.book_hash(other.book) != first.rule_stamp


def test_a_kept_rule_stamp_is_read_only_under_the_same_key(tmp_path, monkeypatch):
    """The stamp file holds its key's text beside the hash: another key (a pack, the code or
    the [rules] settings changed) or a damaged file means the hash is computed again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    real = rules.book_hash(app.App(settings.Config(), tmp_path / "j.sqlite").book)
    path = tmp_path / settings.APP / "rulestamp.txt"
    key = app._stamp_key(settings.Config())
    path.parent.mkdir(parents=True, exist_ok=True)
    for kept, expected in (
        (f"{key}\n12345", 12345),  # the same key: read, whatever the book
        (f"other{key}\n12345", real),
        (f"{key}\nnot a number", real),
        ("", real),
    ):
        path.write_text(kept)
        assert app.App(settings.Config(), tmp_path / "j.sqlite").rule_stamp == expected
    pack = rules.PACKS_DIR / "mercari.toml"
    stat = pack.stat()
    try:  # a pack rewritten (another time) is another key
        os.utime(pack, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert app._stamp_key(settings.Config()) != key
    finally:
        os.utime(pack, ns=(stat.st_atime_ns, stat.st_mtime_ns))
