"""Group tables: respondent group × priority, × theme, × goal, and priority × stance.

Every value averages over **all** responses of the group, zeros included (a response
that does not raise a priority, or gives a theme no share, counts as 0). Each row
carries ``n`` (units behind the value: responses, campaign units, or segments when
``unit="segment"``), the interval method, the counting unit and ``small_group`` (n below
``min_group_n``). See :mod:`analysis.alignment.intervals` for the interval methods and
:mod:`analysis.alignment.resampling` for campaign units.

>>> rt = pd.DataFrame({"response_id": ["a", "a", "b"], "theme_id": [0, 1, 0], "share": [0.5, 0.5, 1.0]})
>>> resp = pd.DataFrame({"response_id": ["a", "b"], "respondent_type": ["citizen", "citizen"]})
>>> t = group_theme(rt, resp)
>>> t[t.group == "citizen"]["value"].tolist()
[0.75, 0.25]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.alignment.codebook import Codebook, GoalSet
from analysis.alignment.intervals import MIN_GROUP_N, check_interval, proportion_interval, small_group
from analysis.alignment.resampling import (aggregate_units, check_unit, estimate, groups, priority_counts,
                                           responses_frame, units)
from analysis.alignment.stance import STANCES


def _tag(table: pd.DataFrame, interval: str, unit: str, min_group_n: int) -> pd.DataFrame:
    table["small_group"] = small_group(table["n"], min_group_n)
    table["interval"] = interval
    table["unit"] = unit
    return table


def respondent_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                        responses: pd.DataFrame | None = None, *, interval: str = "wilson") -> pd.DataFrame:
    """Response × priority salience: share of the response's segments raising the priority.

    The interval treats the response's segments as trials (``interval`` "wilson" or
    "jeffreys"; "bootstrap" gives the exact binomial percentile interval, which
    collapses at 0 and 1). Columns: response_id, respondent_type, priority_id, value,
    ci_low, ci_high, n, count.

    >>> from analysis.alignment.codebook import Priority
    >>> cb = Codebook((Priority("p", "P", ()),), "1")
    >>> seg = pd.DataFrame({"segment_id": ["s"], "response_id": ["r"], "text": ["x"]})
    >>> sp = pd.DataFrame({"segment_id": ["s"], "priority_id": ["p"]})
    >>> round(float(respondent_priority(sp, seg, cb)["ci_low"][0]), 2)
    0.21
    """
    from scipy import stats

    resp = responses_frame(segments, responses)
    ids = codebook.ids
    counts = priority_counts(segment_priorities, segments, resp, ids)
    n = resp["n_segments"].to_numpy(dtype=float)[:, None] * np.ones((1, len(ids)))
    p = np.divide(counts, n, out=np.zeros_like(counts), where=n > 0)
    if check_interval(interval) == "bootstrap":
        lo = stats.binom.ppf(0.025, n, p) / np.where(n > 0, n, 1)
        hi = stats.binom.ppf(0.975, n, p) / np.where(n > 0, n, 1)
    else:
        lo, hi = proportion_interval(counts.ravel(), n.ravel(), interval)
    return pd.DataFrame({
        "response_id": np.repeat(resp["response_id"].to_numpy(), len(ids)),
        "respondent_type": np.repeat(resp["respondent_type"].to_numpy(), len(ids)),
        "priority_id": np.tile(ids, len(resp)),
        "value": p.ravel(), "ci_low": np.ravel(lo), "ci_high": np.ravel(hi),
        "n": n.ravel().astype("int64"), "count": counts.ravel().astype("int64"),
    })


def group_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                   responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
                   count_campaigns: str = "per_response", random_state: int = 0, n_boot: int = 1000,
                   interval: str = "wilson", unit: str = "response", min_group_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """Group × priority prevalence, over all responses of the group.

    measure ``mention``: share of responses raising the priority at least once (always
    counted per response); measure ``salience``: with ``unit="response"`` the mean over
    responses of the share of their segments raising it (each response weighs 1), with
    ``unit="segment"`` the pooled share of the group's segments (long letters weigh
    more). Group ``all`` is every response. ``n`` is the number of units (responses or
    campaign units; segments for pooled salience); ``count`` the responses raising it.

    >>> from analysis.alignment.codebook import Priority
    >>> cb = Codebook((Priority("p", "P", ()),), "1")
    >>> seg = pd.DataFrame({"segment_id": ["s1", "s2"], "response_id": ["r1", "r2"], "text": ["x", "y"]})
    >>> sp = pd.DataFrame({"segment_id": ["s1"], "priority_id": ["p"]})
    >>> group_priority(sp, seg, cb)[["group", "measure", "value", "n"]].values.tolist()[:1]
    [['all', 'mention', 0.5, 2]]
    """
    check_unit(unit)
    resp = responses_frame(segments, responses)
    ids = codebook.ids
    counts = priority_counts(segment_priorities, segments, resp, ids)
    nseg = resp["n_segments"].to_numpy(dtype=float)[:, None]
    unit_id, weight = units(resp, count_campaigns)
    rows = []
    for gi, (g, mask) in enumerate(groups(resp, by)):
        if not mask.any():
            continue
        c = counts[mask]
        ones = np.ones((mask.sum(), len(ids)))
        sal = (c, nseg[mask] * ones) if unit == "segment" else (c / nseg[mask], ones)
        for mi, (measure, (num, den)) in enumerate((("mention", ((c > 0).astype(float), ones)), ("salience", sal))):
            num_u, den_u = aggregate_units(unit_id[mask], weight[mask], num, den)
            v, lo, hi = estimate(num_u, den_u, interval=interval, n_boot=n_boot, random_state=[random_state, gi, mi])
            n = len(num_u) if (measure == "mention" or unit == "response") else int(den[:, 0].sum())
            for j, pid in enumerate(ids):
                rows.append((g, pid, measure, v[j], lo[j], hi[j], n, int((c[:, j] > 0).sum())))
    out = pd.DataFrame(rows, columns=["group", "priority_id", "measure", "value", "ci_low", "ci_high", "n", "count"])
    out["n_responses"] = out["group"].map({g: int(m.sum()) for g, m in groups(resp, by)}).astype("int64")
    out = _tag(out, interval, unit, min_group_n)
    out.loc[out["measure"] == "mention", "unit"] = "response"
    out["small_group"] = small_group(out["n_responses"], min_group_n)
    return out


def group_theme(response_themes: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                by: str = "respondent_type", interval: str = "wilson", n_boot: int = 1000, random_state: int = 0,
                min_group_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """Group × theme: mean theme share over every response of the group (zeros included).

    ``response_themes`` leaves out zero shares; here every response that has any theme
    share gets a row for every theme, so each group's values are a mixture: they sum to 1
    when each response's shares do. Columns: group, theme_id, value, ci_low, ci_high, n
    (responses), count (responses with a share > 0), small_group, interval, unit.
    """
    need = {"response_id", "theme_id", "share"}
    if need - set(response_themes.columns):
        raise ValueError(f"response_themes lacks column(s) {sorted(need - set(response_themes.columns))}; "
                         "it needs response_id, theme_id and share.")
    rt = response_themes.assign(response_id=response_themes["response_id"].astype(str))
    wide = rt.pivot_table(index="response_id", columns="theme_id", values="share", aggfunc="sum", fill_value=0.0)
    wide = wide.sort_index()
    resp = pd.DataFrame({"response_id": wide.index})
    if responses is not None and by in responses.columns:
        meta = responses[["response_id", by]].assign(response_id=responses["response_id"].astype(str))
        resp = resp.merge(meta.drop_duplicates("response_id"), on="response_id", how="left")
    resp[by] = resp[by].astype("string").fillna("unknown").astype(str) if by in resp else "unknown"
    mat = wide.to_numpy(dtype=float)
    rows = []
    for gi, (g, mask) in enumerate(groups(resp, by)):
        if not mask.any():
            continue
        v, lo, hi = estimate(mat[mask], np.ones(mask.sum()), interval=interval, n_boot=n_boot,
                             random_state=[random_state, 400 + gi])
        for j, t in enumerate(wide.columns):
            rows.append((g, t, v[j], lo[j], hi[j], int(mask.sum()), int((mat[mask][:, j] > 0).sum())))
    out = pd.DataFrame(rows, columns=["group", "theme_id", "value", "ci_low", "ci_high", "n", "count"])
    return _tag(out, interval, "response", min_group_n)


def goal_coverage(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook, goals: GoalSet,
                  responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
                  count_campaigns: str = "per_response", random_state: int = 0, n_boot: int = 1000,
                  interval: str = "wilson", min_group_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """Group × goal: share of responses raising at least one priority mapped to the goal.

    ``never_touched`` is true when no response of the group addresses the goal.
    """
    resp = responses_frame(segments, responses)
    ids, gids = codebook.ids, goals.ids
    counts = priority_counts(segment_priorities, segments, resp, ids)
    code = np.array([[1.0 if g in codebook.get(p).goals else 0.0 for g in gids] for p in ids]).reshape(len(ids), len(gids))
    touched = ((counts > 0).astype(float) @ code > 0).astype(float)  # responses × goals
    unit_id, weight = units(resp, count_campaigns)
    rows = []
    for gi, (grp, mask) in enumerate(groups(resp, by)):
        if not mask.any():
            continue
        num_u, den_u = aggregate_units(unit_id[mask], weight[mask], touched[mask], np.ones((mask.sum(), 1)))
        v, lo, hi = estimate(num_u, den_u[:, 0], interval=interval, n_boot=n_boot, random_state=[random_state, 200 + gi])
        for j, g in enumerate(gids):
            cnt = int(touched[mask][:, j].sum())
            rows.append((grp, g, goals.get(g).kind, v[j], lo[j], hi[j], len(num_u), cnt, cnt == 0))
    out = pd.DataFrame(rows, columns=["group", "goal_id", "goal_kind", "value", "ci_low", "ci_high", "n", "count",
                                      "never_touched"])
    return _tag(out, interval, "response", min_group_n)


def stance_priority(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                    responses: pd.DataFrame | None = None, *, count_campaigns: str = "per_response",
                    random_state: int = 0, n_boot: int = 1000, interval: str = "wilson", unit: str = "segment",
                    min_group_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """Priority × stance: share of the priority's segments (or responses) with each stance.

    ``unit="segment"``: every segment raising the priority counts once (``n`` =
    segments); ``unit="response"``: every response raising it weighs 1, split over its
    segments' stances (``n`` = responses). ``count`` = segments with the stance,
    ``n_responses`` = responses raising the priority.
    """
    check_unit(unit)
    resp = responses_frame(segments, responses)
    ids = codebook.ids
    seg_resp = segments[["segment_id", "response_id"]].astype(str)
    m = segment_priorities[["segment_id", "priority_id", "stance"]].astype(str).merge(seg_resp, on="segment_id")
    r_index = {r: i for i, r in enumerate(resp["response_id"])}
    m = m[m["response_id"].isin(r_index)]
    R, P, K = len(resp), len(ids), len(STANCES)
    num = np.zeros((R, P * K))
    den = np.zeros((R, P * K))
    ri = m["response_id"].map(r_index).to_numpy(dtype=np.int64)
    pi = m["priority_id"].map({p: i for i, p in enumerate(ids)}).to_numpy(dtype=np.int64)
    si = m["stance"].map({s: i for i, s in enumerate(STANCES)}).to_numpy(dtype=np.int64)
    np.add.at(num, (ri, pi * K + si), 1.0)
    for k in range(K):
        np.add.at(den, (ri, pi * K + k), 1.0)
    seg_num, seg_den = num.copy(), den.copy()
    if unit == "response":
        scale = np.where(den > 0, 1.0 / np.where(den > 0, den, 1), 0.0)
        num, den = num * scale, den * scale
    unit_id, weight = units(resp, count_campaigns)
    num_u, den_u = aggregate_units(unit_id, weight, num, den)
    v, lo, hi = estimate(num_u, den_u, interval=interval, n_boot=n_boot, random_state=[random_state, 300])
    n_resp = (seg_den[:, ::K] > 0).sum(0)
    rows = []
    for i, p in enumerate(ids):
        for k, s in enumerate(STANCES):
            j = i * K + k
            n = int(seg_den[:, j].sum()) if unit == "segment" else int(n_resp[i])
            rows.append((p, s, v[j], lo[j], hi[j], n, int(seg_num[:, j].sum()), int(n_resp[i])))
    out = pd.DataFrame(rows, columns=["priority_id", "stance", "value", "ci_low", "ci_high", "n", "count", "n_responses"])
    out = _tag(out, interval, unit, min_group_n)
    out["small_group"] = small_group(out["n_responses"], min_group_n)
    return out
