"""The evidence pack's timeline says what each event recorded in words for people, in
Japanese and English (as `show` and `log` do), never the payload's raw keys: rendered by the
real `journal evidence` and read back with pypdf."""

import re

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

RAW = re.compile(r"\b[a-z_]+=")  # `request_required=True`, `carrier=…`: a payload key


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def shipped(journal_env, ok, run):
    """A Rakuma listing that takes purchase requests, repriced by mistake and voided,
    requested, approved, paid and shipped with a tracking number."""
    with freeze_time("2026-11-20T01:00:00+00:00"):
        ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "3000",
           "--request-required", "--ship-days", "2-3")  # fmt: skip
        seq = run("add", "price", "T1", "--price", "280", "--json").json()["seq"]
        ok("void", seq, "--reason", "桁の打ち間違い")
        ok("add", "request", "T1", "--buyer", "はなこ")
        ok("add", "approved", "T1")
        ok("add", "paid", "T1")
        ok("add", "shipped", "T1", "--carrier", "ゆうパケット", "--tracking", "1111-2222",
           "--shipping", "230")  # fmt: skip
    return seq


@freeze_time("2026-11-22T00:00:00+00:00")
def test_the_timeline_is_in_words_in_japanese(shipped, ok, tmp_path) -> None:
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf", "--lang", "ja")
    text = text_of(tmp_path / "T1.pdf")
    assert not RAW.search(text), RAW.search(text)
    assert "request_required" not in text and "True" not in text
    whole = flat(text)
    for words in (
        "ラクマ「ニット」価格¥3,000購入申請あり発送まで2〜3日",  # the listing
        f"取り消した記録#{shipped}（価格変更）理由桁の打ち間違い",  # the void
        "はなこ様",  # the request's buyer
        "ゆうパケット追跡1111-2222送料¥230",  # the shipment
    ):
        assert words in whole, words


@freeze_time("2026-11-22T00:00:00+00:00")
def test_the_timeline_is_in_words_in_english(shipped, ok, tmp_path) -> None:
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf", "--lang", "en")
    text = text_of(tmp_path / "T1.pdf")
    assert not RAW.search(text), RAW.search(text)
    for words in (
        "rakuma “ニット” price ¥3,000 requests first ships in 2-3 days",
        f"voids #{shipped} (price) reason 桁の打ち間違い",
        "buyer はなこ",
        "ゆうパケット tracking 1111-2222 shipping ¥230",
    ):
        assert flat(words) in flat(text), words  # a long cell wraps


@freeze_time("2026-11-22T00:00:00+00:00")
def test_a_purchase_s_register_fields_are_named_by_their_labels(journal_env, ok, tmp_path):
    (journal_env.parent / "config.toml").write_text("[books]\nkobutsu = true\n", "utf-8")
    ok("add", "bought", "--platform", "mercari", "--title", "カメラ", "--price", "5000",
       "--quantity", "1", "--features", "黒、傷あり", "--seller-name", "山田太郎",
       "--seller-address", "東京都千代田区", "--seller-job", "会社員", "--seller-age", "45",
       "--id-check", "運転免許証")  # fmt: skip
    ok("evidence", "T1", "-o", tmp_path / "ja.pdf", "--lang", "ja")
    ok("evidence", "T1", "-o", tmp_path / "en.pdf", "--lang", "en")
    ja, en = flat(text_of(tmp_path / "ja.pdf")), text_of(tmp_path / "en.pdf")
    for words in ("数量1", "特徴黒、傷あり", "相手方の氏名山田太郎", "年齢45", "職業会社員"):
        assert words in ja, words
    assert not RAW.search(en), RAW.search(en)
    for words in ("quantity 1", "seller's name 山田太郎", "age 45", "occupation 会社員"):
        assert flat(words) in flat(en), words  # a long cell wraps


@freeze_time("2026-11-22T00:00:00+00:00")
def test_a_forgotten_name_reads_forgotten_in_the_timeline(shipped, ok, tmp_path) -> None:
    ok("forget", "T1", "--yes", "--force")
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf", "--lang", "ja")
    whole = flat(text_of(tmp_path / "T1.pdf"))
    assert "はなこ" not in whole and "[forgotten]" not in whole
    assert "削除済み様" in whole
