"""Confidence intervals that behave at every n: Wilson, Jeffreys and the bootstrap.

One parameter, ``interval``, chooses the method everywhere in the alignment tables
(study setting ``alignment.interval``):

- ``"wilson"`` (default): the Wilson score interval. At n = 1 a share of 1 gets about
  [0.21, 1], never the collapsed [1, 1] of a percentile bootstrap.
- ``"jeffreys"``: the equal-tailed Jeffreys interval, quantiles of Beta(k + ½, n − k + ½),
  with the usual boundary fix (lower bound 0 at k = 0, upper bound 1 at k = n).
- ``"bootstrap"``: the percentile bootstrap over responses (campaign-aware); honest for
  large groups only, and it collapses when every response agrees.

Means of values in [0, 1] (e.g. the mean share of a response's segments) get the same
score interval with the group's n: a variable in [0, 1] with mean μ has variance at most
μ(1 − μ), so treating the mean as a proportion of n is conservative and never collapses.

Groups smaller than ``min_group_n`` responses are flagged ``small_group`` in every
table (and hatched in the figures); read their values as anecdotes.

>>> lo, hi = proportion_interval(1, 1)
>>> round(float(lo[0]), 2), float(hi[0])
(0.21, 1.0)
"""

from __future__ import annotations

import numpy as np
from scipy import stats

INTERVALS = ("wilson", "jeffreys", "bootstrap")
LEVEL = 0.95
MIN_GROUP_N = 5


def check_interval(interval: str) -> str:
    """Return ``interval`` if it names a method, else raise a clear error.

    >>> check_interval("jeffreys")
    'jeffreys'
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval={interval!r}; use one of {INTERVALS} (study setting alignment.interval).")
    return interval


def wilson(k, n, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``k`` successes in ``n`` trials (arrays broadcast; n = 0 gives NaN).

    >>> lo, hi = wilson(7, 7)
    >>> round(float(lo), 3), float(hi)
    (0.646, 1.0)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, k / n, np.nan)
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(np.clip(p * (1 - p) / n + z * z / (4 * n * n), 0, None)) / denom
        lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    lo = np.where(k <= 0, np.where(n > 0, 0.0, np.nan), lo)  # exact ends (rounding)
    hi = np.where((k >= n) & (n > 0), 1.0, hi)
    return lo, hi


def jeffreys(k, n, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval of ``k`` successes in ``n`` trials (arrays broadcast; n = 0 gives NaN).

    >>> lo, hi = jeffreys(1, 1)
    >>> round(float(lo), 2), float(hi)
    (0.15, 1.0)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    a = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo = stats.beta.ppf(a, k + 0.5, np.maximum(n - k, 0) + 0.5)
        hi = stats.beta.ppf(1 - a, k + 0.5, np.maximum(n - k, 0) + 0.5)
    lo = np.where(k <= 0, 0.0, lo)
    hi = np.where(k >= n, 1.0, hi)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def proportion_interval(k, n, method: str = "wilson", level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Interval of the proportion ``k / n`` by ``method`` ("wilson" or "jeffreys").

    ``k`` may be fractional (weighted counts, e.g. a mean of shares times n). Returns
    ``(ci_low, ci_high)`` as 1-d arrays.

    >>> [round(float(v), 3) for v in np.concatenate(proportion_interval([0, 5], [10, 10]))]
    [0.0, 0.237, 0.278, 0.763]
    """
    k = np.atleast_1d(np.asarray(k, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if check_interval(method) == "wilson":
        return wilson(k, n, level)
    if method == "jeffreys":
        return jeffreys(k, n, level)
    raise ValueError("proportion_interval: the bootstrap needs the data; use boot_ratio for it.")


def coverage(method: str, ns, ps, *, n_sim: int = 4000, level: float = LEVEL, random_state: int = 0) -> np.ndarray:
    """Simulated coverage of ``method`` on a grid: array ``len(ns) × len(ps)``.

    Draws ``n_sim`` binomial counts per cell at once (vectorised) and returns the share
    of intervals that contain the true p.

    >>> c = coverage("wilson", [10], [0.5], n_sim=2000)
    >>> bool(c[0, 0] > 0.9)
    True
    """
    rng = np.random.default_rng(random_state)
    ns = np.asarray(ns, dtype=float)[:, None, None]
    ps = np.asarray(ps, dtype=float)[None, :, None]
    k = rng.binomial(ns.astype(int), ps, size=(ns.shape[0], ps.shape[1], n_sim))
    lo, hi = proportion_interval(k.ravel(), np.broadcast_to(ns, k.shape).ravel(), method, level)
    lo, hi = lo.reshape(k.shape), hi.reshape(k.shape)
    return ((lo <= ps) & (ps <= hi)).mean(axis=2)


def small_group(n, min_group_n: int = MIN_GROUP_N) -> np.ndarray:
    """True where a group has fewer than ``min_group_n`` units.

    >>> small_group([1, 5, 40], 5).tolist()
    [True, False, False]
    """
    return np.asarray(n, dtype=float) < int(min_group_n)
