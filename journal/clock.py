"""The one clock. Everything that needs "now" asks here, so tests can pin it with freezegun."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)
