"""The themes fit on two cores gives the numbers of one: the SVD start's products split
between threads, the fits of one k in threads (analysis.linalg, analysis.themes.choose_k)."""

import numpy as np
import pytest
import scipy.sparse as sp


def _matrix(shape, density, seed):
    return sp.random(*shape, density=density, format="csr", random_state=seed)


@pytest.mark.parametrize("shape", [(400, 150), (150, 400)])
@pytest.mark.parametrize("k", [3, 8])
def test_threaded_svd_products_give_scikit_learns_svd(monkeypatch, shape, k):
    from sklearn.utils.extmath import randomized_svd as sk_svd

    import analysis.linalg as linalg

    monkeypatch.setattr(linalg, "THREADED_PRODUCT", 0)  # every product split
    monkeypatch.setattr(linalg, "usable_cores", lambda: 2)
    X = _matrix(shape, 0.2, k)
    for a, b in zip(linalg.randomized_svd(X, k, random_state=3), sk_svd(X, k, random_state=3)):
        assert np.array_equal(a, b)


def test_threaded_product_is_the_product_and_passes_errors_on(monkeypatch):
    import analysis.linalg as linalg

    monkeypatch.setattr(linalg, "THREADED_PRODUCT", 0)
    monkeypatch.setattr(linalg, "usable_cores", lambda: 2)
    A = _matrix((300, 200), 0.1, 1)
    for cols in (2, 5, 15):
        Q = np.random.RandomState(cols).normal(size=(200, cols))
        P = np.random.RandomState(cols + 1).normal(size=(300, cols))
        assert np.array_equal(linalg._product(A, Q), A @ Q)
        assert np.array_equal(linalg._product(A.T, P), A.T @ P)
    with pytest.raises(ValueError):
        linalg._product(A, np.ones((7, 4)))  # wrong inner size, raised in a thread too


def _fit_counting(calls):
    from analysis.themes.backends import fit_backend, nndsvda, prepare

    X = _matrix((240, 60), 0.15, 5)
    data = prepare("nmf", X, X)
    data["k_max"] = 4
    nndsvda(data, 4)

    def fit(idx, k, seed):
        calls.append((None if idx is None else len(idx), k, seed))
        return fit_backend("nmf", data, idx, k, seed=seed, max_iter=100)

    return X, fit


def test_scan_k_in_threads_gives_the_rows_and_fits_of_one_thread(monkeypatch):
    from analysis.themes import choose_k

    monkeypatch.setattr(choose_k, "PARALLEL_MIN_DOCUMENTS", 0)
    monkeypatch.setattr("analysis.linalg.usable_cores", lambda: 2)
    runs = {}
    for workers in (1, 2, "auto"):
        calls = []
        X, fit = _fit_counting(calls)
        terms = [f"t{i}" for i in range(X.shape[1])]
        runs[workers] = choose_k.scan_k(fit, X, X, terms, [2, 4], n_runs=4, random_state=0,
                                        sample_size=100, workers=workers), sorted(calls, key=str)
    (rows1, fits1), calls1 = runs[1]
    assert len(calls1) == 8 and rows1[0]["n_runs"] == 4
    for workers in (2, "auto"):
        (rows, fits), calls = runs[workers]
        assert rows == rows1 and calls == calls1
        for k in fits1:
            assert np.array_equal(fits[k][0], fits1[k][0]) and np.array_equal(fits[k][1], fits1[k][1])
            assert np.array_equal(fits[k][2].components_, fits1[k][2].components_)


def test_fits_of_k_keep_their_order_and_drop_resample_estimators():
    from analysis.themes.choose_k import _fits_of_k

    def fit(idx, k, seed):
        return (seed * 10 + (0 if idx is None else len(idx)), f"est{seed}")

    samples = [np.arange(n) for n in (3, 5, 7)]
    expected = [(0, "est0"), (13, None), (25, None), (37, None)]
    assert _fits_of_k(fit, 2, samples, 0, 1) == expected
    assert _fits_of_k(fit, 2, samples, 0, 3) == expected


def test_walk_once_in_two_processes_gives_the_walks_of_one(monkeypatch):
    from analysis.themes import repeats
    from analysis.themes.features import TermFeatures

    monkeypatch.setattr(repeats, "FORK_MIN_TEXTS", 0)
    monkeypatch.setattr("analysis.linalg.usable_cores", lambda: 2)
    texts = [f"Flere busser til linje {i} og bedre cykelstier, tak." for i in range(30)]
    texts += ["Kære udvalg,", None, "", "Flere træer!"] + texts[:5]
    serial = TermFeatures("da").walk_texts(texts)
    forked = repeats.walk_once(TermFeatures("da"), texts)
    assert forked == serial
    assert forked[0] is forked[-5]  # a repeated text shares its walk, as walk_texts does
    assert repeats._may_fork(1) is False


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_an_error_in_the_forked_half_is_raised_here():
    from analysis.themes import repeats

    def walk(texts):
        if "bad" in texts:
            raise ValueError("no walk for 'bad'")
        return [len(t) for t in texts]

    assert repeats._with_fork(walk, ["ab"], ["abc", "d"]) == [2, 3, 1]
    with pytest.raises(ValueError, match="no walk"):
        repeats._with_fork(walk, ["ok"], ["bad"])


@pytest.mark.parametrize("language", ["da", "de", "en"])
def test_segment_kinds_read_once_equal_the_kind_of_each_segment(language):
    from analysis.themes.policy import segment_kind, segment_kinds

    texts = ["Med venlig hilsen", "Mit freundlichen Grüßen", "Kind regards", "Afsender: [NAVN]",
             "Absender: [NAVN]", "Kære udvalg,", "Sehr geehrte Damen und Herren,", "Dear committee,",
             "Tak for muligheden for at afgive høringssvar.", "4.2", "Side 3 af 7", "[NAVN], [ADRESSE]",
             "Vi vil have flere træer i byen.", "Wir brauchen mehr Radwege.", "", "   "]
    expected = [segment_kind(t, language) for t in texts]
    assert segment_kinds(texts, None, language) == expected
    assert segment_kinds(texts, ["content"] * len(texts), language) == expected  # a sign-off stays one
