"""Alignment of respondents' priorities with the policy's goals, with bootstrap intervals.

Every table is long (tidy): one row per group × priority (or goal), with ``value``,
``ci_low``, ``ci_high`` (95 % percentile bootstrap) and ``n``. Group-level intervals
resample *responses* (or campaign units, below) with replacement, ``n_boot`` times, from
``numpy.random.default_rng([random_state, k])`` — identical inputs and seed give identical
tables.

Campaigns. Responses may carry ``duplicate_group`` / ``duplicate_group_size``
(near-duplicates). ``count_campaigns="per_response"`` (the default: every submitted
response counts, as the consultation received it) or ``"once"`` (each duplicate group
weighs as one response: its members' values are averaged and it is resampled as one
unit). Report "once" next to the default when campaigns are large.

Tables written by :func:`write_alignment_tables` (parquet + csv):

- ``segment_priorities``   segment × priority with evidence, negation, stance
- ``segment_stance``       stance of every segment, with its cue
- ``alignment_respondent_priority``  response × priority: share of the response's
  segments raising the priority (salience); exact binomial bootstrap interval
- ``alignment_type_priority``  respondent_type (and ``all``) × priority, two measures:
  ``mention`` (share of responses raising it) and ``salience`` (mean share of segments)
- ``alignment_priority_goal``  priority × goal by ``method`` ``codebook`` (1 = the codebook
  maps the priority to the goal) and ``similarity`` (mean cosine between the priority's
  segments and the goal's text in a TF-IDF lemma space fitted on segments + goals)
- ``alignment_method_agreement``  how far the two methods agree (top-goal agreement,
  Cohen's kappa of the top goal, Spearman over all priority × goal cells)
- ``alignment_goal_coverage``  group × goal: share of responses that raise any priority
  mapped to the goal; ``never_touched`` marks goals no response addresses
- ``alignment_gaps``       priorities that serve no strategic goal, with how often raised
- ``alignment_keyness``    lemma keyness per respondent_type against the rest:
  log-likelihood G², Benjamini–Hochberg q, effect size log2 ratio (value) with interval
- ``alignment_stance_priority``  priority × stance: share of the priority's segments

>>> tables = write_alignment_tables("data/processed/udsatte-byomraader-2025",
...     "data/raw/udsatte-byomraader-2025/goals.yaml",
...     "data/raw/udsatte-byomraader-2025/codebook.yaml", n_boot=200)   # doctest: +SKIP
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
from scipy import stats

from analysis.alignment.codebook import Codebook, GoalSet, load_codebook, load_goals
from analysis.alignment.priorities import segment_priorities
from analysis.alignment.stance import STANCES, segment_stance
from analysis.tables import read_table, write_table
from analysis.text import WORD_RE, lemma, stop_words, tokenize

COUNT_CAMPAIGNS = ("per_response", "once")
ALL = "all"
BOOT_CHUNK = 100


# ----------------------------------------------------------------------------- helpers
def _check_campaigns(count_campaigns: str) -> str:
    if count_campaigns not in COUNT_CAMPAIGNS:
        raise ValueError(f"count_campaigns={count_campaigns!r}; use one of {COUNT_CAMPAIGNS}.")
    return count_campaigns


def _bootstrap_counts(n: int, n_boot: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Chunks of (chunk × n) resampling counts: how often each unit is drawn."""
    done = 0
    while done < n_boot:
        c = min(BOOT_CHUNK, n_boot - done)
        idx = rng.integers(0, n, size=(c, n))
        offs = (np.arange(c)[:, None] * n + idx).ravel()
        yield np.bincount(offs, minlength=c * n).reshape(c, n).astype(float)
        done += c


def boot_ratio(num: np.ndarray, den: np.ndarray, *, n_boot: int = 1000, random_state: int | list[int] = 0,
               return_replicates: bool = False):
    """Ratio of sums ``num.sum(0) / den.sum(0)`` with a percentile bootstrap over rows.

    Rows are resampling units (responses); columns are statistics. Means are ratios
    with ``den`` = 1. Returns ``(value, ci_low, ci_high)`` arrays (and the replicates).

    >>> v, lo, hi = boot_ratio(np.array([[1.], [0.], [1.], [1.]]), np.ones((4, 1)), n_boot=200)
    >>> float(v[0]), bool(lo[0] <= v[0] <= hi[0])
    (0.75, True)
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    if num.ndim == 1:
        num = num[:, None]
    if den.ndim == 1:
        den = np.repeat(den[:, None], num.shape[1], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num.sum(0) / den.sum(0)
    n = num.shape[0]
    if n == 0 or n_boot <= 0:
        nan = np.full(num.shape[1], np.nan)
        return (value, nan, nan, np.empty((0, num.shape[1]))) if return_replicates else (value, nan, nan)
    rng = np.random.default_rng(random_state)
    reps = []
    for w in _bootstrap_counts(n, n_boot, rng):
        with np.errstate(invalid="ignore", divide="ignore"):
            reps.append((w @ num) / (w @ den))
    rep = np.vstack(reps)
    finite = np.where(np.isfinite(rep), rep, np.nan)
    lo = np.full(num.shape[1], np.nan)
    hi = np.full(num.shape[1], np.nan)
    ok = np.isfinite(finite).any(0)  # statistics with no data (0/0 everywhere) stay NaN
    if ok.any():
        lo[ok] = np.nanpercentile(finite[:, ok], 2.5, axis=0)
        hi[ok] = np.nanpercentile(finite[:, ok], 97.5, axis=0)
    return (value, lo, hi, rep) if return_replicates else (value, lo, hi)


def _responses_frame(segments: pd.DataFrame, responses: pd.DataFrame | None) -> pd.DataFrame:
    """Responses that have segments: response_id, respondent_type, n_segments, unit info."""
    n_seg = segments.groupby(segments["response_id"].astype(str)).size().rename("n_segments")
    out = n_seg.reset_index().rename(columns={"index": "response_id"})
    out.columns = ["response_id", "n_segments"]
    if responses is not None and len(responses):
        meta_cols = [c for c in ("respondent_type", "duplicate_group", "duplicate_group_size") if c in responses]
        meta = responses[["response_id", *meta_cols]].copy()
        meta["response_id"] = meta["response_id"].astype(str)
        out = out.merge(meta, on="response_id", how="left")
    if "respondent_type" not in out:
        out["respondent_type"] = "unknown"
    out["respondent_type"] = out["respondent_type"].astype("string").fillna("unknown").astype(str)
    if "duplicate_group" not in out:
        out["duplicate_group"] = pd.NA
    return out.sort_values("response_id", kind="stable").reset_index(drop=True)


def _units(resp: pd.DataFrame, count_campaigns: str) -> tuple[np.ndarray, np.ndarray]:
    """Unit label and weight per response (weights sum to 1 within a campaign unit)."""
    _check_campaigns(count_campaigns)
    rid = resp["response_id"].astype(str).to_numpy()
    if count_campaigns == "per_response":
        return rid, np.ones(len(resp))
    grp = resp["duplicate_group"].astype("string")
    unit = np.where(grp.isna().to_numpy(), "r:" + rid, "g:" + grp.fillna("").to_numpy().astype(str))
    sizes = pd.Series(unit).map(pd.Series(unit).value_counts()).to_numpy()
    return unit, 1.0 / sizes


def _aggregate_units(unit: np.ndarray, weight: np.ndarray, num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum weighted rows of num/den by unit (order of first appearance)."""
    codes, uniq = pd.factorize(pd.Series(unit), sort=False)
    k = len(uniq)
    w = weight[:, None]
    num_u = np.zeros((k, num.shape[1]))
    den_u = np.zeros((k, den.shape[1]))
    np.add.at(num_u, codes, num * w)
    np.add.at(den_u, codes, den * w)
    return num_u, den_u


def _priority_counts(sp: pd.DataFrame, segments: pd.DataFrame, resp: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Matrix responses × priorities: number of segments raising each priority."""
    seg_resp = segments[["segment_id", "response_id"]].astype(str)
    m = sp[["segment_id", "priority_id"]].astype(str).merge(seg_resp, on="segment_id", how="inner")
    tab = pd.crosstab(m["response_id"], m["priority_id"])
    tab = tab.reindex(index=resp["response_id"], columns=ids, fill_value=0)
    return tab.to_numpy(dtype=float)


def _groups(resp: pd.DataFrame, by: str | None) -> list[tuple[str, np.ndarray]]:
    out = [(ALL, np.ones(len(resp), dtype=bool))]
    if by:
        col = resp[by].astype(str) if by in resp else pd.Series("unknown", index=resp.index)
        for g in sorted(col.unique()):
            out.append((g, (col == g).to_numpy()))
    return out


# ------------------------------------------------------------------------------ tables
def respondent_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                        responses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Response × priority salience: share of the response's segments raising the priority.

    The interval is the exact percentile bootstrap of a proportion over the response's
    segments (the resampled count is Binomial(n, p)), so it needs no random draws.
    Columns: response_id, respondent_type, priority_id, value, ci_low, ci_high, n, count.
    """
    resp = _responses_frame(segments, responses)
    ids = codebook.ids
    counts = _priority_counts(segment_priorities, segments, resp, ids)
    n = resp["n_segments"].to_numpy(dtype=float)[:, None] * np.ones((1, len(ids)))
    p = np.divide(counts, n, out=np.zeros_like(counts), where=n > 0)
    lo = stats.binom.ppf(0.025, n, p) / np.where(n > 0, n, 1)
    hi = stats.binom.ppf(0.975, n, p) / np.where(n > 0, n, 1)
    out = pd.DataFrame({
        "response_id": np.repeat(resp["response_id"].to_numpy(), len(ids)),
        "respondent_type": np.repeat(resp["respondent_type"].to_numpy(), len(ids)),
        "priority_id": np.tile(ids, len(resp)),
        "value": p.ravel(), "ci_low": lo.ravel(), "ci_high": hi.ravel(),
        "n": n.ravel().astype("int64"), "count": counts.ravel().astype("int64"),
    })
    return out


def group_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                   responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
                   count_campaigns: str = "per_response", random_state: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """Group × priority prevalence with bootstrap intervals over responses.

    measure ``mention``: share of responses raising the priority at least once;
    measure ``salience``: mean over responses of the share of their segments raising it.
    Group ``all`` is every response. ``n`` is the number of resampling units (responses,
    or campaign units with ``count_campaigns="once"``); ``count`` the responses raising it.
    """
    resp = _responses_frame(segments, responses)
    ids = codebook.ids
    counts = _priority_counts(segment_priorities, segments, resp, ids)
    nseg = resp["n_segments"].to_numpy(dtype=float)[:, None]
    unit, weight = _units(resp, count_campaigns)
    rows = []
    for gi, (g, mask) in enumerate(_groups(resp, by)):
        if not mask.any():
            continue
        c = counts[mask]
        ind = (c > 0).astype(float)
        sal = c / nseg[mask]
        for mi, (measure, mat) in enumerate((("mention", ind), ("salience", sal))):
            num_u, den_u = _aggregate_units(unit[mask], weight[mask], mat, np.ones((mask.sum(), 1)))
            v, lo, hi = boot_ratio(num_u, den_u[:, 0], n_boot=n_boot, random_state=[random_state, gi, mi])
            for j, pid in enumerate(ids):
                rows.append((g, pid, measure, v[j], lo[j], hi[j], len(num_u), int((c[:, j] > 0).sum())))
    return pd.DataFrame(rows, columns=["group", "priority_id", "measure", "value", "ci_low", "ci_high", "n", "count"])


def _analyzer(language: str):
    stops = stop_words(language)

    def analyze(text: str) -> list[str]:
        out = []
        for t in tokenize(text):
            if text[t.start - 1:t.start] == "[" and text[t.end:t.end + 1] == "]":
                continue  # redaction placeholders such as [NAVN]
            lem = lemma(t.text, language)
            if len(lem) > 2 and not lem.isdigit() and lem not in stops:
                out.append(lem)
        return out
    return analyze


def goal_similarity(segments: pd.DataFrame, goals: GoalSet, language: str = "da") -> pd.DataFrame:
    """Cosine similarity of every segment with every goal in a TF-IDF lemma space.

    The space is fitted on the segments plus the goals' texts (title, Danish or English
    description, key terms). Returns a segments × goals DataFrame indexed by segment_id.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = segments["text"].fillna("").astype(str).tolist()
    gtexts = [g.text(language) for g in goals]
    vec = TfidfVectorizer(analyzer=_analyzer(language), sublinear_tf=True, min_df=1)
    X = vec.fit_transform(texts + gtexts)
    S, G = X[: len(texts)], X[len(texts):]
    sim = (S @ G.T).toarray()  # rows are L2-normalised: dot = cosine
    return pd.DataFrame(sim, index=segments["segment_id"].astype(str).to_numpy(), columns=goals.ids)


def priority_goal(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, goals: GoalSet,
                  responses: pd.DataFrame | None = None, *, language: str = "da", count_campaigns: str = "per_response",
                  random_state: int = 0, n_boot: int = 1000, similarity: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Priority × goal two ways, and how far the two ways agree.

    ``method="codebook"``: value 1 when the codebook maps the priority to the goal, else 0.
    ``method="similarity"``: mean cosine similarity between the priority's segments and
    the goal text (:func:`goal_similarity`), interval from resampling responses.
    ``rank`` orders goals within a priority (1 = closest).

    Agreement (second table, metric / value / ci_low / ci_high / n):
    ``top_goal_agreement`` share of priorities (with segments and a codebook goal) whose
    most similar goal is one of its codebook goals; ``top_goal_kappa`` Cohen's kappa
    between the codebook's first goal and the most similar goal; ``spearman`` rank
    correlation over all priority × goal cells between the codebook indicator and the
    similarity. Intervals come from the same response resamples.
    """
    from analysis.evaluate import cohen_kappa

    resp = _responses_frame(segments, responses)
    ids, gids = codebook.ids, goals.ids
    sim = similarity if similarity is not None else goal_similarity(segments, goals, language)
    seg_resp = segments[["segment_id", "response_id"]].astype(str)
    m = segment_priorities[["segment_id", "priority_id"]].astype(str).merge(seg_resp, on="segment_id")
    r_index = {r: i for i, r in enumerate(resp["response_id"])}
    m = m[m["response_id"].isin(r_index)]
    ri = m["response_id"].map(r_index).to_numpy()
    pi = m["priority_id"].map({p: i for i, p in enumerate(ids)}).to_numpy()
    S = sim.loc[m["segment_id"].to_numpy(), gids].to_numpy()
    P, G, R = len(ids), len(gids), len(resp)
    num = np.zeros((R, P * G))
    den = np.zeros((R, P * G))
    for g in range(G):
        np.add.at(num, (ri, pi * G + g), S[:, g])
        np.add.at(den, (ri, pi * G + g), 1.0)
    unit, weight = _units(resp, count_campaigns)
    num_u, den_u = _aggregate_units(unit, weight, num, den)
    v, lo, hi, rep = boot_ratio(num_u, den_u, n_boot=n_boot, random_state=[random_state, 101], return_replicates=True)
    n_seg = den.sum(0)
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
        rho = stats.spearmanr(code[fin].ravel(), mat[fin].ravel()).statistic if fin.sum() and np.ptp(code[fin]) > 0 else np.nan
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


def goal_coverage(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, goals: GoalSet,
                  responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
                  count_campaigns: str = "per_response", random_state: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """Group × goal: share of responses raising at least one priority mapped to the goal.

    ``never_touched`` is true when no response of the group addresses the goal.
    """
    resp = _responses_frame(segments, responses)
    ids, gids = codebook.ids, goals.ids
    counts = _priority_counts(segment_priorities, segments, resp, ids)
    code = np.array([[1.0 if g in codebook.get(p).goals else 0.0 for g in gids] for p in ids])
    touched = ((counts > 0).astype(float) @ code > 0).astype(float)  # responses × goals
    unit, weight = _units(resp, count_campaigns)
    rows = []
    for gi, (grp, mask) in enumerate(_groups(resp, by)):
        if not mask.any():
            continue
        num_u, den_u = _aggregate_units(unit[mask], weight[mask], touched[mask], np.ones((mask.sum(), 1)))
        v, lo, hi = boot_ratio(num_u, den_u[:, 0], n_boot=n_boot, random_state=[random_state, 200 + gi])
        for j, g in enumerate(gids):
            cnt = int(touched[mask][:, j].sum())
            rows.append((grp, g, goals.get(g).kind, v[j], lo[j], hi[j], len(num_u), cnt, cnt == 0))
    return pd.DataFrame(rows, columns=["group", "goal_id", "goal_kind", "value", "ci_low", "ci_high", "n", "count",
                                       "never_touched"])


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


def keyness(segments: pd.DataFrame, responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
            language: str = "da", min_count: int = 3, count_campaigns: str = "per_response") -> pd.DataFrame:
    """Lemma keyness of each group against all other responses (quanteda-style).

    G² is Dunning's log-likelihood (1 df); ``q_value`` is the Benjamini–Hochberg adjusted
    p-value within each group's comparison; ``value`` is the effect size log2 ratio of
    relative frequencies (0.5 added to both counts) with a normal-approximation 95 %
    interval. ``n`` is the term's count in both parts. With ``count_campaigns="once"``
    only the first member of each duplicate group is counted. Terms occurring fewer than
    ``min_count`` times in total are left out.
    """
    cols = ["group", "term", "count_target", "count_reference", "g2", "p_value", "q_value", "direction",
            "value", "ci_low", "ci_high", "n"]
    resp = _responses_frame(segments, responses)
    if count_campaigns == "once":
        unit, _ = _units(resp, "once")
        resp = resp[~pd.Series(unit).duplicated().to_numpy()]
    analyze = _analyzer(language)
    seg = segments[segments["response_id"].astype(str).isin(set(resp["response_id"]))]
    rtype = dict(zip(resp["response_id"], resp[by] if by in resp else "unknown"))
    counts: dict[str, dict[str, int]] = {}
    cache: dict[str, list[str]] = {}
    for rid, text in zip(seg["response_id"].astype(str), seg["text"].fillna("").astype(str)):
        toks = cache.get(text)
        if toks is None:
            toks = [w for w in analyze(text) if WORD_RE.fullmatch(w)]
            cache[text] = toks
        d = counts.setdefault(rtype[rid], {})
        for w in toks:
            d[w] = d.get(w, 0) + 1
    tab = pd.DataFrame(counts).fillna(0).astype(float)
    if tab.shape[1] < 2:
        return pd.DataFrame(columns=cols)
    tab = tab[tab.sum(axis=1) >= min_count].sort_index()
    totals = tab.sum(axis=0)
    out = []
    for g in sorted(tab.columns):
        a = tab[g].to_numpy()
        b = tab.drop(columns=g).sum(axis=1).to_numpy()
        c, d = float(totals[g]), float(totals.drop(g).sum())
        if c == 0 or d == 0:
            continue
        e1 = c * (a + b) / (c + d)
        e2 = d * (a + b) / (c + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = 2 * (np.where(a > 0, a * np.log(a / e1), 0) + np.where(b > 0, b * np.log(b / e2), 0))
        p = stats.chi2.sf(g2, 1)
        q = stats.false_discovery_control(p, method="bh") if len(p) else p
        lr = np.log2(((a + 0.5) / c) / ((b + 0.5) / d))
        se = np.sqrt(1 / (a + 0.5) + 1 / (b + 0.5)) / math.log(2)
        part = pd.DataFrame({"group": g, "term": tab.index, "count_target": a.astype("int64"),
                             "count_reference": b.astype("int64"), "g2": g2, "p_value": p, "q_value": q,
                             "direction": np.where(a / c >= b / d, "over", "under"), "value": lr,
                             "ci_low": lr - 1.96 * se, "ci_high": lr + 1.96 * se, "n": (a + b).astype("int64")})
        out.append(part.sort_values(["g2", "term"], ascending=[False, True], kind="stable"))
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def stance_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                    responses: pd.DataFrame | None = None, *, count_campaigns: str = "per_response",
                    random_state: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """Priority × stance: share of the priority's segments with each stance.

    Interval from resampling responses; ``n`` = segments raising the priority, ``count``
    = those with the stance, ``n_responses`` = responses raising the priority.
    """
    resp = _responses_frame(segments, responses)
    ids = codebook.ids
    seg_resp = segments[["segment_id", "response_id"]].astype(str)
    m = segment_priorities[["segment_id", "priority_id", "stance"]].astype(str).merge(seg_resp, on="segment_id")
    r_index = {r: i for i, r in enumerate(resp["response_id"])}
    m = m[m["response_id"].isin(r_index)]
    R, P, K = len(resp), len(ids), len(STANCES)
    num = np.zeros((R, P * K))
    den = np.zeros((R, P * K))
    ri = m["response_id"].map(r_index).to_numpy()
    pi = m["priority_id"].map({p: i for i, p in enumerate(ids)}).to_numpy()
    si = m["stance"].map({s: i for i, s in enumerate(STANCES)}).to_numpy()
    np.add.at(num, (ri, pi * K + si), 1.0)
    for k in range(K):
        np.add.at(den, (ri, pi * K + k), 1.0)
    unit, weight = _units(resp, count_campaigns)
    num_u, den_u = _aggregate_units(unit, weight, num, den)
    v, lo, hi = boot_ratio(num_u, den_u, n_boot=n_boot, random_state=[random_state, 300])
    n_resp = (den[:, ::K] > 0).sum(0)
    rows = []
    for i, p in enumerate(ids):
        for k, s in enumerate(STANCES):
            j = i * K + k
            rows.append((p, s, v[j], lo[j], hi[j], int(den[:, j].sum()), int(num[:, j].sum()), int(n_resp[i])))
    return pd.DataFrame(rows, columns=["priority_id", "stance", "value", "ci_low", "ci_high", "n", "count", "n_responses"])


# ------------------------------------------------------------------------------- stage
def alignment_tables(segments: pd.DataFrame, responses: pd.DataFrame | None, goals: GoalSet, codebook: Codebook, *,
                     language: str = "da", random_state: int = 0, n_boot: int = 1000,
                     count_campaigns: str = "per_response") -> dict[str, pd.DataFrame]:
    """Every priority, stance and alignment table from in-memory segments and responses."""
    _check_campaigns(count_campaigns)
    segments = segments.copy()
    segments["segment_id"] = segments["segment_id"].astype(str)
    segments["response_id"] = segments["response_id"].astype(str)
    stance = segment_stance(segments, language)
    sp = segment_priorities(segments, codebook, language, stance=stance)
    kw = dict(count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot)
    tp = group_priority(sp, segments, codebook, responses, **kw)
    pg, agreement = priority_goal(sp, segments, codebook, goals, responses, language=language, **kw)
    return {
        "segment_priorities": sp,
        "segment_stance": stance,
        "alignment_respondent_priority": respondent_priority(sp, segments, codebook, responses),
        "alignment_type_priority": tp,
        "alignment_priority_goal": pg,
        "alignment_method_agreement": agreement,
        "alignment_goal_coverage": goal_coverage(sp, segments, codebook, goals, responses, **kw),
        "alignment_gaps": gaps(tp, codebook, sp),
        "alignment_keyness": keyness(segments, responses, language=language, count_campaigns=count_campaigns),
        "alignment_stance_priority": stance_priority(sp, segments, codebook, responses, **kw),
    }


def write_alignment_tables(processed_dir: str | Path, goals_path: str | Path, codebook_path: str | Path, *,
                           language: str = "da", random_state: int = 0, n_boot: int = 1000,
                           count_campaigns: str = "per_response") -> dict[str, pd.DataFrame]:
    """Stage function: read ``segments`` and ``responses`` from ``processed_dir``, write
    every table of :func:`alignment_tables` there as parquet + csv, and return them.
    """
    folder = Path(processed_dir)
    goals = load_goals(goals_path)
    codebook = load_codebook(codebook_path, goals)
    segments = read_table(folder, "segments")
    try:
        responses = read_table(folder, "responses")
    except FileNotFoundError:
        responses = None
    tables = alignment_tables(segments, responses, goals, codebook, language=language, random_state=random_state,
                              n_boot=n_boot, count_campaigns=count_campaigns)
    for name, table in tables.items():
        write_table(table, folder, name)
    return tables
