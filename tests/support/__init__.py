"""What many tests repeat: the recording notifier and the one-line refusal check; beside
them `stores` (journals in memory, set-ups through the door), `given` (set-ups through the
real command) and `daemon` (the daemon's feed in memory, a real daemon's environment)."""

from scheduler.note import Note

BAD = 2  # the documented exit status of bad input


class Recorder:
    """A fake notifier for the fast middle layer: remembers what it was given; can be told
    to fail. The end-to-end tests use the real desktop and push notifiers instead."""

    name = "fake"

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.failing = False

    def send(self, note: Note) -> bool:
        if self.failing:
            return False
        self.notes.append(note)
        return True


def refused(result, words: str, code: int = BAD) -> str:
    """The command failed with `code` and said one line, `journal: …`, containing `words`."""
    assert result.code == code, result
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), result.err
    assert words in lines[0], lines[0]
    return lines[0]
