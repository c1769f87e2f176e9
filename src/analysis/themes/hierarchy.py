"""Coarse-to-fine structure of the themes: the tree, its cut at a few levels, the 2-D map.

>>> from analysis.themes import ThemeModel
>>> m = ThemeModel(3, random_state=0).fit(["bus og metro", "park og træer", "skole og lærer"] * 4)
>>> sorted(int(v) for v in theme_levels(m)["level"].unique())
[1, 2, 3]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.themes.choose_k import theme_exclusivity
from analysis.themes.describe import distinctive_terms, theme_label


def theme_tree(model) -> pd.DataFrame:
    """Agglomerative tree of the themes (average linkage, cosine distance of term vectors).

    One row per edge: ``parent`` (node "N1", "N2", …; the last is the root), ``child``
    (a node or a theme "T3"), ``child_theme_id`` (Int64, missing for nodes), ``distance``
    (height of the parent's merge), ``n_themes`` (themes under the child), ``label``.

    Parameters
    ----------
    model : fitted ThemeModel

    Returns
    -------
    DataFrame (two rows per merge)

    Examples
    --------
    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(3, random_state=0).fit(["bus og metro", "park og træer", "skole og lærer"] * 4)
    >>> len(theme_tree(m))
    4
    """
    from scipy.cluster.hierarchy import linkage

    cols = ["parent", "child", "child_theme_id", "distance", "n_themes", "label"]
    k = len(model.theme_ids_)
    if k < 2:
        return pd.DataFrame(columns=cols)
    C = np.asarray(model.components_, dtype=float)
    C = C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
    Z = linkage(C, method="average", metric="cosine")
    names = [f"T{t}" for t in model.theme_ids_] + [f"N{i + 1}" for i in range(len(Z))]
    counts = [1] * k + [int(z[3]) for z in Z]
    labels = list(model.labels_) + [""] * len(Z)
    rows = []
    for i, (a, b, dist, _) in enumerate(Z):
        for c in (int(a), int(b)):
            rows.append({"parent": names[k + i], "child": names[c],
                         "child_theme_id": int(model.theme_ids_[c]) if c < k else pd.NA,
                         "distance": round(float(max(dist, 0.0)), 6), "n_themes": counts[c],
                         "label": labels[c]})
    out = pd.DataFrame(rows, columns=cols)
    out["child_theme_id"] = out["child_theme_id"].astype("Int64")
    return out


def segment_map(model, segments: pd.DataFrame) -> pd.DataFrame:
    """2-D map of the assigned segments: PCA of the square-rooted theme weights.

    Deterministic (full SVD, signs fixed so each axis's largest loading is positive).
    Columns: ``segment_id``, ``response_id``, ``x``, ``y``, ``theme_id`` (0 = no clear theme).

    Parameters
    ----------
    model : fitted ThemeModel
    segments : DataFrame with ``segment_id`` and ``response_id`` (the rows fitted)

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(3, random_state=0).fit(["bus og metro", "park og træer", "skole og lærer"] * 4)
    >>> seg = pd.DataFrame({"segment_id": [str(i) for i in range(12)], "response_id": "r"})
    >>> list(segment_map(m, seg).columns)
    ['segment_id', 'response_id', 'x', 'y', 'theme_id']
    """
    W = model.weights_
    has = W.sum(axis=1) > 0
    R = np.sqrt(W[has])
    R = R - R.mean(axis=0)
    if R.shape[0] >= 2:
        U, s, Vt = np.linalg.svd(R, full_matrices=False)
        for c in range(Vt.shape[0]):
            if Vt[c, np.argmax(np.abs(Vt[c]))] < 0:
                Vt[c] *= -1
        XY = R @ Vt[:2].T
    else:
        XY = np.zeros((R.shape[0], 2))
    if XY.shape[1] < 2:
        XY = np.hstack([XY, np.zeros((XY.shape[0], 2 - XY.shape[1]))])
    sub = segments.loc[has]
    return pd.DataFrame({"segment_id": sub["segment_id"].astype(str).to_numpy(),
                         "response_id": sub["response_id"].astype(str).to_numpy(),
                         "x": XY[:, 0].round(6), "y": XY[:, 1].round(6),
                         "theme_id": np.asarray(model.assigned_)[has].astype(int)})


def _levels(k: int) -> list[int]:
    """Cut levels: 1, 2, 3, then about doubling, up to k."""
    out = [lv for lv in (1, 2, 3) if lv <= k]
    lv = 3
    while lv * 2 < k:
        lv *= 2
        out.append(lv)
    if k not in out:
        out.append(k)
    return out


def theme_levels(model, levels: list[int] | None = None) -> pd.DataFrame:
    """The theme tree cut at a few levels, from coarse (1 group) to fine (every theme).

    At each level the themes are grouped by a Ward tree of their unit term vectors;
    each group gets a label from its merged term
    vector, its size (segments whose main theme is in it), share and exclusivity
    against the other groups of that level — so a researcher sees both the coarse and
    the fine themes and how distinct each level is.

    Parameters
    ----------
    model : fitted ThemeModel
    levels : list of int, optional
        Numbers of groups (default 1, 2, 3, then doubling up to ``n_themes_``).

    Returns
    -------
    DataFrame
        ``level``, ``group``, ``theme_id``, ``group_label``, ``group_size``,
        ``group_share``, ``group_exclusivity``, ``level_exclusivity``.

    Examples
    --------
    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(3, random_state=0).fit(["bus og metro", "park og træer", "skole og lærer"] * 4)
    >>> theme_levels(m).groupby("level")["group"].nunique().tolist()
    [1, 2, 3]
    """
    from scipy.cluster.hierarchy import cut_tree, linkage

    cols = ["level", "group", "theme_id", "group_label", "group_size", "group_share",
            "group_exclusivity", "level_exclusivity"]
    ids = np.asarray(model.theme_ids_, dtype=int)
    k = len(ids)
    if k == 0:
        return pd.DataFrame(columns=cols)
    C = np.asarray(model.components_, dtype=float)
    assigned = np.asarray(model.assigned_)
    sizes = np.array([int((assigned == t).sum()) for t in ids])
    total = max(int((assigned > 0).sum()), 1)
    # Ward linkage of the unit term vectors (Euclidean distance of unit vectors is a
    # function of their cosine): balanced groups, where average linkage chains.
    Z = linkage(C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12),
                method="ward") if k >= 2 else None
    surface = model.features_.surface_
    rows = []
    for lv in levels or _levels(k):
        lv = int(min(max(lv, 1), k))
        if Z is None or lv == k:
            lab = np.arange(1, k + 1)
        else:
            lab = cut_tree(Z, n_clusters=lv).ravel()
        # Renumber groups by their first theme so numbering is stable.
        first = {}
        for g in lab:
            first.setdefault(int(g), len(first) + 1)
        lab = np.array([first[int(g)] for g in lab])
        groups = sorted(set(lab.tolist()))
        G = np.vstack([(C[lab == g] * sizes[lab == g, None]).sum(axis=0) /
                       max(sizes[lab == g].sum(), 1) for g in groups])
        excl = theme_exclusivity(G, model.n_top_terms) if len(groups) > 1 else np.ones(1)
        top = distinctive_terms(G, model.n_top_terms) if len(groups) > 1 else \
            [list(np.argsort(-G[0], kind="stable")[:model.n_top_terms])]
        for gi, g in enumerate(groups):
            terms = [surface.get(model.terms_[i], model.terms_[i]) for i in top[gi]]
            members = ids[lab == g]
            label = (model.labels_[int(np.flatnonzero(lab == g)[0])] if len(members) == 1
                     else theme_label(terms, model.language))
            for t in members:
                rows.append({"level": len(groups), "group": int(g), "theme_id": int(t),
                             "group_label": label, "group_size": int(sizes[lab == g].sum()),
                             "group_share": round(float(sizes[lab == g].sum() / total), 6),
                             "group_exclusivity": round(float(excl[gi]), 6),
                             "level_exclusivity": round(float(np.nanmean(excl)), 6)})
    out = pd.DataFrame(rows, columns=cols)
    return out.drop_duplicates(["level", "theme_id"]).reset_index(drop=True)
