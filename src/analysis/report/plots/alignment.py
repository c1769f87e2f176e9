"""Figures of priorities, stance and goals: group comparisons, heatmaps, coverage, gaps, effects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.report.plots.base import (PALETTE, STANCE_COLOURS, _MARKERS, _ROW, _STANCE_ORDER, _colour, _heatmap, _heatmap_size, _is_empty, _label_map, _name, _new_axes, _no_data, _pick, _pretty, _require, _unit_note, shorten)


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
        name = shorten(_pretty(g), 30, 1) + (f" (n={g_n})" if g_n is not None else "") + (" · small group" if small else "")
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
        return _no_data(ax, title, "no data for a model: too few responses, or no priority that some raise and others not")
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
