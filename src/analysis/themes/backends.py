"""The backend fits behind :class:`analysis.themes.ThemeModel`: NMF, k-means, LDA, embeddings.

Each backend turns the prepared matrices of one corpus (:func:`prepare`) into document ×
theme weights for a given number of themes (:func:`fit_backend`), and new documents into
weights with the fitted estimator (:func:`transform_backend`). A new backend is one entry
in :data:`BACKENDS` plus a branch in each of these three functions.

>>> import scipy.sparse as sp
>>> X = sp.csr_matrix(np.eye(4))
>>> data = prepare("nmf", X, X)
>>> W, est = fit_backend("nmf", data, None, 2, seed=0)
>>> W.shape
(4, 2)
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Sequence

import numpy as np

from analysis.themes.nmf import SmoothedRows, as_rows, fit_coordinate_descent, nmf_estimator
from analysis.themes.vectors import BACKENDS, _soft_assign

__all__ = ["BACKENDS", "prepare", "fit_backend", "transform_backend", "seed_vectors", "nndsvda",
           "whitening", "embedding_space", "end_fitting"]


def prepare(backend: str, X, Xs, *, texts: Sequence[str] = (), features=None,
            random_state: int = 0, cache_dir: str | os.PathLike | None = None,
            factors: SmoothedRows | None = None) -> dict[str, Any]:
    """Matrices a backend needs, computed once per fit.

    Parameters
    ----------
    backend : str
        One of :data:`BACKENDS`.
    X, Xs : sparse matrices
        TF-IDF and smoothed TF-IDF (documents × terms).
    texts : sequence of str
        The documents (LDA counts, embeddings).
    features : TermFeatures, optional
        The fitted term features (LDA counts).
    random_state : int
    cache_dir : path, optional
        Embedding cache.
    factors : SmoothedRows, optional
        ``Xs`` as its factors (:func:`analysis.themes.nmf.smoothed_rows`): the NMF fits
        and their SVD start use them.

    Returns
    -------
    dict
        ``X``, ``Xs`` and, per backend, ``Z`` (SVD of ``Xs``, with ``svd``), ``counts``
        (LDA, with ``counter``), ``H`` (whitened embeddings joined with ``Z``, see
        :func:`embedding_space`; with ``embedding_mean`` and ``embedding_pca``).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> sorted(prepare("nmf", sp.eye(3, format="csr"), sp.eye(3, format="csr")))
    ['X', 'Xs']
    """
    data: dict[str, Any] = {"X": X, "Xs": Xs}
    if factors is not None:
        data["Xs_rows"] = factors
    if backend == "nmf":
        return data
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n, v = Xs.shape
    if backend in ("kmeans", "embeddings"):
        nc = max(1, min(50 if backend == "embeddings" else 100, v - 1, n - 1))
        svd = (TruncatedSVD(nc, algorithm="arpack", random_state=random_state)
               if nc < min(n, v) else None)
        data["Z"] = normalize(svd.fit_transform(Xs)) if svd is not None else normalize(Xs.toarray())
        data["svd_model"] = svd
    if backend == "lda":
        from sklearn.feature_extraction.text import CountVectorizer

        counter = CountVectorizer(analyzer=_identity, vocabulary=features.vocabulary_)
        data["counter"] = counter
        data["counts"] = counter.transform(features.analyze(texts))
    if backend == "embeddings":
        from sklearn.neighbors import NearestNeighbors

        from analysis.themes.embeddings import embed_texts

        E = embed_texts(texts, cache_dir=cache_dir)
        data["embedding_mean"] = E.mean(axis=0)
        data["embedding_pca"] = whitening(E - data["embedding_mean"], random_state=random_state)
        H = embedding_space(E, data["Z"], data)
        nn = min(5, n - 1)
        if nn >= 1:
            ind = NearestNeighbors(n_neighbors=nn).fit(H).kneighbors(H, return_distance=False)
            H = normalize(H + H[ind].mean(axis=1))
        data["H"] = H
    return data


#: Dimensions kept by the whitening of the sentence embeddings (at most).
WHITENED_DIMENSIONS = 50

#: Weight of the TF-IDF (SVD) part beside the whitened embeddings in the embeddings backend.
TFIDF_WEIGHT = 0.3


def whitening(Ec: np.ndarray, *, random_state: int = 0):
    """PCA of centred embeddings that rescales each kept axis to unit variance.

    Sentence embeddings are anisotropic: a few directions (length, register, language)
    carry most of the variance and dominate cosine distances; whitening gives the many
    topical directions an equal say before clustering. Returns None when there are too few
    documents to whiten.

    >>> rng = np.random.RandomState(0)
    >>> whitening(rng.randn(20, 8)).n_components_
    8
    """
    from sklearn.decomposition import PCA

    d = min(WHITENED_DIMENSIONS, Ec.shape[0] - 1, Ec.shape[1])
    if d < 2:
        return None
    return PCA(d, whiten=True, svd_solver="full", random_state=random_state).fit(Ec)


def embedding_space(E: np.ndarray, Z: np.ndarray, data: dict[str, Any]) -> np.ndarray:
    """Unit rows ``[whitened embeddings, TFIDF_WEIGHT · Z]`` the embeddings backend clusters.

    >>> rng = np.random.RandomState(0)
    >>> E, Z = rng.randn(20, 8), rng.rand(20, 3)
    >>> d = {"embedding_mean": E.mean(axis=0), "embedding_pca": whitening(E - E.mean(axis=0))}
    >>> np.allclose(np.linalg.norm(embedding_space(E, Z, d), axis=1), 1)
    True
    """
    from sklearn.preprocessing import normalize

    Ec = np.asarray(E, dtype=float) - data["embedding_mean"]
    pca = data.get("embedding_pca")
    Ew = normalize(pca.transform(Ec) if pca is not None else Ec)
    return normalize(np.hstack([Ew, TFIDF_WEIGHT * np.asarray(Z)]))


def seed_vectors(seed_terms, features, n_terms: int) -> tuple[np.ndarray, list[str]]:
    """One start vector over the terms per ``seed_terms`` entry found in the vocabulary.

    Parameters
    ----------
    seed_terms : mapping of id to sequence of str, or None
    features : fitted TermFeatures
    n_terms : int

    Returns
    -------
    (array of shape (n_seeds, n_terms), list of seed ids)

    Examples
    --------
    >>> seed_vectors(None, None, 3)[0].shape
    (0, 3)
    """
    if not seed_terms:
        return np.zeros((0, n_terms)), []
    vocab = features.vocabulary_
    rows, ids = [], []
    for sid, terms in seed_terms.items():
        found = set()
        for analysed in features.analyze([str(t) for t in terms]):
            found |= {vocab[t] for t in analysed if t in vocab}
        if not found:
            warnings.warn(f"Seed {sid!r}: none of its terms {list(terms)[:5]} occurs in the "
                          "segments' vocabulary; no theme is seeded for it.", UserWarning,
                          stacklevel=5)
            continue
        row = np.zeros(n_terms)
        row[sorted(found)] = 1.0
        rows.append(row)
        ids.append(str(sid))
    return (np.vstack(rows) if rows else np.zeros((0, n_terms))), ids


def fit_backend(backend: str, data: dict[str, Any], idx: np.ndarray | None, k: int, *,
                seed: int, max_iter: int = 400, seeds: np.ndarray | None = None,
                random_state: int = 0):
    """Fit ``backend`` with ``k`` themes on rows ``idx`` of ``data`` (all rows if None).

    Parameters
    ----------
    backend : str
    data : dict from :func:`prepare`
    idx : array of int or None
        Rows to fit on (a resample), or None for all.
    k : int
    seed : int
        Seed of this fit.
    max_iter : int
    seeds : array, optional
        Seed term vectors (NMF only; from :func:`seed_vectors`).
    random_state : int
        Seed of the shared SVD start.

    Returns
    -------
    (W, estimator)
        Document × theme weights of the rows fitted, and the fitted estimator.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix(np.eye(4))
    >>> fit_backend("kmeans", prepare("kmeans", X, X), None, 2, seed=0)[0].shape
    (4, 2)
    """
    # scikit-learn is imported only by the fits that use it (the default NMF fit does
    # not: its import costs ~2 s of a themes run).
    sel = (lambda M: M) if idx is None else (lambda M: M[idx])
    if backend == "nmf":
        if seeds is not None and len(seeds):
            from sklearn.decomposition import NMF
            from sklearn.exceptions import ConvergenceWarning

            Xs = sel(data["Xs"])
            est = NMF(k, init="custom", random_state=seed, max_iter=max_iter)
            free = k - len(seeds)
            H0 = NMF(free, init="nndsvda", random_state=seed, max_iter=50).fit(Xs).components_
            scale = float(H0.max()) if H0.size and H0.max() > 0 else 1.0
            H = np.vstack([seeds * scale + 1e-3 * scale, H0])
            W0 = np.asarray(Xs @ H.T) / np.maximum((H * H).sum(axis=1), 1e-12)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                W = est.fit_transform(Xs, W=np.maximum(W0, 1e-6), H=H)
            return W, est
        # NNDSVDa start from one SVD of all documents (computed once per fit); a resample
        # starts from its rows of it. The products go through the factors of the smoothed
        # matrix (see analysis.themes.nmf): float64 and a tenth of the cost.
        W0, H0 = nndsvda(data, k, random_state=random_state)
        M = smoothed(data)
        if idx is not None:
            W0, M = W0[idx], M.rows(idx)
        iters = max_iter if idx is None else min(max_iter, 100)
        tol = 1e-4 if idx is None else 1e-3
        W, H, n_iter = fit_coordinate_descent(M, W0, H0, tol=tol, max_iter=iters)
        return W, nmf_estimator(H, tol=tol, max_iter=iters, n_iter=n_iter, seed=seed)
    if backend == "lda":
        from sklearn.decomposition import LatentDirichletAllocation

        est = LatentDirichletAllocation(k, learning_method="batch",
                                        max_iter=min(max_iter, 20 if idx is None else 10),
                                        random_state=seed)
        C = sel(data["counts"])
        W = est.fit_transform(C)
        W[np.asarray(C.sum(axis=1)).ravel() == 0] = 0
        return W, est
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r} is not supported; use one of {BACKENDS}")
    from sklearn.cluster import KMeans

    Z = sel(data["H"] if backend == "embeddings" else data["Z"])
    est = KMeans(k, n_init=10 if idx is None else 3, random_state=seed)
    est.fit(Z)
    W = _soft_assign(Z, est.cluster_centers_)
    W[np.linalg.norm(Z, axis=1) == 0] = 0
    return W, est


def transform_backend(backend: str, estimator, data: dict[str, Any], Xn, Xs, texts: Sequence[str],
                      *, features=None, cache_dir=None) -> np.ndarray:
    """Theme weights of new documents with a fitted backend ``estimator``.

    Parameters
    ----------
    backend : str
    estimator : the fitted estimator from :func:`fit_backend`
    data : dict from :func:`prepare` (for the SVD, counter and embedding mean)
    Xn, Xs : sparse matrices of the new documents (TF-IDF, smoothed)
    texts : the new documents
    features : fitted TermFeatures (LDA)
    cache_dir : embedding cache

    Returns
    -------
    ndarray of shape (n_documents, k), not normalised

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix(np.eye(4))
    >>> d = prepare("nmf", X, X)
    >>> W, est = fit_backend("nmf", d, None, 2, seed=0)
    >>> transform_backend("nmf", est, d, X, X, [""] * 4).shape
    (4, 2)
    """
    if backend == "nmf":
        dtype = estimator.components_.dtype
        return estimator.transform(Xs.astype(dtype, copy=False)).astype(np.float64)
    if backend == "lda":
        C = data["counter"].transform(features.analyze(texts))
        W = estimator.transform(C)
        W[np.asarray(C.sum(axis=1)).ravel() == 0] = 0
        return W
    from sklearn.preprocessing import normalize

    svd = data.get("svd_model")
    Z = normalize(svd.transform(Xs)) if svd is not None else normalize(Xs.toarray())
    if backend == "embeddings":
        from analysis.themes.embeddings import embed_texts

        Z = embedding_space(embed_texts(texts, cache_dir=cache_dir), Z, data)
    W = _soft_assign(Z, estimator.cluster_centers_)
    W[np.asarray(Xn.sum(axis=1)).ravel() == 0] = 0
    return W


def nndsvda(data: dict[str, Any], k: int, *, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """NNDSVDa initial ``W``, ``H`` for ``k`` themes from a cached truncated SVD of ``Xs``.

    The SVD is computed once for the largest k of a scan (``data["k_max"]``) and reused.

    Parameters
    ----------
    data : dict from :func:`prepare` (``svd`` is cached in it)
    k : int
    random_state : int

    Returns
    -------
    (W, H)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> W, H = nndsvda({"Xs": sp.csr_matrix(np.eye(3))}, 2)
    >>> W.shape, H.shape
    ((3, 2), (2, 3))
    """
    from analysis.linalg import randomized_svd

    Xs = smoothed(data)
    need = min(k, min(Xs.shape))
    if data.get("svd") is None or data["svd"][1].shape[0] < need:
        kmax = min(max(need, int(data.get("k_max", need))), min(Xs.shape))
        data["svd"] = randomized_svd(data["Xs"], kmax, random_state=random_state)  # the explicit matrix
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
    if data.get("Xs_mean") is None:  # a sparse mean costs a pass over Xs: once per scan
        data["Xs_mean"] = float(Xs.mean())
    avg = data["Xs_mean"]
    W[W == 0] = avg
    H[H == 0] = avg
    return W, H


def smoothed(data: dict[str, Any]) -> SmoothedRows:
    """``data["Xs"]`` as :class:`~analysis.themes.nmf.SmoothedRows` (its factors when
    :func:`prepare` was given them), kept in ``data`` until :func:`end_fitting`.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> smoothed({"Xs": sp.csr_matrix(np.eye(2))}).shape
    (2, 2)
    """
    if data.get("Xs_rows") is None:
        data["Xs_rows"] = as_rows(data["Xs"])
    return data["Xs_rows"]


def end_fitting(data: dict[str, Any]) -> None:
    """Drop what only the fits need (the factors of ``Xs``): a fitted model keeps
    ``data`` for transforms, and ships it to every Dask worker.

    >>> import scipy.sparse as sp
    >>> d = {"Xs": sp.csr_matrix(np.eye(2))}
    >>> _ = smoothed(d); end_fitting(d); sorted(d)
    ['Xs']
    """
    data.pop("Xs_rows", None)


def _identity(doc):
    return doc
