"""Personal data sealed with a per-trade key and forgotten on time, through the real command:
the key leaves the file (its bytes are searched for), names never reach it in plain text,
the chain still verifies, money is unchanged and the screens say 削除済み."""

import base64
import hashlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from freezegun import freeze_time

NAME, ADDRESS, PHONE = "さくら山田", "東京都港区芝公園4-2-8", "090-1234-5678"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _file_bytes(db) -> bytes:
    """The journal file and its WAL, as a thief would read them."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def _rows(db, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def _digest(db) -> str:
    tables = ("events", "trades", "deadlines", "projection_state", "personal_keys")
    with sqlite3.connect(db) as conn:
        text = repr([conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables])
    return hashlib.sha256(text.encode()).hexdigest()


def _completed_sale(ok, trade: str = "T1") -> None:
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2500")
    ok("add", "sold", trade, "--buyer", NAME, "--paid")
    ok("add", "message", trade, "--note", f"住所: {ADDRESS}")
    ok("add", "note", trade, "--note", f"電話 {PHONE}", "--personal")
    ok("add", "note", trade, "--note", "袖に小さな毛玉")  # not personal: stays readable
    ok("add", "shipped", trade, "--shipping", "210")
    ok("add", "received", trade)
    ok("add", "rated", trade)


def test_personal_fields_are_sealed_and_open_with_the_trade_key(journal_env, ok):
    _completed_sale(ok)
    stored = dict(_rows(journal_env, "SELECT type, payload FROM events WHERE type='sold'"))
    sealed = json.loads(stored["sold"])["buyer"]["sealed"]
    log = repr(_rows(journal_env, "SELECT * FROM events"))
    for secret in (NAME, ADDRESS, PHONE):
        assert secret not in log  # the log holds ciphertext only
    for secret in (ADDRESS, PHONE):  # (the name is also in the read model, for `search`)
        assert secret.encode() not in _file_bytes(journal_env)
    # an independent reader: AES-GCM with the key row, the event id and field as bound data
    [(key,)] = _rows(journal_env, "SELECT key FROM personal_keys WHERE trade = 'T1'")
    [(event_id,)] = _rows(journal_env, "SELECT event_id FROM events WHERE type = 'sold'")
    raw = base64.b64decode(sealed)
    assert AESGCM(key).decrypt(raw[:12], raw[12:], f"{event_id}|buyer".encode()) == NAME.encode()
    shown = ok("show", "T1")
    assert NAME in shown and ADDRESS in shown and PHONE in shown and "毛玉" in shown
    assert "T1" in ok("list", "--all", "--search", "さくら")  # found by the opened name


def test_the_journal_seals_with_cryptography_s_own_aesgcm():
    """personal.py takes the class from the library's binding (its public module's package
    costs a start-up): the very class `cryptography.hazmat.primitives.ciphers.aead` gives."""
    from journal.storage import personal

    assert personal._aesgcm() is AESGCM


def test_forget_destroys_the_key_keeps_money_and_the_chain(journal_env, ok, run, tmp_path):
    _completed_sale(ok)
    money = json.loads(ok("money", "--json"))
    head = ok("verify", "--json")
    [(key,)] = _rows(journal_env, "SELECT key FROM personal_keys WHERE trade = 'T1'")
    assert key in _file_bytes(journal_env)

    out = ok("forget", "T1", "--yes")
    assert "T1" in out

    assert key not in _file_bytes(journal_env)  # the key's bytes left the file and its WAL
    for secret in (NAME.encode(), ADDRESS.encode(), PHONE.encode()):
        assert secret not in _file_bytes(journal_env)
    assert json.loads(ok("money", "--json")) == money
    assert json.loads(ok("verify", "--json"))["head"] == json.loads(head)["head"]
    ok("export", "-o", tmp_path / "out.jsonl")
    exported = (tmp_path / "out.jsonl").read_bytes()
    assert NAME.encode() not in exported and key.hex().encode() not in exported
    shown = json.loads(ok("show", "T1", "--json"))
    assert shown["buyer"] == "[forgotten]" and shown["money"] == money_of(ok)
    notes = [e.get("note") for e in shown["events"] if e["type"] in ("message", "note")]
    assert notes == ["[forgotten]", "[forgotten]", "袖に小さな毛玉"]
    assert "T1" not in ok("list", "--all", "--search", "さくら")


def money_of(ok) -> dict:
    return json.loads(ok("show", "T1", "--json"))["money"]


def test_screens_say_forgotten_in_japanese_and_english(journal_env, ok, monkeypatch):
    _completed_sale(ok)
    ok("forget", "T1", "--yes")
    english = ok("show", "T1")
    assert "buyer forgotten" in english and NAME not in english
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    japanese = ok("show", "T1")
    assert "· 削除済み" in japanese and "削除済み 様" in japanese
    assert "取引メッセージ  削除済み" in ok("log", "T1")
    assert "消去済み" in ok("forget", "T1", "--yes")  # said again, in Japanese: already


def test_a_bundle_title_made_of_the_buyer_name_is_forgotten_from_the_read_models(journal_env, ok):
    for title in ("帽子", "手袋"):
        ok("add", "listed", "--platform", "mercari", "--title", title, "--price", "1000")
    ok("add", "bundle", "T1", "T2", "--price", "1800", "--buyer", "はなこ", "--id", "B1")
    ok("add", "delisted", "B1")
    assert "はなこ".encode() in _file_bytes(journal_env)  # the set's title, in `trades`
    csv_before = ok("export", "--format", "csv")
    assert "はなこ様専用" in csv_before  # the books open a set's title (not the names)
    ok("forget", "B1", "--yes")
    assert "はなこ".encode() not in _file_bytes(journal_env)
    assert "はなこ" not in ok("export", "--format", "csv")
    assert ok("verify")
    assert "forgotten" in ok("list", "--all")


def test_an_unfinished_trade_is_refused_unless_forced_and_nothing_is_written(journal_env, ok, run):
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2500")
    ok("add", "sold", "T1", "--buyer", NAME)
    before = _digest(journal_env)
    refused = run("forget", "T1", "--yes")
    assert refused.code == 2 and "--force" in refused.err and refused.out == ""
    assert len(refused.err.strip().splitlines()) == 1
    assert _digest(journal_env) == before
    ok("forget", "T1", "--yes", "--force")
    assert json.loads(ok("show", "T1", "--json"))["buyer"] == "[forgotten]"


@pytest.mark.parametrize(
    "args",
    [
        ("forget", "T1"),  # not a terminal, no --yes
        ("forget",),  # nothing named
        ("forget", "T1", "--due", "--yes"),  # both
        ("forget", "T9", "--yes"),  # no such trade
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(journal_env, ok, run, args):
    _completed_sale(ok)
    before = _digest(journal_env)
    result = run(*args)
    assert result.code == 2, result
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert _digest(journal_env) == before


def test_no_personal_field_is_recorded_for_a_forgotten_trade(journal_env, ok, run):
    _completed_sale(ok)
    ok("forget", "T1", "--yes")
    before = _digest(journal_env)
    refused = run("add", "message", "T1", "--note", "もう一度住所を")
    assert refused.code == 2 and "forgotten" in refused.err
    assert _digest(journal_env) == before
    ok("add", "note", "T1", "--note", "再出品用")  # not personal: still recorded


def _complete_at(ok, moment: datetime, *extra: str) -> None:
    with freeze_time(moment):
        _completed_sale(ok)


def test_the_retention_rule_forgets_at_90_days_and_not_before(journal_env, ok):
    _complete_at(ok, T0)
    with freeze_time(T0 + timedelta(days=90) - timedelta(minutes=1)):
        assert json.loads(ok("forget", "--due", "--json")) == {"forgotten": []}
        assert json.loads(ok("show", "T1", "--json"))["buyer"] == NAME
    with freeze_time(T0 + timedelta(days=90)):
        done = json.loads(ok("forget", "--due", "--json"))["forgotten"]
        assert [d["trade"] for d in done] == ["T1"]
        assert json.loads(ok("show", "T1", "--json"))["buyer"] == "[forgotten]"
        assert json.loads(ok("forget", "--due", "--json")) == {"forgotten": []}


def test_the_rule_follows_the_config(journal_env, ok, run, tmp_path):
    config = tmp_path / "config.toml"
    _complete_at(ok, T0)
    config.write_text('[privacy]\nforget_after = "never"\n', "utf-8")
    with freeze_time(T0 + timedelta(days=4000)):
        assert json.loads(ok("forget", "--due", "--json")) == {"forgotten": []}
    config.write_text('[privacy]\nforget_after = "30d"\n', "utf-8")
    with freeze_time(T0 + timedelta(days=30)):
        assert len(json.loads(ok("forget", "--due", "--json"))["forgotten"]) == 1
    config.write_text('[privacy]\nforget_after = "soon"\n', "utf-8")
    bad = run("forget", "--due")
    assert bad.code == 2 and "forget_after" in bad.err


def test_a_kobutsu_register_entry_is_kept_three_years(journal_env, ok, tmp_path):
    """With a 古物台帳 kept, a purchase is an entry of it: its 相手方 fields are sealed, the
    90-day rule does not reach them, and they are forgotten three years after the purchase."""
    from journal import forgetting

    (tmp_path / "config.toml").write_text("[books]\nkobutsu = true\n", "utf-8")
    seller = ["--seller-name", "山田太郎", "--seller-address", "東京都千代田区千代田1-1"]
    more = ["--seller-job", "会社員", "--seller-age", "45", "--id-check", "運転免許証"]
    with freeze_time(T0):
        ok("add", "bought", "--platform", "rakuma", "--title", "腕時計", "--price", "800",
           "--quantity", "1", "--features", "裏蓋に傷", *seller, *more)  # fmt: skip
        for step in ("shipped", "received", "rated"):
            ok("add", step, "T1")
    assert "山田太郎" not in repr(_rows(journal_env, "SELECT payload FROM events"))
    with freeze_time(T0 + timedelta(days=91)):
        assert json.loads(ok("forget", "--due", "--json")) == {"forgotten": []}
        [entry] = json.loads(ok("kobutsu", "--year", "2026", "--json"))
        assert entry["seller_name"] == "山田太郎" and entry["features"] == "裏蓋に傷"
    with freeze_time(T0 + forgetting.KOBUTSU_KEEP - timedelta(days=1)):
        assert json.loads(ok("forget", "--due", "--json")) == {"forgotten": []}
    with freeze_time(T0 + forgetting.KOBUTSU_KEEP):
        assert len(json.loads(ok("forget", "--due", "--json"))["forgotten"]) == 1
        [entry] = json.loads(ok("kobutsu", "--year", "2026", "--json"))
    assert entry["seller_name"] == entry["id_check"] == "[forgotten]"
    assert entry["features"] == "裏蓋に傷" and entry["price"] == 800  # the item stays
    with freeze_time(T0 + forgetting.KOBUTSU_KEEP):
        printed = tmp_path / "kobutsu.pdf"
        shown = ok("kobutsu", "--year", "2026", "--pdf", printed)
        as_csv = ok("kobutsu", "--year", "2026", "--csv")
    assert "forgotten" in shown and "[forgotten]" not in shown
    assert "forgotten" in as_csv and "[forgotten]" not in as_csv
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(printed).pages)
    assert "forgotten" in text and "山田太郎" not in text
    assert "山田太郎".encode() not in _file_bytes(journal_env)
    assert ok("verify")


def test_a_journal_from_before_sealing_keeps_its_plain_fields_and_says_so(
    journal_env, ok, monkeypatch
):
    """Fields recorded before sealing existed stay in the log (rewriting it would change every
    hash after them): `forget` hides them on every screen and says they remain in the file."""
    import journal.storage.store as store

    with monkeypatch.context() as old:
        old.setattr(store, "seal", lambda conn, event, recorded: event.payload)
        _completed_sale(ok)  # written as the journal before revision 0004 wrote it
    assert NAME.encode() in _file_bytes(journal_env)
    said = json.loads(ok("forget", "T1", "--yes", "--json"))["forgotten"]
    assert said == [{"trade": "T1", "already": False, "plain_fields_kept": 3}]
    assert "recorded before sealing" in ok("forget", "T1", "--yes")
    assert NAME not in ok("show", "T1") and "buyer forgotten" in ok("log", "T1")
    assert ok("verify")


def _two_sales(ok) -> None:
    _completed_sale(ok, "T1")
    ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900")
    ok("add", "sold", "T2", "--buyer", "けん太", "--paid")


def test_an_export_carries_the_live_keys_and_not_the_forgotten_ones(journal_env, ok, tmp_path):
    _two_sales(ok)
    ok("forget", "T1", "--yes")
    ok("export", "-o", tmp_path / "all.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    keys = {x["personal_key"]["trade"]: x["personal_key"] for x in lines if "personal_key" in x}
    assert lines[0]["version"] == 3 and lines[0]["personal_keys"] == 2
    assert keys["T1"]["key"] is None and keys["T1"]["forgotten_at"]
    assert len(base64.b64decode(keys["T2"]["key"])) == 32
    exported = (tmp_path / "all.jsonl").read_bytes()
    assert NAME.encode() not in exported and "けん太".encode() not in exported

    restored = tmp_path / "restored.sqlite"
    ok("import", tmp_path / "all.jsonl", "--db", restored)
    assert json.loads(ok("show", "T2", "--json", "--db", restored))["buyer"] == "けん太"
    assert json.loads(ok("show", "T1", "--json", "--db", restored))["buyer"] == "[forgotten]"
    ok("verify", "--db", restored)
    ok("export", "-o", tmp_path / "again.jsonl", "--db", restored)
    assert (tmp_path / "again.jsonl").read_bytes() == exported  # byte for byte

    copied = tmp_path / "copied.sqlite"
    ok("copy", "--to", copied)
    assert json.loads(ok("show", "T2", "--json", "--db", copied))["buyer"] == "けん太"


@pytest.mark.parametrize(
    "change",
    [
        lambda k: {**k, "key": "bm90IGEga2V5"},  # not 32 bytes
        lambda k: {**k, "trade": "T1\x1b[2J"},
        lambda k: {**k, "key": None, "forgotten_at": None},
        lambda k: {**k, "created_at": "yesterday"},
    ],
)
def test_a_damaged_key_line_refuses_the_whole_import(journal_env, ok, run, tmp_path, change):
    _two_sales(ok)
    ok("export", "-o", tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text("utf-8").splitlines()
    last = json.loads(lines[-1])
    lines[-1] = json.dumps({"personal_key": change(last["personal_key"])}, ensure_ascii=False)
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    target = tmp_path / "new.sqlite"
    refused = run("import", tmp_path / "bad.jsonl", "--db", target)
    assert refused.code == 2 and "personal key" in refused.err
    assert not target.exists()


def test_the_daemon_pass_applies_the_rule(journal_env, ok):
    """`journal daemon --once` (the cron form of the daemon's pass) forgets on time too."""
    _complete_at(ok, T0)
    with freeze_time(T0 + timedelta(days=89)):
        ok("daemon", "--once", "--notifier", "console")
        assert json.loads(ok("show", "T1", "--json"))["buyer"] == NAME
    with freeze_time(T0 + timedelta(days=90, hours=1)):
        ok("daemon", "--once", "--notifier", "console")
        assert json.loads(ok("show", "T1", "--json"))["buyer"] == "[forgotten]"
    assert ok("verify")


def test_the_evidence_pack_and_search_say_forgotten(journal_env, ok, tmp_path):
    from pypdf import PdfReader

    _completed_sale(ok)
    assert "T1" in ok("search", "--party", "さくら")  # found while the name is kept
    ok("forget", "T1", "--yes")
    ok("evidence", "T1", "-o", tmp_path / "T1.pdf", "--lang", "en")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "T1.pdf").pages)
    assert "forgotten" in text and NAME not in text and ADDRESS not in text
    found = ok("search", "--from", "2000-01-01")
    assert "forgotten" in found and "[forgotten]" not in found and NAME not in found
    assert "T1" not in ok("search", "--party", "さくら")


def test_the_web_trade_page_says_forgotten(journal_env, ok):
    from web_server import serving

    _completed_sale(ok)
    ok("forget", "T1", "--yes")
    with serving() as server:
        page = server.page("/trades/T1", server.login()).text
    assert "· ¥2,500 · forgotten" in page and NAME not in page and "[forgotten]" not in page


def test_a_backup_is_a_whole_copy_keys_included(journal_env, ok, tmp_path):
    """Before forgetting, a backup holds the key (it is the owner's full copy, and the rule
    forgets again on a journal restored from it); after, the key is in no new copy."""
    _completed_sale(ok)
    [(key,)] = _rows(journal_env, "SELECT key FROM personal_keys WHERE trade = 'T1'")
    ok("backup", tmp_path / "before.sqlite")
    ok("forget", "T1", "--yes")
    ok("backup", tmp_path / "after.sqlite")
    assert key in (tmp_path / "before.sqlite").read_bytes()
    assert key not in (tmp_path / "after.sqlite").read_bytes()
    before = json.loads(ok("show", "T1", "--json", "--db", tmp_path / "before.sqlite"))
    after = json.loads(ok("show", "T1", "--json", "--db", tmp_path / "after.sqlite"))
    assert (before["buyer"], after["buyer"]) == (NAME, "[forgotten]")
    with freeze_time(datetime.now(UTC) + timedelta(days=91)):
        ok("forget", "--due", "--db", tmp_path / "before.sqlite")
    restored = json.loads(ok("show", "T1", "--json", "--db", tmp_path / "before.sqlite"))
    assert restored["buyer"] == "[forgotten]"


def test_the_correction_history_says_forgotten(journal_env, ok):
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2500")
    ok("add", "sold", "T1", "--buyer", NAME)
    ok("undo", "--yes")  # the sale, with its buyer, is voided: history shows it
    assert NAME in ok("history", "T1")
    ok("forget", "T1", "--yes", "--force")
    shown = ok("history", "T1")
    assert "forgotten" in shown and "[forgotten]" not in shown and NAME not in shown


def test_a_field_sealed_under_another_key_opens_as_forgotten_and_other_errors_surface():
    """`_open` answers FORGOTTEN for a field that does not open with this key (the binding's
    InvalidTag, caught without importing `cryptography.exceptions` until it happens) and for
    a damaged value; an error of any other kind is not swallowed."""
    from journal.core.events import Event
    from journal.core.personal import FORGOTTEN, SEALED
    from journal.storage import personal

    event = Event(type="message", stream="T1", payload={}, occurred_at=T0, event_id="e1")
    key, other = b"k" * 32, b"o" * 32
    nonce = b"n" * 12
    sealed = AESGCM(key).encrypt(nonce, "住所".encode(), b"e1|note")
    value = {SEALED: base64.b64encode(nonce + sealed).decode("ascii")}
    assert personal._open(key, event, "note", value) == "住所"
    assert personal._open(other, event, "note", value) == FORGOTTEN
    assert personal._open(b"short", event, "note", value) == FORGOTTEN  # ValueError: key size
    with pytest.raises(TypeError):
        personal._open(None, event, "note", value)  # type: ignore[arg-type]
