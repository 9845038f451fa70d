"""Tests that need a real outside part (a notification server, a database server).

Where the part is missing they skip on a developer's machine, saying what to install; in CI
(`CI=true`), where `.ci/run` installs and starts every such part, a missing part fails the
test instead, so a green CI run can never hide a test that did not run.
"""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def need(reason: str) -> None:
    """Skip here, fail in CI: the part this test needs is not available."""
    if in_ci():
        pytest.fail(f"CI must run this test, but {reason}", pytrace=False)
    pytest.skip(reason)
