"""A learned stance model: logistic regression on TF-IDF and the cue scores.

The cue stance (:mod:`analysis.alignment.stance`) reads each sentence by rule; the
learned model adds what the researcher's own coding shows. Features: word uni- and
bigrams and character 2–5-grams (TF-IDF, sublinear), plus the cue reader's three scores
and its stance (one-hot), so the model starts from the rules and learns where they
miss. Training data: labelled segments (``text``, ``label`` with labels in
``support|concern|request|neutral``), e.g. ``tests/data/stance_labels.csv`` or the
sheet of the coding round trip (:mod:`analysis.alignment.coding`). Fitting 200
segments takes well under a second; a saved model is its training table (CSV), so it
is refitted on load, deterministic and independent of library versions.

>>> texts = ["Vi støtter planen.", "Vi savner en plan.", "Kommunen bør handle.", "Planen har tre dele."] * 3
>>> labels = ["support", "concern", "request", "neutral"] * 3
>>> StanceModel().fit(texts, labels).predict(["Vi støtter forslaget."]).tolist()
['support']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin

from analysis.alignment.stance import CUE_CLASSES, STANCES, stance_of_text


@lru_cache(maxsize=100_000)
def _cue_row(text: str, language: str) -> tuple[float, ...]:
    stance, _, scores = stance_of_text(text, language)
    return tuple(scores[c] for c in CUE_CLASSES) + tuple(float(stance == s) for s in STANCES)


def cue_features(texts: Sequence[str], language: str = "da") -> np.ndarray:
    """Matrix texts × 7: the cue scores (support, concern, request) and the cue stance one-hot."""
    rows = [_cue_row(str(t), language) for t in texts]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(CUE_CLASSES) + len(STANCES))


class StanceModel(BaseEstimator, ClassifierMixin):
    """Logistic regression on TF-IDF n-grams plus cue features (scikit-learn estimator).

    Parameters
    ----------
    language : "da", "en" or "de" (for the cue features).
    C : inverse regularisation strength of the logistic regression.
    cue_weight : scale of the cue features against the TF-IDF block.
    random_state : seed (the solver is deterministic; kept for the sklearn convention).
    """

    def __init__(self, language: str = "da", C: float = 4.0, cue_weight: float = 1.0, random_state: int = 0):
        self.language = language
        self.C = C
        self.cue_weight = cue_weight
        self.random_state = random_state

    def _features(self, texts: Sequence[str], fit: bool = False):
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [str(t) for t in texts]
        if fit:
            self.words_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)
            self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
            w, c = self.words_.fit_transform(texts), self.chars_.fit_transform(texts)
        else:
            w, c = self.words_.transform(texts), self.chars_.transform(texts)
        cue = sparse.csr_matrix(cue_features(texts, self.language) * self.cue_weight)
        return sparse.hstack([w, c, cue]).tocsr()

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "StanceModel":
        """Fit on texts and their stance labels; unknown labels raise a clear error."""
        from sklearn.linear_model import LogisticRegression

        labels = [str(x) for x in labels]
        bad = sorted(set(labels) - set(STANCES))
        if bad:
            raise ValueError(f"StanceModel.fit: unknown stance label(s) {bad}; use {list(STANCES)}.")
        if len(texts) != len(labels):
            raise ValueError(f"StanceModel.fit: {len(texts)} texts but {len(labels)} labels.")
        X = self._features(texts, fit=True)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
        self.model_.fit(X, labels)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Stance of each text."""
        return self.model_.predict(self._features(texts))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities (columns in ``classes_`` order)."""
        return self.model_.predict_proba(self._features(texts))


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-averaged F1 over the four stances (a stance absent from both counts as 0).

    >>> macro_f1(["support", "concern"], ["support", "concern"])
    0.5
    """
    from sklearn.metrics import f1_score

    return float(f1_score(list(gold), list(pred), labels=list(STANCES), average="macro", zero_division=0))


def cross_validate_stance(texts: Sequence[str], labels: Sequence[str], *, n_splits: int = 5, language: str = "da",
                          random_state: int = 0, **params) -> pd.DataFrame:
    """Stratified k-fold scores of :class:`StanceModel` and of the cue reader on the same folds.

    Returns one row per fold and model (``fold``, ``model``, ``macro_f1``, ``n``) plus
    ``fold="mean"`` rows.
    """
    from sklearn.model_selection import StratifiedKFold

    texts = np.asarray([str(t) for t in texts], dtype=object)
    labels = np.asarray([str(x) for x in labels], dtype=object)
    cue = np.asarray([stance_of_text(t, language)[0] for t in texts], dtype=object)
    rows = []
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for k, (tr, te) in enumerate(folds.split(texts, labels)):
        model = StanceModel(language=language, random_state=random_state, **params).fit(texts[tr], labels[tr])
        rows.append((str(k), "learned", macro_f1(labels[te], model.predict(texts[te])), len(te)))
        rows.append((str(k), "cues", macro_f1(labels[te], cue[te]), len(te)))
    out = pd.DataFrame(rows, columns=["fold", "model", "macro_f1", "n"])
    mean = out.groupby("model", sort=False).agg(macro_f1=("macro_f1", "mean"), n=("n", "sum")).reset_index()
    return pd.concat([out, mean.assign(fold="mean")[out.columns]], ignore_index=True)


def read_labels(path: str | Path) -> pd.DataFrame:
    """Read a labelled-segments table (CSV or Excel) with columns ``text`` and ``label``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such labels file; give a CSV or .xlsx with columns text and label.")
    table = pd.read_excel(path) if path.suffix.lower() in (".xlsx", ".xlsm") else pd.read_csv(path)
    missing = {"text", "label"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: labels table lacks column(s) {sorted(missing)}; it needs text and label.")
    table = table.dropna(subset=["text", "label"])
    bad = sorted(set(table["label"].astype(str)) - set(STANCES))
    if bad:
        rows = table.index[~table["label"].astype(str).isin(STANCES)][:5].tolist()
        raise ValueError(f"{path}: unknown stance label(s) {bad} in row(s) {rows}; use {list(STANCES)}.")
    return table


def load_stance_model(path: str | Path, language: str = "da") -> StanceModel:
    """Fit a :class:`StanceModel` from a saved training table (see :func:`save_training_table`)."""
    table = read_labels(path)
    if "language" in table.columns and table["language"].notna().any():
        language = str(table["language"].dropna().iloc[0])
    return StanceModel(language=language).fit(table["text"].astype(str).tolist(), table["label"].astype(str).tolist())


def save_training_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the training table (``text``, ``label`` [, ``source``, ``language``]) a model is fitted from."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [c for c in ("source", "segment_id", "language", "text", "label") if c in table.columns]
    table[cols].to_csv(path, index=False, lineterminator="\n")
    return path
