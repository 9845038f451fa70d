"""The other pages through real HTTP against `journal serve`: お金 shows `journal money`'s
numbers and its chart (an SVG read back with an XML parser), 商品 shows the double-listing
alarm with a 取り下げた button that records `delisted`, リマインダー shows what is planned,
and a non-loopback address warns and prints the login URL as a QR code."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from web_server import form_values, serving


def _sold_story(ok) -> None:
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500",
       "--item", "knit-01", "--cost", "800", "--at", "-6d")  # fmt: skip
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2400",
       "--item", "knit-01", "--at", "-6d")  # fmt: skip
    for step in (["sold", "T1", "--buyer", "さくら", "--paid"], ["shipped", "T1"],
                 ["received", "T1"], ["rated", "T1"]):  # fmt: skip
        ok("add", *step, "--at", "-5d")


@pytest.mark.slow
def test_the_money_page_shows_journal_moneys_numbers_and_chart(ok):
    _sold_story(ok)
    data = json.loads(ok("money", "--json"))
    assert data["totals"]["count"] == 1
    with serving() as server:
        cookie = server.login()
        page = server.page("/money", cookie).text
        for key in ("sales", "fees", "profit"):
            assert f"¥{data['totals'][key]:,}" in page
        chart = re.search(r'<img class="chart" src="([^"]+)"', page).group(1)
        svg = server.page(chart.replace("&amp;", "&"), cookie)
        assert svg.headers["content-type"].startswith("image/svg+xml")
        root = ET.fromstring(svg.body)
        assert root.tag.endswith("svg")
        assert "<script" not in svg.text
        by = server.page("/money?by=platform", cookie).text
        assert "メルカリ" in by or "mercari" in by
        assert server.page("/money?by=colour", cookie).status == 422


def test_the_items_page_takes_the_other_listing_down_in_one_tap(ok):
    _sold_story(ok)
    items = json.loads(ok("items", "--json"))
    assert [x["delist"] for x in items[0]["listings"]] == [False, True]
    with serving() as server:
        cookie = server.login()
        page = server.page("/items", cookie).text
        assert "knit-01" in page and "T2" in page
        button = form_values(page, "delisted")
        done = server.post_form("/trades/T2/steps", button | {"step": "delisted"}, cookie)
        assert done.status == 200 and 'href="/items"' in done.text
    assert json.loads(ok("show", "T2", "--json"))["state"] == "delisted"


def test_the_reminders_page_lists_what_is_planned(ok):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500",
       "--ship-days", "1-2")  # fmt: skip
    ok("add", "sold", "T1", "--buyer", "さくら", "--paid")
    planned = json.loads(ok("reminders", "--json"))["planned"]
    assert planned
    with serving() as server:
        page = server.page("/reminders", server.login()).text
        assert page.count('href="/trades/T1"') == len(planned)


def test_a_non_loopback_address_warns_and_shows_the_qr_code(ok):
    with serving(None, "--host", "127.0.0.2") as server:
        said = "".join(server.output)
    assert "127.0.0.2" in said and "token" in said
    assert "█" in said or "▀" in said or "▄" in said  # the QR code, drawn in blocks


def test_the_daemon_serves_the_web_app_in_its_own_process(ok, tmp_path):
    """`journal daemon --serve` (here through `[web] serve = true`): one process holding
    the reminders and the web app; SIGTERM stops both cleanly."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from web_server import TOKEN, Server

    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    (tmp_path / "config.toml").write_text("[web]\nserve = true\nport = 0\n", "utf-8")
    exe = Path(sys.executable).with_name("journal")
    env = {**os.environ, "JOURNAL_WEB_TOKEN": TOKEN}
    process = subprocess.Popen(
        [str(exe), "daemon", "--notifier", "console"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        lines = []
        while not any("watching" in line for line in lines):  # the daemon is running too
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        port = int(re.search(r"127\.0\.0\.1:(\d+)/login/", "".join(lines)).group(1))
        server = Server(port, "", "", process)
        listed = server.api("GET", "/api/v1/trades")
        assert listed.status == 200 and listed.json()[0]["id"] == "T1"
        assert server.api("GET", "/api/v1/trades", token=None).status == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serving_every_address_accepts_this_machines_own(monkeypatch):
    """`--host 0.0.0.0`: the Host check accepts the addresses this machine's name resolves
    to (what the phone types) and loopback, nothing else (DNS rebinding)."""
    from journal.web import guard

    monkeypatch.setattr(guard, "own_addresses", lambda: ["192.168.1.20", "127.0.1.1"])
    hosts = guard.allowed_hosts("0.0.0.0", 8765)
    assert {"192.168.1.20:8765", "127.0.1.1:8765", "127.0.0.1:8765", "localhost:8765"} <= hosts
    assert "evil.example:8765" not in hosts and "192.168.1.21:8765" not in hosts
    assert guard.allowed_hosts("192.168.1.20", 8765) == {"192.168.1.20:8765"}
    assert "[::1]:8765" in guard.allowed_hosts("::1", 8765)
