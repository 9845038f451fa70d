"""The Japanese catalog: complete for every help text and click's own sentences, compiled
`.mo` in step with its `.po` source, and used by the real command."""

import gettext
import re

import click
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import cli
from journal.text.i18n import DOMAIN, LOCALEDIR
from journal_tools.catalogs import EN_PO, MO, PO, click_texts, help_texts, log_texts


def _po() -> dict[str, str]:
    with PO.open("rb") as source:
        catalog = read_po(source)
    out = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        out[key] = m.string[0] if isinstance(m.string, tuple) else m.string
    return out


def test_shipped_mo_matches_its_po(tmp_path) -> None:
    """The stdlib reads the shipped .mo; it must say what the .po says (rebuild with
    `python -m journal_tools.catalogs` after editing the .po)."""
    shipped = gettext.GNUTranslations(MO.open("rb"))
    with PO.open("rb") as source:
        fresh_path = tmp_path / "fresh.mo"
        with fresh_path.open("wb") as out:
            write_mo(out, read_po(source))
    fresh = gettext.GNUTranslations(fresh_path.open("rb"))
    for msgid, text in _po().items():
        assert shipped.gettext(msgid) == fresh.gettext(msgid) == text, msgid


def test_every_help_text_is_translated() -> None:
    po = _po()
    missing = [t for t in help_texts(cli.cli) if not po.get(t)]
    assert missing == [], "run `python -m journal_tools.catalogs` and translate: " + repr(
        missing[:5]
    )


def test_every_click_sentence_is_translated() -> None:
    po = _po()
    missing = []
    for message in click_texts():
        key = message[0] if isinstance(message, tuple) else message
        if not po.get(key):
            missing.append(key)
    assert missing == []


PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}|%\((\w+)\)")


def test_translations_use_only_their_placeholders() -> None:
    """A translation may name only what the English (either plural form) names."""
    with PO.open("rb") as source:
        catalog = read_po(source)
    keys = set(_catalog(EN_PO))  # message keys: checked against the English catalog below
    for m in catalog:
        if not m.id or m.id in keys:
            continue
        forms = m.id if isinstance(m.id, tuple) else (m.id,)
        texts = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = {p for form in forms for p in PLACEHOLDER.findall(form)}
        got = {p for text in texts for p in PLACEHOLDER.findall(text)}
        assert got <= wanted, m.id


def test_catalog_is_found_where_the_package_is() -> None:
    found = gettext.find(DOMAIN, str(LOCALEDIR), languages=["ja"])
    assert found is not None and found.endswith(".mo")


@pytest.mark.parametrize("lang", ["en", "ja", "fr"])
def test_the_journal_reads_the_catalog_gettext_finds(lang) -> None:
    """journal/text/i18n.py opens the `.mo` itself (no `locale` import): the same catalog."""
    from journal.text.i18n import _compiled

    theirs = gettext.translation(DOMAIN, str(LOCALEDIR), languages=[lang], fallback=True)
    ours = _compiled(lang)
    assert isinstance(ours, type(theirs))  # GNUTranslations, its parse kept (or none: fr)
    assert vars(ours).get("_catalog") == vars(theirs).get("_catalog")
    assert (vars(ours).get("_catalog") is None) == (lang == "fr")  # a language not shipped


ENGLISH_SENTENCE = re.compile(r"\b[a-z]{2,}(?:[ ,]+[a-z]{2,}){2,}")


def _prose(text: str) -> str:
    """The help text without its examples, option names, metavars and ids."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("journal ")]
    lines = [line.split("journal ")[0] if "使い方:" in line else line for line in lines]
    text = "\n".join(lines)
    text = re.sub(r"--?[\w-]+|\$\w+|\b[A-Z][A-Z_]+\b|\[[A-Z. ]+\]|\d+\w*", " ", text)
    return text


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


@pytest.mark.parametrize("path", [(), *_commands(cli.cli)], ids=lambda p: " ".join(p) or "journal")
def test_japanese_help_has_no_english_sentences(run, monkeypatch, path) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    result = run(*path, "--help")
    assert result.code == 0
    assert "使い方:" in result.out and "オプション:" in result.out
    assert ENGLISH_SENTENCE.findall(_prose(result.out)) == []


def test_a_click_usage_error_is_japanese(run, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    result = run("list", "--bogus")
    assert result.code == 2
    assert result.err.strip() == "journal: '--bogus' というオプションはありません。"
    monkeypatch.setenv("JOURNAL_LANG", "en")
    assert "No such option" in run("list", "--bogus").err  # and English is back after it


def _catalog(path) -> dict[str, str]:
    with path.open("rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id and isinstance(m.id, str)}


CALLS = r"(?:render|render_in|say|Refused|BadInput|JournalError|Damaged)"
KEY_USE = re.compile(CALLS + r"""\((?:\w+, )?"([a-z][a-z0-9_]+)\"""")
SOURCES = [
    p
    for folder in ("journal", "scheduler")
    for p in (LOCALEDIR.parent.parent / folder).rglob("*.py")
] + [LOCALEDIR.parent.parent / "cli.py"]


def test_every_message_key_in_the_code_is_in_both_catalogs() -> None:
    english, japanese = _catalog(EN_PO), _catalog(PO)
    used = {key for path in SOURCES for key in KEY_USE.findall(path.read_text("utf-8"))}
    assert len(used) > 50
    assert sorted(used - set(english)) == []
    assert sorted(k for k in used if not japanese.get(k)) == []


def test_japanese_message_keys_keep_the_english_placeholders() -> None:
    english, japanese = _catalog(EN_PO), _catalog(PO)
    for key, text in english.items():
        assert japanese.get(key), key
        assert set(PLACEHOLDER.findall(japanese[key])) <= set(PLACEHOLDER.findall(text)), key


PERCENT = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdgfr%]")


def test_every_daemon_log_sentence_is_translated_with_the_same_conversions() -> None:
    po = _po()
    texts = log_texts()
    assert len(texts) > 20
    for text in texts:
        assert po.get(text), text
        assert PERCENT.findall(po[text]) == PERCENT.findall(text), text


@pytest.mark.parametrize("path", [PO, EN_PO], ids=["ja", "en"])
def test_no_message_is_defined_twice(path) -> None:
    """A union merge of the catalogs can keep both sides of an entry: msgfmt refuses the file
    then, and which translation wins is left to chance."""
    keys = re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), flags=re.M)
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert twice == [], twice
