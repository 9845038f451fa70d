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
from support import given

from journal.core.rules import load_rulebook
from journal.text.i18n import catalog

NOW = "2026-11-20T12:00:00+09:00"
KEY = re.compile(r"^(rakuma|mercari|yahoo-auction|yahoo-flea|custom)/[a-z_]+/\d{4}-\d{2}-\d{2}$")
PROGRAM = "journal: journal was updated, so the deadlines were recomputed\n"


def words(key: str, lang: str) -> str:
    """The catalog's words for a rule key, read straight from the catalog."""
    return catalog(lang).gettext(f"effect:{key}")


def sold(ok) -> str:
    return given.knit_sold(ok)


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


# --- what a rule's value means: one `describe`, from the catalogs ---------------------------

BOOK = load_rulebook()


def _rule(key: str):
    found = BOOK.by_key(key)
    assert found is not None, key
    return found


@pytest.mark.parametrize(
    ("key", "changes", "english", "japanese"),
    [
        (
            "rakuma/payment/2000-01-01",
            {},
            "2 days later (calendar days), at 23:59 JST",
            "2日後の 23:59（暦日、日本時間）",
        ),
        (
            "rakuma/ship/2000-01-01",
            {},
            "the listing's ship-days (default 1-2), to the minute",
            "出品の発送日数（既定 1-2 日）、分単位",
        ),
        (
            "rakuma/proceeds/2000-01-01",
            {},
            "on 2022-07-27 at 00:00 JST",
            "2022-07-27 00:00（日本時間）",
        ),
        ("yahoo-auction/proceeds/2000-01-01", {}, "5 months later", "5か月後"),
        ("rakuma/rate/2000-01-01", {}, "1 day later", "1日後"),
        (
            "rakuma/transfer_fee/2000-01-01",
            {},
            "¥210 a withdrawal; free from ¥10,000 to rakuten",
            "振込1回 ¥210（楽天銀行へ ¥10,000 以上は無料）",
        ),
        (
            "mercari/transfer_fee/2000-01-01",
            {},
            "¥210 a withdrawal; free from ¥10,000",
            "振込1回 ¥210（¥10,000 以上は無料）",
        ),
        (
            "yahoo-auction/transfer_fee/2000-01-01",
            {},
            "¥100 a withdrawal; free to paypay",
            "振込1回 ¥100（PayPay・PayPay銀行へは無料）",
        ),
        (
            "yahoo-auction/fee/2019-10-01",
            {},
            "10 % of the price; 8.8 % for premium members",
            "販売価格の 10%、プレミアム会員は 8.8%",
        ),
        (
            "custom/dedicated_expiry/2000-01-01",
            {},
            "the date you give, else 3 days later",
            "指定した日時、なければ3日後",
        ),
        ("custom/hold_expiry/2000-01-01", {}, "the date you give", "指定した日時"),
        (
            "custom/inspect/2000-01-01",
            {},
            "2 days later, capped at the auto_complete time",
            "2日後（自動取引完了の時刻が上限）",
        ),
        ("custom/delist/2000-01-01", {}, "—", "—"),
        (
            "mercari/rate/2000-01-01",
            {"days": 1, "months": 1, "hours": 3, "minutes": 30},
            "1 month 1 day 3 h 30 min later",
            "1か月1日3時間30分後",
        ),
    ],
)
def test_describe_says_a_rule_s_value_in_both_languages(key, changes, english, japanese):
    from journal.core.datatypes import replace
    from journal.text.rule_text import describe

    rule = replace(_rule(key), **changes)
    assert describe(rule, "en") == english
    assert describe(rule, "ja") == japanese


def test_a_tiered_fee_is_whole_in_json_and_short_in_the_table(run):
    from journal.text.rule_text import describe

    rule = _rule("rakuma/fee/2023-08-01")
    whole = describe(rule, "en")
    assert whole.startswith("10 % of the price (9 % from 4 sales and ¥5,000, ")
    assert whole.endswith("4.5 % from 10 sales and ¥100,000 in the previous period)")
    assert describe(rule, "en", short=True) == "10 %, down to 4.5 % by the previous period's sales"
    assert (
        describe(rule, "ja", short=True) == "販売価格の 10%（前の期間の取引完了で最低 4.5% まで）"
    )
    rules = run("rules", "rakuma", "--json").json()[0]["rules"]
    assert whole in [r["value"] for r in rules]  # the JSON `value` stays English, whole


# --- the packs carry data; notes, reasons and other facts in the catalogs --------------------


def test_the_packs_carry_no_words_for_people():
    import tomllib

    from journal.core.rules import PACK_NAMES, pack_sources

    words = {"effect", "effect_ja", "note", "note_ja", "source_ja", "topic", "text"}
    for name, raw in pack_sources().items():
        data = tomllib.loads(raw.decode("utf-8"))
        for entry in [*data["rules"], *data.get("info", [])]:
            assert not (set(entry) & words) and not any(k.endswith("_ja") for k in entry), name
    assert set(pack_sources()) == set(PACK_NAMES)


def test_notes_reasons_and_facts_are_in_the_reader_s_language(run, monkeypatch):
    from journal.text.rule_text import note_of, source_of

    rule = _rule("custom/hold_expiry/2000-01-01")
    assert (
        source_of(rule, "en")
        == rule.source
        == "no platform rule: the date is your own promise to the buyer"
    )
    assert source_of(rule, "ja") == "アプリの規則ではありません: 購入者へのあなた自身の約束の日時"
    assert note_of(_rule("mercari/fee/2000-01-01"), "ja").startswith("販売価格に対して")
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    screen = run("rules", "custom").out
    assert "アプリの規則ではありません" in screen and "no platform rule" not in screen
    info = run("rules", "mercari", "--json").json()[0]["info"][0]
    assert list(info) == ["topic", "topic_ja", "text", "text_ja", "source"]
    assert (info["topic"], info["topic_ja"]) == ("purchase requests", "購入申請")
    assert "(購入申請) メルカリには購入申請がありません" in run("rules", "mercari").out


def test_a_user_source_or_note_is_shown_as_given(run, journal_env, monkeypatch):
    _config(
        journal_env,
        '[rules.custom.hold_expiry]\nsource = "my shop policy"\n'
        'note = "mine"\nnote_ja = "自分の"\n',
    )
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    screen = run("rules", "custom").out
    assert "my shop policy" in screen and "自分の" in screen
    rules = run("rules", "custom", "--json").json()[0]["rules"]
    held = next(r for r in rules if r["kind"] == "hold_expiry")
    assert (held["source"], held["note"]) == ("my shop policy", "mine")


def test_a_rule_switched_off_by_a_setting_says_which_in_both_languages(
    run, journal_env, monkeypatch
):
    """Before, a Japanese reader was shown the pack's own note (the English one said why)."""
    _config(journal_env, "[mercari]\nidentity_verified = true\n")
    english = run("rules", "mercari").out
    assert "off: [mercari] identity_verified = true in your config" in english
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    japanese = run("rules", "mercari").out
    assert "設定ファイルの [mercari] identity_verified = true により無効" in japanese
    rules = run("rules", "mercari", "--json").json()[0]["rules"]
    notes = {r["note"] for r in rules if r["kind"] == "proceeds"}
    assert notes == {"off: [mercari] identity_verified = true in your config"}


# --- on both engines: the key stored, and an older release's sentences rebuilt once ----------


@pytest.fixture
def erun(engine_journal, capsys):
    """`journal ARGS…` in-process on each engine (a file, then a PostgreSQL database)."""
    from tests.conftest import in_process

    return in_process(capsys)


def _sql(db, statement: str) -> str:
    """Run one statement on the journal's own engine, as a release before would have left it."""
    if isinstance(db, str):  # PostgreSQL: the test server's psql
        from pg_server import psql

        return psql(*db._split(), statement)
    with sqlite3.connect(db) as conn:
        return "\n".join("|".join(map(str, row)) for row in conn.execute(statement))


def test_on_both_engines_keys_are_stored_and_sentences_rebuilt(erun, engine_journal):
    with freeze_time(NOW):
        listed = erun(
            "add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900"
        )
        trade = listed.out.strip()
        assert erun("add", "sold", trade, "--buyer", "さくら").code == 0
        effects = _sql(engine_journal, "SELECT effect FROM deadlines ORDER BY kind").split()
        assert effects and all(KEY.match(e) for e in effects), effects
        _sql(engine_journal, "UPDATE deadlines SET effect = 'the buyer may apply to cancel'")
        _sql(
            engine_journal, "UPDATE projection_state SET value = 2 WHERE key = 'projection_version'"
        )
        shown = erun("show", trade, "--json")
        assert shown.code == 0 and shown.err == PROGRAM
        payment = by_kind(shown.json()["deadlines"])["payment"]
        assert payment["effect"] == words("mercari/payment/2000-01-01", "en")
        effects = _sql(engine_journal, "SELECT effect FROM deadlines ORDER BY kind").split()
        assert all(KEY.match(e) for e in effects), effects
        verified = erun("verify")
        assert verified.code == 0 and verified.err == "", verified.err
