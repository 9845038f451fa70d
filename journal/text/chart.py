"""`journal money --chart FILE.png|FILE.svg`: sales and profit per month (or per app) as an
image a person would show. matplotlib is imported here only, by this command only; the
Japanese labels render with the IPAex Gothic font that matplotlib-fontja ships (so no
system font is needed), and an SVG keeps its text as text."""

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from journal.core.errors import BadInput

FORMATS = {".png": "png", ".svg": "svg"}


def render(groups: Sequence[dict[str, Any]], labels: dict[str, str], fmt: str) -> bytes:
    """The chart as PNG or SVG bytes; `labels` holds the title, axis and legend texts."""
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401 - registers the Japanese font and makes it the default

    plt.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, and testable)
    keys = [str(g["key"]) for g in groups]
    spots = list(range(len(keys)))
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=120)
    try:
        axes.bar([i - 0.2 for i in spots], [g["sales"] for g in groups], 0.4, label=labels["sales"])
        axes.bar(
            [i + 0.2 for i in spots], [g["profit"] for g in groups], 0.4, label=labels["profit"]
        )
        axes.set_xticks(spots, keys)
        axes.set_title(labels["title"])
        axes.set_ylabel(labels["yen"])
        axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        axes.legend()
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format=fmt)
        return out.getvalue()
    finally:
        plt.close(figure)


def write(path: Path, groups: Sequence[dict[str, Any]], labels: dict[str, str]) -> None:
    """Write the chart to `path` (its suffix says PNG or SVG), replaced atomically."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInput("chart_format", path=str(path))
    data = render(groups, labels, fmt)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BadInput("file_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
