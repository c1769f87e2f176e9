"""Alignment of respondents' priorities with the policy's goals: the stage and its tables.

Every table is long (tidy): one row per group × priority (or goal), with ``value``,
``ci_low``, ``ci_high`` and ``n``; group tables also carry ``small_group``, ``interval``
and ``unit``. Intervals: ``interval="wilson"`` (default), ``"jeffreys"`` or
``"bootstrap"`` (:mod:`analysis.alignment.intervals`); similarity means always use the
percentile bootstrap over responses. The counting unit (``unit="response"``: every
response weighs 1; ``"segment"``: every segment does, so long letters weigh more) is
recorded in each table. Only ``content`` segments count as evidence, and the
respondent's own name never does (:func:`analysis.alignment.priorities.evidence_segments`).

Campaigns. Responses may carry ``duplicate_group`` / ``duplicate_group_size``
(near-duplicates). ``count_campaigns="per_response"`` (the default: every submitted
response counts, as the consultation received it) or ``"once"`` (each duplicate group
weighs as one response: its members' values are averaged and it is resampled as one
unit). Report "once" next to the default when campaigns are large.

Tables written by :func:`write_alignment_tables` (parquet + csv):

- ``segment_priorities``   segment × priority with evidence, negation, stance
- ``segment_stance``       stance of every segment, with its cue
- ``alignment_respondent_priority``  response × priority: share of the response's
  segments raising the priority (salience), score interval over its segments
- ``alignment_type_priority``  respondent_type (and ``all``) × priority, two measures:
  ``mention`` (share of responses raising it) and ``salience`` (share of segments)
- ``alignment_type_theme``  respondent_type × theme: mean theme share over all responses
  of the group (written when ``response_themes`` exists)
- ``alignment_priority_goal``  priority × goal by ``method`` ``codebook`` (1 = the codebook
  maps the priority to the goal) and ``similarity`` (mean cosine between the priority's
  segments and the goal's text in a TF-IDF lemma space fitted on segments + goals)
- ``alignment_method_agreement``  how far the two methods agree (top-goal agreement,
  Cohen's kappa of the top goal, Spearman over all priority × goal cells)
- ``alignment_goal_coverage``  group × goal: share of responses that raise any priority
  mapped to the goal; ``never_touched`` marks goals no response addresses
- ``alignment_gaps``       priorities that serve no strategic goal, with how often raised
- ``alignment_keyness``    content-word keyness per respondent_type against the rest:
  log-likelihood G², Benjamini–Hochberg q, effect size log2 ratio (value) with interval
- ``alignment_stance_priority``  priority × stance: share of the priority's segments
  (or responses)
- ``alignment_effects``    presence of each priority modelled on respondent type and
  other metadata (:mod:`analysis.alignment.effects`)

>>> tables = write_alignment_tables("data/processed/udsatte-byomraader-2025",
...     "data/raw/udsatte-byomraader-2025/goals.yaml",
...     "data/raw/udsatte-byomraader-2025/codebook.yaml")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis.alignment.codebook import Codebook, GoalSet, load_codebook, load_goals
from analysis.alignment.groups import group_priority, group_theme, goal_coverage, respondent_priority, stance_priority
from analysis.alignment.intervals import MIN_GROUP_N, check_interval
from analysis.alignment.keyterms import AnalysedTexts, keyness, lemma_counts
from analysis.alignment.priorities import evidence_segments, segment_priorities
from analysis.alignment.resampling import (ALL, aggregate_units, boot_ratio, check_campaigns, check_unit,
                                           responses_frame, units)
from analysis.alignment.stance import segment_stance
from analysis.tables import read_table, write_table


# ------------------------------------------------------------------------------ tables
def goal_similarity(segments: pd.DataFrame, goals: GoalSet, language: str = "da",
                    analysed: AnalysedTexts | None = None) -> pd.DataFrame:
    """Cosine similarity of every segment with every goal in a TF-IDF lemma space.

    The space is fitted on the segments plus the goals' texts (title, Danish or English
    description, key terms). Returns a segments × goals DataFrame indexed by segment_id.
    Each distinct text is analysed once (form letters repeat; ``analysed``: the
    :class:`~analysis.alignment.keyterms.AnalysedTexts` of ``segments["text"]`` when the
    caller has it); document frequencies still count every segment, so the space is the
    one of all segments.

    >>> from analysis.alignment.codebook import Goal, GoalSet
    >>> gs = GoalSet((Goal("jobs", "strategic", "Flere job", "Jobs", "More jobs"),), "1")
    >>> seg = pd.DataFrame({"segment_id": ["a", "b"], "text": ["Flere job til unge.", "Cykelstier."]})
    >>> goal_similarity(seg, gs).round(2)["jobs"].tolist()
    [0.61, 0.0]
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    if analysed is None:
        analysed = AnalysedTexts(segments["text"], language)
    elif len(analysed) != len(segments):
        raise ValueError(f"goal_similarity: analysed texts ({len(analysed)}) do not match the segments "
                         f"({len(segments)}).")
    glemmas = [analysed.analyze(g.text(language)) for g in goals]
    counts, _ = lemma_counts(analysed.lemmas + glemmas)
    rows = np.concatenate([analysed.codes, len(analysed.lemmas) + np.arange(len(glemmas))])
    n_texts = len(analysed)
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts[rows])
    S, G = X[:n_texts], X[n_texts:]
    sim = (S @ G.T).toarray()  # rows are L2-normalised: dot = cosine
    return pd.DataFrame(sim, index=segments["segment_id"].astype(str).to_numpy(), columns=goals.ids)


def priority_goal(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, goals: GoalSet,
                  responses: pd.DataFrame | None = None, *, language: str = "da", count_campaigns: str = "per_response",
                  random_state: int = 0, n_boot: int = 1000, similarity: pd.DataFrame | None = None,
                  unit: str = "segment") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Priority × goal two ways, and how far the two ways agree.

    ``method="codebook"``: value 1 when the codebook maps the priority to the goal, else 0.
    ``method="similarity"``: mean cosine similarity between the priority's segments and
    the goal text (:func:`goal_similarity`), interval from resampling responses.
    ``rank`` orders goals within a priority (1 = closest). With ``unit="response"``
    each response's segments are averaged first, so every response weighs 1.

    Agreement (second table, metric / value / ci_low / ci_high / n):
    ``top_goal_agreement`` share of priorities (with segments and a codebook goal) whose
    most similar goal is one of its codebook goals; ``top_goal_kappa`` Cohen's kappa
    between the codebook's first goal and the most similar goal; ``spearman`` rank
    correlation over all priority × goal cells between the codebook indicator and the
    similarity. Intervals come from the same response resamples.
    """
    from analysis.evaluate import cohen_kappa

    check_unit(unit)
    resp = responses_frame(segments, responses)
    ids, gids = codebook.ids, goals.ids
    sim = similarity if similarity is not None else goal_similarity(segments, goals, language)
    seg_resp = segments[["segment_id", "response_id"]].astype(str)
    m = segment_priorities[["segment_id", "priority_id"]].astype(str).merge(seg_resp, on="segment_id")
    r_index = {r: i for i, r in enumerate(resp["response_id"])}
    m = m[m["response_id"].isin(r_index)]
    ri = m["response_id"].map(r_index).to_numpy(dtype=np.int64)
    pi = m["priority_id"].map({p: i for i, p in enumerate(ids)}).to_numpy(dtype=np.int64)
    S = sim.loc[m["segment_id"].to_numpy(), gids].to_numpy()
    P, G, R = len(ids), len(gids), len(resp)
    cell = ((ri * P + pi)[:, None] * G + np.arange(G)).ravel()  # (response, priority, goal) cells
    num = np.bincount(cell, weights=S.ravel(), minlength=R * P * G).reshape(R, P * G)
    den = np.bincount(cell, minlength=R * P * G).astype(float).reshape(R, P * G)
    n_seg = den.sum(0)
    if unit == "response":
        scale = np.zeros_like(den)
        np.divide(1.0, den, out=scale, where=den > 0)  # 1 / segments of the cell, 0 for empty cells
        num = num.astype(float, copy=False)  # bincount gives int64 when there are no weights to sum
        num *= scale
        den *= scale
        del scale
    unit_id, weight = units(resp, count_campaigns)
    num_u, den_u = aggregate_units(unit_id, weight, num, den)
    v, lo, hi, rep = boot_ratio(num_u, den_u, n_boot=n_boot, random_state=[random_state, 101], return_replicates=True)
    code = np.array([[1.0 if g in codebook.get(p).goals else 0.0 for g in gids] for p in ids])
    rows = []
    vm = v.reshape(P, G)
    for i, p in enumerate(ids):
        order = np.argsort(-np.nan_to_num(vm[i], nan=-1), kind="stable")
        rank = np.empty(G, dtype=int)
        rank[order] = np.arange(1, G + 1)
        for j, g in enumerate(gids):
            k = i * G + j
            rows.append((p, g, goals.get(g).kind, "codebook", code[i, j], code[i, j], code[i, j], int(n_seg[k]), np.nan))
            rows.append((p, g, goals.get(g).kind, "similarity", v[k], lo[k], hi[k], int(n_seg[k]),
                         rank[j] if n_seg[k] > 0 else np.nan))
    table = pd.DataFrame(rows, columns=["priority_id", "goal_id", "goal_kind", "method", "value", "ci_low",
                                        "ci_high", "n", "rank"])
    table["rank"] = table["rank"].astype("Int64")

    def metrics(mat: np.ndarray) -> tuple[float, float, float, int]:
        has = np.isfinite(mat).all(1) & (code.sum(1) > 0)
        if not has.any():
            return np.nan, np.nan, np.nan, 0
        top = np.argmax(mat[has], axis=1)
        agree = float(np.mean(code[has][np.arange(has.sum()), top] > 0))
        first = [gids.index(codebook.get(p).goals[0]) for p, h in zip(ids, has) if h]
        kappa = cohen_kappa(first, top.tolist()) if len(set(first) | set(top.tolist())) > 1 else np.nan
        fin = np.isfinite(mat).all(1)
        rho = _spearman(code[fin].ravel(), mat[fin].ravel()) if fin.sum() and np.ptp(code[fin]) > 0 else np.nan
        return agree, kappa, float(rho), int(has.sum())

    point = metrics(vm)
    reps = np.array([metrics(r.reshape(P, G))[:3] for r in rep]) if len(rep) else np.empty((0, 3))
    agr = []
    for j, name in enumerate(("top_goal_agreement", "top_goal_kappa", "spearman")):
        col = reps[:, j] if len(reps) else np.array([])
        col = col[np.isfinite(col)]
        lo_, hi_ = (np.percentile(col, 2.5), np.percentile(col, 97.5)) if len(col) else (np.nan, np.nan)
        agr.append((name, point[j], lo_, hi_, point[3] if j < 2 else int(np.isfinite(vm).all(1).sum() * G)))
    agreement = pd.DataFrame(agr, columns=["metric", "value", "ci_low", "ci_high", "n"])
    return table, agreement


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho exactly as ``scipy.stats.spearmanr(x, y).statistic`` computes it (ranks, then
    ``np.corrcoef``), without its p-value: the agreement replicates call it a thousand times.

    >>> round(_spearman(np.array([0.0, 0.0, 1.0]), np.array([0.1, 0.2, 0.3])), 3), _spearman(np.zeros(3), np.ones(3))
    (0.866, nan)
    """
    if len(x) <= 1 or (x[0] == x).all() or (y[0] == y).all():
        return np.nan  # scipy warns and returns nan for a constant input
    ranked = np.column_stack((stats.rankdata(x), stats.rankdata(y)))
    return float(np.corrcoef(ranked, rowvar=False)[1, 0])


def gaps(type_priority: pd.DataFrame, codebook: Codebook, segment_priorities: pd.DataFrame) -> pd.DataFrame:
    """Priorities that serve no strategic goal, with how often respondents raise them.

    ``value`` / interval / ``n`` are the ``mention`` rows of group ``all`` from
    :func:`group_priority`; ``raised`` is true when any segment raises the priority;
    ``reason`` says whether it maps to a delivery entry only or to nothing.
    """
    allrows = type_priority[(type_priority["group"] == ALL) & (type_priority["measure"] == "mention")]
    allrows = allrows.set_index("priority_id")
    n_segs = segment_priorities.groupby("priority_id").size()
    rows = []
    for p in codebook:
        if codebook.strategic_goals(p.id):
            continue
        other = [g for g in p.goals]
        reason = f"delivery only ({', '.join(other)})" if other else "no goal in the policy"
        r = allrows.loc[p.id] if p.id in allrows.index else None
        rows.append((p.id, p.label_en, ";".join(other), reason,
                     r["value"] if r is not None else np.nan, r["ci_low"] if r is not None else np.nan,
                     r["ci_high"] if r is not None else np.nan, int(r["n"]) if r is not None else 0,
                     int(r["count"]) if r is not None else 0, int(n_segs.get(p.id, 0)), bool(n_segs.get(p.id, 0) > 0)))
    return pd.DataFrame(rows, columns=["priority_id", "label_en", "goals", "reason", "value", "ci_low", "ci_high",
                                       "n", "count", "n_segments", "raised"])


# ------------------------------------------------------------------------------- stage
def alignment_tables(segments: pd.DataFrame, responses: pd.DataFrame | None, goals: GoalSet, codebook: Codebook, *,
                     language: str = "da", random_state: int = 0, n_boot: int = 1000,
                     count_campaigns: str = "per_response", interval: str = "wilson", unit: str = "response",
                     min_group_n: int = MIN_GROUP_N, response_themes: pd.DataFrame | None = None,
                     stance_model=None) -> dict[str, pd.DataFrame]:
    """Every priority, stance and alignment table from in-memory segments and responses.

    Parameters
    ----------
    segments, responses : the ingest tables (``responses`` may be None).
    goals, codebook : the policy's goals and the codebook of priorities.
    interval : "wilson" (default), "jeffreys" or "bootstrap" (study setting ``alignment.interval``).
    unit : "response" (default: every response weighs 1) or "segment" (``alignment.unit``).
    min_group_n : groups with fewer responses are flagged ``small_group``.
    response_themes : optional; adds ``alignment_type_theme``.
    stance_model : optional fitted :class:`analysis.alignment.learned.StanceModel`; its
        predictions replace the cue stance (the cue is kept in ``cue``).

    Examples
    --------
    >>> from analysis.alignment.codebook import Codebook, GoalSet, Priority
    >>> cb = Codebook((Priority("jobs", "Jobs", (), terms={"da": ("job",)}),), "1")
    >>> seg = pd.DataFrame({"segment_id": ["s"], "response_id": ["r"], "text": ["Flere job."]})
    >>> t = alignment_tables(seg, None, GoalSet((), "1"), cb)
    >>> row = t["alignment_type_priority"].iloc[0]
    >>> float(row["value"]), int(row["n"]), bool(row["small_group"])
    (1.0, 1, True)
    """
    check_campaigns(count_campaigns)
    check_interval(interval)
    check_unit(unit)
    segments = segments.copy()
    segments["segment_id"] = segments["segment_id"].astype(str)
    segments["response_id"] = segments["response_id"].astype(str)
    evidence = evidence_segments(segments, responses)
    stance = segment_stance(evidence, language)
    if stance_model is not None:
        stance["stance"] = stance_model.predict(evidence["text"].fillna("").astype(str).tolist())
    sp = segment_priorities(evidence, codebook, language, stance=stance)
    if getattr(stance_model, "priority_model_", None) is not None:  # a learned priority model beside it
        sp = stance_model.priority_model_.apply(sp, evidence, stance)
    kw = dict(count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot, interval=interval,
              min_group_n=min_group_n)
    tp = group_priority(sp, evidence, codebook, responses, unit=unit, **kw)
    analysed = AnalysedTexts(evidence["text"], language)  # shared by goal similarity and keyness
    pg, agreement = priority_goal(sp, evidence, codebook, goals, responses, language=language, unit=unit,
                                  count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot,
                                  similarity=goal_similarity(evidence, goals, language, analysed))
    pg["unit"] = unit
    out = {
        "segment_priorities": sp,
        "segment_stance": stance,
        "alignment_respondent_priority": respondent_priority(sp, evidence, codebook, responses, interval=interval),
        "alignment_type_priority": tp,
        "alignment_priority_goal": pg,
        "alignment_method_agreement": agreement,
        "alignment_goal_coverage": goal_coverage(sp, evidence, codebook, goals, responses, **kw),
        "alignment_gaps": gaps(tp, codebook, sp),
        "alignment_keyness": keyness(evidence, responses, language=language, count_campaigns=count_campaigns,
                                     analysed=analysed),
        "alignment_stance_priority": stance_priority(sp, evidence, codebook, responses, unit=unit, **kw),
    }
    if response_themes is not None and len(response_themes):
        out["alignment_type_theme"] = group_theme(response_themes, responses, interval=interval, n_boot=n_boot,
                                                  random_state=random_state, min_group_n=min_group_n)
    from analysis.alignment.effects import priority_effects

    out["alignment_effects"] = priority_effects(sp, evidence, codebook, responses)
    return out


def write_alignment_tables(processed_dir: str | Path, goals_path: str | Path, codebook_path: str | Path, *,
                           language: str = "da", random_state: int = 0, n_boot: int = 1000,
                           count_campaigns: str = "per_response", interval: str = "wilson",
                           unit: str = "response", min_group_n: int = MIN_GROUP_N,
                           stance_model: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Stage function: read ``segments`` and ``responses`` (and ``response_themes`` when
    present) from ``processed_dir``, write every table of :func:`alignment_tables` there
    as parquet + csv, and return them. ``stance_model`` is the path of a saved learned
    stance model (see :mod:`analysis.alignment.learned`), or None for the cue stance.
    """
    folder = Path(processed_dir)
    goals = load_goals(goals_path)
    codebook = load_codebook(codebook_path, goals)
    segments = read_table(folder, "segments")
    try:
        responses = read_table(folder, "responses")
    except FileNotFoundError:
        responses = None
    try:
        response_themes = read_table(folder, "response_themes")
    except FileNotFoundError:
        response_themes = None
    model = None
    if stance_model:
        from analysis.alignment.learned import load_stance_model

        model = load_stance_model(stance_model)
    tables = alignment_tables(segments, responses, goals, codebook, language=language, random_state=random_state,
                              n_boot=n_boot, count_campaigns=count_campaigns, interval=interval, unit=unit,
                              min_group_n=min_group_n, response_themes=response_themes, stance_model=model)
    for name, table in tables.items():
        write_table(table, folder, name)
    return tables
