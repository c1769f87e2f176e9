"""Shared machinery of the alignment tables: responses, campaign units, estimates with intervals.

Group-level estimates are ratios of sums over *units* (responses, or campaign units
with ``count_campaigns="once"``): a mean of per-response values has denominator 1 per
unit, a pooled share of segments has the segment counts as denominator. The interval
comes from :mod:`analysis.alignment.intervals` (``interval="wilson"`` / ``"jeffreys"``:
a score interval with the denominator total as n) or from a percentile bootstrap over
units (``interval="bootstrap"``, ``n_boot`` draws from
``numpy.random.default_rng([random_state, k])``). Identical inputs and seed give
identical tables.

>>> v, lo, hi = estimate(np.array([[1.0]]), np.array([[1.0]]), interval="wilson")
>>> float(v[0]), round(float(lo[0]), 2), float(hi[0])
(1.0, 0.21, 1.0)
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from analysis.alignment.intervals import check_interval, proportion_interval

COUNT_CAMPAIGNS = ("per_response", "once")
UNITS = ("segment", "response")
ALL = "all"
BOOT_CHUNK = 100
EVIDENCE_KINDS = ("content",)


def check_campaigns(count_campaigns: str) -> str:
    """Return ``count_campaigns`` if valid, else raise naming the choices."""
    if count_campaigns not in COUNT_CAMPAIGNS:
        raise ValueError(f"count_campaigns={count_campaigns!r}; use one of {COUNT_CAMPAIGNS}.")
    return count_campaigns


def check_unit(unit: str) -> str:
    """Return ``unit`` if valid ("segment" or "response"), else raise naming the setting."""
    if unit not in UNITS:
        raise ValueError(f"unit={unit!r}; use one of {UNITS} (study setting alignment.unit).")
    return unit


def content_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The segments that may count as evidence: ``kind == "content"`` (all when no ``kind``).

    >>> s = pd.DataFrame({"segment_id": ["a", "b"], "kind": ["content", "signature"]})
    >>> content_segments(s)["segment_id"].tolist()
    ['a']
    """
    if "kind" not in segments.columns:
        return segments
    return segments[segments["kind"].astype(str).isin(EVIDENCE_KINDS)]


def _bootstrap_counts(n: int, n_boot: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Chunks of (chunk × n) resampling counts: how often each unit is drawn.

    One resample is drawn at a time (the same numbers as drawing the chunk at once), so
    the chunk of counts is the only array of its size.

    >>> next(_bootstrap_counts(4, 2, np.random.default_rng(0))).sum(axis=1).tolist()
    [4.0, 4.0]
    """
    done = 0
    while done < n_boot:
        c = min(BOOT_CHUNK, n_boot - done)
        counts = np.empty((c, n))
        for row in counts:
            row[:] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        yield counts
        done += c


def _as_columns(num, den) -> tuple[np.ndarray, np.ndarray]:
    """``num`` and ``den`` as float arrays of shape (units, statistics); a 1-D ``den`` is shared."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    if num.ndim == 1:
        num = num[:, None]
    if den.ndim == 1:
        den = np.repeat(den[:, None], num.shape[1], axis=1)
    return num, den


def boot_ratio(num: np.ndarray, den: np.ndarray, *, n_boot: int = 1000, random_state: int | list[int] = 0,
               return_replicates: bool = False):
    """Ratio of sums ``num.sum(0) / den.sum(0)`` with a percentile bootstrap over rows.

    Rows are resampling units (responses); columns are statistics. Means are ratios
    with ``den`` = 1. Returns ``(value, ci_low, ci_high)`` arrays (and the replicates).

    >>> v, lo, hi = boot_ratio(np.array([[1.], [0.], [1.], [1.]]), np.ones((4, 1)), n_boot=200)
    >>> float(v[0]), bool(lo[0] <= v[0] <= hi[0])
    (0.75, True)
    """
    num, den = _as_columns(num, den)
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


def estimate(num: np.ndarray, den: np.ndarray, *, interval: str = "wilson", n_boot: int = 1000,
             random_state: int | list[int] = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio of sums over units with an interval by ``interval``; ``(value, ci_low, ci_high)``.

    For the score intervals the effective n of a column is the sum of its denominators
    (units for a mean, segments for a pooled share) and k = value × n.

    >>> v, lo, hi = estimate(np.array([[1.], [1.], [1.]]), np.ones((3, 1)), interval="jeffreys")
    >>> float(v[0]), round(float(lo[0]), 2), float(hi[0])
    (1.0, 0.46, 1.0)
    """
    if check_interval(interval) == "bootstrap":
        return boot_ratio(num, den, n_boot=n_boot, random_state=random_state)
    num, den = _as_columns(num, den)
    n = den.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num.sum(0) / n
    lo, hi = proportion_interval(np.nan_to_num(value) * n, n, interval)
    return value, lo, hi


def responses_frame(segments: pd.DataFrame, responses: pd.DataFrame | None) -> pd.DataFrame:
    """Responses that have segments: response_id, respondent_type, n_segments, unit info."""
    n_seg = segments.groupby(segments["response_id"].astype(str)).size().rename("n_segments")
    out = n_seg.reset_index()
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


def units(resp: pd.DataFrame, count_campaigns: str) -> tuple[np.ndarray, np.ndarray]:
    """Unit label and weight per response (weights sum to 1 within a campaign unit)."""
    check_campaigns(count_campaigns)
    rid = resp["response_id"].astype(str).to_numpy()
    if count_campaigns == "per_response":
        return rid, np.ones(len(resp))
    grp = resp["duplicate_group"].astype("string")
    unit = np.where(grp.isna().to_numpy(), "r:" + rid, "g:" + grp.fillna("").to_numpy().astype(str))
    sizes = pd.Series(unit).map(pd.Series(unit).value_counts()).to_numpy()
    return unit, 1.0 / sizes


def aggregate_units(unit: np.ndarray, weight: np.ndarray, num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum weighted rows of num/den by unit (order of first appearance)."""
    codes, uniq = pd.factorize(pd.Series(unit), sort=False)
    k = len(uniq)
    w = weight[:, None]
    if k == len(codes):  # every unit once (one response each): the sums are the rows themselves
        num_u, den_u = num * w, den * w
        num_u += 0.0  # as the sums onto zeros give it: -0.0 becomes 0.0
        den_u += 0.0
        return num_u, den_u
    num_u = np.zeros((k, num.shape[1]))
    den_u = np.zeros((k, den.shape[1]))
    np.add.at(num_u, codes, num * w)
    np.add.at(den_u, codes, den * w)
    return num_u, den_u


def priority_counts(sp: pd.DataFrame, segments: pd.DataFrame, resp: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Matrix responses × priorities: number of segments raising each priority.

    Rows follow ``resp``, columns ``ids``; rows of ``sp`` whose segment, response or
    priority is not among them are not counted.

    >>> sp = pd.DataFrame({"segment_id": ["a", "b", "b"], "priority_id": ["x", "x", "y"]})
    >>> seg = pd.DataFrame({"segment_id": ["a", "b"], "response_id": ["r1", "r1"]})
    >>> priority_counts(sp, seg, pd.DataFrame({"response_id": ["r1", "r2"]}), ["x", "y"]).tolist()
    [[2.0, 1.0], [0.0, 0.0]]
    """
    seg_resp = pd.Series(segments["response_id"].astype(str).to_numpy(),
                         index=segments["segment_id"].astype(str).to_numpy())
    seg_resp = seg_resp[~seg_resp.index.duplicated(keep="first")] if not seg_resp.index.is_unique else seg_resp
    rid = pd.Index(resp["response_id"].astype(str)).get_indexer(
        sp["segment_id"].astype(str).map(seg_resp).to_numpy())
    pid = pd.Index(list(ids)).get_indexer(sp["priority_id"].astype(str))
    keep = (rid >= 0) & (pid >= 0)
    cells = rid[keep] * len(ids) + pid[keep]
    return np.bincount(cells, minlength=len(resp) * len(ids)).reshape(len(resp), len(ids)).astype(float)


def groups(resp: pd.DataFrame, by: str | None) -> list[tuple[str, np.ndarray]]:
    """``[("all", mask), (group, mask), ...]`` over the responses, groups sorted."""
    out = [(ALL, np.ones(len(resp), dtype=bool))]
    if by:
        col = resp[by].astype(str) if by in resp else pd.Series("unknown", index=resp.index)
        for g in sorted(col.unique()):
            out.append((g, (col == g).to_numpy()))
    return out
