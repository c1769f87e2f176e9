"""The report's figures: which are drawn, from which table, in the study's language.

:func:`report_figures` lists the figures of the report (name, source table, plot
function, the values drawn with their ``n``), so :func:`analysis.report.build_report`,
notebook 04 and any script draw the same set. :func:`draw_localised` draws one and puts
its titles, axes and notes in the study's language.

>>> figs = report_figures({})
>>> [f.name for f in figs][:2]
['theme-sizes', 'k-diagnostics']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config import StudyConfig
from analysis.report import i18n, plots

#: A heatmap row per response is drawn only up to this many responses.
MAX_RESPONSE_ROWS = 60

__all__ = ["ReportFigure", "report_figures", "study_labels", "draw_localised", "analysed_responses"]


@dataclass
class ReportFigure:
    """One figure of the report: its file name, the table it draws and how.

    ``draw(ax=None)`` returns the Axes; ``inputs`` are the tables to hash in the sidecar;
    ``values`` are the plotted values with a column ``n`` (saved as ``<name>.csv``).
    """

    name: str
    title: str
    source_table: str
    table: pd.DataFrame
    plot: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    caption: str = ""
    values: pd.DataFrame | None = None
    language: str = "en"
    n: int | None = None
    unit: str = "response"

    def draw(self, ax: Any = None) -> Any:
        """Draw the figure (titles and axes in the figure's language); return the Axes."""
        ax = self.plot(self.table, ax=ax, **self.kwargs)
        localise_axes(ax.figure, self.language)
        return ax

    @property
    def empty(self) -> bool:
        return self.table is None or len(self.table) == 0


def localise_axes(fig: Any, language: str) -> None:
    """Put every text drawn on ``fig`` (axis labels, legends, notes) into ``language``."""
    from matplotlib.text import Text

    if i18n.language_of(language) == "en":
        return
    for artist in fig.findobj(Text):
        old = artist.get_text()
        new = i18n.localise_figure_text(old, language)
        if new != old:
            artist.set_text(new)


class clean_style:
    """Matplotlib's defaults plus the package style, whatever the session set before.

    A notebook's inline backend changes rcParams (dpi, bounding box, colours); inside this
    context a figure is drawn and saved exactly as in a plain script, so the files written
    by notebook 04 and by ``build_report`` are byte-identical.
    """

    def __enter__(self) -> "clean_style":
        import matplotlib as mpl

        self._context = mpl.rc_context()
        self._context.__enter__()
        mpl.rcdefaults()
        plots.use_style()
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)


def draw_localised(figure: ReportFigure) -> Any:
    """Draw ``figure`` in the package style (see :class:`clean_style`); return the Figure."""
    with clean_style():
        ax = figure.draw()
    return ax.figure


def analysed_responses(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The responses that were analysed (status ok or warning and at least one segment)."""
    responses = tables.get("responses", pd.DataFrame())
    if responses.empty or "response_id" not in responses.columns:
        return responses
    keep = pd.Series(True, index=responses.index)
    if "status" in responses.columns:
        keep &= responses["status"].astype(str).isin(["ok", "warning"])
    segments = tables.get("segments", pd.DataFrame())
    if "response_id" in segments.columns:
        keep &= responses["response_id"].astype(str).isin(segments["response_id"].astype(str))
    return responses[keep]


def _with_group(response_themes: pd.DataFrame, responses: pd.DataFrame, group: str,
                language: str = "en") -> pd.DataFrame:
    """``response_themes`` completed with zeros (every response × theme) plus column ``group``.

    Zero shares are absent from ``response_themes``; without the completion a group mean
    would average only over the responses that have the theme. ``group="response"``
    labels each response "<response_id> · <respondent type>" (never the respondent's name).
    """
    if response_themes.empty or responses.empty or "response_id" not in responses.columns:
        return pd.DataFrame()
    resp = responses.copy()
    resp["response_id"] = resp["response_id"].astype(str)
    kinds = (resp["respondent_type"].map(lambda v: i18n.respondent_type(language, v))
             if "respondent_type" in resp else pd.Series("", index=resp.index))
    if group == "response":
        resp["response"] = resp["response_id"] + " · " + kinds
    elif group == "respondent_type":
        resp["respondent_type"] = kinds
    if group not in resp.columns and group != "response_id":
        return pd.DataFrame()
    rt = response_themes.assign(response_id=response_themes["response_id"].astype(str))
    ids = [r for r in resp["response_id"] if r in set(rt["response_id"])]
    grid = pd.MultiIndex.from_product([ids, sorted(rt["theme_id"].dropna().unique(), key=str)],
                                      names=["response_id", "theme_id"])
    full = (rt.groupby(["response_id", "theme_id"])["share"].sum()
            .reindex(grid, fill_value=0.0).reset_index())
    if group == "response_id":
        return full
    return full.merge(resp[["response_id", group]], on="response_id", how="left")


def _group_values(joined: pd.DataFrame, group: str) -> pd.DataFrame:
    if joined.empty:
        return pd.DataFrame(columns=[group, "theme_id", "share", "n"])
    # mean over all responses of the group: a response without the theme counts 0
    wide = joined.pivot_table(index=["response_id", group], columns="theme_id", values="share",
                              aggfunc="sum", fill_value=0.0)
    means = wide.groupby(level=group).mean().stack().rename("share").reset_index()
    sizes = joined.groupby(group)["response_id"].nunique().rename("n").reset_index()
    return means.merge(sizes, on=group, how="left")


def _methods(table: pd.DataFrame, column: str = "method") -> list[Any]:
    if table.empty or column not in table.columns:
        return [None]
    return sorted(table[column].dropna().unique(), key=str) or [None]


def study_labels(study: StudyConfig | None) -> dict[str, pd.DataFrame]:
    """Readable names for priority and goal ids, from the study's codebook and goals.

    Returns ``{"priority": table(priority_id, label), "goal": table(goal_id, label)}``;
    Danish titles for a Danish study, English labels otherwise. Empty when the study
    names no codebook or goals.
    """
    out = {"priority": pd.DataFrame(columns=["priority_id", "label"]),
           "goal": pd.DataFrame(columns=["goal_id", "label"])}
    if study is None or study.goals is None or not Path(study.goals).is_file():
        return out
    from analysis.alignment.codebook import load_codebook, load_goals

    danish = study.language == "da"
    goals = load_goals(study.goals)
    out["goal"] = pd.DataFrame([(g.id, (g.title_da if danish and g.title_da else g.label_en) or g.id)
                                for g in goals], columns=["goal_id", "label"])
    if study.codebook is not None and Path(study.codebook).is_file():
        codebook = load_codebook(study.codebook, goals)
        out["priority"] = pd.DataFrame(
            [(p.id, (p.label_da if danish and p.label_da else p.label_en) or p.id) for p in codebook],
            columns=["priority_id", "label"])
    return out


def _with_n(table: pd.DataFrame, n: Any) -> pd.DataFrame:
    table = table.reset_index(drop=True).copy()
    if "n" not in table.columns:
        table["n"] = n
    return table


def _label(table: pd.DataFrame, key: str, labels: pd.DataFrame | None, column: str = "label") -> pd.DataFrame:
    if labels is None or labels.empty or key not in table.columns or column in table.columns:
        return table
    names = dict(zip(labels[key].astype(str), labels["label"]))
    return table.assign(**{column: table[key].astype(str).map(names)})


def report_figures(tables: Mapping[str, pd.DataFrame], study: StudyConfig | None = None,
                   language: str | None = None) -> list[ReportFigure]:
    """The figures of the report, drawn from a study's tables (``load_tables`` output).

    ``study`` supplies readable priority and goal names (see :func:`study_labels`) and the
    language of titles, axes and captions (``language`` overrides it). A missing table
    gives a figure that says "no data" rather than an error, so the report renders for
    any consultation.

    >>> [f.title for f in report_figures({}, language="da")][:1]
    ['Temaer efter størrelse']
    """
    lang = i18n.language_of(language or (study.language if study is not None else "en"))
    themes = tables.get("themes", pd.DataFrame())
    labels = themes[["theme_id", "label"]] if {"theme_id", "label"} <= set(themes.columns) else None
    names = study_labels(study)
    plabels, glabels = names["priority"], names["goal"]
    responses = tables.get("responses", pd.DataFrame())
    analysed = analysed_responses(tables)
    rt = tables.get("response_themes", pd.DataFrame())
    figs: list[ReportFigure] = []

    def add(name: str, source: str, table: pd.DataFrame, plot: Callable[..., Any],
            kwargs: dict[str, Any] | None, inputs: dict[str, pd.DataFrame], values: pd.DataFrame,
            n: int | None, unit: str = "response") -> None:
        title = i18n.figure_title(lang, name)
        kw = dict(kwargs or {})
        kw.setdefault("title", title)
        figs.append(ReportFigure(name, title, source, table, plot, kw, inputs,
                                 i18n.figure_caption(lang, name), values, lang, n, unit))

    n_seg = int(themes["size"].sum()) if "size" in themes.columns and len(themes) else 0
    add("theme-sizes", "themes", themes, plots.theme_sizes, None, {"themes": themes},
        _with_n(themes[[c for c in ("theme_id", "label", "size", "share") if c in themes]], n_seg),
        n_seg, "segment")
    kd = tables.get("k_diagnostics", pd.DataFrame())
    add("k-diagnostics", "k_diagnostics", kd, plots.k_diagnostics, None, {"k_diagnostics": kd},
        _with_n(kd.rename(columns={"n_segments": "n"}), n_seg), n_seg, "segment")
    sm = tables.get("segment_map", pd.DataFrame())
    add("segment-map", "segment_map", sm, plots.segment_map, {"labels": labels},
        {"segment_map": sm, "themes": themes}, _with_n(sm, len(sm)), len(sm), "segment")
    per_response = [("response", "themes-by-response")] if len(analysed) <= MAX_RESPONSE_ROWS else []
    for group, fname in [("respondent_type", "themes-by-respondent-type")] + per_response:
        joined = _with_group(rt, analysed, group, lang)
        values = _label(_group_values(joined, group), "theme_id", labels)
        add(fname, "response_themes", joined, plots.theme_heatmap,
            {"group": group, "labels": labels},
            {"response_themes": rt, "responses": responses, "themes": themes}, values,
            int(joined["response_id"].nunique()) if len(joined) else 0)
    sp = tables.get("alignment_stance_priority", pd.DataFrame())
    add("stance-by-priority", "alignment_stance_priority", sp, plots.stance_by_priority,
        {"count": "count", "labels": plabels}, {"alignment_stance_priority": sp},
        _label(_with_n(sp, None), "priority_id", plabels),
        int(sp["count"].sum()) if "count" in sp.columns else None, "pair")
    tp = tables.get("alignment_type_priority", pd.DataFrame())
    n_all = _n_all(tp)
    for measure in ("mention", "salience"):
        rows = tp[tp["measure"] == measure] if "measure" in tp.columns else tp
        add(f"priorities-by-respondent-type-{measure}", "alignment_type_priority", tp,
            plots.respondent_comparison, {"measure": measure, "labels": plabels},
            {"alignment_type_priority": tp}, _label(_with_n(rows, None), "priority_id", plabels),
            n_all)
    eff = tables.get("alignment_effects", pd.DataFrame())
    add("group-effects", "alignment_effects", eff, plots.group_effects, {"labels": plabels},
        {"alignment_effects": eff}, _label(_with_n(eff, None), "priority_id", plabels)
        if "priority_id" in eff.columns else _with_n(eff, None), n_all)
    pg = tables.get("alignment_priority_goal", pd.DataFrame())
    for method in _methods(pg):
        suffix = f"-{method}" if method is not None else ""
        data, value = pg, "similarity" if method == "similarity" else "value"
        if value == "similarity" and "value" in pg.columns:
            data = pg.rename(columns={"value": "similarity"})
        if method == "codebook" and {"value", "n"} <= set(pg.columns):
            value = "segments"
            data = pg.assign(segments=(pg["value"] * pg["n"]).where(pg["n"] > 0))
        rows = data[data["method"] == method] if method is not None else data
        add(f"priority-goal{suffix}", "alignment_priority_goal", data,
            plots.priority_goal_heatmap,
            {"method": method, "labels": plabels, "goal_labels": glabels, "value": value},
            {"alignment_priority_goal": pg},
            _label(_label(_with_n(rows, None), "priority_id", plabels), "goal_id", glabels,
                   "goal_label"), n_all)
    cov = tables.get("alignment_goal_coverage", pd.DataFrame())
    cov_rows = cov[cov["group"].astype(str) == "all"] if "group" in cov.columns else cov
    add("goal-coverage", "alignment_goal_coverage", cov, plots.goal_coverage,
        {"labels": glabels, "xlabel": i18n.figure_term(lang, "share of responses addressing the goal")},
        {"alignment_goal_coverage": cov}, _label(_with_n(cov_rows, None), "goal_id", glabels),
        _max_n(cov_rows, n_all))
    gaps = tables.get("alignment_gaps", pd.DataFrame())
    add("priority-gaps", "alignment_gaps", gaps, plots.priority_gaps, {"labels": plabels},
        {"alignment_gaps": gaps}, _label(_with_n(gaps, None), "priority_id", plabels),
        _max_n(gaps, n_all))
    camp = tables.get("campaign_table")
    if camp is None:  # ingest marks duplicate groups on responses; summarise them here
        camp = pd.DataFrame()
        if "duplicate_group" in responses.columns and len(responses):
            from analysis.corpus.duplicates import campaign_table

            camp = campaign_table(responses)
    add("campaign-sizes", "campaign_table", camp, plots.campaign_sizes, None,
        {"campaign_table": camp},
        _with_n(camp, camp["size"] if "size" in camp.columns else None), len(responses))
    over_time = _themes_over_time(tables, labels)
    if over_time is not None:
        add("themes-over-time", "segment_themes", over_time, plots.themes_over_time,
            {"xlabel": over_time.attrs.get("unit", "month")},
            {"segment_themes": tables.get("segment_themes", pd.DataFrame()),
             "responses": responses}, over_time, int(over_time.groupby("period")["n"].first().sum()),
            "segment")
    return figs


def _max_n(table: pd.DataFrame, default: int | None) -> int | None:
    if "n" in table.columns and table["n"].notna().any():
        return int(table["n"].max())
    return default


def _n_all(tp: pd.DataFrame) -> int | None:
    if {"group", "n"} <= set(tp.columns):
        rows = tp[tp["group"].astype(str) == "all"]
        if "measure" in rows.columns and (rows["measure"] == "mention").any():
            rows = rows[rows["measure"] == "mention"]  # responses, not segments
        if len(rows):
            return int(rows["n"].max())
    return None


def _parse_dates(values: pd.Series) -> pd.Series:
    """Dates as naive timestamps; time-zone names a parser does not know ("WIB") are dropped."""
    text = values.astype("string").str.replace(r"\s[A-Z]{2,5}(?=\s\d{4}$)", "", regex=True)
    dates = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    return dates.dt.tz_localize(None)


def _themes_over_time(tables: Mapping[str, pd.DataFrame], labels: pd.DataFrame | None) -> pd.DataFrame | None:
    """Share of each month's segments per theme, when responses carry dates (else None)."""
    responses = tables.get("responses", pd.DataFrame())
    st = tables.get("segment_themes", pd.DataFrame())
    segments = tables.get("segments", pd.DataFrame())
    if "date" not in responses.columns or st.empty or "response_id" not in segments.columns:
        return None
    dates = _parse_dates(responses["date"])
    if dates.notna().sum() < 2:
        return None
    span = (dates.max() - dates.min()).days
    freq = "M" if span >= 90 else "W" if span >= 21 else "D"
    periods = dates.dt.to_period(freq)
    if periods.nunique() < 2:
        return None
    labels_ = periods.map(lambda p: p.start_time.strftime("%Y-%m" if freq == "M" else "%Y-%m-%d")
                          if pd.notna(p) else None)
    period = pd.Series(labels_.to_numpy(), index=responses["response_id"].astype(str))
    seg = segments[["segment_id", "response_id"]].assign(response_id=lambda d: d["response_id"].astype(str))
    seg["period"] = seg["response_id"].map(period)
    joined = st.merge(seg, on="segment_id", how="inner").dropna(subset=["period"])
    if joined.empty:
        return None
    weights = joined.groupby(["period", "theme_id"])["weight"].sum()
    totals = joined.groupby("period")["weight"].sum()
    n = joined.groupby("period")["segment_id"].nunique().rename("n")
    out = (weights / totals).rename("share").reset_index().merge(n.reset_index(), on="period")
    out = _label(out, "theme_id", labels)
    out.attrs["unit"] = {"M": "month", "W": "week", "D": "day"}[freq]
    return out
