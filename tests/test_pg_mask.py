"""Passwords never shown: how a journal URL appears in messages and logs (pure)."""

import pytest

from journal.core.urls import is_url, mask


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://a:pw@h/db", "postgresql://a:***@h/db"),
        ("postgresql://a:p@ss@h/db", "postgresql://a:***@h/db"),
        (
            "postgresql://a:pw@h:5432/db?sslmode=require",
            "postgresql://a:***@h:5432/db?sslmode=require",
        ),
        ("postgresql://h/db?user=a&password=pw", "postgresql://h/db?user=a&password=***"),
        ("postgresql://a@h/db", "postgresql://a@h/db"),
        ("postgres://a:pw@h/db", "postgres://a:***@h/db"),
    ],
)
def test_passwords_are_masked(url, shown):
    assert mask(url) == shown


def test_only_postgresql_urls_name_a_server():
    assert is_url("postgresql://h/db") and is_url("postgres://h/db")
    assert is_url("postgresql+psycopg://h/db")
    assert not is_url("journal.sqlite") and not is_url("./postgresql:/x")
