"""The attachments part of `journal verify`: once the log and the read models are sound,
every attached file must still have its recorded hash. Imported by `cli.verify`, so it
imports nothing of `cli`."""

from typing import Any


def check_attachments(data: dict[str, Any], journal: Any) -> list[str]:
    """Adds `attachments` to verify's JSON (and `ok: false` if any file is missing or
    changed); returns one line per such file, naming it."""
    from journal.evidence import problems
    from journal.text.messages import render

    checked, found = problems(journal)
    data["attachments"] = {"checked": checked, "problems": found}
    if found:
        data["ok"] = False
    return [render(f"verify_attachment_{item['problem']}", **item) for item in found]
