"""Every id a screen shows has a name for people in both languages."""

import re

import pytest

from journal.core.deadlines import KIND_SPECS
from journal.core.events import ADDABLE_TYPES
from journal.core.names import PLATFORM_ALIASES
from journal.core.trade import _BUYER_STEPS, _SELLER_STEPS, FINISHED_STATES
from journal.text.labels import STATES, STEPS, label

ALL_STATES = (
    {target for _, target in _SELLER_STEPS.values() if target}
    | {target for _, target in _BUYER_STEPS.values() if target}
    | {state for allowed, _ in _SELLER_STEPS.values() for state in allowed}
    | set(FINISHED_STATES)
)
LATIN = re.compile(r"[A-Za-z_]")


@pytest.mark.parametrize("state", sorted(ALL_STATES))
def test_every_state_has_a_japanese_name(state: str) -> None:
    assert state in STATES
    assert not LATIN.search(label("state", state, "ja"))
    assert label("state", state, "en") == state  # English screens show the id


@pytest.mark.parametrize("step", [*ADDABLE_TYPES, "bundled", "voided"])
def test_every_step_has_a_japanese_name(step: str) -> None:
    assert step in STEPS
    assert not LATIN.search(label("step", step, "ja"))


@pytest.mark.parametrize("kind", sorted(KIND_SPECS))
def test_every_deadline_kind_has_a_japanese_name(kind: str) -> None:
    name = label("kind", kind, "ja")
    assert name != kind and not LATIN.search(name)


@pytest.mark.parametrize("platform", sorted(set(PLATFORM_ALIASES.values())))
def test_platforms_are_shown_by_their_japanese_names(platform: str) -> None:
    assert label("platform", platform, "ja") in {"ラクマ", "メルカリ", "ヤフオク", "Yahoo!フリマ"}


def test_unknown_ids_are_shown_as_they_are() -> None:
    assert label("state", "some_new_state", "ja") == "some_new_state"
    assert label("kind", "some_new_kind", "ja") == "some_new_kind"
    assert label("state", None, "en") == "-"
