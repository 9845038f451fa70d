"""The throw-away PostgreSQL server the storage tests rely on really runs (and, in CI, must)."""

from pg_server import psql


def test_a_fresh_database_answers_and_is_empty(pg_url):
    server, name = pg_url.rsplit("/", 1)
    assert psql(server, name, "SELECT 40 + 2").strip() == "42"
    tables = psql(server, name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    assert tables.strip() == "0"
