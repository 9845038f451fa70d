"""The message catalogs' parse kept in the user's cache folder (journal.text.i18n
KeptTranslations, journal/kept.py): read back equal to gettext's own parse, never read for
another `.mo`, a damaged file parsed again and rewritten, an unwritable folder no failure."""

import gettext
import marshal
import os
import shutil

import pytest

from journal.text import i18n


def _mo(folder, lang):
    return os.path.join(folder, lang, "LC_MESSAGES", f"{i18n.DOMAIN}.mo")


def _gettexts(folder, lang):
    with open(_mo(folder, lang), "rb") as file:
        return gettext.GNUTranslations(file)


def _same(found, expected):
    assert found._catalog == expected._catalog
    assert found._info == expected._info
    assert found._charset == expected._charset
    assert [found.plural(n) for n in range(4)] == [expected.plural(n) for n in range(4)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "trade-journal"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_kept_parse_is_gettexts_parse(cache, lang):
    expected = _gettexts(i18n.LOCALE_FOLDER, lang)
    _same(i18n._compiled(lang), expected)  # parsed and kept
    [kept] = cache.glob(f"catalog-{lang}-*.marshal")
    _same(i18n._compiled(lang), expected)  # read back
    source, (messages, _, _, _) = marshal.loads(kept.read_bytes()[4:])
    with open(_mo(i18n.LOCALE_FOLDER, lang), "rb") as file:
        assert source == file.read()
    assert messages == expected._catalog
    assert i18n._compiled(lang).gettext("bad_duration") == expected.gettext("bad_duration")


def test_a_kept_parse_is_read_not_parsed(cache, monkeypatch):
    i18n._compiled("ja")

    def no_parse(self, fp):
        raise AssertionError("parsed again")

    monkeypatch.setattr(gettext.GNUTranslations, "_parse", no_parse)
    assert i18n._compiled("ja").gettext("kind_ship") != "kind_ship"


def test_another_mo_is_parsed_not_served_from_the_kept_one(cache, tmp_path, monkeypatch):
    """A new release's catalog (other bytes) is parsed, and its parse replaces the old."""
    i18n._compiled("ja")
    folder = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_FOLDER, folder)
    po = folder / "ja" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    before = po.read_text("utf-8")
    text = before.replace('msgid "kind_ship"\nmsgstr "', 'msgid "kind_ship"\nmsgstr "新', 1)
    assert text != before
    po.write_text(text, "utf-8")
    mo = _mo(str(folder), "ja")
    _compile_po(po, mo)
    monkeypatch.setattr(i18n, "LOCALE_FOLDER", str(folder))
    changed = i18n._compiled("ja")
    assert changed.gettext("kind_ship").startswith("新")
    _same(changed, _gettexts(str(folder), "ja"))
    assert len(list(cache.glob("catalog-ja-*.marshal"))) == 1  # replaced, not added


def _compile_po(po, mo):
    """msgfmt's work, by the `.po` reader the project's catalogs are built with."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as source:
        catalog = read_po(source)
    with open(mo, "wb") as target:
        write_mo(target, catalog)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:],  # one bit flipped
        lambda b: b"",
        lambda b: b[:4] + marshal.dumps((b"other", ({}, {}, None, None))),  # unsealed
    ],
    ids=["truncated", "bit-flip", "empty", "other-content"],
)
def test_a_damaged_kept_parse_is_ignored_and_rewritten(cache, damage):
    expected = _gettexts(i18n.LOCALE_FOLDER, "en")
    i18n._compiled("en")
    [kept] = cache.glob("catalog-en-*.marshal")
    kept.write_bytes(damage(kept.read_bytes()))
    _same(i18n._compiled("en"), expected)
    assert marshal.loads(kept.read_bytes()[4:])[1][0] == expected._catalog  # rewritten whole


def test_an_unwritable_cache_folder_is_no_failure(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _same(i18n._compiled("ja"), _gettexts(i18n.LOCALE_FOLDER, "ja"))
