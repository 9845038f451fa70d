"""`journal message`: a trade message for each situation, in Japanese and English, filled
from the journal through the real command; visible blanks; the order of the suggestions;
the user's own templates; the clipboard."""

import re

import pytest
from freezegun import freeze_time

from journal.core.situations import SITUATIONS

NOW = "2026-12-05T12:00:00+09:00"  # Saturday noon in Tokyo


@pytest.fixture
def trades(ok):
    """One trade per story, each left where its messages fit:
    T1 shipped (Mercari, ゆうパケット), T2 unpaid (Rakuma), T3 with a defect (Rakuma, story 1),
    T4 listed with a hold and an offer (stories 4, 5), T5/T6 bundled into the dedicated T7
    (story 2), T8 a confirmation listing (story 3), T9 received with a return asked (story 6)."""
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニットカーディガン", "--price",
           "2500", "--ship-days", "2-3", "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "sold", "T1", "--buyer", "さくら", "--at", "2026-12-03T20:00")
        ok("add", "paid", "T1", "--at", "2026-12-03T20:10")
        ok("add", "shipped", "T1", "--carrier", "ゆうパケット", "--tracking", "1234-5678-9012",
           "--at", "2026-12-05T10:00")  # fmt: skip
        ok("add", "listed", "--platform", "rakuma", "--title", "ワンピース", "--price", "1800",
           "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "sold", "T2", "--buyer", "ゆき", "--at", "2026-12-05T10:00")
        ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス2点セット", "--price",
           "3000", "--request-required", "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "request", "T3", "--buyer", "はな", "--at", "2026-12-04T20:00")
        ok("add", "defect", "T3", "--note", "1点に小さな穴", "--at", "2026-12-04T21:00")
        ok("add", "approved", "T3", "--at", "2026-12-04T21:30")
        ok("add", "listed", "--platform", "mercari", "--title", "スニーカー", "--price", "5000",
           "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "hold", "T4", "--buyer", "みどり", "--until", "2026-12-15")
        ok("add", "offer", "T4", "--buyer", "みどり", "--price", "4000")
        for title in ("トップス", "スカート"):
            ok("add", "listed", "--platform", "rakuma", "--title", title, "--price", "2000",
               "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "bundle", "T5", "T6", "--price", "3500", "--buyer", "あおい", "--until",
           "2026-12-07T21:00")  # fmt: skip
        ok("add", "listed", "--platform", "rakuma", "--title", "確認用", "--price", "99999",
           "--kind", "confirmation", "--buyer", "そら", "--request-required")  # fmt: skip
        ok("add", "listed", "--platform", "rakuma", "--title", "バッグ", "--price", "4200",
           "--at", "2026-12-01T09:00")  # fmt: skip
        ok("add", "sold", "T9", "--buyer", "れん", "--at", "2026-12-02T09:00")
        ok("add", "paid", "T9", "--at", "2026-12-02T09:10")
        ok("add", "shipped", "T9", "--at", "2026-12-03T09:00")
        ok("add", "return", "T9", "--note", "持ち手に汚れ", "--at", "2026-12-05T09:00")


# situation → (trade, what the Japanese text says, what the English one says)
FILLED = {
    "thanks": ("T2", ["ゆき様", "「ワンピース」"], ["Hello ゆき", '"ワンピース"']),
    "payment-received": ("T1", ["さくら様", "12月"], ["さくら", "Dec"]),
    "shipped": (
        "T1",
        ["さくら様", "ゆうパケット", "1234-5678-9012", "12月6日(日)〜12月8日(火)頃"],
        ["ゆうパケット", "1234-5678-9012", "Sun, Dec 6 – Tue, Dec 8"],
    ),
    "hold-accepted": ("T4", ["みどり様", "12月15日(火) 23時59分まで"], ["Tue, Dec 15, 23:59 JST"]),
    "hold-declined": ("T4", ["みどり様", "お取り置きはお受けしておりません"], ["do not hold"]),
    "discount-declined": ("T4", ["みどり様", "5,000円"], ["¥5,000"]),
    "dedicated": ("T7", ["あおい様専用", "3,500円", "12月7日(月) 21時まで"], ["Mon, Dec 7, 21:00"]),
    "confirmation": ("T8", ["そら様確認用"], ["For そら"]),
    "defect-apology": ("T3", ["はな様", "1点に小さな穴", "まだなさらないで"], ["1点に小さな穴"]),
    "defect-cancel": ("T3", ["はな様", "キャンセルさせていただきます"], ["cancel this trade"]),
    "rating-request": ("T1", ["さくら様", "受取評価をお願い"], ["receipt rating"]),
    "completed-thanks": ("T1", ["さくら様"], ["rated you too"]),
    "return": ("T9", ["れん様", "持ち手に汚れ", "返送先：〇〇"], ["Address: ____"]),
    "payment-request": ("T2", ["ゆき様", "お支払い期限は12月"], ["payment deadline is"]),
}


def test_every_situation_is_covered() -> None:
    assert sorted(FILLED) == sorted(s.id for s in SITUATIONS)


@pytest.mark.parametrize("situation", [s.id for s in SITUATIONS])
def test_every_situation_in_japanese_is_filled_and_all_japanese(trades, run, situation):
    trade, said, _ = FILLED[situation]
    with freeze_time(NOW):
        result = run("message", trade, situation, "--lang", "ja", "--json")
    assert result.code == 0, result.err
    text = result.json()["text"]
    for part in said:
        assert part in text, (part, text)
    # nothing in English: the fields here are Japanese or digits, so no Latin letter at all
    assert re.search("[A-Za-z]", text) is None, text


@pytest.mark.parametrize("situation", [s.id for s in SITUATIONS])
def test_every_situation_in_english_is_filled(trades, run, situation):
    trade, _, said = FILLED[situation]
    with freeze_time(NOW):
        result = run("message", trade, situation, "--lang", "en", "--json")
    assert result.code == 0, result.err
    data = result.json()
    for part in said:
        assert part in data["text"], (part, data["text"])
    assert data["situation"] == situation and data["language"] == "en"
    assert "〇〇" not in data["text"]  # an English blank is ____


@pytest.mark.parametrize("name", ["発送連絡", "shipped", "ＳＨＩＰＰＥＤ", "発送のご連絡"])
def test_a_situation_by_its_japanese_or_english_name(trades, run, name):
    with freeze_time(NOW):
        for lang in ("ja", "en"):
            result = run("message", "T1", name, "--lang", lang, "--json")
            assert result.code == 0 and result.json()["situation"] == "shipped"


def test_a_field_the_journal_lacks_is_a_visible_blank(trades, run, monkeypatch):
    """No carrier, no tracking recorded: 〇〇 in the text, and a line naming the blanks."""
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        result = run("message", "T9", "発送連絡")
    assert result.code == 0
    assert "配送方法：〇〇" in result.out and "追跡番号：〇〇" in result.out
    assert "れん様" in result.out
    assert "配送方法" in result.err and "追跡番号" in result.err and "〇〇" in result.err
    with freeze_time(NOW):
        data = run("message", "T9", "shipped", "--json").json()
    assert data["blanks"] == ["carrier", "tracking"]
    with freeze_time(NOW):
        english = run("message", "T9", "shipped", "--lang", "en").out
    assert "Carrier: ____" in english and "Tracking number: ____" in english


def test_without_a_situation_the_fitting_ones_are_listed_and_the_first_printed(trades, run):
    with freeze_time(NOW):
        shipped = run("message", "T1", "--lang", "ja")
        data = run("message", "T1", "--json").json()
    assert shipped.code == 0
    head, _, body = shipped.out.partition("\n\n")
    assert "発送連絡 / 受取評価のお願い" in head
    assert "追跡番号：1234-5678-9012" in body
    assert data["fits"] == ["shipped", "rating-request"] and data["situation"] == "shipped"


def _fits(run, trade: str) -> list[str]:
    result = run("message", trade, "--json")
    assert result.code == 0, result.err
    return result.json()["fits"]


def test_the_suggestions_follow_the_state_and_the_time(trades, run):
    with freeze_time(NOW):
        assert _fits(run, "T2") == ["thanks", "payment-request"]  # just sold
        assert _fits(run, "T3") == ["defect-apology", "defect-cancel"]  # story 1's two steps
        assert _fits(run, "T4")[:3] == ["discount-declined", "hold-accepted", "hold-declined"]
        assert _fits(run, "T7")[0] == "dedicated"
        assert _fits(run, "T8")[0] == "confirmation"
        assert _fits(run, "T9")[0] == "return"
    with freeze_time("2026-12-07T12:00:00+09:00"):  # Rakuma's payment deadline is near
        assert _fits(run, "T2") == ["payment-request", "thanks"]
    with freeze_time("2026-12-08T12:00:00+09:00"):  # shipped three days ago
        assert _fits(run, "T1") == ["rating-request", "shipped"]


def test_the_second_defect_leads_to_the_cancel_message(trades, run, ok):
    with freeze_time(NOW):
        ok("add", "defect", "T3", "--note", "もう1点にほつれ")
        assert _fits(run, "T3")[0] == "defect-cancel"
        text = run("message", "T3", "--lang", "ja").out
    assert "もう1点にほつれ" in text and "キャンセル" in text


def test_a_finished_trade_names_the_situations_when_none_fits(trades, run, ok):
    with freeze_time(NOW):
        ok("add", "delisted", "T8")
        result = run("message", "T8")
    assert result.code == 2 and result.out == ""
    assert "T8" in result.err and "shipped" in result.err and len(result.err.splitlines()) == 1


def test_an_unknown_situation_is_refused_with_the_names(trades, run):
    with freeze_time(NOW):
        result = run("message", "T1", "おやすみ")
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err
    assert "発送連絡" in result.err and len(result.err.strip().splitlines()) == 1


def test_add_names_the_message_a_step_calls_for(run, ok, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
        sold = ok("add", "sold", "T1", "--buyer", "さくら")
        ok("add", "paid", "T1")
        shipped = ok("add", "shipped", "T1", "--tracking", "1234")
        data = run("add", "note", "T1", "--note", "x", "--json").json()
        paid_json = run("add", "received", "T1", "--json").json()
    assert sold.splitlines()[-1] == "→ journal message T1 お礼（購入）"
    assert shipped.splitlines()[-1] == "→ journal message T1 発送連絡"
    assert data["message"] is None and paid_json["message"] == "completed-thanks"


def test_record_keeps_the_message_in_the_log(trades, run):
    with freeze_time(NOW):
        assert run("message", "T1", "shipped", "--record").code == 0
        log = run("log", "T1", "--json").json()
    assert log[-1]["type"] == "message" and "1234-5678-9012" in log[-1]["note"]
