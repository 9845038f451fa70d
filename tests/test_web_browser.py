"""The web app in a real browser: the distribution's Chromium driven by Playwright (pointed
at /usr/bin/chromium, never a downloaded browser) against the real `journal serve`. A whole
Mercari trade is recorded by tapping at phone size (390×844), from the listing to its
completion, and checked with `journal show --json`; screenshots at phone and desktop size are
saved (WEB_SCREENSHOTS names the folder; else the test's own) and their Japanese text is
checked to be drawn with a Japanese font, not as empty boxes."""

import json
import os
from pathlib import Path

import pytest
from real_parts import need
from web_server import TOKEN, serving

pytestmark = pytest.mark.slow  # a real browser (Chromium) and the web server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        need("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WEB_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _japanese_is_drawn(page) -> None:
    """The page's Japanese is laid out with a font that has it: a run of kanji is as wide as
    its characters, where a missing glyph would show as boxes of another width or none."""
    width = page.evaluate(
        """() => { const s = document.createElement('span');
                   s.style.fontSize = '20px'; s.textContent = '今日取引発送';
                   document.body.appendChild(s); const w = s.getBoundingClientRect().width;
                   s.remove(); return w; }"""
    )
    assert 110 <= width <= 130, width  # six full-width characters at 20 px
    fonts = page.evaluate("() => document.fonts.check('20px \"Noto Sans CJK JP\"', '今日')")
    assert fonts


def test_a_whole_mercari_trade_by_tapping_at_phone_size(browser, ok, monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    shots = _shots(tmp_path)
    with serving() as server:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="ja-JP"
        )
        page = context.new_page()
        page.goto(server.base + server.login_path)
        page.wait_for_url(server.base + "/")
        assert page.locator("h1").inner_text() == "今日"

        page.tap("text=新規")
        page.select_option("select[name=platform]", "mercari")
        page.fill("input[name=title]", "ニット カーディガン")
        page.fill("input[name=price]", "2500")
        page.tap("summary:has-text('その他の項目')")
        page.select_option("select[name=ship_days]", "1-2")
        page.screenshot(path=str(shots / "phone-new.png"), full_page=True)
        page.tap("button:has-text('出品を記録')")
        assert "T1" in page.locator(".recorded").inner_text()
        page.tap("text=取引へ")

        page.tap("summary:has-text('購入された')")
        form = page.locator("form.step", has=page.locator("input[value=sold]"))
        form.locator("input[name=buyer]").fill("さくら")
        form.locator("input[name=paid]").check()
        form.locator("button").tap()
        assert "購入された・支払い" in page.locator(".recorded").inner_text()

        page.tap("text=今日")  # shipping is due within 48 hours: one tap on 今日
        row = page.locator("ul.due li", has_text="T1")
        assert "発送" in row.inner_text()
        page.screenshot(path=str(shots / "phone-today.png"), full_page=True)
        _japanese_is_drawn(page)
        row.locator("button[value=shipped]").tap()
        assert "T1" in page.locator(".recorded").inner_text()

        page.goto(server.base + "/trades/T1")
        page.locator("form.step button:has-text('受取')").tap()
        page.tap("text=取引へ")
        page.locator("form.step button:has-text('評価')").tap()
        page.tap("text=取引へ")
        assert "取引完了" in page.locator("p.meta").inner_text()
        page.screenshot(path=str(shots / "phone-trade.png"), full_page=True)
        context.close()

        desktop = browser.new_context(viewport=DESKTOP, locale="ja-JP")
        page = desktop.new_page()
        page.goto(server.base + "/login")
        page.fill("input[name=token]", TOKEN)
        page.click("button:has-text('ログイン')")
        page.goto(server.base + "/trades?all=1")
        page.screenshot(path=str(shots / "desktop-trades.png"), full_page=True)
        page.goto(server.base + "/trades/T1")
        page.screenshot(path=str(shots / "desktop-trade.png"), full_page=True)
        _japanese_is_drawn(page)
        desktop.close()

    shown = json.loads(ok("show", "T1", "--json"))
    assert shown["state"] == "completed" and shown["buyer"] == "さくら"
    assert [e["type"] for e in shown["events"]] == [
        "listed", "sold", "paid", "shipped", "received", "rated"
    ]  # fmt: skip
    for name in ("phone-today", "phone-trade", "desktop-trade"):
        from PIL import Image

        with Image.open(shots / f"{name}.png") as image:
            assert image.width in (780, 1280)


def test_today_puts_the_overdue_first_in_red(browser, ok, monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    shots = _shots(tmp_path)
    ok("add", "listed", "--platform", "rakuma", "--title", "ワンピース 花柄", "--price", "1800",
       "--ship-days", "1-2", "--at", "-5d")  # fmt: skip
    ok("add", "sold", "T1", "--buyer", "はな", "--paid", "--at", "-4d")  # shipping overdue
    ok("add", "listed", "--platform", "mercari", "--title", "ニット カーディガン", "--price",
       "2500", "--ship-days", "1-2", "--at", "-1d")  # fmt: skip
    ok("add", "sold", "T2", "--buyer", "さくら", "--paid", "--at", "-1d")  # shipping due soon
    ok("add", "listed", "--platform", "yahoo-flea", "--title", "ボトムス", "--price", "3000")
    with serving() as server:
        for name, viewport in (("phone-today-overdue", PHONE), ("desktop-today", DESKTOP)):
            context = browser.new_context(viewport=viewport, device_scale_factor=2, locale="ja-JP")
            page = context.new_page()
            page.goto(server.base + "/login")  # the one-time URL is spent: the token, typed
            page.fill("input[name=token]", TOKEN)
            page.click("button:has-text('ログイン')")
            page.wait_for_url(server.base + "/")
            rows = page.locator("ul.due li")
            assert rows.count() >= 2
            assert "T1" in rows.nth(0).inner_text() and "期限切れ" in rows.nth(0).inner_text()
            colour = rows.nth(0).evaluate("e => getComputedStyle(e).borderLeftColor")
            assert colour == "rgb(198, 40, 40)"  # the red of overdue
            assert rows.locator("text=T2").count() == 1
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            _japanese_is_drawn(page)
            context.close()
