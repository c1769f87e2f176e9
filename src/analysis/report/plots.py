"""Figures: one function per figure, each ``(table, ax=None, **style) -> Axes``.

Every function takes a tidy table (the stage's output, unchanged), draws on ``ax``
(or on a new figure sized to the data when ``ax`` is None) and returns the Axes.
Functions never save, never print and never change global settings; the look lives
in the package style sheet (``analysis.mplstyle``), applied with :func:`use_style`.
An empty table gives an Axes that says "no data" instead of an error.

>>> import pandas as pd
>>> from analysis.report import plots
>>> themes = pd.DataFrame({"theme_id": [0, 1], "label": ["bolig, tryghed", "job, uddannelse"],
...                        "size": [12, 7], "share": [0.63, 0.37]})
>>> with plots.use_style():
...     ax = plots.theme_sizes(themes)
>>> [t.get_text() for t in ax.get_yticklabels()]
['bolig, tryghed', 'job, uddannelse']
"""

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

__all__ = [
    "STYLE_PATH",
    "PALETTE",
    "STANCE_COLOURS",
    "use_style",
    "theme_sizes",
    "theme_heatmap",
    "priority_goal_heatmap",
    "respondent_comparison",
    "stance_by_priority",
    "goal_coverage",
    "segment_map",
    "k_diagnostics",
    "campaign_sizes",
    "themes_over_time",
    "group_effects",
]

STYLE_PATH = Path(__file__).with_name("analysis.mplstyle")

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


# ----------------------------------------------------------------------------- figures
def theme_sizes(themes: pd.DataFrame, ax: Axes | None = None, *, label: str = "label",
                size: str = "size", share: str | None = "share", theme: str = "theme_id",
                label_width: int = 38, title: str = "Themes by size", **style: Any) -> Axes:
    """Horizontal bars: number of segments per theme, largest on top, share annotated.

    Parameters
    ----------
    themes : the ``themes`` table (``theme_id``, ``label``, ``size``, ``share``).
    label_width : characters per label line; long labels wrap to two lines, then ``…``.
    **style : passed to ``Axes.barh`` (e.g. ``color``).

    >>> ax = theme_sizes(pd.DataFrame({"label": ["a"], "size": [3], "share": [1.0]}))
    """
    if _is_empty(themes):
        return _no_data(ax, title)
    _require(themes, [label, size], "theme_sizes")
    data = themes.sort_values([size], ascending=False, kind="mergesort").reset_index(drop=True)
    n = len(data)
    names = [shorten(v, label_width, 2) for v in data[label]]
    ax = _new_axes(ax, 1.3 + _ROW * n * (1.25 if any("\n" in s for s in names) else 1.0))
    style.setdefault("color", PALETTE[0])
    bars = ax.barh(np.arange(n), data[size].to_numpy(dtype=float), height=0.7, **style)
    ax.set_yticks(np.arange(n), labels=names)
    ax.set_ylim(n - 0.5, -0.5)
    if share is not None and share in data.columns:
        notes = [f"{int(s)} ({p:.0%})" for s, p in zip(data[size], data[share].astype(float))]
    else:
        notes = [f"{int(s)}" for s in data[size]]
    ax.bar_label(bars, labels=notes, padding=3, fontsize=8, color="#333333")
    top = float(np.nanmax(data[size].to_numpy(dtype=float))) if n else 1.0
    ax.set_xlim(0, top * 1.22 if top > 0 else 1)
    ax.set_xlabel("segments")
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.set_title(title, loc="left")
    return ax


def theme_heatmap(table: pd.DataFrame, ax: Axes | None = None, *, theme: str = "theme_id",
                  group: str = "respondent_type", value: str = "share",
                  labels: Any = None, aggfunc: str = "mean", fill_value: float | None = 0.0,
                  annotate: bool | None = None, label_width: int = 34,
                  title: str = "Themes by respondent", **style: Any) -> Axes:
    """Heatmap of theme share per respondent (rows) and theme (columns).

    ``table`` is long: one row per (group, theme) — e.g. ``response_themes`` joined with
    ``responses`` — and repeated pairs are combined with ``aggfunc`` (default mean). A
    missing pair counts as ``fill_value`` (0: the themes stage leaves out zero shares;
    None draws it grey). When the table has ``response_id``, each cell is the mean over
    **all** responses of the group (a response without the theme counts 0), so a row is
    a mixture summing to about 1, and each row label carries its ``n``. The plotted
    values (with ``n``) are left on ``ax.plotted_values``. ``labels`` maps theme ids to
    labels (dict, Series or the ``themes`` table).

    >>> t = pd.DataFrame({"respondent_type": ["citizen", "citizen"], "theme_id": [0, 1],
    ...                   "share": [0.7, 0.3]})
    >>> ax = theme_heatmap(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [theme, group, value], "theme_heatmap")
    data = table
    n_by_group: dict[Any, int] = {}
    if fill_value is not None and "response_id" in table.columns and group != "response_id":
        # every response counts in its group's mean, with share 0 for the themes it lacks
        resp_group = table[["response_id", group]].drop_duplicates("response_id")
        per = table.groupby(["response_id", theme], observed=True)[value].sum()
        grid = pd.MultiIndex.from_product([resp_group["response_id"].unique(), table[theme].dropna().unique()],
                                          names=["response_id", theme])
        per = per.reindex(grid, fill_value=fill_value).reset_index()
        per = per.merge(resp_group, on="response_id", how="left")
        n_by_group = resp_group.groupby(group, observed=True)["response_id"].nunique().to_dict()
        data = per.groupby([group, theme], observed=True)[value].mean().reset_index()
        aggfunc = "mean"
    elif fill_value is not None:  # complete the grid: every group × every theme
        data = table[[group, theme, value]]
        grid = pd.MultiIndex.from_product([data[group].dropna().unique(),
                                           data[theme].dropna().unique()], names=[group, theme])
        data = (data.groupby([group, theme], observed=True)[value].agg(aggfunc)
                .reindex(grid, fill_value=fill_value).reset_index())
    matrix = data.pivot_table(index=group, columns=theme, values=value, aggfunc=aggfunc,
                              observed=True, sort=True)
    matrix = matrix.loc[sorted(matrix.index, key=natural_key)]
    names = _label_map(labels, theme)
    cols = [shorten(_name(c, names), label_width, 1) for c in matrix.columns]
    rows = [shorten(_pretty(r), 30, 1) + (f" (n={n_by_group[r]})" if r in n_by_group else "")
            for r in matrix.index]
    if ax is None:
        w, h = _heatmap_size(rows, cols, title)
        ax = _new_axes(None, h, w)
    plotted = matrix.stack(future_stack=True).rename(value).reset_index()
    if n_by_group:
        plotted["n"] = plotted[group].map(n_by_group)
    ax.plotted_values = plotted
    vmax = float(np.nanmax(matrix.to_numpy(dtype=float))) if matrix.size else 1.0
    _heatmap(ax, matrix, row_names=rows, col_names=cols, vmin=0.0,
             vmax=max(vmax, 1e-9), fmt=".2f", cbar_label=f"{value} ({aggfunc})" if aggfunc else value,
             annotate=annotate, style=style)
    ax.set_xlabel("theme")
    ax.set_ylabel(group.replace("_", " "))
    ax.set_title(title, loc="left")
    return ax


def priority_goal_heatmap(table: pd.DataFrame, ax: Axes | None = None, *,
                          priority: str = "priority_id", goal: str = "goal_id",
                          value: str = "value", method: str | None = None,
                          method_col: str = "method", labels: Any = None, goal_labels: Any = None,
                          annotate: bool | None = None, label_width: int = 30,
                          title: str | None = None, **style: Any) -> Axes:
    """Heatmap of how strongly each priority (rows) lines up with each policy goal (columns).

    If the table holds several methods (column ``method_col``), pick one with ``method``;
    draw two Axes side by side to compare methods.

    >>> t = pd.DataFrame({"priority_id": ["jobs"], "goal_id": ["G1"], "value": [0.4]})
    >>> ax = priority_goal_heatmap(t)
    """
    title = title or ("Priorities × policy goals" + (f" ({method})" if method else ""))
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [priority, goal, value], "priority_goal_heatmap")
    data = _pick(table, method_col, method, "priority_goal_heatmap", "method")
    if data.empty:
        return _no_data(ax, title, f"no rows for method {method!r}")
    # rows and columns keep the table's order (codebook / goals file order); cells without
    # data (a priority no segment raises) stay, drawn grey
    matrix = data.pivot_table(index=priority, columns=goal, values=value, aggfunc="mean",
                              observed=True, sort=False, dropna=False)
    matrix = matrix.reindex(index=pd.unique(data[priority].dropna()),
                            columns=pd.unique(data[goal].dropna()))
    pnames, gnames = _label_map(labels, priority), _label_map(goal_labels, goal)
    rows = [shorten(_name(r, pnames), label_width, 2) for r in matrix.index]
    cols = [shorten(_name(c, gnames), 28, 1) for c in matrix.columns]
    if ax is None:
        w, h = _heatmap_size(rows, cols, title)
        ax = _new_axes(None, h, w)
    vals = matrix.to_numpy(dtype=float)
    vmax = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
    vmin = min(0.0, float(np.nanmin(vals))) if np.isfinite(vals).any() else 0.0
    finite = vals[np.isfinite(vals)]
    integral = finite.size > 0 and bool(np.all(finite == np.round(finite)))
    _heatmap(ax, matrix, row_names=rows, col_names=cols, vmin=vmin, vmax=max(vmax, vmin + 1e-9),
             fmt=".0f" if integral else ".2f", cbar_label=value, annotate=annotate, style=style)
    ax.set_xlabel("policy goal")
    ax.set_ylabel("priority")
    ax.set_title(title, loc="left")
    return ax


def respondent_comparison(table: pd.DataFrame, ax: Axes | None = None, *, group: str = "group",
                          item: str = "priority_id", value: str = "value",
                          ci_low: str = "ci_low", ci_high: str = "ci_high", n: str | None = "n",
                          measure: str | None = None, measure_col: str = "measure",
                          labels: Any = None, label_width: int = 34,
                          xlabel: str | None = None, small_col: str = "small_group",
                          title: str = "Priorities by respondent type", **style: Any) -> Axes:
    """Points with confidence-interval bars: ``value`` per item (rows) for each group (colour).

    ``table`` is a long alignment table (``group``, item, ``value``, ``ci_low``,
    ``ci_high``, ``n``), e.g. ``alignment_type_priority``. When it holds several measures
    (column ``measure_col``), choose one with ``measure``. Groups are dodged vertically
    within each row; the overall group ``all`` comes first. The legend gives each
    group's n; groups flagged in ``small_col`` are drawn hollow with dashed bars; the
    counting unit and interval method (columns ``unit``, ``interval``) are noted under
    the x axis.

    >>> t = pd.DataFrame({"group": ["citizen"], "priority_id": ["jobs"], "value": [0.3],
    ...                   "ci_low": [0.1], "ci_high": [0.5], "n": [10]})
    >>> ax = respondent_comparison(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [group, item, value, ci_low, ci_high], "respondent_comparison")
    table = _pick(table, measure_col, measure, "respondent_comparison", "measure")
    if table.empty:
        return _no_data(ax, title, f"no rows for measure {measure!r}")
    if xlabel is None:
        xlabel = {"mention": "share of responses raising it", "salience":
                  "mean share of a response's segments"}.get(str(measure), value)
    items = list(pd.unique(table[item].dropna()))  # the table's order (codebook order)
    groups = sorted(table[group].dropna().unique(), key=lambda g: (str(g) != "all", str(g)))
    names = _label_map(labels, item)
    ax = _new_axes(ax, 1.9 + _ROW * len(items) * max(1.0, 0.45 * len(groups)) + 0.2 * len(groups))
    step = 0.8 / max(len(groups), 1)
    for gi, g in enumerate(groups):
        sub = table[table[group] == g].set_index(item)
        ys, xs, lo, hi = [], [], [], []
        for ii, it in enumerate(items):
            if it not in sub.index:
                continue
            row = sub.loc[it]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            ys.append(ii - 0.4 + step * (gi + 0.5))
            xs.append(float(row[value]))
            lo.append(float(row[ci_low]) if pd.notna(row[ci_low]) else float(row[value]))
            hi.append(float(row[ci_high]) if pd.notna(row[ci_high]) else float(row[value]))
        xs_a, lo_a, hi_a = np.array(xs), np.array(lo), np.array(hi)
        err = np.vstack([np.clip(xs_a - lo_a, 0, None), np.clip(hi_a - xs_a, 0, None)])
        n_col = "n_responses" if "n_responses" in sub.columns else n
        g_n = int(sub[n_col].max()) if n_col and n_col in sub.columns and len(sub) else None
        small = bool(sub[small_col].astype(bool).any()) if small_col in sub.columns else False
        name = shorten(_pretty(g), 30, 1) + (f" (n={g_n})" if g_n is not None else "") + (" · small" if small else "")
        kw = {"fmt": _MARKERS[gi % len(_MARKERS)], "color": _colour(gi), "elinewidth": 1.4,
              "markersize": 6, "label": name}
        if small:  # hollow markers, dashed bars: too few responses to read as more than anecdotes
            kw.update(markerfacecolor="white", linestyle="none")
        kw.update(style)
        bars = ax.errorbar(xs_a, ys, xerr=err, **kw)
        if small:
            for line in bars[2]:
                line.set_linestyle("--")
    ax.set_yticks(range(len(items)), labels=[shorten(_name(i, names), label_width, 2) for i in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    for k in range(1, len(items)):
        ax.axhline(k - 0.5, color="#EEEEEE", linewidth=0.8, zorder=0)
    if table[value].max() <= 1 and table[value].min() >= 0:
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(xlabel + _unit_note(table))
    ax.plotted_values = table[[c for c in (group, item, value, ci_low, ci_high, n, "n_responses", small_col,
                                           "unit", "interval") if c and c in table.columns]].reset_index(drop=True)
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.legend(title=group.replace("_", " "), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0)
    ax.set_title(title, loc="left")
    return ax


def _stance_order(values: Sequence[Any]) -> list[Any]:
    known = {s: i for i, s in enumerate(_STANCE_ORDER)}
    return sorted(values, key=lambda s: (known.get(str(s).lower(), len(known)), str(s)))


def stance_by_priority(table: pd.DataFrame, ax: Axes | None = None, *,
                       priority: str = "priority_id", stance: str = "stance",
                       count: str | None = None, normalize: bool = True,
                       drop_empty: bool = True, labels: Any = None,
                       label_width: int = 34, title: str = "Stance by priority",
                       **style: Any) -> Axes:
    """Stacked horizontal bars: stance mix per priority, with the number of segments at right.

    ``table`` is either ``segment_priorities`` (one row per segment × priority; rows are
    counted) or an aggregated table with a count column (pass ``count="n"``).
    ``normalize=False`` stacks counts instead of shares; ``drop_empty`` leaves out
    priorities no segment raises.

    >>> sp = pd.DataFrame({"priority_id": ["jobs", "jobs"], "stance": ["support", "oppose"]})
    >>> ax = stance_by_priority(sp)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [priority, stance] + ([count] if count else []), "stance_by_priority")
    data = table.assign(**{stance: table[stance].fillna("unknown").astype(str)})
    if count:
        counts = data.pivot_table(index=priority, columns=stance, values=count, aggfunc="sum",
                                  fill_value=0, observed=True)
    else:
        counts = data.groupby([priority, stance], observed=True).size().unstack(fill_value=0)
    counts = counts[_stance_order(list(counts.columns))]
    totals = counts.sum(axis=1)
    if drop_empty:
        counts = counts[totals > 0]
        if counts.empty:
            return _no_data(ax, title, "no segment raises a priority")
        totals = counts.sum(axis=1)
    counts = counts.loc[totals.sort_values(ascending=False, kind="mergesort").index]
    totals = counts.sum(axis=1)
    shown = counts.div(totals.replace(0, np.nan), axis=0).fillna(0) if normalize else counts
    names = _label_map(labels, priority)
    rows = [shorten(_name(p, names), label_width, 2) for p in counts.index]
    ax = _new_axes(ax, 2.1 + _ROW * len(rows))
    left = np.zeros(len(rows))
    extra = 0
    for s in shown.columns:
        colour = STANCE_COLOURS.get(str(s).lower())
        if colour is None:
            colour = PALETTE[(5 + extra) % len(PALETTE)]
            extra += 1
        widths = shown[s].to_numpy(dtype=float)
        kw = {"color": colour, "height": 0.7, "edgecolor": "white", "linewidth": 0.6}
        kw.update(style)
        ax.barh(np.arange(len(rows)), widths, left=left, label=str(s), **kw)
        left += widths
    ax.set_yticks(np.arange(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    right = float(left.max()) if len(left) else 1.0
    for i, t in enumerate(totals.to_numpy()):
        ax.text(right * 1.01, i, f"n={int(t)}", va="center", ha="left", fontsize=8, color="#333333")
    ax.set_xlim(0, right * 1.13 if right > 0 else 1)
    if normalize:
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("share of segments" + _unit_note(table.assign(unit="segment")))
    else:
        ax.set_xlabel("segments" + _unit_note(table.assign(unit="segment")))
    ax.plotted_values = shown.assign(n=totals).reset_index()
    ax.legend(title="stance", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(title, loc="left")
    return ax


def goal_coverage(table: pd.DataFrame, ax: Axes | None = None, *, goal: str = "goal_id",
                  value: str = "value", ci_low: str | None = "ci_low",
                  ci_high: str | None = "ci_high", n: str | None = "n",
                  gap: str | Sequence[str] | None = ("gap", "never_touched"),
                  group: str | None = "all", group_col: str = "group",
                  threshold: float | None = None, labels: Any = None, label_width: int = 38,
                  xlabel: str = "share of responses addressing the goal",
                  title: str = "Goal coverage and gaps", **style: Any) -> Axes:
    """Bars of how much the responses address each policy goal; gaps are hatched and marked.

    A goal is a gap when the ``gap`` column (the first of the names given that exists,
    e.g. ``never_touched``) is true, or, without one, when its value is 0 or below
    ``threshold``. If the table has a ``group_col`` (e.g. ``alignment_goal_coverage``),
    only the rows of ``group`` (default ``all``) are drawn.

    >>> t = pd.DataFrame({"goal_id": ["G1", "G2"], "value": [0.6, 0.0]})
    >>> ax = goal_coverage(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [goal, value], "goal_coverage")
    if group is not None and group_col in table.columns:
        table = table[table[group_col].astype(str) == str(group)]
        if table.empty:
            return _no_data(ax, title, f"no rows for group {group!r}")
    data = table.sort_values(value, ascending=False, kind="mergesort").reset_index(drop=True)
    vals = data[value].to_numpy(dtype=float)
    gap_names = [gap] if isinstance(gap, str) else list(gap or [])
    gap_col = next((g for g in gap_names if g in data.columns), None)
    if gap_col is not None:
        is_gap = data[gap_col].fillna(False).astype(bool).to_numpy()
    else:
        is_gap = (vals <= (threshold if threshold is not None else 0.0)) | np.isnan(vals)
    names = _label_map(labels, goal)
    rows = [shorten(_name(g, names), label_width, 2) for g in data[goal]]
    ax = _new_axes(ax, 1.5 + _ROW * 1.2 * len(rows))
    colours = ["#D55E00" if g else style.get("color", PALETTE[0]) for g in is_gap]
    kw = {k: v for k, v in style.items() if k != "color"}
    bars = ax.barh(np.arange(len(rows)), np.nan_to_num(vals), height=0.65, color=colours, **kw)
    for b, g in zip(bars, is_gap):
        if g:
            b.set_hatch("///")
            b.set_edgecolor("#D55E00")
            b.set_facecolor("#FBE3D6")
    has_ci = ci_low in data.columns and ci_high in data.columns if ci_low and ci_high else False
    hi_edge = np.nan_to_num(vals)
    if has_ci:
        lo = data[ci_low].to_numpy(dtype=float)
        hi = data[ci_high].to_numpy(dtype=float)
        ok = ~(np.isnan(lo) | np.isnan(hi))
        if ok.any():
            err = np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)])[:, ok]
            ax.errorbar(vals[ok], np.arange(len(rows))[ok], xerr=err, fmt="none",
                        ecolor="#333333", elinewidth=1.2)
            hi_edge = np.where(ok, np.maximum(hi_edge, np.nan_to_num(hi)), hi_edge)
    top = float(np.nanmax(hi_edge)) if len(hi_edge) else 1.0
    top = top if top > 0 else 1.0
    for i, (v, g) in enumerate(zip(vals, is_gap)):
        note = "gap" if g else f"{v:.0%}" if top <= 1 else f"{v:.2g}"
        if n and n in data.columns and pd.notna(data.loc[i, n]):
            note += f"  (n={int(data.loc[i, n])})"
        ax.text(hi_edge[i] + top * 0.02, i, note, va="center", ha="left", fontsize=8,
                color="#D55E00" if g else "#333333", fontweight="bold" if g else "normal")
    ax.set_yticks(np.arange(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.3)
    if top <= 1:  # shares: ticks stop at 100 %, the room beyond is for the notes
        ax.set_xticks([t for t in np.linspace(0, 1, 11) if t <= top * 1.3 + 1e-9][:: 2 if top > 0.5 else 1])
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(xlabel)
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.set_title(title, loc="left")
    return ax


def segment_map(table: pd.DataFrame, ax: Axes | None = None, *, x: str = "x", y: str = "y",
                theme: str = "theme_id", labels: Any = None, max_legend: int = 16,
                label_width: int = 30, title: str = "Map of segments by theme",
                **style: Any) -> Axes:
    """Scatter of segments on a 2-D map (``segment_map`` table), coloured by theme.

    Colours cycle through the palette, and markers change after eight themes so every
    theme stays distinguishable. Axes are unitless (a projection), so ticks are hidden.

    >>> t = pd.DataFrame({"segment_id": ["a", "b"], "x": [0.1, 0.9], "y": [0.2, 0.5],
    ...                   "theme_id": [0, 1]})
    >>> ax = segment_map(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [x, y, theme], "segment_map")
    names = _label_map(labels, theme)
    themes_ = sorted(table[theme].dropna().unique(), key=lambda v: (str(type(v)), v))
    n_legend = min(len(themes_), max_legend)
    legend_lines = sum(shorten(_name(t, names), label_width, 2).count("\n") + 1
                       for t in themes_[:max_legend])
    ax = _new_axes(ax, max(5.0, 1.2 + 0.19 * legend_lines + 0.06 * n_legend))
    n = len(table)
    size = float(np.clip(300 / np.sqrt(max(n, 1)), 8, 60))
    for i, t in enumerate(themes_):
        sub = table[table[theme] == t]
        kw = {"s": size, "color": _colour(i), "marker": _MARKERS[(i // len(PALETTE)) % len(_MARKERS)],
              "alpha": 0.8 if n > 200 else 0.9, "linewidths": 0.3, "edgecolors": "white"}
        kw.update(style)
        ax.scatter(sub[x], sub[y], label=shorten(_name(t, names), label_width, 2) if i < max_legend
                   else None, **kw)
    unassigned = table[table[theme].isna()]
    if len(unassigned):
        ax.scatter(unassigned[x], unassigned[y], s=size, color="#BBBBBB", label="no theme")
    ax.margins(0.06)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("map dimension 1")
    ax.set_ylabel("map dimension 2")
    legend = ax.legend(title="theme", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    for handle in legend.legend_handles:
        handle.set_sizes([40.0])
        handle.set_alpha(1.0)
    ax.set_title(title, loc="left")
    return ax


def k_diagnostics(table: pd.DataFrame, ax: Axes | None = None, *, k: str = "k",
                  stability: str = "stability", coherence: str | None = "coherence",
                  spread: str | None = "stability_sd", chosen: int | None = None, chosen_col: str = "chosen",
                  title: str = "Choosing the number of themes", **style: Any) -> Axes:
    """Stability (left axis) and coherence (right axis) against k, the chosen k marked.

    ``chosen`` overrides the table's boolean ``chosen`` column; a ``spread`` column (e.g.
    ``stability_sd``) is drawn as a band around stability. The coherence axis is a twin
    of the returned Axes (``ax.right_ax``).

    >>> t = pd.DataFrame({"k": [2, 3, 4], "stability": [0.9, 0.8, 0.6],
    ...                   "coherence": [0.3, 0.35, 0.2], "chosen": [False, True, False]})
    >>> ax = k_diagnostics(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [k, stability], "k_diagnostics")
    data = table.sort_values(k, kind="mergesort")
    ks = data[k].to_numpy(dtype=float)
    ax = _new_axes(ax, 4.0)
    kw = {"marker": "o", "color": PALETTE[0]}
    kw.update(style)
    stab = data[stability].to_numpy(dtype=float)
    lines = ax.plot(ks, stab, label=stability, **kw)
    if spread is not None and spread in data.columns and data[spread].notna().any():
        sd = data[spread].to_numpy(dtype=float)
        ax.fill_between(ks, stab - sd, stab + sd, color=kw["color"], alpha=0.15, linewidth=0,
                        label=f"± {spread}")
    ax.set_xlabel("number of themes k")
    ax.set_ylabel(stability, color=PALETTE[0])
    ax.tick_params(axis="y", colors=PALETTE[0])
    ax.set_xticks(ks if len(ks) <= 20 else ks[:: int(np.ceil(len(ks) / 20))])
    ax.xaxis.set_major_formatter(mpl.ticker.FormatStrFormatter("%d"))
    if coherence is not None and coherence in data.columns and data[coherence].notna().any():
        right = ax.twinx()
        right.spines["right"].set_visible(True)
        right.spines["top"].set_visible(False)
        kw2 = {"marker": "s", "color": PALETTE[3], "linestyle": "--"}
        lines += right.plot(ks, data[coherence].to_numpy(dtype=float), label=coherence, **kw2)
        right.set_ylabel(coherence, color=PALETTE[3])
        right.tick_params(axis="y", colors=PALETTE[3])
        ax.right_ax = right
    if chosen is None and chosen_col in data.columns:
        picked = data.loc[data[chosen_col].fillna(False).astype(bool), k]
        chosen = int(picked.iloc[0]) if len(picked) else None
    for axis in [ax, getattr(ax, "right_ax", None)]:
        if axis is not None:  # head room so the "chosen k" note never sits on a point
            y0, y1 = axis.get_ylim()
            axis.set_ylim(y0, y1 + 0.18 * (y1 - y0 if y1 > y0 else 1.0))
    lo_k, hi_k = (ks.min() - 1, ks.max() + 1) if len(ks) == 1 else (ks.min() - 0.5, ks.max() + 0.5)
    ax.set_xlim(lo_k, hi_k)
    if chosen is not None:
        ax.axvline(chosen, color="#555555", linestyle=":", linewidth=1.4)
        on_right = chosen > (lo_k + hi_k) / 2
        ax.annotate(f"chosen k = {chosen}", xy=(chosen, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-4 if on_right else 4, -4), textcoords="offset points",
                    ha="right" if on_right else "left", va="top", fontsize=9, color="#333333",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.8})
    ax.legend(lines, [ln.get_label() for ln in lines], loc="lower center",
              bbox_to_anchor=(0.5, 1.0), ncol=2, borderaxespad=0.2)
    ax.set_title(title, loc="left", pad=26)
    return ax


def campaign_sizes(table: pd.DataFrame, ax: Axes | None = None, *,
                   group: str = "duplicate_group", size: str = "size", top: int = 30,
                   label_width: int = 30, title: str = "Campaigns and near-duplicate groups",
                   **style: Any) -> Axes:
    """Horizontal bars: number of responses in each duplicate / campaign group (largest first).

    Only the ``top`` largest groups are drawn; the rest are counted in the x-label.

    >>> t = pd.DataFrame({"duplicate_group": ["g1", "g2"], "size": [5, 2]})
    >>> ax = campaign_sizes(t)
    """
    if _is_empty(table):
        return _no_data(ax, title, "no duplicate groups found")
    _require(table, [group, size], "campaign_sizes")
    data = table.sort_values([size, group], ascending=[False, True], kind="mergesort")
    rest = max(len(data) - top, 0)
    data = data.head(top).reset_index(drop=True)
    rows = [shorten(g, label_width, 1) for g in data[group]]
    ax = _new_axes(ax, 1.5 + _ROW * len(rows))
    style.setdefault("color", PALETTE[1])
    bars = ax.barh(np.arange(len(rows)), data[size].to_numpy(dtype=float), height=0.7, **style)
    ax.bar_label(bars, labels=[str(int(s)) for s in data[size]], padding=3, fontsize=8)
    ax.set_yticks(np.arange(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    top_v = float(data[size].max()) if len(data) else 1.0
    ax.set_xlim(0, top_v * 1.15 if top_v > 0 else 1)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("responses in group" + (f"  ({rest} smaller groups not shown)" if rest else ""))
    ax.set_title(title, loc="left")
    return ax


def priority_gaps(table: pd.DataFrame, ax: Axes | None = None, *, priority: str = "priority_id",
                  value: str = "value", reason: str = "reason", raised: str | None = "raised",
                  labels: Any = None, label_width: int = 34,
                  title: str = "Priorities no strategic goal covers", **style: Any) -> Axes:
    """Bars: share of responses raising each priority that no strategic goal covers.

    Input is the ``alignment_gaps`` table. Each bar is annotated with why it is a gap
    ("delivery only", "no goal in the policy"); priorities nobody raised are listed at
    the bottom with "not raised".

    >>> t = pd.DataFrame({"priority_id": ["coordination"], "value": [1.0], "ci_low": [1.0],
    ...                   "ci_high": [1.0], "reason": ["delivery only"], "raised": [True]})
    >>> ax = priority_gaps(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [priority, value], "priority_gaps")
    data = table.copy()
    data["_raised"] = data[raised].astype(bool) if raised and raised in data.columns else data[value] > 0
    data = data.sort_values(["_raised", value], ascending=[False, False], kind="mergesort").reset_index(drop=True)
    vals = data[value].to_numpy(dtype=float)
    names = _label_map(labels, priority)
    rows = [shorten(_name(p, names), label_width, 2) for p in data[priority]]
    ax = _new_axes(ax, 1.5 + _ROW * 1.2 * len(rows))
    colours = [style.get("color", PALETTE[3]) if r else "#BBBBBB" for r in data["_raised"]]
    kw = {k: v for k, v in style.items() if k != "color"}
    ax.barh(np.arange(len(rows)), np.nan_to_num(vals), height=0.65, color=colours, **kw)
    hi = np.nan_to_num(vals)
    if {"ci_low", "ci_high"} <= set(data.columns):
        lo_v, hi_v = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
        ok = ~(np.isnan(lo_v) | np.isnan(hi_v)) & data["_raised"].to_numpy()
        if ok.any():
            err = np.vstack([np.clip(vals - lo_v, 0, None), np.clip(hi_v - vals, 0, None)])[:, ok]
            ax.errorbar(vals[ok], np.arange(len(rows))[ok], xerr=err, fmt="none", ecolor="#333333", elinewidth=1.2)
            hi = np.where(ok, np.maximum(hi, np.nan_to_num(hi_v)), hi)
    for i, row in data.iterrows():
        why = str(row[reason]) if reason in data.columns and pd.notna(row[reason]) else ""
        note = f"{row[value]:.0%} · {why}" if row["_raised"] else f"not raised · {why}"
        ax.text(hi[i] + 0.02, i, shorten(note, 56, 1), va="center", ha="left", fontsize=8, color="#333333")
    ax.set_yticks(np.arange(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1.75)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share of responses raising the priority")
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.set_title(title, loc="left")
    return ax


def themes_over_time(table: pd.DataFrame, ax: Axes | None = None, *, period: str = "period",
                     theme: str = "theme_id", share: str = "share", label: str = "label",
                     label_width: int = 30, title: str = "Themes over time",
                     xlabel: str = "month", **style: Any) -> Axes:
    """Lines: share of each period's segments given to each theme (periods in order).

    ``table`` is long: one row per (period, theme) with ``share`` (e.g. month "2025-03").

    >>> t = pd.DataFrame({"period": ["2025-01", "2025-02"] * 2, "theme_id": [0, 0, 1, 1],
    ...                   "share": [0.6, 0.3, 0.4, 0.7]})
    >>> ax = themes_over_time(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [period, theme, share], "themes_over_time")
    periods = sorted(table[period].astype(str).unique())
    ax = _new_axes(ax, 4.0)
    x = {p: i for i, p in enumerate(periods)}
    for i, (key, rows) in enumerate(sorted(table.groupby(theme), key=lambda kv: str(kv[0]))):
        rows = rows.assign(_x=rows[period].astype(str).map(x)).sort_values("_x")
        name = rows[label].iloc[0] if label in rows.columns and pd.notna(rows[label].iloc[0]) else key
        kw = {"marker": _MARKERS[(i // len(PALETTE)) % len(_MARKERS)], "color": _colour(i)}
        kw.update(style)
        ax.plot(rows["_x"], rows[share].astype(float), label=shorten(name, label_width, 1), **kw)
    ax.set_xticks(range(len(periods)), labels=periods)
    if len(periods) > 6:
        plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of sentences")
    ax.yaxis.grid(True)
    ax.legend(title="theme", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(title, loc="left")
    return ax


def group_effects(table: pd.DataFrame, ax: Axes | None = None, *, item: str = "priority_id",
                  term: str = "term", estimate: str = "estimate", ci_low: str = "ci_low",
                  ci_high: str = "ci_high", terms: str | Sequence[str] | None = "respondent_type=",
                  labels: Any = None, label_width: int = 30,
                  title: str = "Effects of respondent type on raising a priority", **style: Any) -> Axes:
    """Forest plot of model effects (``alignment_effects``): odds ratios with 95 % intervals.

    Rows are items (priorities); colours are terms. ``terms`` keeps terms starting with
    this prefix (or in this list; None keeps all but the intercept). The x axis is the
    odds ratio on a log scale, 1 = no difference from the reference type, which the
    x label names together with the model and n.

    >>> t = pd.DataFrame({"priority_id": ["jobs"], "term": ["respondent_type=citizen"],
    ...                   "estimate": [0.5], "ci_low": [-0.2], "ci_high": [1.2], "n": [30],
    ...                   "reference": ["organisation"]})
    >>> ax = group_effects(t)
    """
    if _is_empty(table):
        return _no_data(ax, title)
    _require(table, [item, term, estimate, ci_low, ci_high], "group_effects")
    data = table[table[term].astype(str) != "(intercept)"]
    if isinstance(terms, str):
        data = data[data[term].astype(str).str.startswith(terms)]
    elif terms is not None:
        data = data[data[term].isin(list(terms))]
    if data.empty:
        return _no_data(ax, title, "no group differences to show (one respondent type?)")
    items = list(pd.unique(data[item]))
    kinds = list(pd.unique(data[term]))
    names = _label_map(labels, item)
    ax = _new_axes(ax, 1.9 + _ROW * len(items) * max(1.0, 0.45 * len(kinds)) + 0.2 * len(kinds))
    step = 0.8 / max(len(kinds), 1)
    for ki, k in enumerate(kinds):
        sub = data[data[term] == k].set_index(item)
        ys = [items.index(i) - 0.4 + step * (ki + 0.5) for i in sub.index]
        est = np.exp(sub[estimate].to_numpy(dtype=float))
        lo = np.exp(sub[ci_low].to_numpy(dtype=float))
        hi = np.exp(sub[ci_high].to_numpy(dtype=float))
        kw = {"fmt": _MARKERS[ki % len(_MARKERS)], "color": _colour(ki), "elinewidth": 1.4, "markersize": 6,
              "label": shorten(_pretty(str(k).split("=", 1)[-1]), 30, 1)}
        kw.update(style)
        ax.errorbar(est, ys, xerr=np.vstack([est - lo, hi - est]), **kw)
    ax.axvline(1.0, color="#555555", linewidth=1, linestyle=":")
    ax.set_xscale("log")
    ax.set_yticks(range(len(items)), labels=[shorten(_name(i, names), label_width, 2) for i in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    ref = str(data["reference"].dropna().iloc[0]) if "reference" in data.columns and data["reference"].notna().any() else ""
    n_txt = f", n={int(data['n'].max())} responses" if "n" in data.columns else ""
    ax.set_xlabel("odds ratio of raising the priority" + (f" vs {_pretty(ref)}" if ref else "")
                  + f"\n(logistic regression, adjusted for response length{n_txt}; unit: response)")
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.legend(title="respondent type", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(title, loc="left")
    ax.plotted_values = data.reset_index(drop=True)
    return ax
