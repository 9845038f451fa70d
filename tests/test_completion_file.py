"""The trades Tab offers are read from the journal file named as text (the entry point keeps
paths as text): a name URI-encoding must get right, a missing file, a server and no file."""

import shutil

from journal.locations import trades_in_file, trades_to_complete


def test_a_journal_under_an_awkward_name_offers_its_trades(journal_env, ok, tmp_path):
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2500")
    ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900")
    folder = tmp_path / "a b?c#d%e 日本"
    folder.mkdir()
    awkward = folder / "j?#%.sqlite"
    shutil.copyfile(journal_env, awkward)
    want = [("T1", "ニット", "listed"), ("T2", "帽子", "listed")]
    assert trades_in_file(str(awkward)) == want
    assert trades_to_complete(awkward) == want  # a Path, as the settings give it
    link = tmp_path / "link.sqlite"
    link.symlink_to(awkward)
    assert trades_in_file(str(link)) == want


def test_nothing_from_a_missing_file_a_server_or_no_file(tmp_path):
    assert trades_in_file(str(tmp_path / "none.sqlite")) == []
    assert trades_in_file(None) == []
    assert trades_to_complete("postgresql://me:secret@localhost/journal") == []
    (tmp_path / "junk.sqlite").write_bytes(b"not a database")
    assert trades_in_file(str(tmp_path / "junk.sqlite")) == []
