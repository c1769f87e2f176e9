"""A learned priority model: one logistic regression per priority, on codebook hits and n-grams.

The codebook (:mod:`analysis.alignment.priorities`) says which priorities a segment raises
by matching terms; a human coder (:mod:`analysis.alignment.coding`) says where it is
wrong. :class:`PriorityModel` learns from the coder's codes, one binary classifier per
priority, with the codebook's hits as features (one column per priority) beside word
uni- and bigrams (TF-IDF), so it starts from the codebook and learns where it misses.
A priority with fewer than ``min_positive`` coded positives keeps the codebook's hits
(listed in ``fallback_``). Like the stance model, a saved model is its training table
(``priority_training.csv``: ``text, hits, label`` with ";"-joined priority ids), refitted on
load; beside ``stance_training.csv`` it is used with the learned stance model.

>>> texts = ["Flere job til unge.", "Tryghed i gaderne.", "Job og uddannelse.", "Planen har tre dele."] * 3
>>> hits = ["jobs", "", "jobs", ""] * 3
>>> coded = ["jobs", "safety", "jobs", ""] * 3
>>> m = PriorityModel(min_positive=2).fit(texts, hits, coded, ["jobs", "safety"])
>>> m.predict(["Tryghed for alle i gaderne."], [""])
['safety']
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

TRAINING_FILE = "priority_training.csv"
LEARNED_EVIDENCE = "(learned model)"


def split_ids(value) -> list[str]:
    """``"a;b"`` → ``["a", "b"]`` (blank → ``[]``).

    >>> split_ids("jobs; safety")
    ['jobs', 'safety']
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [p.strip() for p in str(value).split(";") if p.strip()]


def indicator_matrix(values: Sequence, priority_ids: Sequence[str]) -> np.ndarray:
    """Rows × priorities 0/1 matrix of ";"-joined id lists.

    >>> indicator_matrix(["a", "a;b", ""], ["a", "b"]).tolist()
    [[1, 0], [1, 1], [0, 0]]
    """
    col = {p: j for j, p in enumerate(priority_ids)}
    out = np.zeros((len(values), len(priority_ids)), dtype=int)
    for i, v in enumerate(values):
        for p in split_ids(v):
            if p in col:
                out[i, col[p]] = 1
    return out


class PriorityModel(BaseEstimator):
    """Per-priority logistic regression on codebook hits plus word n-grams.

    Parameters
    ----------
    C : inverse regularisation strength.
    hit_weight : scale of the codebook-hit columns against the TF-IDF block.
    min_positive : a priority needs this many coded positives (and one negative) to be learned.
    """

    def __init__(self, C: float = 2.0, hit_weight: float = 2.0, min_positive: int = 3):
        self.C = C
        self.hit_weight = hit_weight
        self.min_positive = min_positive

    def _features(self, texts: Sequence[str], hits: Sequence, fit: bool = False):
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [str(t) for t in texts]
        if fit:
            self.words_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
            w = self.words_.fit_transform(texts)
        else:
            w = self.words_.transform(texts)
        h = sparse.csr_matrix(indicator_matrix(hits, self.priority_ids_) * float(self.hit_weight))
        return sparse.hstack([w, h]).tocsr()

    def fit(self, texts: Sequence[str], hits: Sequence, labels: Sequence, priority_ids: Sequence[str]):
        """Fit from texts, the codebook's hits and the coder's priorities (";"-joined ids)."""
        from sklearn.linear_model import LogisticRegression

        if not len(texts) == len(hits) == len(labels):
            raise ValueError(f"PriorityModel.fit: {len(texts)} texts, {len(hits)} hit rows, {len(labels)} label rows; "
                             "give one of each per segment.")
        self.priority_ids_ = [str(p) for p in priority_ids]
        unknown = sorted({p for v in labels for p in split_ids(v)} - set(self.priority_ids_))
        if unknown:
            raise ValueError(f"PriorityModel.fit: unknown priority id(s) {unknown}; use the codebook's ids.")
        X = self._features(texts, hits, fit=True)
        Y = indicator_matrix(labels, self.priority_ids_)
        self.models_, self.fallback_ = {}, []
        for j, p in enumerate(self.priority_ids_):
            pos = int(Y[:, j].sum())
            if pos < self.min_positive or pos == len(Y):
                self.fallback_.append(p)
                continue
            self.models_[p] = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000).fit(X, Y[:, j])
        return self

    def predict_matrix(self, texts: Sequence[str], hits: Sequence) -> np.ndarray:
        """Rows × ``priority_ids_`` 0/1 predictions (fallback priorities copy the hits)."""
        X = self._features(texts, hits)
        out = indicator_matrix(hits, self.priority_ids_)
        for j, p in enumerate(self.priority_ids_):
            if p in self.models_:
                out[:, j] = self.models_[p].predict(X)
        return out

    def predict(self, texts: Sequence[str], hits: Sequence) -> list[str]:
        """The priorities of each text, ";"-joined."""
        M = self.predict_matrix(texts, hits)
        return [";".join(p for p, on in zip(self.priority_ids_, row) if on) for row in M]

    def apply(self, segment_priorities: pd.DataFrame, segments: pd.DataFrame, stance: pd.DataFrame) -> pd.DataFrame:
        """``segment_priorities`` as the model reads it: codebook rows the model rejects go,
        priorities it adds get a row with evidence ``"(learned model)"`` and the segment's stance.
        """
        sp = segment_priorities.assign(segment_id=segment_priorities["segment_id"].astype(str))
        seg = segments.assign(segment_id=segments["segment_id"].astype(str))
        hits = sp.groupby("segment_id", sort=False)["priority_id"].agg(lambda s: ";".join(map(str, s)))
        seg_hits = seg["segment_id"].map(hits).fillna("").tolist()
        M = self.predict_matrix(seg["text"].fillna("").astype(str).tolist(), seg_hits)
        keep = pd.DataFrame(M, columns=self.priority_ids_, index=seg["segment_id"]).stack()
        keep = keep[keep == 1].reset_index()
        keep.columns = ["segment_id", "priority_id", "_on"]
        kept = sp.merge(keep[["segment_id", "priority_id"]], on=["segment_id", "priority_id"], how="inner")
        new = keep.merge(sp[["segment_id", "priority_id"]], on=["segment_id", "priority_id"], how="left",
                         indicator=True)
        new = new[new["_merge"] == "left_only"][["segment_id", "priority_id"]]
        st = stance.assign(segment_id=stance["segment_id"].astype(str)).drop_duplicates("segment_id")
        st = st.set_index("segment_id")
        added = pd.DataFrame({"segment_id": new["segment_id"].to_numpy(), "priority_id": new["priority_id"].to_numpy()})
        for col in sp.columns:
            if col in ("segment_id", "priority_id"):
                continue
            if col == "evidence":
                added[col] = LEARNED_EVIDENCE
            elif col in ("stance", "cue") and col in st.columns:
                added[col] = added["segment_id"].map(st[col]).fillna("neutral" if col == "stance" else "")
            elif col == "n_matches":
                added[col] = 0
            elif col == "negated":
                added[col] = False
            else:
                added[col] = pd.Series([None] * len(added), dtype=sp[col].dtype)
        out = pd.concat([kept, added[sp.columns]], ignore_index=True)
        order = {s: i for i, s in enumerate(seg["segment_id"])}
        out["_o"] = out["segment_id"].map(order)
        return out.sort_values(["_o", "priority_id"], kind="stable").drop(columns="_o").reset_index(drop=True)


def cross_validate_priorities(texts: Sequence[str], hits: Sequence, labels: Sequence, priority_ids: Sequence[str],
                              groups: Sequence | None = None, *, n_splits: int = 5, random_state: int = 0,
                              **params) -> pd.DataFrame:
    """Out-of-fold precision, recall and F1 per priority, for the learned model and the codebook.

    Folds group by ``groups`` (e.g. response ids: sentences of one letter never sit in
    both parts). Rows: ``priority_id, model, precision, recall, f1, n_positive, n``.
    """
    from sklearn.model_selection import GroupKFold, KFold

    texts = np.asarray([str(t) for t in texts], dtype=object)
    hits, labels = list(hits), list(labels)
    priority_ids = [str(p) for p in priority_ids]
    n_groups = len(set(groups)) if groups is not None else len(texts)
    k = max(2, min(n_splits, n_groups))
    if groups is not None:
        splits = GroupKFold(n_splits=k).split(texts, groups=list(groups))
    else:
        splits = KFold(n_splits=k, shuffle=True, random_state=random_state).split(texts)
    pred = indicator_matrix(hits, priority_ids)
    for tr, te in splits:
        m = PriorityModel(**params).fit(texts[tr], [hits[i] for i in tr], [labels[i] for i in tr], priority_ids)
        pred[te] = m.predict_matrix(texts[te], [hits[i] for i in te])
    gold, code = indicator_matrix(labels, priority_ids), indicator_matrix(hits, priority_ids)
    rows = []
    for j, p in enumerate(priority_ids):
        for name, P in (("learned", pred), ("codebook", code)):
            tp = int((P[:, j] & gold[:, j]).sum())
            fp, fn = int((P[:, j] & ~gold[:, j].astype(bool)).sum()), int((~P[:, j].astype(bool) & gold[:, j]).sum())
            prec = tp / (tp + fp) if tp + fp else np.nan
            rec = tp / (tp + fn) if tp + fn else np.nan
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
            rows.append((p, name, prec, rec, f1, int(gold[:, j].sum()), len(texts)))
    return pd.DataFrame(rows, columns=["priority_id", "model", "precision", "recall", "f1", "n_positive", "n"])


def save_priority_training(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``text, hits, label`` (+ ``segment_id``, ``response_id`` when present) as CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [c for c in ("segment_id", "response_id", "text", "hits", "label") if c in table.columns]
    table[cols].to_csv(path, index=False, lineterminator="\n")
    return path


def load_priority_model(path: str | Path, priority_ids: Sequence[str] | None = None) -> PriorityModel:
    """Fit a :class:`PriorityModel` from a saved training table (see :func:`save_priority_training`).

    ``priority_ids`` defaults to every id seen in the ``hits`` and ``label`` columns.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no priority training table; write one with "
                                "`analysis agreement STUDY SHEET --retrain`.")
    table = pd.read_csv(path, dtype=str).fillna("")
    missing = {"text", "hits", "label"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: lacks column(s) {sorted(missing)}; it needs text, hits and label.")
    if priority_ids is None:
        priority_ids = sorted({p for col in ("hits", "label") for v in table[col] for p in split_ids(v)})
    return PriorityModel().fit(table["text"].tolist(), table["hits"].tolist(), table["label"].tolist(), priority_ids)
