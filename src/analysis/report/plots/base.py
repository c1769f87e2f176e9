"""The figures' shared parts: style sheet, palette, sizing, labels, heatmap drawing."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes


STYLE_PATH = Path(__file__).resolve().parent.parent / "analysis.mplstyle"

#: Okabe–Ito colours, in the order of the style sheet's colour cycle.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Colours for stance categories; unknown categories get palette colours in order.
STANCE_COLOURS = {
    "support": "#0072B2", "positive": "#0072B2", "for": "#0072B2", "pro": "#0072B2",
    "mixed": "#CC79A7",
    "neutral": "#BBBBBB", "none": "#BBBBBB", "unclear": "#BBBBBB", "unknown": "#BBBBBB",
    "concern": "#E69F00", "request": "#56B4E9", "suggestion": "#56B4E9",
    "oppose": "#D55E00", "negative": "#D55E00", "against": "#D55E00", "contra": "#D55E00",
}
_STANCE_ORDER = ("support", "positive", "for", "pro", "request", "suggestion", "mixed",
                 "neutral", "none", "unclear", "unknown", "concern", "oppose", "negative",
                 "against", "contra")

_WIDTH = 7.5          # inches: fits a report page
_ROW = 0.34           # inches per bar / heatmap row
_MAX_HEIGHT = 40.0


class use_style:
    """Apply the package style sheet; use as a call or as a context manager.

    Called plainly it applies the style for the rest of the session; in a ``with``
    block the previous settings come back on exit.

    >>> from analysis.report.plots import use_style
    >>> with use_style():
    ...     pass
    """

    def __init__(self) -> None:
        self._saved = mpl.rcParams.copy()
        plt.style.use(STYLE_PATH)

    def __enter__(self) -> "use_style":
        return self

    def __exit__(self, *exc: object) -> None:
        mpl.rcParams.update(self._saved)


# ----------------------------------------------------------------------------- helpers
def shorten(text: Any, width: int = 40, max_lines: int = 2) -> str:
    """Wrap ``text`` to lines of ``width`` characters; cut with an ellipsis after ``max_lines``.

    >>> shorten("Tryghed og trivsel i udsatte byområder", width=12, max_lines=2)
    'Tryghed og\\ntrivsel i…'
    """
    text = " ".join(str(text).split())
    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) <= max_lines:
        return "\n".join(lines)
    kept = lines[:max_lines]
    last = kept[-1][: max(width - 1, 1)] if len(kept[-1]) >= width else kept[-1]
    kept[-1] = last.rstrip(" ·,;:-–/|&") + "…"  # no dangling separator before the ellipsis
    return "\n".join(kept)


def natural_key(value: Any) -> tuple:
    """Sort key that puts "2" before "10" (ids such as response numbers).

    >>> sorted(["10", "2", "r1"], key=natural_key)
    ['2', '10', 'r1']
    """
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")


def _pretty(value: Any) -> str:
    """Respondent types read as words ("local_council" → "local council")."""
    text = str(value)
    for kind in ("local_council",):
        text = text.replace(kind, kind.replace("_", " "))
    return text


def _is_empty(table: pd.DataFrame | None) -> bool:
    return table is None or len(table) == 0


def _require(table: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        raise KeyError(
            f"plots.{where}: the table has no column(s) {missing}; it has {list(table.columns)}. "
            f"Pass the right column names as keyword arguments (e.g. {missing[0]}=...)."
        )


def _pick(table: pd.DataFrame, column: str, value: Any, where: str, what: str) -> pd.DataFrame:
    """Rows whose ``column`` equals ``value``; with ``value=None`` the column must hold one value."""
    if value is not None:
        _require(table, [column], where)
        return table[table[column].astype(str) == str(value)]
    if column in table.columns and table[column].nunique() > 1:
        raise ValueError(f"plots.{where}: the table holds {what}s "
                         f"{sorted(table[column].astype(str).unique())}; pass {what}=... to choose one.")
    return table


def _unit_note(table: pd.DataFrame) -> str:
    """"\n(unit: response · interval: wilson)" from a table's ``unit`` / ``interval`` columns."""
    parts = []
    for col in ("unit", "interval"):
        if col in table.columns and table[col].notna().any():
            vals = sorted(table[col].dropna().astype(str).unique())
            parts.append(f"{col}: {'/'.join(vals)}")
    return f"\n({' · '.join(parts)})" if parts else ""


def _new_axes(ax: Axes | None, height: float, width: float = _WIDTH) -> Axes:
    if ax is not None:
        return ax
    height = float(min(max(height, 2.4), _MAX_HEIGHT))
    fig = plt.figure(figsize=(width, height), layout="constrained")
    return fig.add_subplot()


def _no_data(ax: Axes | None, title: str, message: str = "no data") -> Axes:
    ax = _new_axes(ax, 2.4)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="#666666", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, loc="left")
    return ax


def _label_map(labels: Any, key: str) -> dict[Any, str]:
    """Turn ``labels`` (mapping, Series, or table with ``key`` and ``label``) into a dict."""
    if labels is None:
        return {}
    if isinstance(labels, pd.DataFrame):
        if key not in labels.columns or "label" not in labels.columns:
            raise KeyError(f"plots: labels table needs columns {key!r} and 'label'; it has "
                           f"{list(labels.columns)}.")
        return {k: str(v) for k, v in zip(labels[key], labels["label"])}
    if isinstance(labels, pd.Series):
        return {k: str(v) for k, v in labels.items()}
    if isinstance(labels, Mapping):
        return {k: str(v) for k, v in labels.items()}
    raise TypeError("plots: labels must be a mapping, a Series or a table with 'label'.")


def _name(value: Any, names: Mapping[Any, str]) -> str:
    if value in names:
        return names[value]
    # ids read back from CSV may change type (0 vs "0"): try the other spelling
    for k, v in names.items():
        if str(k) == str(value):
            return v
    return str(value)


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _text_colour(rgba: Sequence[float]) -> str:
    r, g, b = rgba[:3]
    return "black" if (0.299 * r + 0.587 * g + 0.114 * b) > 0.55 else "white"


def _heatmap(ax: Axes, matrix: pd.DataFrame, *, row_names: Sequence[str], col_names: Sequence[str],
             vmin: float | None, vmax: float | None, fmt: str, cbar_label: str,
             annotate: bool | None, style: dict[str, Any]) -> Axes:
    values = matrix.to_numpy(dtype=float)
    masked = np.ma.masked_invalid(values)
    cmap = mpl.colormaps[style.pop("cmap", mpl.rcParams["image.cmap"])].with_extremes(bad="#F2F2F2")
    im = ax.imshow(masked, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                   interpolation="nearest", **style)
    ax.set_xticks(range(len(col_names)), labels=col_names)
    ax.set_yticks(range(len(row_names)), labels=row_names)
    if len(col_names) > 3 or max((len(c) for c in col_names), default=0) > 12:
        plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    ax.tick_params(length=0)
    # many rows on a small given Axes: shrink row labels (and cell notes) so they never
    # overlap; about three quarters of the Axes' slot is left after labels and title
    slot_pt = ax.get_position().height * ax.figure.get_figheight() * 72 * 0.75
    per_row = slot_pt / max(len(row_names), 1)
    lines = max((str(r).count("\n") + 1 for r in row_names), default=1)
    size = mpl.rcParams["ytick.labelsize"]
    size = size if isinstance(size, (int, float)) else mpl.font_manager.FontProperties(
        size=size).get_size_in_points()
    if per_row < 1.3 * size * lines:
        ax.tick_params(axis="y", labelsize=max(4.0, per_row / (1.3 * lines)))
    for spine in ax.spines.values():
        spine.set_visible(False)
    if annotate is None:
        annotate = values.size <= 300
    if annotate:
        norm = im.norm
        for (i, j), v in np.ndenumerate(values):
            if np.isnan(v):
                continue
            colour = _text_colour(cmap(norm(v)))
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8, color=colour)
    cbar = ax.figure.colorbar(im, ax=ax, shrink=min(1.0, max(0.4, 6 / max(len(row_names), 1))),
                              pad=0.02, aspect=30)
    cbar.set_label(cbar_label)
    cbar.outline.set_visible(False)
    return ax


def _heatmap_size(rows: Sequence[str], cols: Sequence[str], title: str) -> tuple[float, float]:
    """Figure size that fits row labels, cells, colour bar and the (left-aligned) title."""
    label_w = 0.075 * max((len(line) for r in rows for line in str(r).split("\n")), default=4) + 0.5
    grid_w = max(1.6, 0.55 * len(cols))
    title_w = 0.105 * len(title) + 0.3
    width = min(max(4.8, label_w + grid_w + 1.1, label_w + title_w), 14.0)
    col_h = 0.075 * max((len(line) for c in cols for line in str(c).split("\n")), default=4) * 0.65
    height = 1.3 + col_h + _ROW * len(rows)
    return width, height
