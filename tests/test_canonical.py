"""The hash chain's canonical form must never change: the fast path equals json.dumps."""

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from journal.storage.store import GENESIS_HASH, canonical_content, event_hash

text = st.text()
number = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(st.tuples(number, text, text, number, text, number, text, text, text))
def test_fast_canonical_form_equals_json_dumps(row):
    assert canonical_content(row) == json.dumps(
        list(row), ensure_ascii=False, separators=(",", ":")
    )


@given(st.lists(st.one_of(number, text, st.booleans(), st.none()), max_size=10))
def test_unusual_rows_fall_back_to_json_dumps(row):
    assert canonical_content(tuple(row)) == json.dumps(
        row, ensure_ascii=False, separators=(",", ":")
    )


def test_a_known_event_keeps_its_known_hash():
    """Pinned: journals written today must verify with every future version."""
    row = (
        1,
        "a:0",
        "T1",
        1,
        "listed",
        1,
        '{"platform":"rakuma","price":3000,"title":"ボトムス"}',
        "2026-11-22T00:00:00Z",
        "2026-11-22T00:00:01Z",
    )
    assert event_hash(GENESIS_HASH, row) == (
        "d0cdce83b202f5c3d727bc439967d9374f6d9613394de1538a69957d5a7b0a74"
    )


@given(st.text(), st.tuples(number, text, text, number, text, number, text, text, text))
def test_the_chain_link_is_hashlib_s_sha256(prev, row):
    """`event_hash` uses CPython's own SHA-256 (journal/core/sha256.py); verify uses hashlib."""
    expected = hashlib.sha256((prev + canonical_content(row)).encode()).hexdigest()
    assert event_hash(prev, row) == expected


@given(st.binary(max_size=5000))
def test_the_journal_s_sha256_is_hashlib_s(data):
    from journal.core.sha256 import sha256

    assert sha256(data).digest() == hashlib.sha256(data).digest()
