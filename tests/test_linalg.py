"""The own kernels of analysis.linalg give the library routines' numbers, bit for bit."""

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.linalg import cd_sweep, linear_sum_assignment, normalize_rows, randomized_svd


def _random_sparse(seed, shape=(300, 200), density=0.05):
    rng = np.random.RandomState(seed)
    X = sp.random(*shape, density=density, random_state=rng, format="csr")
    X.data = rng.rand(X.nnz) * 10
    keep = np.ones(shape[0])
    keep[5] = 0  # an empty row
    X = sp.csr_matrix(sp.diags(keep) @ X)
    X.eliminate_zeros()
    return X


@pytest.mark.parametrize("norm", ["l2", "l1"])
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_normalize_rows_equals_sklearn_normalize(axis, seed, norm):
    from sklearn.preprocessing import normalize

    X = _random_sparse(seed, density=0.4)  # long rows: pairwise and sequential sums differ
    got, want = normalize_rows(X, axis=axis, norm=norm), normalize(X, axis=axis, norm=norm)
    assert type(got) is type(want) and got.format == want.format
    assert np.array_equal(got.indices, want.indices) and np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.data, want.data)
    D = X.toarray()
    D[7] = 1e-17  # a near-zero row: left as it is
    assert np.array_equal(normalize_rows(D, axis=axis, norm=norm), normalize(D, axis=axis, norm=norm))
    assert np.array_equal(normalize_rows(D.astype(int), axis=axis, norm=norm),
                          normalize(D.astype(int), axis=axis, norm=norm))
    assert np.array_equal(X.toarray(), _random_sparse(seed, density=0.4).toarray())  # input kept


def test_normalize_rows_of_unsorted_and_empty_matrices():
    from sklearn.preprocessing import normalize

    X = sp.csr_matrix((np.array([3.0, 1.0, 4.0, 2.0]), np.array([2, 0, 1, 0]),
                       np.array([0, 3, 4])), shape=(2, 3))  # unsorted indices in row 0
    assert np.array_equal(normalize_rows(X).data, normalize(X).data)
    E = sp.csr_matrix((3, 4))
    assert normalize_rows(E).nnz == 0 and normalize_rows(np.zeros((0, 3))).shape == (0, 3)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cd_sweep_equals_sklearn_update(seed):
    from sklearn.decomposition._cdnmf_fast import _update_cdnmf_fast

    rng = np.random.RandomState(seed)
    n, k, v = 400, 7, 60
    X = rng.rand(n, v)
    W, H = rng.rand(n, k), rng.rand(k, v)
    W[rng.rand(n, k) < 0.3] = 0  # zeros take the projected gradient
    Wa, Wb = W.copy(), W.copy()
    for _ in range(5):
        HHt, XHt = H @ H.T, X @ H.T
        va = cd_sweep(Wa, HHt, XHt)
        vb = _update_cdnmf_fast(Wb, HHt, XHt, np.arange(k, dtype=np.intp))
        assert va == vb
        assert np.array_equal(Wa, Wb)


@pytest.mark.parametrize("shape", [(300, 120), (120, 300), (50, 50)])
@pytest.mark.parametrize("k", [3, 11])
def test_randomized_svd_equals_sklearn(shape, k):
    from sklearn.utils.extmath import randomized_svd as sk_svd

    X = _random_sparse(k, shape=shape, density=0.2)
    for M in (X, X.toarray()):
        for a, b in zip(randomized_svd(M, k, random_state=3), sk_svd(M, k, random_state=3)):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("seed", range(12))
def test_linear_sum_assignment_equals_scipy(seed):
    from scipy.optimize import linear_sum_assignment as scipy_lsa

    rng = np.random.RandomState(seed)
    shapes = [(5, 5), (8, 5), (5, 8), (30, 30), (60, 60), (1, 4), (4, 1)]
    for shape in shapes:
        for cost in (rng.rand(*shape), rng.randint(0, 3, size=shape).astype(float),
                     -rng.randint(0, 40, size=shape), np.zeros(shape)):
            got, want = linear_sum_assignment(cost), scipy_lsa(cost)
            assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]), (shape, cost)
            assert got[0].dtype == want[0].dtype


def test_linear_sum_assignment_refuses_bad_input():
    with pytest.raises(ValueError):
        linear_sum_assignment(np.array([[np.nan, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError):
        linear_sum_assignment(np.ones(3))
    assert linear_sum_assignment(np.zeros((0, 3)))[0].shape == (0,)
