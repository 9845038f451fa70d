"""The retention rule in the daemon's pass: forget the personal data of every trade the
rule (`[privacy] forget_after`, 90 days after the trade finished by default) has reached.

Run at the start of a daemon, then every `EVERY` while it runs, and by every
`journal daemon --once`; `journal forget --due` does the same by hand (journal/forgetting.py).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

log = logging.getLogger("journal.daemon")

EVERY = timedelta(hours=6)
DEFAULT = (timedelta(days=90), False)  # the rule when the settings name none (a test's daemon)


def forget_due(journal: Any, now: datetime, rule: tuple[timedelta | None, bool]) -> list[str]:
    """Apply `rule` (the settings' `[privacy] forget_after`, and whether a 古物台帳 is kept,
    from the composition root) at `now`; the trades forgotten (said in the daemon's log)."""
    from journal import forgetting

    after, kobutsu = rule
    done = [item.trade for item in forgetting.forget_due(journal, now, after, kobutsu)]
    if done:
        log.info("personal data forgotten by the retention rule: %s", ", ".join(done))
    return done
