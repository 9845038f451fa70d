"""`events.loads` is `json.loads` (same value, same error), only quicker on a bare value."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.core.events import loads

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _same(text: str | bytes) -> None:
    try:
        expected = ("value", json.loads(text))
    except Exception as exc:  # noqa: BLE001 - the error itself is compared
        expected = ("error", type(exc), str(exc))
    try:
        found = ("value", loads(text))
    except Exception as exc:  # noqa: BLE001
        found = ("error", type(exc), str(exc))
    assert found == expected


@given(VALUES, st.sampled_from(["", " ", "\n", "\ufeff", "x", "}", "\x00"]), st.booleans())
def test_any_value_with_anything_around_it_reads_as_json_loads_reads_it(value, extra, before):
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = extra + text if before else text + extra
    _same(text)
    for encoding in ("utf-8", "utf-16", "utf-16-le", "utf-32"):
        _same(text.encode(encoding, "surrogatepass"))


@given(st.binary(max_size=40))
def test_any_bytes_read_as_json_loads_reads_them(raw):
    _same(raw)


@pytest.mark.parametrize(
    "text",
    ['{"a":1}', '{"a":"\\ud800"}', b'{"a":"\xed\xa0\x80"}', "[" * 100_000, '{"a":1} ', "", "nan"],
)
def test_edges(text):
    _same(text)
