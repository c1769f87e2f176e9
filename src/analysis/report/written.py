"""The written report: what a researcher hands in, as a list of blocks.

:func:`report_blocks` turns a study's tables into headings, paragraphs, tables and
figures, in the study's language; :func:`render_html` makes the self-contained
``report.html`` from them and :mod:`analysis.report.export` the Word file. With few
analysed responses (fewer than :data:`SMALL_STUDY`) the report shows each response
sentence by sentence (priorities, stance, goals and evidence) instead of distributions.

>>> blocks = report_blocks({}, None, figures=[], language="en", title="T")
>>> blocks[0]
Block(kind='h1', text='T', headers=(), rows=(), extra={})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import __version__
from analysis.config import StudyConfig
from analysis.report import i18n, markup
from analysis.report.figures import ReportFigure, analysed_responses, study_labels

__all__ = ["Block", "SMALL_STUDY", "MIN_GROUP_N", "report_blocks", "render_html", "study_facts"]

#: Below this many analysed responses the report annotates each response instead.
SMALL_STUDY = 5
#: Groups with fewer responses are flagged as small (``alignment: min_group_n`` overrides).
MIN_GROUP_N = 5


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``h1``/``h2``/``h3``/``p``/``caveats``/``table``/``figure``/``quote``."""

    kind: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _setting(study: StudyConfig | None, section: str, key: str, default: Any) -> Any:
    raw = study.raw if study is not None else {}
    value = (raw.get(section) or {}).get(key) if isinstance(raw.get(section), Mapping) else None
    return default if value is None else value


def _computed(tables: Mapping[str, pd.DataFrame], column: str) -> Any:
    """How the alignment tables were computed (their ``interval``/``unit`` column), if they say.

    >>> _computed({"alignment_type_priority": pd.DataFrame({"interval": ["wilson"]})}, "interval")
    'wilson'
    """
    table = tables.get("alignment_type_priority")
    if table is None or column not in table.columns or table[column].dropna().empty:
        return None
    return table[column].dropna().astype(str).iloc[0]


def _goals_inferred(study: StudyConfig | None) -> bool:
    """True when goals.yaml says its goals were inferred (``inferred: true`` or the policy says so)."""
    if study is None or study.goals is None or not Path(study.goals).is_file():
        return False
    import yaml

    try:
        raw = yaml.safe_load(Path(study.goals).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(raw, Mapping):
        return False
    flag = raw.get("inferred", raw.get("goals_inferred"))
    if isinstance(flag, bool):
        return flag
    source = str(raw.get("source", "")) + " " + str(raw.get("policy", ""))
    return "inferred" in source.lower() or "udledt" in source.lower()


#: Ingest statuses of files that are the study's own configuration, not responses.
_NOT_INPUT = ("config",)


def _inputs(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The ingest report without the study's own configuration files."""
    ingest = tables.get("ingest_report", pd.DataFrame())
    if "status" not in ingest:
        return ingest
    return ingest[~ingest["status"].astype(str).isin(_NOT_INPUT)]


def study_facts(tables: Mapping[str, pd.DataFrame], study: StudyConfig | None) -> dict[str, Any]:
    """The numbers the report states: inputs read, analysed, left out, themes, groups."""
    ingest = _inputs(tables)
    responses = tables.get("responses", pd.DataFrame())
    analysed = analysed_responses(tables)
    segments = tables.get("segments", pd.DataFrame())
    themes = tables.get("themes", pd.DataFrame())
    statuses = ingest["status"].astype(str).value_counts().sort_index() if "status" in ingest else pd.Series(dtype=int)
    ids = set(analysed["response_id"].astype(str)) if "response_id" in analysed else set()
    n_seg = int(segments["response_id"].astype(str).isin(ids).sum()) if "response_id" in segments else 0
    dup = responses["duplicate_group"].dropna() if "duplicate_group" in responses else pd.Series(dtype=str)
    kd = tables.get("k_diagnostics", pd.DataFrame())
    chosen = kd.loc[kd["chosen"].fillna(False).astype(bool), "k"] if {"k", "chosen"} <= set(kd.columns) else []
    return {
        "read": int(len(ingest)) if len(ingest) else int(len(responses)),
        "statuses": {str(k): int(v) for k, v in statuses.items()},
        "analysed": int(len(analysed)), "segments": n_seg, "themes": int(len(themes)),
        "left_out": int(len(responses) - len(analysed)) if len(responses) else 0,
        "campaign_groups": int(dup.nunique()), "campaign_responses": int(len(dup)),
        "k": int(chosen.iloc[0]) if len(chosen) else (int(len(themes)) or None),
        "ks": sorted(int(k) for k in kd["k"]) if "k" in kd.columns else [],
        "k_criterion": str(kd["criterion"].iloc[0]) if "criterion" in kd.columns and len(kd) else None,
        "unit": str(kd["unit"].iloc[0]) if "unit" in kd.columns and len(kd) else None,
        "attachments": int(statuses.get("attachment_only", 0)),
        "cut": int(ingest["reason"].astype(str).str.contains("export limit").sum())
        if "reason" in ingest else 0,
        "redacted": int(tables["redaction_report"]["count"].sum())
        if "redaction_report" in tables and "count" in tables["redaction_report"] else 0,
        "goals_inferred": _goals_inferred(study),
    }


def _method_themes(lang: str, backend: str, facts: Mapping[str, Any]) -> str:
    """How the themes were found: the unit, the features and how k was chosen.

    >>> _method_themes("en", "nmf", {"k": 3, "ks": [2, 3], "k_criterion": "fixed", "unit": "response"})[:62]
    'Themes were found without a codebook (nmf): the responses were'
    """
    ks = facts.get("ks") or []
    docs = i18n.text(lang, "docs_response" if facts.get("unit") == "response" else "docs_segment")
    span = f"{min(ks)}–{max(ks)}" if ks else facts["k"]
    criterion = facts.get("k_criterion") or "fixed"
    key = {"fixed": "k_fixed", "eigengap": "k_eigengap"}.get(criterion, "k_criterion")
    how_k = i18n.text(lang, key, k=facts["k"], ks=span, docs=docs, criterion=criterion)
    features = i18n.text(lang, "features_embeddings" if backend == "embeddings" else "features_counts")
    return i18n.text(lang, "method_themes", backend=backend, docs=docs, features=features, how_k=how_k)


def _small_groups(tables: Mapping[str, pd.DataFrame], lang: str, min_n: int) -> list[str]:
    tp = tables.get("alignment_type_priority", pd.DataFrame())
    if not {"group", "n"} <= set(tp.columns):
        return []
    sizes = tp.groupby("group")["n"].max()
    return [f"{i18n.respondent_type(lang, g)} (n = {int(n)})" for g, n in sizes.items()
            if str(g) != "all" and int(n) < min_n]


def _caveats(facts: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
             study: StudyConfig | None, lang: str) -> list[str]:
    out = []
    if facts["goals_inferred"]:
        out.append(i18n.text(lang, "caveat_inferred_goals", file=Path(study.goals).name))
    if facts["analysed"] == 1:
        out.append(i18n.text(lang, "caveat_one_response"))
    if 0 < facts["segments"] < 60 and facts["themes"]:
        out.append(i18n.text(lang, "caveat_few_themes", n=facts["segments"]))
    min_n = int(_setting(study, "alignment", "min_group_n", MIN_GROUP_N))
    small = _small_groups(tables, lang, min_n)
    if small and facts["analysed"] >= SMALL_STUDY:
        out.append(i18n.text(lang, "caveat_small_groups", groups=", ".join(small), min_n=min_n))
    if facts["campaign_groups"]:
        how = (study.raw.get("count_campaigns", "per_response") if study is not None else "per_response")
        out.append(i18n.text(lang, "caveat_campaigns", groups=facts["campaign_groups"],
                             n=facts["campaign_responses"],
                             how=i18n.text(lang, "campaigns_once" if how == "once" else "campaigns_per_response")))
    if facts["attachments"]:
        out.append(i18n.text(lang, "caveat_attachments", n=facts["attachments"]))
    if facts["cut"]:
        out.append(i18n.text(lang, "caveat_cut", n=facts["cut"]))
    return out


def _segment_texts(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    seg = tables.get("segments", pd.DataFrame())
    if not {"segment_id", "text"} <= set(seg.columns):
        return {}
    return dict(zip(seg["segment_id"].astype(str), seg["text"].astype(str)))


def _theme_rows(tables: Mapping[str, pd.DataFrame], lang: str, quotes_per_theme: int = 3) -> list[tuple]:
    themes = tables.get("themes", pd.DataFrame())
    if themes.empty or "theme_id" not in themes:
        return []
    quotes = tables.get("theme_quotes", pd.DataFrame())
    texts = _segment_texts(tables)
    seg = tables.get("segments", pd.DataFrame())
    kinds = dict(zip(seg["segment_id"].astype(str), seg["kind"].astype(str))) \
        if {"segment_id", "kind"} <= set(seg.columns) else {}  # senders and signatures are no quotes
    rows = []
    for _, t in themes.sort_values("size", ascending=False, kind="mergesort").iterrows():
        q = quotes[quotes["theme_id"].astype(str) == str(t["theme_id"])] if "theme_id" in quotes else quotes.iloc[0:0]
        if "rank" in q:
            q = q.sort_values("rank", kind="mergesort")
        full = [texts.get(str(s), str(x)) for s, x in zip(q.get("segment_id", []), q.get("text", []))
                if kinds.get(str(s), "content") in ("content", "heading")]
        quote_html = "".join(f"<blockquote>{markup.esc(x)}</blockquote>" for x in full[:quotes_per_theme])
        rows.append((t.get("label", t["theme_id"]), i18n.number(t.get("size"), lang),
                     i18n.percent(t.get("share"), lang), t.get("top_terms", ""),
                     quote_html or markup.esc(i18n.text(lang, "none"))))
    return rows


def _priority_rows(tables: Mapping[str, pd.DataFrame], plabels: Mapping[str, str], lang: str) -> list[tuple]:
    tp = tables.get("alignment_type_priority", pd.DataFrame())
    if not {"group", "priority_id", "value"} <= set(tp.columns):
        return []
    rows = tp[(tp["group"].astype(str) == "all") & (tp.get("measure", "mention") == "mention")]
    rows = rows.sort_values(["value", "priority_id"], ascending=[False, True], kind="mergesort")
    return [(plabels.get(str(r["priority_id"]), str(r["priority_id"])),
             f"{i18n.number(r.get('count'), lang)} / {i18n.number(r.get('n'), lang)}",
             i18n.percent(r["value"], lang), i18n.interval(r.get("ci_low"), r.get("ci_high"), lang))
            for _, r in rows.iterrows()]


def _goal_rows(tables: Mapping[str, pd.DataFrame], glabels: Mapping[str, str], lang: str) -> list[tuple]:
    cov = tables.get("alignment_goal_coverage", pd.DataFrame())
    if not {"goal_id", "value"} <= set(cov.columns):
        return []
    if "group" in cov:
        cov = cov[cov["group"].astype(str) == "all"]
    cov = cov.sort_values(["value", "goal_id"], ascending=[False, True], kind="mergesort")
    kind = lambda k: i18n.text(lang, f"goal_kind_{k}") if str(k) in ("strategic", "delivery") else str(k)  # noqa: E731
    return [(glabels.get(str(r["goal_id"]), str(r["goal_id"])), kind(r.get("goal_kind", "")),
             i18n.percent(r["value"], lang), i18n.interval(r.get("ci_low"), r.get("ci_high"), lang),
             i18n.number(r.get("n"), lang)) for _, r in cov.iterrows()]


def _respondent_rows(analysed: pd.DataFrame, lang: str) -> list[tuple]:
    if analysed.empty or "respondent_type" not in analysed:
        return []
    counts = analysed["respondent_type"].astype(str).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="mergesort")
    total = int(counts.sum())
    return [(i18n.respondent_type(lang, k), i18n.number(v, lang), i18n.percent(v / total, lang))
            for k, v in counts.items()]


def _annotated(tables: Mapping[str, pd.DataFrame], study: StudyConfig | None, lang: str,
               plabels: Mapping[str, str], glabels: Mapping[str, str]) -> list[Block]:
    """One table per analysed response: each sentence with priorities, evidence, stance, goals."""
    analysed = analysed_responses(tables)
    segments = tables.get("segments", pd.DataFrame())
    sp = tables.get("segment_priorities", pd.DataFrame())
    ss = tables.get("segment_stance", pd.DataFrame())
    st = tables.get("segment_themes", pd.DataFrame())
    themes = tables.get("themes", pd.DataFrame())
    tnames = dict(zip(themes["theme_id"].astype(str), themes["label"])) if {"theme_id", "label"} <= set(themes) else {}
    goals_of = _priority_goals(study)
    stance_of = dict(zip(ss["segment_id"].astype(str), ss["stance"])) if {"segment_id", "stance"} <= set(ss) else {}
    blocks = [Block("h2", i18n.text(lang, "annotated")),
              Block("p", i18n.text(lang, "annotated_intro", n=len(analysed)))]
    headers = tuple(i18n.text(lang, k) for k in ("th_sentence", "th_priority", "th_evidence",
                                                 "th_stance", "th_goals", "th_themes"))
    for _, resp in analysed.iterrows():
        rid = str(resp["response_id"])
        segs = segments[segments["response_id"].astype(str) == rid] if "response_id" in segments else segments.iloc[0:0]
        rows = []
        for _, seg in segs.iterrows():
            sid = str(seg["segment_id"])
            kind = str(seg.get("kind", "content")) if "kind" in segs else "content"
            hits = sp[sp["segment_id"].astype(str) == sid] if "segment_id" in sp else sp.iloc[0:0]
            pids = list(dict.fromkeys(hits["priority_id"].astype(str))) if len(hits) else []
            evidence = sorted({str(e) for e in hits.get("evidence", []) if str(e)})
            goals = sorted({glabels.get(g, g) for p in pids for g in goals_of.get(p, ())})
            tids = st.loc[st["segment_id"].astype(str) == sid, "theme_id"].astype(str) if "segment_id" in st else []
            sentence = str(seg["text"]) if kind == "content" else f"[{kind}] {seg['text']}"
            rows.append((sentence, "; ".join(plabels.get(p, p) for p in pids),
                         "; ".join(evidence),
                         i18n.stance(lang, stance_of[sid]) if sid in stance_of and pids else "",
                         "; ".join(goals), "; ".join(str(tnames.get(t, t)) for t in tids)))
        kind = i18n.respondent_type(lang, resp.get("respondent_type", "unknown"))
        blocks.append(Block("h3", i18n.text(lang, "response_heading", id=rid, type=kind)))
        blocks.append(Block("table", headers=headers, rows=tuple(rows),
                            extra={"empty": i18n.text(lang, "none")}))
    return blocks


def _priority_goals(study: StudyConfig | None) -> dict[str, tuple[str, ...]]:
    if study is None or study.codebook is None or study.goals is None:
        return {}
    if not (Path(study.codebook).is_file() and Path(study.goals).is_file()):
        return {}
    from analysis.alignment.codebook import load_codebook, load_goals

    codebook = load_codebook(study.codebook, load_goals(study.goals))
    return {p.id: tuple(p.goals) for p in codebook}


def _method(facts: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], study: StudyConfig | None,
            lang: str, n_priorities: int) -> list[Block]:
    counts = ", ".join(f"{i18n.ingest_status(lang, k)}: {v}" for k, v in facts["statuses"].items()) \
        or i18n.text(lang, "none")
    blocks = [Block("h2", i18n.text(lang, "method")),
              Block("p", i18n.text(lang, "method_read", counts=counts))]
    ingest = _inputs(tables)
    status = ingest["status"].astype(str) if "status" in ingest else pd.Series(dtype=str)
    headers = (i18n.text(lang, "th_source"), i18n.text(lang, "th_status"), i18n.text(lang, "th_reason"))
    for title, rows in (("method_left_out", ingest[~status.isin(["ok", "warning"])]),
                        ("method_warnings", ingest[status == "warning"])):
        if title == "method_warnings" and rows.empty:
            continue
        blocks.append(Block("h3", i18n.text(lang, title)))
        blocks.append(Block("table", headers=headers,
                            rows=tuple((r.get("source", ""), i18n.ingest_status(lang, r.get("status", "")),
                                        i18n.ingest_reason(lang, r.get("reason", "")))
                                       for _, r in rows.iterrows()),
                            extra={"empty": i18n.text(lang, "none")}))
    blocks.append(Block("p", i18n.text(lang, "method_redaction", n=facts["redacted"])))
    backend = (study.themes.get("backend") if study is not None and isinstance(study.themes, Mapping) else None) or "nmf"
    blocks.append(Block("p", _method_themes(lang, backend, facts)))
    if n_priorities:
        blocks.append(Block("p", i18n.text(lang, "method_priorities", n=n_priorities)))
    how = str(_computed(tables, "interval") or _setting(study, "alignment", "interval", "wilson"))
    unit = str(_computed(tables, "unit") or _setting(study, "alignment", "unit", "response"))
    blocks.append(Block("p", i18n.text(lang, "method_intervals",
                                       how=i18n.text(lang, f"interval_{how}") if how in ("bootstrap", "wilson", "jeffreys") else how,
                                       unit=i18n.text(lang, f"unit_{unit}") if unit in ("response", "segment") else unit)))
    return blocks


def report_blocks(tables: Mapping[str, pd.DataFrame], study: StudyConfig | None, *,
                  figures: Sequence[tuple[ReportFigure, bytes]], language: str | None = None,
                  title: str | None = None) -> list[Block]:
    """The report as blocks, in the study's language.

    ``figures`` are ``(figure, png bytes)`` pairs in report order; figures of empty tables
    are left out (the report says "none" in the matching section instead).
    """
    lang = i18n.language_of(language or (study.language if study is not None else "en"))
    title = title or (study.title if study is not None else i18n.text(lang, "report"))
    names = study_labels(study)
    plabels = dict(zip(names["priority"]["priority_id"].astype(str), names["priority"]["label"]))
    glabels = dict(zip(names["goal"]["goal_id"].astype(str), names["goal"]["label"]))
    facts = study_facts(tables, study)
    blocks = [Block("h1", title)]
    if study is not None:
        blocks.append(Block("p", i18n.text(lang, "subtitle", hearing=study.hearing), extra={"class": "subtitle"}))
    blocks += [Block("h2", i18n.text(lang, "summary")),
               Block("p", i18n.text(lang, "key_numbers", read=facts["read"], ok=facts["analysed"],
                                    segments=facts["segments"], left_out=facts["left_out"],
                                    themes=facts["themes"])),
               Block("p", i18n.text(lang, "report_link"))]
    caveats = _caveats(facts, tables, study, lang)
    if caveats:
        blocks.append(Block("caveats", i18n.text(lang, "caveats"), rows=tuple((c,) for c in caveats)))
    analysed = analysed_responses(tables)
    blocks += [Block("h2", i18n.text(lang, "respondents")),
               Block("table", headers=(i18n.text(lang, "th_type"), i18n.text(lang, "th_responses"),
                                       i18n.text(lang, "th_share")),
                     rows=tuple(_respondent_rows(analysed, lang)),
                     extra={"empty": i18n.text(lang, "none"), "numeric": (1, 2)})]
    small = facts["analysed"] < SMALL_STUDY
    if small and facts["analysed"]:
        blocks += _annotated(tables, study, lang, plabels, glabels)
    blocks += [Block("h2", i18n.text(lang, "themes")),
               Block("table", headers=tuple(i18n.text(lang, k) for k in
                                            ("th_theme", "th_size", "th_share", "th_terms", "th_quotes")),
                     rows=tuple(_theme_rows(tables, lang)),
                     extra={"empty": i18n.text(lang, "none"), "numeric": (1, 2), "raw": (4,)})]
    blocks += [Block("h2", i18n.text(lang, "priorities")),
               Block("table", headers=(i18n.text(lang, "th_priority"), i18n.text(lang, "th_responses"),
                                       i18n.text(lang, "th_share"), i18n.text(lang, "th_interval")),
                     rows=tuple(_priority_rows(tables, plabels, lang)),
                     extra={"empty": i18n.text(lang, "none"), "numeric": (1, 2, 3), "key": True}),
               Block("h2", i18n.text(lang, "goals")),
               Block("table", headers=(i18n.text(lang, "th_goal"), i18n.text(lang, "th_kind"),
                                       i18n.text(lang, "th_coverage"), i18n.text(lang, "th_interval"),
                                       i18n.text(lang, "th_n")),
                     rows=tuple(_goal_rows(tables, glabels, lang)),
                     extra={"empty": i18n.text(lang, "none"), "numeric": (2, 3, 4), "key": True})]
    shown = [(f, png) for f, png in figures if not f.empty]
    if study is not None and (study.codebook is None or study.goals is None):
        for b in blocks[-3::2]:  # the priority and goal tables: say why they are empty
            b.extra["empty"] = i18n.text(lang, "no_codebook")
    if not small and shown:
        blocks.append(Block("h2", i18n.text(lang, "figures")))
        for i, (fig, png) in enumerate(shown, start=1):
            unit = i18n.text(lang, f"unit_{fig.unit}")
            caption = fig.caption + (" " + i18n.text(lang, "caption_n", n=fig.n, unit=unit) if fig.n else "")
            caption += " " + i18n.text(lang, "figure_values", name=fig.name)
            blocks.append(Block("figure", fig.title, extra={"png": png, "caption": caption,
                                                            "number": i18n.text(lang, "figure_n", i=i),
                                                            "name": fig.name}))
    blocks += _method(facts, tables, study, lang, len(plabels))
    seed = study.random_state if study is not None else 0
    blocks.append(Block("footer", i18n.text(lang, "footer", version=__version__, seed=seed)))
    return blocks


def render_html(blocks: Sequence[Block], *, language: str, title: str) -> str:
    """The self-contained HTML page of ``blocks`` (figures inline, no external resource)."""
    parts = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(f"<{b.kind}>{markup.esc(b.text)}</{b.kind}>")
        elif b.kind == "p":
            cls = f' class="{markup.esc(b.extra["class"])}"' if "class" in b.extra else ""
            parts.append(f"<p{cls}>{markup.esc(b.text)}</p>")
        elif b.kind == "caveats":
            items = "".join(f"<li>{markup.esc(r[0])}</li>" for r in b.rows)
            parts.append(f'<div class="caveats"><b>{markup.esc(b.text)}</b><ul>{items}</ul></div>')
        elif b.kind == "table":
            parts.append(markup.table(b.headers, b.rows, empty=b.extra.get("empty", ""),
                                      numeric=b.extra.get("numeric", ()), raw=b.extra.get("raw", ())))
        elif b.kind == "figure":
            parts.append(markup.figure(b.extra["png"], title=b.text, caption=b.extra["caption"],
                                       number=b.extra["number"]))
        elif b.kind == "footer":
            parts.append(f"<footer>{markup.esc(b.text)}</footer>")
    return markup.page(title=title, language=language, body="\n".join(parts))
