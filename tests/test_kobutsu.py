"""古物台帳 mode through the real command: with `[books] kobutsu = true` a purchase must carry
the fields of 古物営業法16条 (refused in one line, nothing written, without them), and
`journal kobutsu --year` prints the register (JSON, a table, CSV read back with csv)."""

import csv
import io

from freezegun import freeze_time

NOW = "2026-12-01T03:00:00+00:00"
FIELDS = [
    "--quantity", "1",
    "--features", "SEIKO 5, 裏蓋に傷",
    "--seller-name", "山田太郎",
    "--seller-address", "東京都千代田区千代田1-1",
    "--seller-job", "会社員",
    "--seller-age", "45",
    "--id-check", "運転免許証",
]  # fmt: skip


def _kobutsu_mode(journal_env) -> None:
    config = journal_env.parent / "config.toml"
    config.write_text("[books]\nkobutsu = true\n", encoding="utf-8")


def _buy(*extra: str, at: str = "2026-11-10 12:00") -> list[str]:
    return ["add", "bought", "--platform", "mercari", "--title", "腕時計", "--price", "12000",
            "--at", at, *extra]  # fmt: skip


def test_a_purchase_without_the_registers_fields_is_refused(run, ok, journal_env) -> None:
    _kobutsu_mode(journal_env)
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "900")
        events = len(run("log", "--json").json())
        result = run(*_buy("--quantity", "1"))
        assert result.code == 2
        assert len(result.err.strip().splitlines()) == 1
        assert "--features" in result.err and "--id-check" in result.err
        assert "--quantity" not in result.err
        assert len(run("log", "--json").json()) == events  # nothing written


def test_the_register_lists_the_years_purchases_with_their_fields(run, ok, journal_env) -> None:
    _kobutsu_mode(journal_env)
    with freeze_time(NOW):
        trade = ok(*_buy(*FIELDS))
        ok(*_buy(*FIELDS, at="2025-12-31 23:00"))  # last year: not in 2026's register
        rows = run("kobutsu", "--year", "2026", "--json").json()
        assert rows == [
            {
                "id": trade,
                "at": "2026-11-10T12:00:00+09:00",
                "title": "腕時計",
                "price": 12000,
                "quantity": "1",
                "features": "SEIKO 5, 裏蓋に傷",
                "seller_name": "山田太郎",
                "seller_address": "東京都千代田区千代田1-1",
                "seller_job": "会社員",
                "seller_age": "45",
                "id_check": "運転免許証",
                "state": "awaiting_shipment",
            }
        ]
        text = run("kobutsu", "--year", "2026", "--csv").out
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        assert table[0][:3] == ["date", "ID", "item"]
        assert table[1] == ["2026-11-10 12:00", trade, "腕時計", "1", "SEIKO 5, 裏蓋に傷",
                            "12000", "山田太郎", "東京都千代田区千代田1-1", "会社員", "45",
                            "運転免許証", "awaiting_shipment"]  # fmt: skip
        screen = run("kobutsu", "--year", "2026").out
        assert "山田太郎" in screen and "運転免許証" in screen
        # the seller is the purchase's other party for `search`
        assert [r["id"] for r in run("search", "--party", "山田", "--json").json()] == [
            f"T{int(trade[1:]) + 1}",
            trade,
        ]
        assert "山田太郎" in run("kobutsu", "--year", "2025").out


def test_without_the_mode_a_purchase_needs_none_of_them(run, ok) -> None:
    with freeze_time(NOW):
        ok(*_buy())
        assert run("kobutsu", "--year", "2026", "--json").json()[0]["seller_name"] is None
        assert "no purchases in 2024" in run("kobutsu", "--year", "2024").out


def test_the_register_prints_as_a_pdf_whose_text_reads_back(run, ok, journal_env) -> None:
    from pypdf import PdfReader

    _kobutsu_mode(journal_env)
    target = journal_env.parent / "kobutsu-2026.pdf"
    with freeze_time(NOW):
        trade = ok(*_buy(*FIELDS))
        assert run("kobutsu", "--year", "2026", "--pdf", target).code == 0
        assert run("kobutsu", "--year", "2026", "--pdf", target).code == 2  # a new file only
    pages = PdfReader(target).pages
    assert pages[0].mediabox.width > pages[0].mediabox.height  # A4 landscape
    text = "".join(page.extract_text() for page in pages)
    for words in ("古物台帳", trade, "腕時計", "山田太郎", "運転免許証", "2026-11-10 12:00"):
        assert words in text.replace("\n", ""), words
