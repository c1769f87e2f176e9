"""Scores against gold or human codes: NMI, ARI, matched accuracy, Cohen's kappa, P/R/F1.

Themes are unnamed clusters, so they are compared with gold classes by
information-theoretic agreement (NMI), pair agreement (ARI) and by *matched
accuracy*: themes are matched one-to-one to classes (Hungarian matching on the
contingency table) and the share of items whose theme maps to their class is reported.

>>> score_themes([0, 0, 1, 1], ["a", "a", "b", "b"])["nmi"]
1.0
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["contingency", "matched_accuracy", "score_themes", "cohen_kappa",
           "classification_report_table"]


def _labels(values: Sequence[Any], name: str) -> np.ndarray:
    arr = pd.Series(list(values), dtype=object)
    if arr.isna().any():
        raise ValueError(f"{name} has {int(arr.isna().sum())} missing value(s); drop those "
                         "items (e.g. segments without a theme) before scoring.")
    return arr.astype(str).to_numpy()


def contingency(pred: Sequence[Any], gold: Sequence[Any]) -> pd.DataFrame:
    """Counts of items per (predicted theme, gold class): themes as rows, classes as columns.

    >>> contingency([0, 0, 1], ["a", "b", "b"]).to_numpy().tolist()
    [[1, 1], [0, 1]]
    """
    p, g = _labels(pred, "pred"), _labels(gold, "gold")
    if len(p) != len(g):
        raise ValueError(f"pred has {len(p)} items but gold has {len(g)}.")
    return pd.crosstab(pd.Series(p, name="pred"), pd.Series(g, name="gold"))


def matched_accuracy(pred: Sequence[Any], gold: Sequence[Any]) -> tuple[float, dict[str, str]]:
    """Share of items whose theme is matched to their class, and the matching itself.

    Themes and classes are matched one-to-one (Hungarian matching maximising the items
    in agreement); with more themes than classes the extra themes count as wrong.

    >>> matched_accuracy([1, 1, 0, 0], ["x", "x", "y", "y"])
    (1.0, {'0': 'y', '1': 'x'})
    """
    from analysis.linalg import linear_sum_assignment

    table = contingency(pred, gold)
    if table.empty:
        return float("nan"), {}
    r, c = linear_sum_assignment(-table.to_numpy())
    hits = table.to_numpy()[r, c].sum()
    mapping = {str(table.index[i]): str(table.columns[j]) for i, j in zip(r, c)}
    return float(hits / table.to_numpy().sum()), dict(sorted(mapping.items()))


def score_themes(pred: Sequence[Any], gold: Sequence[Any]) -> dict[str, float]:
    """NMI, ARI and matched accuracy of predicted themes against gold classes.

    Returns a dict ``nmi``, ``ari``, ``matched_accuracy``, ``n``, ``n_themes``,
    ``n_classes``; ``pd.DataFrame([score_themes(...)])`` makes it a table row.

    >>> s = score_themes([0, 0, 1, 1, 1], ["a", "a", "b", "b", "a"])
    >>> round(s["matched_accuracy"], 2)
    0.8
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    p, g = _labels(pred, "pred"), _labels(gold, "gold")
    if len(p) != len(g):
        raise ValueError(f"pred has {len(p)} items but gold has {len(g)}.")
    acc, _ = matched_accuracy(p, g)
    return {"nmi": float(normalized_mutual_info_score(g, p)),
            "ari": float(adjusted_rand_score(g, p)),
            "matched_accuracy": acc, "n": int(len(p)),
            "n_themes": int(len(set(p))), "n_classes": int(len(set(g)))}


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa of two codings of the same items (1 = perfect, 0 = chance).

    >>> cohen_kappa(["pro", "con", "pro"], ["pro", "con", "pro"])
    1.0
    """
    x, y = _labels(a, "a"), _labels(b, "b")
    if len(x) != len(y):
        raise ValueError(f"the codings have {len(x)} and {len(y)} items; they must match.")
    if len(x) == 0:
        return float("nan")
    cats = sorted(set(x) | set(y))
    pos = {c: i for i, c in enumerate(cats)}
    m = np.zeros((len(cats), len(cats)))
    for u, v in zip(x, y):
        m[pos[u], pos[v]] += 1
    n = m.sum()
    po = np.trace(m) / n
    pe = float((m.sum(axis=0) * m.sum(axis=1)).sum() / n ** 2)
    if pe == 1.0:
        return 1.0 if po == 1.0 else 0.0
    return float((po - pe) / (1 - pe))


def classification_report_table(y_true: Sequence[Any], y_pred: Sequence[Any]) -> pd.DataFrame:
    """Per-class precision, recall, F1 and support, plus macro and weighted averages.

    Columns: ``class``, ``precision``, ``recall``, ``f1``, ``support``. A class never
    predicted has precision 0 (not an error); rows "macro avg" and "weighted avg" follow
    the classes (sorted).

    >>> t = classification_report_table(["a", "a", "b"], ["a", "b", "b"])
    >>> t["class"].tolist()
    ['a', 'b', 'macro avg', 'weighted avg']
    """
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} items but y_pred has {len(p)}.")
    rows = []
    for c in sorted(set(t) | set(p)):
        tp = float(np.sum((t == c) & (p == c)))
        fp = float(np.sum((t != c) & (p == c)))
        fn = float(np.sum((t == c) & (p != c)))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append({"class": c, "precision": prec, "recall": rec, "f1": f1,
                     "support": int(tp + fn)})
    out = pd.DataFrame(rows, columns=["class", "precision", "recall", "f1", "support"])
    if len(out):
        sup = out["support"].to_numpy(dtype=float)
        macro = out[["precision", "recall", "f1"]].mean()
        weighted = (out[["precision", "recall", "f1"]].mul(sup, axis=0).sum() / sup.sum()
                    if sup.sum() else macro * np.nan)
        out = pd.concat([out, pd.DataFrame([
            {"class": "macro avg", **macro.to_dict(), "support": int(sup.sum())},
            {"class": "weighted avg", **weighted.to_dict(), "support": int(sup.sum())},
        ])], ignore_index=True)
    return out
