"""`journal history --pdf FILE`: the correction history as a printable A4 PDF, written by the
real command and read back with an independent PDF reader (pypdf): the voided value, its
replacement and the reason, Japanese by default and English by the settings; a bad path is
refused in one line and nothing is written."""

import json
import re

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

EXIT_BAD_INPUT = 2


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """The extracted text without line breaks (a narrow column wraps at any character)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def corrected(journal_env, ok, run):
    """T1 listed at ¥3,000, repriced ¥2,800, then a mistyped ¥280 voided with a reason; T2
    shipped and the shipment undone; times pinned."""
    with freeze_time("2026-11-20T03:00:00+00:00"):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "3000")
        ok("add", "price", "T1", "--price", "2800")
        seq = run("add", "price", "T1", "--price", "280", "--json").json()["seq"]
    with freeze_time("2026-11-22T03:00:00+00:00"):  # 12:00 JST
        ok("void", seq, "--reason", "桁の打ち間違い")
    with freeze_time("2026-11-23T03:00:00+00:00"):
        ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "900")
        ok("add", "sold", "T2", "--buyer", "はな", "--paid")
        ok("add", "shipped", "T2", "--carrier", "ゆうパケット", "--tracking", "1111-2222")
        ok("undo", "--yes", "--reason", "送り状の番号違い")
    return seq


@freeze_time("2026-11-24T00:00:00+00:00")
def test_the_pdf_holds_the_voided_value_its_replacement_and_the_reason(
    corrected, run, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("JOURNAL_LANG")  # Japanese by default, whatever the locale
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    target = tmp_path / "history.pdf"
    result = run("history", "T1", "--pdf", target, "--json")
    assert result.code == 0, result.err
    assert len(result.json()) == 1  # the screen's answer still comes
    text = text_of(target)
    assert "訂正・削除の履歴" in text and "取引 T1" in text
    whole = flat(text)
    # when it was corrected, in JST; the record voided and what it had said
    assert "2026-11-22(日)12:00" in whole
    assert f"#{corrected}価格変更" in whole and "価格¥280" in whole
    # before and after, with the field's name, and the reason
    assert "価格:¥280" in whole and "価格:¥2,800" in whole
    assert "桁の打ち間違い" in whole
    # only T1 was asked for
    assert "送り状の番号違い" not in whole


@freeze_time("2026-11-24T00:00:00+00:00")
def test_all_trades_in_a_period_in_english_by_the_settings(corrected, ok, tmp_path) -> None:
    target = tmp_path / "history-en.pdf"
    ok("history", "--from", "2026-11-23", "--to", "2026-11-23", "--pdf", target)
    text = text_of(target)  # JOURNAL_LANG=en in the tests
    assert "Corrections and deletions" in text and "All trades" in text
    assert "2026-11-23" in text
    whole = flat(text)
    # the undone shipment: the state, carrier and tracking before, and after
    assert "送り状の番号違い" in whole and "桁の打ち間違い" not in whole  # out of the period
    assert "state:shipped" in whole and "state:awaiting_shipment" in whole
    assert "trackingnumber:1111-2222" in whole and "trackingnumber:-" in whole
    reader = PdfReader(target)
    for page in reader.pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("IPAex" in name for name in fonts), fonts


@freeze_time("2026-11-24T00:00:00+00:00")
def test_no_corrections_still_makes_a_page_that_says_so(journal_env, ok, tmp_path) -> None:
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "3000")
    ok("history", "--pdf", tmp_path / "none.pdf")
    assert "no corrections or deletions" in text_of(tmp_path / "none.pdf")


@freeze_time("2026-11-24T00:00:00+00:00")
@pytest.mark.parametrize("case", ["file exists", "symlink", "fifo", "no file name", "unknown"])
def test_a_bad_path_is_one_line_and_nothing_is_written(corrected, run, tmp_path, case) -> None:
    import os

    existing = tmp_path / "there.pdf"
    existing.write_bytes(b"mine")
    link = tmp_path / "link.pdf"
    link.symlink_to(existing)
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = {
        "file exists": ("T1", "--pdf", existing),
        "symlink": ("T1", "--pdf", link),
        "fifo": ("T1", "--pdf", fifo),
        "no file name": ("T1", "--pdf", f"{tmp_path}/"),
        "unknown": ("T9", "--pdf", tmp_path / "T9.pdf"),
    }[case]
    result = run("history", *args)
    assert result.code == EXIT_BAD_INPUT
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert result.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert existing.read_bytes() == b"mine" and link.is_symlink()


def test_the_json_answer_is_unchanged_by_the_pdf(corrected, run, tmp_path) -> None:
    plain = run("history", "--json").json()
    with_pdf = run("history", "--json", "--pdf", tmp_path / "h.pdf").json()
    assert json.dumps(plain) == json.dumps(with_pdf) and len(plain) == 2


@freeze_time("2026-11-24T00:00:00+00:00")
def test_a_forgotten_buyer_reads_forgotten_in_the_pdf(journal_env, ok, run, tmp_path) -> None:
    ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "900")
    ok("add", "sold", "T1", "--buyer", "はなこ")
    sold = run("log", "T1", "--json").json()[-1]["seq"]
    ok("void", sold, "--reason", "別の取引と取り違え")
    ok("history", "--pdf", tmp_path / "before.pdf")
    assert "はなこ" in flat(text_of(tmp_path / "before.pdf"))  # the name, while it is kept
    ok("forget", "T1", "--yes", "--force")
    ok("history", "--pdf", tmp_path / "after.pdf")
    whole = flat(text_of(tmp_path / "after.pdf"))
    assert "はなこ" not in whole and "[forgotten]" not in whole
    assert "buyer:forgotten" in whole and "別の取引と取り違え" in whole
