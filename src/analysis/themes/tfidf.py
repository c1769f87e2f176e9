"""TF-IDF of analysed documents (lists of terms), without importing scikit-learn.

:class:`TermTfidf` is scikit-learn's ``TfidfVectorizer(analyzer=identity, ...)`` for the
options the term features use (``min_df``, ``max_df``, ``sublinear_tf``, ``norm``; smooth
IDF): the same vocabulary, the same matrix, bit for bit (tested against it), stored the
same way (the row norm sums the entries in storage order).

>>> tf = TermTfidf()
>>> X = tf.fit_transform([["bus", "metro"], ["metro"]])
>>> tf.get_feature_names_out().tolist(), X.toarray().round(3).tolist()
(['bus', 'metro'], [[0.815, 0.58], [0.0, 1.0]])
"""

from __future__ import annotations

from numbers import Integral
from typing import Iterable, Sequence

import numpy as np

from analysis.estimator import Estimator
from analysis.linalg import normalize_rows


class TermTfidf(Estimator):
    """TF-IDF over documents given as term lists (see the module docstring).

    Parameters
    ----------
    min_df, max_df : int (documents) or float (share of documents)
    sublinear_tf : bool
        ``1 + log(tf)`` instead of ``tf``.
    norm : {"l2", "l1", None}
    dtype : numpy float type

    Examples
    --------
    >>> TermTfidf(min_df=2).fit_transform([["a", "b"], ["a"]]).shape
    (2, 1)
    """

    def __init__(self, *, min_df=1, max_df=1.0, sublinear_tf: bool = False, norm: str | None = "l2",
                 dtype=np.float64):
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.dtype = dtype

    def fit(self, docs: Iterable[Sequence[str]], y=None) -> "TermTfidf":
        """Learn the vocabulary and IDF."""
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Iterable[Sequence[str]], y=None):
        """Learn the vocabulary and IDF; the TF-IDF matrix of ``docs`` (csr, documents × terms).

        Raises ``ValueError`` when no term is left (as scikit-learn).
        """
        vocabulary, X = _count(docs, None, self.dtype)
        n_doc = X.shape[0]
        high = self.max_df if isinstance(self.max_df, Integral) else self.max_df * n_doc
        low = self.min_df if isinstance(self.min_df, Integral) else self.min_df * n_doc
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        X = _sort_features(_limit_features(X, vocabulary, high, low), vocabulary)
        self.vocabulary_ = vocabulary
        df = np.bincount(X.indices, minlength=X.shape[1]).astype(np.float64)
        df += 1.0  # smooth IDF: as if one more document held every term
        self.idf_ = np.full_like(df, fill_value=n_doc + 1, dtype=np.float64)
        self.idf_ /= df
        np.log(self.idf_, out=self.idf_)
        self.idf_ += 1.0
        return self._weigh(X)

    def transform(self, docs: Iterable[Sequence[str]]):
        """TF-IDF of new documents over the fitted vocabulary (unknown terms ignored)."""
        if not hasattr(self, "vocabulary_"):
            raise RuntimeError("This TermTfidf is not fitted yet; call fit first.")
        return self._weigh(_count(docs, self.vocabulary_, self.dtype)[1])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The terms, in column order."""
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def _weigh(self, X):
        X = X.astype(np.float64) if X.dtype not in (np.float64, np.float32) else X
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        X.data *= self.idf_[X.indices]
        return X if self.norm is None else normalize_rows(X, norm=self.norm)


def _count(docs, fixed: dict | None, dtype):
    """``(vocabulary, counts)`` as scikit-learn's ``CountVectorizer._count_vocab``: terms
    numbered as first seen (or by ``fixed``), each row's columns sorted."""
    import scipy.sparse as sp

    vocabulary: dict = {} if fixed is None else fixed
    j_indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for doc in docs:
        counter: dict[int, int] = {}
        for term in doc:
            idx = vocabulary.get(term)
            if idx is None:
                if fixed is not None:
                    continue
                idx = vocabulary[term] = len(vocabulary)
            counter[idx] = counter.get(idx, 0) + 1
        j_indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(j_indices))
    if fixed is None and not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    itype = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
    X = sp.csr_array((np.asarray(values, dtype=np.intc), np.asarray(j_indices, dtype=itype),
                      np.asarray(indptr, dtype=itype)),
                     shape=(len(indptr) - 1, len(vocabulary)), dtype=dtype)
    X.sort_indices()
    return vocabulary, sp.csr_matrix(X)


def _limit_features(X, vocabulary: dict, high, low):
    """Drop the terms in more than ``high`` or fewer than ``low`` documents (in place on
    ``vocabulary``)."""
    dfs = np.bincount(X.indices, minlength=X.shape[1])
    mask = (dfs <= high) & (dfs >= low)
    new_indices = np.cumsum(mask) - 1
    for term, old in list(vocabulary.items()):
        if mask[old]:
            vocabulary[term] = new_indices[old]
        else:
            del vocabulary[term]
    kept = np.where(mask)[0]
    if len(kept) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return X[:, kept]


def _sort_features(X, vocabulary: dict):
    """Number the terms alphabetically (in place on ``vocabulary``; the stored order of
    each row stays, as in scikit-learn)."""
    ordered = sorted(vocabulary.items())
    map_index = np.empty(len(ordered), dtype=X.indices.dtype)
    for new, (term, old) in enumerate(ordered):
        vocabulary[term] = new
        map_index[old] = new
    X.indices = map_index.take(X.indices, mode="clip")
    return X
