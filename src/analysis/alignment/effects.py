"""Group effects with covariates: how respondent type and other metadata shift a priority.

Like stm's ``estimateEffect``, every effect comes with uncertainty. For each priority,
its presence in a response (raised at least once: 0/1) is modelled by logistic
regression on the respondent type (treatment coding against a reference type, by
default the largest) and other response metadata (numeric columns as given, other
columns as categories; by default the log number of content segments, since longer
responses raise more priorities). The fit is Firth's penalised likelihood, which
keeps estimates finite when a group raises a priority always or never (separation,
common in small consultations); intervals are Wald intervals from the penalised
information. Estimates are log odds ratios.

>>> rng = np.random.default_rng(0)
>>> X = np.column_stack([np.ones(200), rng.normal(size=200)])
>>> y = (rng.random(200) < 1 / (1 + np.exp(-(0.5 + 1.0 * X[:, 1])))).astype(float)
>>> beta, cov = firth_logit(X, y)
>>> bool(abs(beta[1] - 1.0) < 0.4)
True
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.alignment.codebook import Codebook
from analysis.alignment.resampling import priority_counts, responses_frame

COLUMNS = ["priority_id", "term", "estimate", "value", "std_error", "ci_low", "ci_high", "p_value", "n", "count",
           "reference", "model"]
LENGTH_TERM = "log_segments"


def firth_logit(X: np.ndarray, y: np.ndarray, *, max_iter: int = 100, tol: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """Firth-penalised logistic regression: ``(coefficients, covariance)``.

    ``X`` includes the intercept column. Newton steps on the modified score
    ``X'(y − p + h(½ − p))`` (``h`` the hat values), halved while the penalised
    log-likelihood falls.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    beta = np.zeros(X.shape[1])

    def penalised(b):
        eta = X @ b
        p = 1 / (1 + np.exp(-eta))
        w = p * (1 - p)
        info = X.T @ (X * w[:, None])
        sign, logdet = np.linalg.slogdet(info)
        ll = float(np.sum(y * eta - np.logaddexp(0, eta)))
        return ll + 0.5 * logdet if sign > 0 else -np.inf, p, w, info

    cur, p, w, info = penalised(beta)
    for _ in range(max_iter):
        inv = np.linalg.pinv(info)
        h = np.einsum("ij,jk,ik->i", X * np.sqrt(w)[:, None], inv, X * np.sqrt(w)[:, None])
        step = inv @ (X.T @ (y - p + h * (0.5 - p)))
        t = 1.0
        while True:
            new, p2, w2, info2 = penalised(beta + t * step)
            if new >= cur - 1e-12 or t < 1e-4:
                break
            t /= 2
        beta = beta + t * step
        done = np.max(np.abs(t * step)) < tol
        cur, p, w, info = new, p2, w2, info2
        if done:
            break
    return beta, np.linalg.pinv(info)


def design(resp: pd.DataFrame, by: str = "respondent_type", covariates: Sequence[str] = (LENGTH_TERM,),
           reference: str | None = None) -> tuple[np.ndarray, list[str], str | None]:
    """Design matrix (intercept, ``by`` dummies, covariates), term names and the reference level."""
    cols = [np.ones(len(resp))]
    names = ["(intercept)"]
    ref = None
    if by in resp.columns and resp[by].nunique() > 1:
        levels = resp[by].astype(str)
        counts = levels.value_counts()
        ref = reference if reference in counts.index else sorted(counts.index, key=lambda g: (-counts[g], g))[0]
        for g in sorted(counts.index):
            if g != ref:
                cols.append((levels == g).to_numpy(dtype=float))
                names.append(f"{by}={g}")
    for c in covariates:
        if c == LENGTH_TERM:
            cols.append(np.log(resp["n_segments"].to_numpy(dtype=float)))
            names.append(LENGTH_TERM)
        elif c in resp.columns and pd.api.types.is_numeric_dtype(resp[c]):
            cols.append(resp[c].astype(float).fillna(resp[c].astype(float).mean()).to_numpy())
            names.append(c)
        elif c in resp.columns:
            levels = resp[c].astype("string").fillna("unknown").astype(str)
            base = levels.value_counts().index[0]
            for g in sorted(set(levels) - {base}):
                cols.append((levels == g).to_numpy(dtype=float))
                names.append(f"{c}={g}")
        else:
            raise KeyError(f"effects: covariate {c!r} is not a column of responses; it has {list(resp.columns)}.")
    X = np.column_stack(cols)
    keep = [0] + [j for j in range(1, X.shape[1]) if np.ptp(X[:, j]) > 0]  # drop constant columns
    return X[:, keep], [names[j] for j in keep], ref


def priority_effects(segment_priorities: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                     responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
                     covariates: Sequence[str] = (LENGTH_TERM,), reference: str | None = None,
                     level: float = 0.95) -> pd.DataFrame:
    """Tidy effects table: one row per priority × model term (log odds ratios).

    Columns: priority_id, term, estimate (= value, the data contract's name), std_error, ci_low, ci_high, p_value, n
    (responses in the model), count (responses raising the priority), reference (the
    reference level of ``by``), model. A priority no response or every response
    raises, or too few responses for the terms, gives no rows.

    >>> from analysis.alignment.codebook import Priority
    >>> cb = Codebook((Priority("p", "P", ()),), "1")
    >>> seg = pd.DataFrame({"segment_id": list("abcd"), "response_id": list("wxyz"), "text": list("abcd")})
    >>> resp = pd.DataFrame({"response_id": list("wxyz"), "respondent_type": ["citizen"] * 2 + ["organisation"] * 2})
    >>> sp = pd.DataFrame({"segment_id": ["a", "c", "d"], "priority_id": ["p"] * 3})
    >>> priority_effects(sp, seg, cb, resp)["term"].tolist()
    ['(intercept)', 'respondent_type=organisation']
    """
    resp = responses_frame(segments, responses)
    if responses is not None:
        extra = [c for c in covariates if c in responses.columns and c not in resp.columns]
        if extra:
            meta = responses[["response_id", *extra]].assign(response_id=responses["response_id"].astype(str))
            resp = resp.merge(meta, on="response_id", how="left")
    if not len(resp):
        return pd.DataFrame(columns=COLUMNS)
    X, names, ref = design(resp, by, covariates, reference)
    counts = priority_counts(segment_priorities, segments, resp, codebook.ids)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for j, pid in enumerate(codebook.ids):
        y = (counts[:, j] > 0).astype(float)
        if y.sum() == 0 or y.sum() == len(y) or len(y) <= X.shape[1]:
            continue
        beta, cov = firth_logit(X, y)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        pval = 2 * stats.norm.sf(np.abs(beta / np.where(se > 0, se, np.nan)))
        for k, term in enumerate(names):
            rows.append((pid, term, beta[k], beta[k], se[k], beta[k] - z * se[k], beta[k] + z * se[k], pval[k], len(y),
                         int(y.sum()), ref or "", "logistic (Firth), presence in response"))
    return pd.DataFrame(rows, columns=COLUMNS)
