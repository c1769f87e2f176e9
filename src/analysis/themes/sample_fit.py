"""Large corpora: fit the NMF themes on a sample of documents, weigh the rest by transform.

Above :data:`FIT_SAMPLE_DOCUMENTS` documents (``ThemeModel(fit_sample=...)``) the NMF
backend fits its themes (and the stability resamples, and the SVD start) on a random
sample of that many documents; the vocabulary, document frequencies and term similarity
still come from every document. Every document then gets its weights from the fitted
themes (non-negative least squares with the themes fixed), and its fit with its main
theme from the themes' vectors of the sample fit (as the Dask path does with its sample).
The smoothed matrix is built chunk by chunk, so its dense-ish rows (hundreds of terms per
document after smoothing) never exist for the whole corpus at once.

At or below the threshold nothing changes: every document is fitted, as before.

>>> sample_rows(10, 4, random_state=0).tolist()
[1, 2, 4, 5]
>>> sample_rows(10, 20) is None
True
"""

from __future__ import annotations

import numbers

import numpy as np

#: Documents above which the NMF themes are fitted on a sample (the default of
#: ``ThemeModel(fit_sample=...)``; None fits every document).
FIT_SAMPLE_DOCUMENTS = 20_000

#: Documents smoothed and weighed at a time when the sample fit transforms the corpus.
CHUNK_DOCUMENTS = 8_192


def check_fit_sample(value) -> int | None:
    """``value`` if it is None or an int >= 2, else raise ``ValueError``.

    >>> check_fit_sample(20000), check_fit_sample(None)
    (20000, None)
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 2:
        raise ValueError(f"fit_sample={value!r}: give an int >= 2 (documents the NMF themes "
                         "are fitted on in a large corpus) or None to fit every document.")
    return int(value)


def sample_rows(n: int, size: int | None, random_state: int = 0) -> np.ndarray | None:
    """Sorted rows of a random sample of ``size`` of ``n`` documents, or None when all fit.

    >>> sample_rows(5, 2, random_state=1).tolist()
    [1, 4]
    """
    if size is None or n <= size:
        return None
    rng = np.random.default_rng([int(random_state), 20_000])
    return np.sort(rng.choice(n, size=int(size), replace=False))


def nmf_weights(Xs, H: np.ndarray, *, tol: float = 1e-4,
                max_iter: int = 400) -> np.ndarray:
    """Non-negative weights ``W`` minimising ``||Xs - W H||`` with the themes ``H`` fixed.

    The coordinate descent of scikit-learn's ``NMF.transform`` (same update, same start
    at 0, same stopping rule; :func:`analysis.linalg.cd_sweep`), but ``Xs Hᵀ`` is computed once instead of once per
    iteration: with ``H`` fixed it does not change. Float64.

    >>> import scipy.sparse as sp
    >>> H = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> nmf_weights(sp.csr_matrix([[2.0, 0.0], [0.0, 3.0]]), H).round(3).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    from analysis.linalg import cd_sweep

    Ht = np.ascontiguousarray(np.asarray(H, dtype=np.float64).T)
    HHt = Ht.T @ Ht
    XHt = np.ascontiguousarray(np.asarray(Xs @ Ht, dtype=np.float64))
    W = np.zeros((Xs.shape[0], Ht.shape[1]))
    violation_init = None
    for _ in range(max_iter):
        violation = cd_sweep(W, HHt, XHt)
        if violation_init is None:
            violation_init = violation
        if violation_init == 0 or violation / violation_init <= tol:
            break
    return W


def weigh_in_chunks(Xd, smooth, estimator, centroids: np.ndarray, *,
                    chunk: int = CHUNK_DOCUMENTS) -> tuple[np.ndarray, np.ndarray]:
    """Theme weights of every row of ``Xd`` and each row's fit with its main theme.

    ``smooth`` turns rows of ``Xd`` into the smoothed rows the themes were fitted on;
    ``centroids`` are the themes' unit vectors in that space (see
    :func:`analysis.themes.describe.theme_vectors`). Rows are handled ``chunk`` at a time.

    >>> import scipy.sparse as sp
    >>> from sklearn.decomposition import NMF
    >>> X = sp.csr_matrix(np.kron(np.eye(2), np.ones((3, 2))))
    >>> est = NMF(2, init="nndsvda", random_state=0).fit(X)
    >>> W, fit = weigh_in_chunks(X, lambda M: M, est, np.eye(2, 4), chunk=4)
    >>> W.shape, fit.shape
    ((6, 2), (6,))
    """
    from analysis.themes.describe import main_theme_fit

    n = Xd.shape[0]
    W = np.zeros((n, estimator.components_.shape[0]))
    fit = np.zeros(n)
    for a in range(0, n, chunk):
        Xs = smooth(Xd[a:a + chunk])
        W[a:a + chunk] = nmf_weights(Xs, estimator.components_, tol=estimator.tol,
                                     max_iter=estimator.max_iter)
        fit[a:a + chunk] = main_theme_fit(W[a:a + chunk], Xs, centroids)
    return W, fit
