"""Tab completion of trade ids, from the (id, title) rows the door hands over
(`journal.service.trades_to_complete`): the candidates a shell may show, and their titles."""

from journal.text.table import clean


def trade_ids(rows: list[tuple[str, str]], incomplete: str) -> list[str]:
    folded = incomplete.casefold()
    # a shell reads candidates line by line: an id with a control character in it (written
    # behind the program's back) would become several candidates
    return [i for i, _ in rows if i.isprintable() and i.casefold().startswith(folded)]


def titles(rows: list[tuple[str, str]], ids: list[str]) -> dict[str, str]:
    """The titles shown beside the ids (zsh and fish show them)."""
    wanted = set(ids)
    return {ident: clean(title) for ident, title in rows if ident in wanted}
