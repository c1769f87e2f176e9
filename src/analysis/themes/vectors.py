"""Building blocks on term vectors: similarity, smoothing, coherence, matching, labels.

Each works on plain numpy/scipy arrays and is usable on its own.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np
import scipy.sparse as sp



BACKENDS = ("nmf", "kmeans", "lda", "embeddings")
# Redaction placeholders ("[NAVN]", "[ADRESSE]", …) are never a theme.
PLACEHOLDER_WORDS = ("navn", "adresse", "email", "tlf", "cpr", "name", "address", "phone",
                     "telefon", "anschrift", "http", "https", "www", "dk", "com", "org", "pdf")
_PLACEHOLDER_RE = re.compile(r"\[(?:NAVN|ADRESSE|EMAIL|TLF|CPR)\]")
THEME_COLUMNS = ["theme_id", "label", "top_terms", "size", "share", "coherence", "stability",
                 "seed"]



# ---------------------------------------------------------------------------
# Building blocks (each usable on its own)
# ---------------------------------------------------------------------------

def term_similarity(X, *, max_neighbors: int | None = None) -> sp.csr_matrix:
    """Cosine similarity of the term columns of ``X`` (terms × terms, sparse).

    Two terms are similar when they occur in the same segments. With ``max_neighbors``
    only that many most similar terms are kept per term (besides itself), which bounds
    memory on very large vocabularies.

    >>> X = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    >>> term_similarity(X).toarray().round(2).tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    from analysis.linalg import normalize_rows

    Xn = normalize_rows(sp.csr_matrix(X, dtype=np.float64), axis=0)
    S = (Xn.T @ Xn).tocsr()
    if max_neighbors is not None and S.shape[0] > 0:
        S.sort_indices()
        rows, cols, vals = [], [], []
        for i in range(S.shape[0]):
            lo, hi = S.indptr[i], S.indptr[i + 1]
            idx, v = S.indices[lo:hi], S.data[lo:hi]
            if len(v) > max_neighbors + 1:
                keep = np.argsort(-v, kind="stable")[: max_neighbors + 1]
                idx, v = idx[keep], v[keep]
            rows.append(np.full(len(idx), i))
            cols.append(idx)
            vals.append(v)
        S = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=S.shape)
    return S


def smooth_terms(X, S, smoothing: float = 1.0, max_terms: int | None = None) -> sp.csr_matrix:
    """``normalize(x + smoothing · x·S)`` row by row: add co-occurring terms to each segment.

    With ``max_terms`` only the strongest terms of each smoothed row are kept (less noise,
    faster fits).

    >>> X = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0]]))
    >>> smooth_terms(X, term_similarity(X), 0.0).toarray().round(3).tolist()
    [[1.0, 0.0], [0.707, 0.707]]
    """
    from analysis.linalg import normalize_rows

    X = sp.csr_matrix(X, dtype=np.float64)
    out = sp.csr_matrix(X + smoothing * (X @ S)) if smoothing else X
    if max_terms is not None and smoothing:
        out = _top_per_row(out, max_terms)
    return normalize_rows(out)


def _top_per_row(X: sp.csr_matrix, t: int) -> sp.csr_matrix:
    """Keep the ``t`` largest entries of each row (ties: lower column first); vectorised."""
    X = sp.csr_matrix(X)
    X.sort_indices()
    lengths = np.diff(X.indptr)
    if X.nnz == 0 or lengths.max() <= t:
        return X
    rows = np.repeat(np.arange(X.shape[0], dtype=np.int64), lengths)
    # Rank of each entry by value (descending; a stable sort keeps the lower column first
    # among ties, since columns ascend within a row), then order by row, then that rank.
    by_value = np.empty(X.nnz, dtype=np.int64)
    by_value[np.argsort(-X.data, kind="stable")] = np.arange(X.nnz)
    order = np.argsort(rows * X.nnz + by_value, kind="stable")
    rank = np.arange(X.nnz) - np.repeat(X.indptr[:-1], lengths)
    keep = np.zeros(X.nnz, dtype=bool)
    keep[order[rank < t]] = True
    ptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=X.shape[0]))])
    return sp.csr_matrix((X.data[keep], X.indices[keep], ptr), shape=X.shape)


def npmi_coherence(binary, top_terms: Sequence[Sequence[int]],
                   feature_names: Sequence[str] | None = None) -> np.ndarray:
    """Mean NPMI of the pairs of each theme's top terms, counted over segments.

    ``binary`` is a segments × terms matrix (non-zero = the term occurs). A pair that
    never co-occurs scores -1; pairs where one term is part of the other (a multi-word
    term and its own word) are left out. Values lie in [-1, 1]; higher is more coherent.

    >>> B = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]]))
    >>> npmi_coherence(B, [[0, 1], [0, 2]]).round(2).tolist()
    [1.0, -1.0]
    """
    B = sp.csc_matrix(binary, dtype=np.float64)
    B.data[:] = 1.0
    n = max(B.shape[0], 1)
    out = []
    for idx in top_terms:
        idx = list(idx)
        if len(idx) < 2:
            out.append(np.nan)
            continue
        sub = B[:, idx]
        co = (sub.T @ sub).toarray() / n
        p = np.diag(co)
        scores = []
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                if feature_names is not None:
                    wa, wb = set(feature_names[idx[a]].split(" ")), set(feature_names[idx[b]].split(" "))
                    if wa <= wb or wb <= wa:
                        continue
                pab = co[a, b]
                if pab <= 0:
                    scores.append(-1.0)
                elif pab >= 1.0:
                    scores.append(1.0)
                else:
                    scores.append(math.log(pab / (p[a] * p[b])) / -math.log(pab))
        out.append(float(np.mean(scores)) if scores else np.nan)
    return np.asarray(out, dtype=float)


def match_themes(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hungarian matching of the rows of ``A`` to the rows of ``B`` by cosine similarity.

    Returns ``(rows_of_A, rows_of_B, similarity)`` of the matched pairs.

    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> match_themes(A, A[::-1])[1].tolist()
    [1, 0]
    """
    from analysis.linalg import linear_sum_assignment, normalize_rows

    sim = normalize_rows(np.asarray(A, dtype=float)) @ normalize_rows(np.asarray(B, dtype=float)).T
    r, c = linear_sum_assignment(-sim)
    return r, c, sim[r, c]


def _soft_assign(Z: np.ndarray, centers: np.ndarray, temperature: float = 0.05) -> np.ndarray:
    """Soft theme weights from squared distances to k-means centres.

    ``softmax(-d² / (2·temperature))``: the largest weight is always the k-means cluster;
    for unit vectors ``d²/2`` is one minus the cosine, so ``temperature`` is on the
    cosine scale.
    """
    d2 = ((Z[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    sims = -d2 / 2
    sims = (sims - sims.max(axis=1, keepdims=True)) / temperature
    w = np.exp(sims)
    return w / w.sum(axis=1, keepdims=True)


def _row_normalize(W: np.ndarray) -> np.ndarray:
    W = np.clip(np.asarray(W, dtype=float), 0, None)
    s = W.sum(axis=1, keepdims=True)
    return np.divide(W, s, out=np.zeros_like(W), where=s > 0)


def _term_vectors(W: np.ndarray, X) -> np.ndarray:
    """Theme × term matrix: mean TF-IDF of segments weighted by their theme weight."""
    Wn = _row_normalize(W)
    C = np.asarray((sp.csr_matrix(X).T @ Wn).T)
    tot = Wn.sum(axis=0)[:, None]
    return np.divide(C, tot, out=np.zeros_like(C), where=tot > 0)


def label_from_terms(terms: Sequence[str], n: int = 3) -> str:
    """A short label from ranked terms: a multi-word term first, no word said twice.

    >>> label_from_terms(["kontrol", "social", "social kontrol", "job", "uddannelse"])
    'social kontrol · job · uddannelse'
    """
    ranked = list(terms)
    multi = [t for t in ranked[:6] if " " in t][:1]
    chosen: list[str] = []
    used: set[str] = set()
    for t in multi + ranked:
        words = set(t.split(" "))
        if t in chosen or words <= used:
            continue
        if any(set(c.split(" ")) <= words or words <= set(c.split(" ")) for c in chosen):
            continue
        chosen.append(t)
        used |= words
        if len(chosen) == n:
            break
    return " · ".join(chosen)


def k_bounds(n_segments: int, k_max: int = 12) -> tuple[int, int]:
    """Smallest and largest number of themes the data can support: 2 … max(2, n // 3).

    >>> k_bounds(15), k_bounds(780)
    ((2, 5), (2, 12))
    """
    return 2, max(2, min(k_max, n_segments // 3))
