"""`journal tax --year` through the real command: the year's figures are sums of its rows,
purchases are 仕入 (never sales) there, in `money` and in the CSV export, and the stock at
both ends of the year is what was bought or listed and not sold, at cost."""

import csv
import io

from freezegun import freeze_time

NOW = "2026-12-20T03:00:00+00:00"
AMOUNTS = ("sales", "fees", "shipping", "purchases", "expenses")


def _story(ok) -> dict[str, str]:
    """Two years of a reseller's trades, with figures worked out by hand in the test."""
    t = {}
    with freeze_time(NOW):
        # 2025: a purchase to resell (item K1), a listing of goods bought elsewhere
        t["p1"] = ok("add", "bought", "--platform", "mercari", "--title", "古着", "--price",
                     "1000", "--shipping", "200", "--item", "K1",
                     "--at", "2025-11-10 12:00")  # fmt: skip
        t["l1"] = ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price",
                     "2000", "--cost", "500", "--at", "2025-12-01 12:00")  # fmt: skip
        # 2026: the purchase is listed and sold (its cost is the purchase's), and so is l1
        t["l2"] = ok("add", "listed", "--platform", "rakuma", "--title", "古着", "--price",
                     "3000", "--item", "K1", "--at", "2026-01-05 12:00")  # fmt: skip
        ok("add", "sold", t["l2"], "--paid", "--at", "2026-01-10 12:00")
        ok("add", "shipped", t["l2"], "--shipping", "210", "--at", "2026-01-11 12:00")
        ok("add", "completed", t["l2"], "--at", "2026-01-15 12:00")
        ok("add", "sold", t["l1"], "--paid", "--at", "2026-02-10 12:00")
        ok("add", "shipped", t["l1"], "--shipping", "175", "--at", "2026-02-11 12:00")
        ok("add", "completed", t["l1"], "--at", "2026-02-20 12:00")
        ok("add", "cost", t["l1"], "--extra", "40", "--at", "2026-02-20 13:00")
        t["p2"] = ok("add", "bought", "--platform", "mercari", "--title", "靴", "--price",
                     "800", "--at", "2026-03-01 12:00")  # fmt: skip
        t["w"] = ok("add", "withdrawal", "--platform", "mercari", "--amount", "3000",
                    "--at", "2026-05-01 12:00")  # fmt: skip
        t["l3"] = ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price",
                     "900", "--cost", "300", "--at", "2026-06-01 12:00")  # fmt: skip
        ok("add", "delisted", t["l3"], "--at", "2026-07-01 12:00")
    return t


def test_the_years_totals_are_the_sums_of_its_rows_and_purchases_are_shiire(run, ok) -> None:
    t = _story(ok)
    with freeze_time(NOW):
        data = run("tax", "--year", "2026", "--json").json()
    # by hand: sales 3000 + 2000; fees 10 % of each (Rakuma's first period: 10 %) and the
    # withdrawal's ¥200; purchases: p2 and l3's goods; stock: p1 and l1 at the start, p2 at
    # the end (l3 was delisted, l2 sold p1)
    assert data["totals"] == {
        "sales": 5000,
        "fees": 300 + 200 + 200,
        "shipping": 385,
        "purchases": 800 + 300,
        "expenses": 40,
    }
    assert data["stock"]["start"]["value"] == 1200 + 500
    assert [i["id"] for i in data["stock"]["start"]["items"]] == sorted([t["p1"], t["l1"]])
    assert data["stock"]["end"] == {
        "value": 800,
        "count": 1,
        "items": [{"id": t["p2"], "title": "靴", "value": 800}],
    }
    assert data["cost_of_sales"] == 1700 + 1100 - 800
    assert data["income"] == 5000 - 2000 - 700 - 385 - 40
    for name in AMOUNTS:
        assert data["totals"][name] == sum(r[name] for r in data["rows"])
        assert data["totals"][name] == sum(g[name] for g in data["months"])
        assert data["totals"][name] == sum(g[name] for g in data["platforms"])
    purchase = [r for r in data["rows"] if r["id"] == t["p2"]]
    assert [(r["kind"], r["purchases"], r["sales"]) for r in purchase] == [("purchase", 800, 0)]
    assert all(r["sales"] == 0 for r in data["rows"] if r["kind"] != "sale")
    assert [g["key"] for g in data["months"]] == ["2026-01", "2026-02", "2026-03", "2026-05",
                                                    "2026-06"]  # fmt: skip
    codes = [n["code"] for n in data["notes"]]
    assert codes == ["tax_salaried", "tax_resident", "tax_books_kept", "tax_not_advice"]
    assert "200,000" in data["notes"][0]["message"]


def test_the_year_before_holds_its_purchases_as_stock(run, ok) -> None:
    t = _story(ok)
    with freeze_time(NOW):
        data = run("tax", "--year", "2025", "--json").json()
    assert data["totals"] == dict.fromkeys(AMOUNTS, 0) | {"purchases": 1700}
    assert data["stock"]["end"]["value"] == 1700
    assert [i["id"] for i in data["stock"]["end"]["items"]] == sorted([t["p1"], t["l1"]])
    assert data["income"] == 0


def test_the_screen_says_each_figure_and_the_notes_as_information(run, ok, monkeypatch) -> None:
    _story(ok)
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        text = run("tax", "--year", "2026").out
    for words in ("売上", "販売手数料", "仕入", "期首棚卸高", "期末棚卸高", "売上原価", "経費"):
        assert words in text
    assert "所得" in text and "¥1,875" in text
    assert "住民税" in text and "税務の助言ではありません" in text


def test_money_and_the_csv_count_a_purchase_as_shiire_never_as_a_sale(run, ok) -> None:
    t = _story(ok)
    with freeze_time(NOW):
        money = run("money", "--year", "2026", "--json").json()
        text = run("export", "--format", "csv", "--year", "2026").out
    assert money["purchases"] == {"count": 1, "amount": 800}
    assert t["p2"] not in [r["id"] for r in money["trades"]]
    assert money["totals"]["sales"] == 5000
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    bought = next(r for r in table if r["ID"] == t["p2"])
    assert bought["price"] == "" and bought["purchase"] == "800"
    sold = next(r for r in table if r["ID"] == t["l2"])
    assert sold["price"] == "3000" and sold["purchase"] == ""


def test_a_bad_year_is_one_line(run, ok) -> None:
    _story(ok)
    result = run("tax", "--year", "1999")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
