"""Editing a fitted :class:`~analysis.themes.ThemeModel`: merging themes.

>>> from analysis.themes import ThemeModel
>>> texts = ["bus og metro", "metro og cykel", "park og træer", "træer i parken",
...          "skole og lærer", "lærer i skolen"] * 2
>>> merged_model(ThemeModel(n_themes=3, random_state=0).fit(texts), [1, 2]).n_themes_
2
"""

from __future__ import annotations

import copy
from typing import Sequence

import numpy as np


def merged_model(model, ids: Sequence[int], label: str | None = None):
    """A copy of the fitted ``model`` in which the themes ``ids`` are one theme (weights
    added; smallest id kept); see :meth:`analysis.themes.ThemeModel.merge_themes`.

    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(n_themes=2, random_state=0).fit(["bus og metro", "park og træer"] * 4)
    >>> merged_model(m, [1, 2]).theme_ids_.tolist()
    [1]
    """
    ids = sorted({int(i) for i in ids})
    unknown = [i for i in ids if i not in set(model.theme_ids_.tolist())]
    if unknown or len(ids) < 2:
        raise ValueError(f"merge_themes needs two or more existing theme ids; got {ids}, "
                         f"unknown {unknown}; the themes are {model.theme_ids_.tolist()}.")
    new = copy.copy(model)
    pos = {t: j for j, t in enumerate(model.theme_ids_)}
    keep = [t for t in model.theme_ids_ if t not in ids[1:]]
    M = np.zeros((len(model.theme_ids_), len(keep)))
    for j, t in enumerate(model.theme_ids_):
        M[j, keep.index(ids[0] if t in ids else t)] = 1.0
    new.weights_ = model.weights_ @ M
    new._Wdocs = model._Wdocs @ M
    new._set_theme_sums(M.T @ model._theme_sums)
    base = getattr(model, "_merge_map", None)
    new._merge_map = (np.eye(len(model._order))[:, model._order] if base is None else base) @ M
    new.theme_ids_ = np.asarray(keep)
    new.assigned_ = np.array([ids[0] if a in ids else a for a in model.assigned_], dtype=int)
    sel = [pos[t] for t in keep]
    new.seeds_ = ["+".join(s for s in (model.seeds_[pos[i]] for i in ids) if s)
                  if t == ids[0] else model.seeds_[pos[t]] for t in keep]
    stab = model.stability_.copy()
    stab[pos[ids[0]]] = np.nanmin(model.stability_[[pos[i] for i in ids]])
    new.stability_ = stab[sel]
    new.n_themes_ = len(keep)
    new._describe()
    if label is not None:
        new.labels_ = [label if t == ids[0] else lab for t, lab in zip(keep, new.labels_)]
    return new
