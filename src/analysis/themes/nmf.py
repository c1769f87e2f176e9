"""NMF on the smoothed TF-IDF without its dense-ish product: factors, solver, SVD start.

The smoothed matrix is ``Xs = diag(scale) · X · A`` with ``A = I + smoothing · S``
(:func:`~analysis.themes.vectors.smooth_terms`): X is the sparse TF-IDF (a few terms per
document), S the sparse term similarity. Xs itself holds hundreds of terms per document
(18 % of its cells on the austria-climate comments), so every ``Xs · B`` streams it;
through the factors ``scale · (X · (A · B))`` the same product costs a tenth. The
coordinate-descent fit (:func:`fit_coordinate_descent`) is scikit-learn's
``_fit_coordinate_descent`` (same update, same start, same stopping rule) with these
products, in float64. (The SVD start is scikit-learn's ``randomized_svd`` (:func:`analysis.linalg.randomized_svd`) of the
explicit matrix: its transposed route for wide corpora gives the starts the themes were
tuned on; an own range finder cost 0.026 NMI on scoop-hivemind.)

>>> import scipy.sparse as sp
>>> X = sp.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]))
>>> S = sp.csr_matrix(np.eye(3))
>>> M = smoothed_rows(X, S, 1.0, Xs=sp.csr_matrix(X @ (np.eye(3) + S)))
>>> np.allclose(M.dot(np.eye(3)), M.toarray())
True
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.estimator import Estimator


class SmoothedRows:
    """The matrix ``diag(scale) · X · A`` (or a plain sparse matrix) kept as its factors.

    Parameters
    ----------
    X : csr matrix (documents × terms)
    A : csr matrix (terms × terms) or None
        None: the matrix is ``diag(scale) · X``.
    scale : ndarray (documents,)
    AT : csr matrix, optional
        ``A.T`` (computed when not given).

    Examples
    --------
    >>> M = SmoothedRows(sp.csr_matrix(np.eye(2)), None, np.array([2.0, 1.0]))
    >>> M.dot(np.ones((2, 1))).ravel().tolist(), M.rows(np.array([1, 1])).shape
    ([2.0, 1.0], (2, 2))
    """

    def __init__(self, X, A, scale: np.ndarray, AT=None):
        self.X = sp.csr_matrix(X, dtype=np.float64)
        self.A = None if A is None else sp.csr_matrix(A, dtype=np.float64)
        self.AT = None if A is None else (sp.csr_matrix(AT) if AT is not None else self.A.T.tocsr())
        self.scale = np.asarray(scale, dtype=np.float64)
        self.shape = self.X.shape
        self._XT = None

    def dot(self, B: np.ndarray) -> np.ndarray:
        """``M · B`` for a dense ``B`` (terms × r)."""
        B = np.asarray(B, dtype=np.float64)
        inner = B if self.A is None else self.A @ B
        return np.ascontiguousarray(self.scale[:, None] * (self.X @ inner))

    def tdot(self, B: np.ndarray) -> np.ndarray:
        """``Mᵀ · B`` for a dense ``B`` (documents × r)."""
        if self._XT is None:
            self._XT = self.X.T.tocsr()
        inner = self._XT @ (self.scale[:, None] * np.asarray(B, dtype=np.float64))
        return np.ascontiguousarray(inner if self.A is None else self.AT @ inner)

    def rows(self, idx: np.ndarray) -> "SmoothedRows":
        """The rows ``idx`` (repeats allowed), sharing ``A``."""
        return SmoothedRows(self.X[idx], self.A, self.scale[idx], AT=self.AT)

    def mean(self) -> float:
        """Mean of all cells (as ``toarray().mean()``; the NNDSVDa fill value)."""
        col = np.ones(self.shape[1])
        return float(self.dot(col[:, None]).sum() / max(self.shape[0] * self.shape[1], 1))

    def toarray(self) -> np.ndarray:
        """The dense matrix (small inputs and tests only)."""
        return self.dot(np.eye(self.shape[1]))


def smoothed_rows(X, S, smoothing: float, Xs) -> SmoothedRows:
    """The factors of ``Xs = smooth_terms(X, S, smoothing)`` (no ``max_terms``).

    Each row's scale is read from ``Xs`` (its row sum over that of ``X · A``: all entries
    are non-negative), so no second product is formed.

    >>> X = sp.csr_matrix(np.array([[3.0, 4.0]]))
    >>> smoothed_rows(X, sp.csr_matrix((2, 2)), 0.0, Xs=X / 5.0).toarray().round(2).tolist()
    [[0.6, 0.8]]
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    A = None
    if smoothing:
        A = (sp.identity(X.shape[1], format="csr") + smoothing * sp.csr_matrix(S)).tocsr()
    ones = np.ones(X.shape[1])
    raw = np.asarray(X @ (ones if A is None else A @ ones)).ravel()
    got = np.asarray(Xs.sum(axis=1)).ravel()
    scale = np.divide(got, raw, out=np.zeros_like(raw), where=raw > 0)
    return SmoothedRows(X, A, scale)


def as_rows(M) -> SmoothedRows:
    """``M`` as :class:`SmoothedRows` (a sparse or dense matrix is wrapped as it is).

    >>> as_rows(np.eye(2)).shape
    (2, 2)
    """
    if isinstance(M, SmoothedRows):
        return M
    return SmoothedRows(sp.csr_matrix(M), None, np.ones(M.shape[0]))


def fit_coordinate_descent(M: SmoothedRows, W: np.ndarray, H: np.ndarray, *, tol: float = 1e-4,
                           max_iter: int = 200) -> tuple[np.ndarray, np.ndarray, int]:
    """Frobenius NMF ``M ≈ W H`` by coordinate descent from ``W``, ``H`` (no penalty).

    scikit-learn's ``_fit_coordinate_descent`` (its update as :func:`analysis.linalg.cd_sweep`, no shuffle): per
    iteration one sweep over W, one over Hᵀ; it stops when the sum of projected gradients
    falls to ``tol`` times that of the first iteration.

    Returns
    -------
    (W, H, n_iter)

    Examples
    --------
    >>> M = as_rows(np.kron(np.eye(2), np.ones((2, 2))))
    >>> W, H, n = fit_coordinate_descent(M, np.full((4, 2), 0.5) + np.eye(4, 2), np.full((2, 4), 0.5))
    >>> np.allclose(W @ H, M.toarray(), atol=1e-3)
    True
    """
    from analysis.linalg import cd_sweep

    W = np.array(W, dtype=np.float64, order="C")
    Ht = np.array(np.asarray(H, dtype=np.float64).T, order="C")
    violation_init = None
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        violation = cd_sweep(W, Ht.T @ Ht, M.dot(Ht))
        violation += cd_sweep(Ht, W.T @ W, M.tdot(W))
        if violation_init is None:
            violation_init = violation
        if violation_init == 0 or violation / violation_init <= tol:
            break
    return W, np.ascontiguousarray(Ht.T), n_iter


def nmf_estimator(H: np.ndarray, *, tol: float, max_iter: int, n_iter: int, seed: int):
    """A fitted :class:`NMFThemes` holding the themes ``H`` (for its ``transform``).

    >>> est = nmf_estimator(np.eye(2, 3), tol=1e-4, max_iter=10, n_iter=3, seed=0)
    >>> est.transform(np.eye(2, 3)).round(3).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    est = NMFThemes(H.shape[0], random_state=seed, max_iter=max_iter, tol=tol)
    est.components_ = np.asarray(H, dtype=np.float64)
    est.n_components_ = H.shape[0]
    est.n_features_in_ = H.shape[1]
    est.n_iter_ = int(n_iter)
    return est


class NMFThemes(Estimator):
    """Fitted NMF themes ``components_`` and scikit-learn ``NMF``'s ``transform`` with them
    (coordinate descent from 0, the themes fixed; :func:`analysis.themes.sample_fit.nmf_weights`),
    without importing scikit-learn. The attributes are those of a fitted ``NMF``.

    >>> est = nmf_estimator(np.eye(2), tol=1e-4, max_iter=10, n_iter=1, seed=0)
    >>> est.transform(np.array([[2.0, 0.0]])).tolist()
    [[2.0, 0.0]]
    """

    def __init__(self, n_components: int, *, tol: float = 1e-4, max_iter: int = 200,
                 random_state: int | None = None):
        self.n_components = n_components
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state

    def transform(self, X) -> np.ndarray:
        """Weights ``W`` minimising ``||X - W components_||`` (non-negative)."""
        from analysis.themes.sample_fit import nmf_weights

        if X.shape[1] != self.components_.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features, but the themes have "
                             f"{self.components_.shape[1]}.")
        return nmf_weights(X, self.components_, tol=self.tol, max_iter=self.max_iter)
