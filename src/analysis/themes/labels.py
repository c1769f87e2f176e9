"""User-edited theme labels that survive a refit (``theme_labels.csv``).

>>> _parse_terms("bus=0.5; metro=0.25")
{'bus': 0.5, 'metro': 0.25}
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.themes.vectors import match_themes


def _theme_term_weights(model, n: int = 30) -> list[dict[str, float]]:
    out = []
    for row in model.components_:
        order = np.lexsort((np.arange(len(row)), -row))[:n]
        out.append({str(model.terms_[i]): round(float(row[i]), 6) for i in order if row[i] > 0})
    return out


def _format_terms(weights: Mapping[str, float]) -> str:
    return "; ".join(f"{t}={w:.6f}" for t, w in weights.items())


def _parse_terms(text: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    if not isinstance(text, str):
        return out
    for part in text.split(";"):
        if "=" in part:
            t, w = part.rsplit("=", 1)
            try:
                out[t.strip()] = float(w)
            except ValueError:
                continue
    return out


def attach_labels(model, saved: pd.DataFrame | None,
                  min_similarity: float = 0.3) -> pd.DataFrame:
    """Re-attach user-edited labels to the model's themes; return the new label table.

    ``saved`` is a ``theme_labels.csv`` table (``theme_id``, ``label``, ``auto_label``,
    ``terms``). A row whose ``label`` differs from its ``auto_label`` was edited by a user.
    Its ``terms`` (term=weight pairs) are matched to the current themes' term vectors by
    Hungarian matching on cosine similarity; a match with similarity ≥ ``min_similarity``
    carries the label over, whatever the theme's new id. Edited labels that match no theme
    stay in the table with ``status`` "unmatched" so nothing a user wrote is lost.
    Sets ``model.labels_`` for matched themes.

    Parameters
    ----------
    model : fitted ThemeModel
    saved : DataFrame or None
        The saved ``theme_labels.csv``.
    min_similarity : float
        Least cosine for a label to carry over.

    Returns
    -------
    DataFrame
        ``theme_id``, ``label``, ``auto_label``, ``terms``, ``status``, ``similarity``.

    Examples
    --------
    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(2, random_state=0).fit(["bus og metro", "park og træer"] * 4)
    >>> attach_labels(m, None)["status"].tolist()
    ['auto', 'auto']
    """
    weights = _theme_term_weights(model)
    auto = list(model.labels_)
    table = pd.DataFrame({"theme_id": model.theme_ids_.astype(int), "label": auto,
                          "auto_label": auto, "terms": [_format_terms(w) for w in weights],
                          "status": "auto", "similarity": np.nan})
    if saved is None or saved.empty:
        return table
    need = {"label", "auto_label", "terms"}
    if not need <= set(saved.columns):
        raise ValueError(f"theme_labels.csv needs the columns {sorted(need)}; it has "
                         f"{list(saved.columns)}. Delete the file to start afresh.")
    saved = saved.copy()
    edited = saved[saved["label"].fillna("").astype(str).str.strip().ne("")
                   & saved["label"].astype(str).ne(saved["auto_label"].astype(str))]
    edited = edited.reset_index(drop=True)
    if edited.empty:
        return table
    vocab = sorted(set().union(*[set(w) for w in weights],
                               *[set(_parse_terms(t)) for t in edited["terms"]]))
    pos = {t: i for i, t in enumerate(vocab)}

    def vec(w: Mapping[str, float]) -> np.ndarray:
        v = np.zeros(len(vocab))
        for t, x in w.items():
            v[pos[t]] = x
        return v

    A = np.vstack([vec(_parse_terms(t)) for t in edited["terms"]])
    B = np.vstack([vec(w) for w in weights])
    a, b, s = match_themes(A, B)
    matched = set()
    labels = list(model.labels_)
    for i, j, sim in zip(a, b, s):
        if sim >= min_similarity:
            matched.add(int(i))
            labels[j] = str(edited.loc[i, "label"])
            table.loc[j, ["label", "status", "similarity"]] = [labels[j], "user", round(float(sim), 4)]
    model.labels_ = labels
    lost = edited.drop(index=sorted(matched))
    if len(lost):
        warnings.warn(f"{len(lost)} edited theme label(s) match no current theme "
                      f"(similarity < {min_similarity}): {lost['label'].tolist()}. They are "
                      "kept in theme_labels.csv with status 'unmatched'.", UserWarning, stacklevel=2)
        keep = lost.assign(theme_id=pd.NA, status="unmatched", similarity=np.nan)[table.columns]
        table = pd.concat([table, keep], ignore_index=True)
    table["theme_id"] = table["theme_id"].astype("Int64")
    return table


