"""The shared daemon's log lines never carry a piece of the journal's password, even where
the driver's own message repeats it (a password holding `@` is cut there by libpq)."""

from scheduler.leader import _line


def test_driver_detail_in_daemon_log_is_scrubbed() -> None:
    url = "postgresql://journal:Top@Secret4@127.0.0.1:5999/db"
    exc = OSError("failed to resolve host 'Secret4@127.0.0.1': Name or service not known")
    line = _line(exc, url)
    assert "Secret4" not in line
    assert "failed to resolve host" in line


def test_plain_detail_is_kept() -> None:
    url = "postgresql://journal@127.0.0.1:5999/db"
    exc = OSError("connection refused\nIs the server running?")
    assert _line(exc, url) == "connection refused"
