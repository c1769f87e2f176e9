"""The NMF fits through the factors of the smoothed matrix: same products, same solution."""
import numpy as np
import scipy.sparse as sp

from analysis.themes.nmf import as_rows, fit_coordinate_descent, smoothed_rows
from analysis.themes.vectors import smooth_terms, term_similarity


def _tfidf(seed=0, n=40, v=15):
    rng = np.random.RandomState(seed)
    return sp.csr_matrix(rng.rand(n, v) * (rng.rand(n, v) > 0.8))


def test_factor_products_equal_the_explicit_smoothed_matrix():
    X = _tfidf()
    S = term_similarity(X)
    Xs = smooth_terms(X, S, 1.0)
    B = np.random.RandomState(1).rand(X.shape[1], 3)
    M = smoothed_rows(X, S, 1.0, Xs=Xs)
    assert np.allclose(M.dot(B), Xs @ B, atol=1e-12)
    C = np.random.RandomState(2).rand(X.shape[0], 3)
    assert np.allclose(M.tdot(C), Xs.T @ C, atol=1e-12)
    idx = np.array([3, 3, 7])
    assert np.allclose(M.rows(idx).toarray(), Xs[idx].toarray(), atol=1e-12)


def test_solver_matches_sklearn_coordinate_descent():
    from sklearn.decomposition import NMF

    X = smooth_terms(_tfidf(3), term_similarity(_tfidf(3)), 1.0)
    rng = np.random.RandomState(0)
    W0, H0 = rng.rand(X.shape[0], 4), rng.rand(4, X.shape[1])
    est = NMF(4, init="custom", max_iter=200, tol=1e-4)
    W_ref = est.fit_transform(X, W=W0.copy(), H=H0.copy())
    W, H, n_iter = fit_coordinate_descent(as_rows(X), W0, H0, tol=1e-4, max_iter=200)
    assert n_iter == est.n_iter_
    assert np.allclose(W, W_ref, atol=1e-8) and np.allclose(H, est.components_, atol=1e-8)
