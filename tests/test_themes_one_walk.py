"""The themes stage walks each text once: joined response walks, float64 NMF, cached normaliser."""
import numpy as np
import scipy.sparse as sp

from analysis.themes.backends import fit_backend, prepare, transform_backend
from analysis.themes.features import TermFeatures
from analysis.themes.unit import join_by_group, join_walks

SEGMENTS = ["Mehr Busse und Bahnen,", "bitte!", "Radwege ausbauen", "", "Bahn - Ausbau jetzt.",
            "Weniger Autos in der Stadt"]
GROUPS = ["r2", "r1", "r2", "r1", "r2", "r3"]


def test_joined_walks_equal_walking_the_joined_texts():
    tf = TermFeatures("de")
    kept = np.array([0, 1, 2, 3, 4, 5])
    docs, doc_of, _ = join_by_group(SEGMENTS, GROUPS, kept)
    walked = tf.walk_texts(SEGMENTS)
    assert join_walks(walked, kept, doc_of, len(docs)) == tf.walk_texts(docs)


def test_fit_transform_walked_matches_fit_transform():
    texts = ["bus og metro i byen", "metro og tog til byen", "cykelsti og bus", "tog og cykel"] * 3
    a = TermFeatures("da").fit_transform(texts)
    tf = TermFeatures("da")
    b = tf.fit_transform_walked(tf.walk_texts(texts))
    assert abs(a - b).max() == 0
    assert (tf.transform_walked(tf.walk_texts(texts[:2])) != tf.transform(texts[:2])).nnz == 0


def test_nmf_fit_and_transform_are_float64():
    rng = np.random.RandomState(0)
    X = sp.csr_matrix(rng.rand(30, 12) * (rng.rand(30, 12) > 0.5))
    data = prepare("nmf", X, X)
    W, est = fit_backend("nmf", data, None, 3, seed=0)
    assert W.dtype == np.float64 and est.components_.dtype == np.float64
    Wn = transform_backend("nmf", est, data, X, X, [""] * 30)
    assert Wn.dtype == np.float64 and Wn.shape == (30, 3)
    assert np.corrcoef(W.ravel(), Wn.ravel())[0, 1] > 0.9
