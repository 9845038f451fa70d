"""Keys in the read models, words at the edge: a deadline's effect is stored as its rule's
key (`Rule.key`), and `show`, `upcoming`, their JSON, the calendar and `rules` word it from
the catalogs in the reader's language, or with the user's own words where a `[rules.…]`
override gives them. Read models that still hold sentences (an older release) are rebuilt
once. Through the real command on a real SQLite file; the calendar read back by icalendar."""

import re
import sqlite3

import pytest
from freezegun import freeze_time
from icalendar import Calendar

from journal.core.rules import load_rulebook
from journal.text.i18n import catalog

NOW = "2026-11-20T12:00:00+09:00"
KEY = re.compile(r"^(rakuma|mercari|yahoo-auction|yahoo-flea|custom)/[a-z_]+/\d{4}-\d{2}-\d{2}$")
PROGRAM = "journal: journal was updated, so the deadlines were recomputed\n"


def words(key: str, lang: str) -> str:
    """The catalog's words for a rule key, read straight from the catalog."""
    return catalog(lang).gettext(f"effect:{key}")


def sold(ok) -> str:
    trade = ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    ok("add", "sold", trade, "--buyer", "さくら")
    return trade


def stored(db) -> dict[str, str]:
    """The deadlines' effect column as the file holds it, by kind."""
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT kind, effect FROM deadlines"))


def by_kind(items: list[dict]) -> dict[str, dict]:
    return {d["kind"]: d for d in items}


def test_the_read_model_keeps_rule_keys_and_every_face_words_them(
    ok, run, journal_env, monkeypatch
):
    book = load_rulebook()
    with freeze_time(NOW):
        trade = sold(ok)
        keys = stored(journal_env)
        assert keys and all(KEY.match(k) for k in keys.values()), keys
        assert all(book.by_key(k) is not None for k in keys.values())
        payment = keys["payment"]
        assert payment == "mercari/payment/2000-01-01"
        for lang in ("en", "ja"):
            monkeypatch.setenv("JOURNAL_LANG", lang)
            expected = words(payment, lang)
            shown = by_kind(run("show", trade, "--json").json()["deadlines"])
            assert shown["payment"]["effect"] == expected
            upcoming = by_kind(run("upcoming", "--json").json())
            assert upcoming["payment"]["effect"] == expected
            assert expected in ok("upcoming")
            assert expected in ok("show", trade).replace("\n", "")
            ics = Calendar.from_ical(ok("calendar").encode("utf-8"))
            described = [str(e["DESCRIPTION"]) for e in ics.walk("VEVENT")]
            assert any(expected in d for d in described), described
        assert words(payment, "en") != words(payment, "ja")
        assert re.search(r"[ぁ-んァ-ン一-龥]", words(payment, "ja"))


def _config(journal_env, text: str) -> None:
    journal_env.parent.joinpath("config.toml").write_text(text, encoding="utf-8")


def test_an_override_s_own_words_reach_both_readers(ok, run, journal_env, monkeypatch):
    """Before, a Japanese reader was shown the pack's Japanese although the user's override
    gave its own `effect_ja` (the sentence was matched against the built-in packs only)."""
    _config(journal_env, '[rules.mercari.payment]\neffect = "pay me"\neffect_ja = "払ってね"\n')
    with freeze_time(NOW):
        trade = sold(ok)
        assert stored(journal_env)["payment"] == "mercari/payment/2000-01-01"
        for lang, mine in (("en", "pay me"), ("ja", "払ってね")):
            monkeypatch.setenv("JOURNAL_LANG", lang)
            shown = by_kind(run("show", trade, "--json").json()["deadlines"])
            assert shown["payment"]["effect"] == mine
            assert by_kind(run("upcoming", "--json").json())["payment"]["effect"] == mine
            ics = Calendar.from_ical(ok("calendar").encode("utf-8"))
            assert any(mine in str(e["DESCRIPTION"]) for e in ics.walk("VEVENT"))
            rules = run("rules", "mercari", "--json").json()[0]["rules"]
            assert [r["effect"] for r in rules if r["kind"] == "payment"] == [mine]
            # the other kinds keep the catalog's words
            ship = words("mercari/ship/2000-01-01", lang)
            assert [r["effect"] for r in rules if r["kind"] == "ship"] == [ship]


def test_japanese_words_alone_leave_english_to_the_catalog(ok, run, journal_env, monkeypatch):
    _config(journal_env, '[rules.mercari.payment]\neffect_ja = "払ってね"\n')
    with freeze_time(NOW):
        trade = sold(ok)
        shown = by_kind(run("show", trade, "--json").json()["deadlines"])
        assert shown["payment"]["effect"] == words("mercari/payment/2000-01-01", "en")
        monkeypatch.setenv("JOURNAL_LANG", "ja")
        shown = by_kind(run("show", trade, "--json").json()["deadlines"])
        assert shown["payment"]["effect"] == "払ってね"


def test_a_kind_added_without_words_has_an_empty_effect(ok, run, journal_env):
    """An override may give a platform a kind its pack lacks; with no words of the user's
    there is nothing to say, rather than the key."""
    _config(journal_env, "[rules.mercari.buyer_may_cancel]\ncounted_from = ['payment']\ndays = 3\n")
    with freeze_time(NOW):
        trade = sold(ok)
        ok("add", "paid", trade)
        assert stored(journal_env)["buyer_may_cancel"] == "mercari/buyer_may_cancel/2000-01-01"
        shown = by_kind(run("show", trade, "--json").json()["deadlines"])
        assert shown["buyer_may_cancel"]["effect"] == ""


def test_sentences_left_by_an_older_release_are_rebuilt_into_keys_once(ok, run, journal_env):
    with freeze_time(NOW):
        trade = sold(ok)
        with sqlite3.connect(journal_env) as conn:  # as the previous release left them
            conn.execute("UPDATE deadlines SET effect = 'the buyer may apply to cancel'")
            conn.execute("UPDATE projection_state SET value = 2 WHERE key = 'projection_version'")
        first = run("show", trade, "--json")
        assert first.code == 0 and first.err == PROGRAM
        assert all(KEY.match(k) for k in stored(journal_env).values())
        shown = by_kind(first.json()["deadlines"])
        assert shown["payment"]["effect"] == words("mercari/payment/2000-01-01", "en")
        again = run("show", trade, "--json")
        assert again.code == 0 and again.err == ""


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_pack_rule_is_worded_in_the_catalog(lang):
    book = load_rulebook()
    for pack in book.packs.values():
        for versions in pack.rules.values():
            for rule in versions:
                assert KEY.match(rule.key), rule.key
                assert words(rule.key, lang) != f"effect:{rule.key}", rule.key
