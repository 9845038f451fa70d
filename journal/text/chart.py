"""`journal money --chart FILE.png|FILE.svg`: sales and profit per month (or per app) as an
image a person would show. matplotlib is imported here only, by this command only; the
Japanese labels render with the IPAex Gothic font that matplotlib-fontja ships (so no
system font is needed), and an SVG keeps its text as text."""

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from journal.core.errors import BadInput

FORMATS = {".png": "png", ".svg": "svg"}


def render(groups: Sequence[dict[str, Any]], labels: dict[str, str], fmt: str) -> bytes:
    """The chart as PNG or SVG bytes; `labels` holds the title, axis and legend texts and
    each group's name for a person (`group:mercari` → メルカリ; a month is shown as it is)."""
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.patches
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401 - registers the Japanese font and makes it the default

    plt.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, and testable)
    keys = [labels.get(f"group:{g['key']}", str(g["key"])) for g in groups]
    spots = list(range(len(keys)))
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=120)
    try:
        swatches = []
        for shift, key, colour in ((-0.2, "sales", "C0"), (0.2, "profit", "C1")):
            heights = [g[key] for g in groups]
            axes.bar([i + shift for i in spots], heights, 0.4, color=colour)
            # the legend's own swatch: a set of no bars would lend it the default colour
            swatches.append(matplotlib.patches.Patch(facecolor=colour, label=labels[key]))
        if not any(g["sales"] or g["profit"] for g in groups):
            axes.set_ylim(0, 1000)  # nothing sold: a plain yen axis, not ticks of "0" and "-0"
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        axes.set_xticks(spots, keys)
        axes.set_title(labels["title"])
        axes.set_ylabel(labels["yen"])
        axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        axes.legend(handles=swatches)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format=fmt)
        return out.getvalue()
    finally:
        plt.close(figure)


def write(path: Path, groups: Sequence[dict[str, Any]], labels: dict[str, str]) -> None:
    """Write the chart to `path` (its suffix says PNG or SVG): a new private file, or an
    earlier chart of ours replaced atomically (journal/files.py `replace_file`)."""
    from journal.files import refuse_unsafe, replace_file

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInput("chart_format", path=str(path))
    refuse_unsafe(path)  # before the drawing, which takes a while
    replace_file(path, render(groups, labels, fmt))
