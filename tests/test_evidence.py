"""`journal evidence T1 -o T1.pdf`: the evidence pack, rendered by the real command and read
back with an independent PDF reader (pypdf): the timeline in JST, the deadlines and whether
each was met, the money, the attachments with their hashes (an image embedded), every
event's hash and the chain head that `journal verify` prints."""

import hashlib
import json
import re

import pytest
from freezegun import freeze_time
from PIL import Image
from pypdf import PdfReader

EXIT_BAD_INPUT = 2


def text_of(path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """The extracted text without line breaks (a long line wraps on the page)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def sold(journal_env, ok, tmp_path):
    """T1 listed, sold, paid and shipped on Mercari (times pinned), a screenshot and a
    receipt attached."""
    with freeze_time("2026-11-20 01:00:00"):  # 10:00 JST
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
        ok("add", "sold", "T1", "--buyer", "さくら", "--paid")
    with freeze_time("2026-11-21 03:30:00"):  # 12:30 JST
        ok("add", "shipped", "T1", "--carrier", "ゆうパケット")
        shot = tmp_path / "screen.png"
        Image.new("RGB", (160, 100), (30, 90, 200)).save(shot)
        receipt = tmp_path / "receipt.txt"
        receipt.write_text("送り状 1234", "utf-8")
        ok("attach", "T1", shot, receipt)
    return tmp_path, shot, receipt


@freeze_time("2026-11-22 00:00:00")
def test_the_pack_holds_the_timeline_the_hashes_and_the_chain_head(sold, ok, run) -> None:
    tmp_path, shot, receipt = sold
    made = run("evidence", "T1", "-o", tmp_path / "T1.pdf", "--lang", "ja", "--json")
    assert made.code == 0, made.err
    head = json.loads(ok("verify", "--json"))["head"]
    assert made.json()["head"] == head
    text = text_of(tmp_path / "T1.pdf")
    # the timeline, in JST, in Japanese
    assert "取引の証拠資料: T1" in text and "ニット" in text
    for line in ("出品", "購入された", "支払い", "発送", "証拠ファイルを添付"):
        assert line in text
    assert "2026-11-20(金) 10:00" in text and "2026-11-21(土) 12:30" in text
    # the deadlines and whether each was met: paid and shipped in time
    assert "期限" in text and "済み" in text
    # the money: price, Mercari's 10% fee, profit
    assert "¥2,500" in text and "¥250" in text and "¥2,250" in text
    # the attachments with their full hashes
    whole = flat(text)
    for path in (shot, receipt):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in whole
    # every event's hash and the chain head at export, and how to check it
    events = json.loads(ok("log", "T1", "--json"))
    assert len(events) == 6
    assert head in whole
    assert flat(f"journal verify --head {head}") in whole


@freeze_time("2026-11-22 00:00:00")
def test_an_attached_image_is_embedded(sold, ok) -> None:
    tmp_path, _shot, _receipt = sold
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf")
    images = [image for page in PdfReader(tmp_path / "T1.pdf").pages for image in page.images]
    assert len(images) == 1
    assert images[0].image.size == (160, 100)  # the screenshot itself, read back by Pillow


@freeze_time("2026-11-22 00:00:00")
def test_english_by_the_settings_and_a_changed_file_is_marked(sold, ok, journal_env) -> None:
    tmp_path, shot, _receipt = sold
    folder = journal_env.with_name(journal_env.name + ".attachments")
    (folder / hashlib.sha256(shot.read_bytes()).hexdigest()).write_bytes(b"edited")
    ok("evidence", "T1", "-o", tmp_path / "T1-en.pdf")  # JOURNAL_LANG=en in the tests
    text = text_of(tmp_path / "T1-en.pdf")
    assert "Evidence pack: trade T1" in text and "Timeline" in text
    assert "CHANGED since it was attached" in text
    # a file that no longer matches its hash is listed, never shown as if it were the evidence
    assert [i for p in PdfReader(tmp_path / "T1-en.pdf").pages for i in p.images] == []


@freeze_time("2026-11-22 00:00:00")
def test_japanese_by_default(sold, ok, monkeypatch) -> None:
    tmp_path, _shot, _receipt = sold
    monkeypatch.delenv("JOURNAL_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the locale alone does not make it English
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf")
    assert "取引の経過" in text_of(tmp_path / "T1.pdf")


@freeze_time("2026-11-22 00:00:00")
@pytest.mark.parametrize("case", ["unknown trade", "file exists", "no file name"])
def test_bad_input_is_one_line_and_nothing_is_written(sold, run, case) -> None:
    tmp_path, _shot, _receipt = sold
    existing = tmp_path / "there.pdf"
    existing.write_bytes(b"mine")
    args = {
        "unknown trade": ("T9", "-o", tmp_path / "T9.pdf"),
        "file exists": ("T1", "-o", existing),
        "no file name": ("T1", "-o", f"{tmp_path}/"),
    }[case]
    result = run("evidence", *args)
    assert result.code == EXIT_BAD_INPUT
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert existing.read_bytes() == b"mine"
    assert not (tmp_path / "T9.pdf").exists()


@freeze_time("2026-11-22 00:00:00")
def test_the_pack_is_a4_with_the_ipaex_font_embedded(sold, ok) -> None:
    tmp_path, _shot, _receipt = sold
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf")
    reader = PdfReader(tmp_path / "T1.pdf")
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("IPAex" in name for name in fonts), fonts
