"""Small numerical kernels without scikit-learn or ``scipy.optimize`` (their imports cost seconds).

Each function gives the same numbers as the library routine it replaces (tested bit for
bit in ``tests/test_linalg.py``):

- :func:`normalize_rows`: ``sklearn.preprocessing.normalize`` (L2; sparse or dense, either axis),
- :func:`cd_sweep`: one sweep of ``sklearn.decomposition._cdnmf_fast._update_cdnmf_fast``
  (NMF coordinate descent), a column at a time,
- :func:`randomized_svd`: ``sklearn.utils.extmath.randomized_svd`` with its defaults,
- :func:`linear_sum_assignment`: ``scipy.optimize.linear_sum_assignment`` (minimising).

>>> normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
[[0.6, 0.8], [0.0, 0.0]]
>>> [a.tolist() for a in linear_sum_assignment(np.array([[1.0, 0.0], [0.0, 1.0]]))]
[[0, 1], [1, 0]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["normalize_rows", "cd_sweep", "randomized_svd", "linear_sum_assignment", "usable_cores"]

def normalize_rows(X, axis: int = 1, norm: str = "l2"):
    """Unit rows (``axis=1``) or columns (``axis=0``) of a sparse or dense matrix (a copy) in
    the ``"l2"`` or ``"l1"`` norm; all-zero rows stay zero.
    ``sklearn.preprocessing.normalize(X, norm=norm, axis=axis)``, same bits.

    >>> import scipy.sparse as sp
    >>> normalize_rows(sp.csr_matrix([[0.0, 2.0], [1.0, 1.0]])).toarray().round(3).tolist()
    [[0.0, 1.0], [0.707, 0.707]]
    >>> normalize_rows(np.array([[3.0, 1.0], [4.0, 0.0]]), axis=0).tolist()
    [[0.6, 1.0], [0.8, 0.0]]
    >>> normalize_rows(np.array([[3.0, 1.0]]), norm="l1").tolist()
    [[0.75, 0.25]]
    """
    import scipy.sparse as sp

    if norm not in ("l1", "l2"):
        raise ValueError(f"norm must be 'l1' or 'l2', not {norm!r}")
    if sp.issparse(X):
        fmt = "csc" if axis == 0 else "csr"
        X = X.asformat(fmt, copy=True) if X.format == fmt else X.asformat(fmt)
        if X.dtype not in (np.float64, np.float32):
            X = X.astype(np.float64)
        R = X.T if axis == 0 else X
        # csr · ones adds each row's entries left to right, as scikit-learn's loop does
        terms = R.data * R.data if norm == "l2" else np.abs(R.data)
        sums = sp.csr_matrix((terms, R.indices, R.indptr), shape=R.shape) @ np.ones(R.shape[1])
        norms = np.sqrt(sums) if norm == "l2" else sums
        norms[sums == 0] = 1.0  # all-zero rows: left as they are (x / 1 is x)
        R.data /= np.repeat(norms, np.diff(R.indptr))
        return R.T if axis == 0 else R
    arr = np.asarray(X)
    X = np.array(arr, dtype=arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64)
    R = X.T if axis == 0 else X
    norms = np.sqrt(np.einsum("ij,ij->i", R, R)) if norm == "l2" else np.sum(np.abs(R), axis=1)
    norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
    R /= norms[:, None]
    return X


def cd_sweep(W: np.ndarray, HHt: np.ndarray, XHt: np.ndarray) -> float:
    """One coordinate-descent sweep over the columns of ``W`` (in place); the sum of the
    absolute projected gradients (the "violation").

    For a fixed column t every row is updated independently, so one vector step per
    column does the arithmetic of scikit-learn's per-element loop in the same order
    (its ``_update_cdnmf_fast`` without shuffle); the violation is summed in its order too.

    >>> W = np.array([[1.0, 1.0]])
    >>> round(cd_sweep(W, np.eye(2), np.array([[2.0, 0.0]])), 6), W.tolist()
    (2.0, [[2.0, 0.0]])
    """
    n, k = W.shape
    WT = np.ascontiguousarray(W.T)  # columns as contiguous rows: same arithmetic, faster
    XHtT = np.ascontiguousarray(XHt.T)
    term = np.empty(n)
    violation = 0.0
    for t in range(k):
        grad = np.negative(XHtT[t])
        for r in range(k):
            grad += np.multiply(HHt[t, r], WT[r], out=term)
        col = WT[t]
        pg = np.where(col == 0, np.minimum(grad, 0.0), grad)
        if n:
            violation = float(np.cumsum(np.concatenate(([violation], np.abs(pg))))[-1])
        hess = HHt[t, t]
        if hess != 0:
            np.maximum(col - grad / hess, 0.0, out=col)
    W[...] = WT.T
    return violation


def _svd_flip(U: np.ndarray, Vt: np.ndarray, u_based: bool) -> None:
    """Signs of scikit-learn's ``svd_flip`` (in place): the largest |entry| of each
    column of U (``u_based``) or row of Vt is positive."""
    if u_based:
        big = np.argmax(np.abs(U.T), axis=1)
        signs = np.sign(U.T.reshape(-1)[big + np.arange(U.shape[1]) * U.shape[0]])
    else:
        big = np.argmax(np.abs(Vt), axis=1)
        signs = np.sign(Vt.reshape(-1)[big + np.arange(Vt.shape[0]) * Vt.shape[1]])
    U *= signs[np.newaxis, :]
    Vt *= signs[:, np.newaxis]


# Multiply-adds (stored entries × columns) from which a sparse · dense product is split
# between two threads (scipy's sparse products release the GIL).
THREADED_PRODUCT = 4_000_000


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it).

    >>> usable_cores() >= 1
    True
    """
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _product(A, Q: np.ndarray) -> np.ndarray:
    """``A @ Q`` for a sparse ``A`` and a dense ``Q`` of several columns; a large product's
    columns are split between two threads. The numbers are the same (each column is its
    own sum, added in the same order), in about half the time on two cores.

    >>> import scipy.sparse as sp
    >>> _product(sp.csr_matrix(np.eye(2)), np.arange(4.0).reshape(2, 2)).tolist()
    [[0.0, 1.0], [2.0, 3.0]]
    """
    import scipy.sparse as sp

    if (not sp.issparse(A) or Q.ndim != 2 or Q.shape[1] < 2
            or A.nnz * Q.shape[1] < THREADED_PRODUCT or usable_cores() < 2):
        return A @ Q
    import threading

    half = Q.shape[1] // 2
    right: dict = {}

    def run() -> None:
        try:
            right["value"] = A @ np.ascontiguousarray(Q[:, half:])
        except BaseException as exc:  # handed to the caller below
            right["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        left = A @ np.ascontiguousarray(Q[:, :half])
    finally:
        thread.join()
    if "error" in right:
        raise right["error"]
    return np.hstack([left, right["value"]])


def randomized_svd(M, n_components: int, *, random_state: int = 0, n_oversamples: int = 10):
    """Truncated SVD ``(U, S, Vt)`` by a randomized range finder; scikit-learn's
    ``randomized_svd(M, n_components, random_state=random_state)`` (float64 input):
    Gaussian test matrix from ``RandomState``, 4 or 7 power iterations with LU
    normalisation, the wide matrix transposed, signs flipped as ``svd_flip``.

    >>> U, S, Vt = randomized_svd(np.diag([3.0, 2.0, 1.0]), 2)
    >>> S.round(6).tolist(), U.shape, Vt.shape
    ([3.0, 2.0], (3, 2), (2, 3))
    """
    import scipy.sparse as sp
    from scipy import linalg

    rng = np.random.RandomState(random_state)
    size = n_components + n_oversamples
    n_samples, n_features = M.shape
    n_iter = 7 if n_components < 0.1 * min(M.shape) else 4
    transpose = n_samples < n_features
    A = M.T if transpose else M
    Q = rng.normal(size=(A.shape[1], size))
    if A.dtype == np.float32:
        Q = Q.astype(np.float32, copy=False)
    for _ in range(n_iter):  # n_iter >= 4: LU normalisation
        Q, _ = linalg.lu(_product(A, Q), permute_l=True, check_finite=False)
        Q, _ = linalg.lu(_product(A.T, Q), permute_l=True, check_finite=False)
    Q, _ = linalg.qr(_product(A, Q), mode="economic", check_finite=False)
    B = _product(A.T, Q).T if sp.issparse(A) else Q.T @ A  # how scipy computes Q.T @ A
    Uhat, s, Vt = linalg.svd(B, full_matrices=False, lapack_driver="gesdd")
    del B
    U = Q @ Uhat
    _svd_flip(U, Vt, u_based=not transpose)
    if transpose:
        return Vt[:n_components, :].T, s[:n_components], U[:, :n_components].T
    return U[:, :n_components], s[:n_components], Vt[:n_components, :]


def _augmenting_path(cost, u, v, path, row4col, spc, i, SR, SC):
    """Shortest augmenting path from row ``i`` (scipy's ``augmenting_path``, same order of
    visiting columns and the same tie rule); returns ``(sink, minVal)``."""
    nc = cost.shape[1]
    remaining = np.arange(nc - 1, -1, -1)
    SR[:] = False
    SC[:] = False
    spc[:] = np.inf
    min_val = 0.0
    sink = -1
    while sink == -1:
        SR[i] = True
        r = ((min_val + cost[i, remaining]) - u[i]) - v[remaining]
        better = r < spc[remaining]
        path[remaining[better]] = i
        spc[remaining[better]] = r[better]
        vals = spc[remaining]
        lowest = vals.min()
        ties = np.flatnonzero(vals == lowest)
        free = ties[1:][row4col[remaining[ties[1:]]] == -1]
        index = int(free[-1]) if len(free) else int(ties[0])
        min_val = float(lowest)
        if min_val == np.inf:
            return -1, min_val
        j = int(remaining[index])
        if row4col[j] == -1:
            sink = j
        else:
            i = int(row4col[j])
        SC[j] = True
        remaining[index] = remaining[-1]
        remaining = remaining[:-1]
    return sink, min_val


def linear_sum_assignment(cost) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a minimum-cost assignment: scipy's
    ``linear_sum_assignment(cost)`` (Crouse's shortest augmenting paths), the same
    assignment also among equal-cost ones. For small matrices (themes × themes).

    >>> [a.tolist() for a in linear_sum_assignment(np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0]]))]
    [[0, 1], [1, 0]]
    """
    cost = np.asarray(cost, dtype=np.float64)
    if cost.ndim != 2:
        raise ValueError(f"expected a matrix (2-d array), got a {cost.ndim}-d array")
    if cost.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    transpose = cost.shape[1] < cost.shape[0]
    if transpose:
        cost = cost.T
    if np.isnan(cost).any() or (cost == -np.inf).any():
        raise ValueError("matrix contains invalid numeric entries")
    nr, nc = cost.shape
    u, v = np.zeros(nr), np.zeros(nc)
    spc = np.full(nc, np.inf)
    path = np.full(nc, -1, dtype=np.int64)
    col4row = np.full(nr, -1, dtype=np.int64)
    row4col = np.full(nc, -1, dtype=np.int64)
    SR, SC = np.zeros(nr, dtype=bool), np.zeros(nc, dtype=bool)
    for cur in range(nr):
        sink, min_val = _augmenting_path(cost, u, v, path, row4col, spc, cur, SR, SC)
        if sink < 0:
            raise ValueError("cost matrix is infeasible")
        u[cur] += min_val
        for i in range(nr):
            if SR[i] and i != cur:
                u[i] += min_val - spc[col4row[i]]
        v[SC] -= min_val - spc[SC]
        j = sink
        while True:
            i = int(path[j])
            row4col[j] = i
            col4row[i], j = j, int(col4row[i])
            if i == cur:
                break
    if transpose:
        order = np.argsort(col4row, kind="stable")
        return col4row[order].astype(np.int64), order.astype(np.int64)
    return np.arange(nr, dtype=np.int64), col4row.astype(np.int64)
