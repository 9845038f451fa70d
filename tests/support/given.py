"""Trade set-ups through the real `journal` command (the `ok` fixture), written once: the
end-to-end tests' counterpart of tests/support/stores.py (which sets up through the door)."""

from collections.abc import Callable

Ok = Callable[..., str]

KNIT = ("--platform", "mercari", "--title", "ニット", "--price", "2500")


def knit(ok: Ok, *extra: str) -> str:
    """A knit listed on Mercari for ¥2,500 (`extra`: more options); the command's output."""
    return ok("add", "listed", *KNIT, *extra)


def knit_sold(ok: Ok, *extra: str, buyer: str = "さくら") -> str:
    """`knit`, then sold to `buyer` (`extra`: e.g. `--paid`); the trade id."""
    trade = knit(ok)  # the command answers the new id alone on a pipe
    ok("add", "sold", trade, "--buyer", buyer, *extra)
    return trade


def approved_request(ok: Ok) -> None:
    """T1: a Rakuma listing that needs a request, requested and approved now (payment due
    翌々日 23:59 JST); `tests/support/stores.approved` is the same through the door."""
    ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "3000",
       "--request-required")  # fmt: skip
    ok("add", "request", "T1", "--buyer", "さくら")
    ok("add", "approved", "T1")
