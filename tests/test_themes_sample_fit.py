"""The sample fit of large corpora (analysis.themes.sample_fit) and the shared walks of
repeated texts: same themes, and nothing changes at or below the threshold."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import NMF

from analysis.themes import ThemeModel
from analysis.themes.features import TermFeatures, distinct_rows, find_multiword_terms
from analysis.themes.sample_fit import check_fit_sample, nmf_weights, sample_rows

TOPICS = {
    "trafik": "bus metro cykelsti togbane parkering vejene trafik",
    "natur": "park træer skov grønne områder natur fugle",
    "skole": "skole lærer elever undervisning klasse fritid",
}


def _corpus(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    words = {k: v.split() for k, v in TOPICS.items()}
    names = list(words)
    return [" ".join(rng.choice(words[names[i % 3]], size=6)) for i in range(n)]


def test_sample_rows_is_a_sorted_sample_without_repeats():
    rows = sample_rows(1000, 100, random_state=3)
    assert len(rows) == len(set(rows.tolist())) == 100
    assert (np.diff(rows) > 0).all()
    assert np.array_equal(rows, sample_rows(1000, 100, random_state=3))
    assert sample_rows(100, 100) is None and sample_rows(100, None) is None


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, "many", True])
def test_fit_sample_setting_is_checked(bad):
    with pytest.raises(ValueError, match="fit_sample"):
        check_fit_sample(bad)


def test_nmf_weights_equal_sklearn_transform():
    X = sp.random(60, 12, density=0.3, random_state=0, format="csr")
    est = NMF(3, init="nndsvda", random_state=0, max_iter=400).fit(X)
    ours = nmf_weights(X, est.components_, tol=est.tol, max_iter=est.max_iter)
    np.testing.assert_allclose(ours, est.transform(X), rtol=1e-6, atol=1e-9)


def test_threshold_above_corpus_gives_identical_model():
    texts = _corpus(120)
    a = ThemeModel(3, random_state=0).fit(texts)
    b = ThemeModel(3, random_state=0, fit_sample=None).fit(texts)
    assert np.array_equal(a.weights_, b.weights_)
    assert np.array_equal(a.fit_, b.fit_) and a.top_terms_ == b.top_terms_


def test_sample_fit_finds_the_same_themes():
    texts = _corpus(300)
    full = ThemeModel(3, random_state=0, fit_sample=None).fit(texts)
    part = ThemeModel(3, random_state=0, fit_sample=120).fit(texts)
    assert part.k_diagnostics_["n_segments"].iloc[0] == 120  # the themes came from the sample
    assert part._Xs is None  # the sample's smoothed rows are not kept
    assert {frozenset(t[:3]) for t in full.top_terms_} == {frozenset(t[:3]) for t in part.top_terms_}
    agree = (full.assigned_ == part.assigned_).mean()
    assert agree > 0.95
    assert part.weights_.shape == full.weights_.shape
    np.testing.assert_allclose(part.weights_.sum(axis=1), 1.0)


def test_sample_fit_merge_keeps_centroids_consistent():
    part = ThemeModel(3, random_state=0, fit_sample=120).fit(_corpus(300))
    merged = part.merge_themes([1, 2])
    assert merged._fit_centroids.shape == (2, len(part.terms_))
    np.testing.assert_allclose(np.linalg.norm(merged._fit_centroids, axis=1), 1.0)


def test_repeated_texts_share_one_walk_and_count_per_copy():
    tf = TermFeatures("da", form="stem")
    walked = tf.walk_texts(["social kontrol", "bus", "social kontrol"])
    assert walked[0] is walked[2]
    uniq, times, pos = distinct_rows(walked)
    assert times == [2, 1] and pos == [0, 1, 0]
    docs = [[t for t, _ in row] for row in walked]  # distinct objects: counted one by one
    shared = [docs[0], docs[1], docs[0]]
    a, b = find_multiword_terms(docs, min_count=1), find_multiword_terms(shared, min_count=1)
    assert a.equals(b) and a["count"].tolist() == [2]
