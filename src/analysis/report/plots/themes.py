"""Figures of the corpus and its themes: sizes, heatmaps, map, choice of k, campaigns, time."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.report.plots.base import (PALETTE, _MARKERS, _ROW, _colour, _heatmap, _heatmap_size, _is_empty, _label_map, _name, _new_axes, _no_data, _pretty, _require, natural_key, shorten)


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
