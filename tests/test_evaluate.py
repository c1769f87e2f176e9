"""Evaluation metrics against scikit-learn and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    adjusted_rand_score,
    cohen_kappa_score,
    normalized_mutual_info_score,
    precision_recall_fscore_support,
)

from analysis.evaluate import (
    classification_report_table,
    cohen_kappa,
    contingency,
    matched_accuracy,
    score_themes,
)

RNG = np.random.RandomState(0)
GOLD = RNG.choice(["bolig", "klima", "tryghed", "job"], size=200)
PRED = np.where(RNG.rand(200) < 0.7, GOLD, RNG.choice(["bolig", "klima", "tryghed", "job"], 200))
PRED_IDS = np.array([{"bolig": 3, "klima": 1, "tryghed": 0, "job": 2}[p] for p in PRED])


def test_nmi_and_ari_match_sklearn():
    s = score_themes(PRED_IDS, GOLD)
    assert s["nmi"] == pytest.approx(normalized_mutual_info_score(GOLD, PRED_IDS))
    assert s["ari"] == pytest.approx(adjusted_rand_score(GOLD, PRED_IDS))
    assert s["n"] == 200 and s["n_classes"] == 4


def test_matched_accuracy_undoes_renaming():
    acc, mapping = matched_accuracy(PRED_IDS, GOLD)
    assert acc == pytest.approx(np.mean(PRED == GOLD))
    assert mapping == {"0": "tryghed", "1": "klima", "2": "job", "3": "bolig"}


def test_matched_accuracy_with_more_themes_than_classes():
    acc, mapping = matched_accuracy([0, 0, 1, 2], ["a", "a", "b", "b"])
    assert acc == pytest.approx(0.75) and len(mapping) == 2


def test_contingency_shape():
    t = contingency(PRED_IDS, GOLD)
    assert t.shape == (4, 4) and t.to_numpy().sum() == 200


def test_cohen_kappa_matches_sklearn():
    assert cohen_kappa(GOLD, PRED) == pytest.approx(cohen_kappa_score(GOLD, PRED))
    assert cohen_kappa(["a", "b"], ["a", "b"]) == 1.0


def test_classification_report_matches_sklearn():
    t = classification_report_table(GOLD, PRED)
    labels = sorted(set(GOLD))
    p, r, f, s = precision_recall_fscore_support(GOLD, PRED, labels=labels, zero_division=0)
    body = t[t["class"].isin(labels)].set_index("class").loc[labels]
    assert np.allclose(body["precision"], p) and np.allclose(body["recall"], r)
    assert np.allclose(body["f1"], f) and (body["support"].to_numpy() == s).all()
    macro = t.set_index("class").loc["macro avg"]
    assert macro["f1"] == pytest.approx(f.mean())


def test_never_predicted_class_scores_zero():
    t = classification_report_table(["a", "b", "b"], ["a", "a", "a"]).set_index("class")
    assert t.loc["b", "precision"] == 0.0 and t.loc["b", "recall"] == 0.0


def test_mismatched_lengths_and_missing_values_are_clear_errors():
    with pytest.raises(ValueError, match="items"):
        score_themes([0, 1], ["a"])
    with pytest.raises(ValueError, match="missing"):
        score_themes([0, None], ["a", "b"])
