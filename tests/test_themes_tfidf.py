"""TermTfidf gives scikit-learn's TfidfVectorizer(analyzer=identity) matrix, bit for bit."""

import numpy as np
import pytest

from analysis.themes.tfidf import TermTfidf


def _identity(doc):
    return doc


def _docs(seed, n=300):
    rng = np.random.RandomState(seed)
    words = [f"w{i}" for i in range(80)] + ["social kontrol", "grøn by"]
    return [[words[j] for j in rng.zipf(1.3, size=rng.randint(0, 40)) % len(words)] for _ in range(n)]


@pytest.mark.parametrize("min_df, max_df", [(1, 1.0), (2, 0.5), (0.01, 30), (3, 0.9)])
@pytest.mark.parametrize("sublinear, norm", [(False, "l2"), (True, "l2"), (False, "l1"), (True, None)])
def test_fit_transform_and_transform_equal_sklearn(min_df, max_df, sublinear, norm):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs, new = _docs(0), _docs(1, n=40) + [["unknown", "w1"], []]
    ours = TermTfidf(min_df=min_df, max_df=max_df, sublinear_tf=sublinear, norm=norm)
    theirs = TfidfVectorizer(analyzer=_identity, min_df=min_df, max_df=max_df,
                             sublinear_tf=sublinear, norm=norm, dtype=np.float64)
    for a, b in ((ours.fit_transform(docs), theirs.fit_transform(docs)),
                 (ours.transform(new), theirs.transform(new))):
        assert type(a) is type(b) and a.shape == b.shape
        for part in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(a, part), getattr(b, part)), part
    assert ours.vocabulary_ == theirs.vocabulary_
    assert list(ours.vocabulary_) == list(theirs.vocabulary_)
    assert np.array_equal(ours.idf_, theirs.idf_)
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()


def test_refusals_are_value_errors_as_in_sklearn():
    with pytest.raises(ValueError, match="empty vocabulary"):
        TermTfidf().fit_transform([[], []])
    with pytest.raises(ValueError, match="no terms remain"):
        TermTfidf(min_df=2).fit_transform([["a"], ["b"], ["c"]])
    with pytest.raises(ValueError, match="max_df corresponds"):
        TermTfidf(min_df=3, max_df=2).fit_transform([["a"], ["b"], ["a"]])
    with pytest.raises(RuntimeError):
        TermTfidf().transform([["a"]])
