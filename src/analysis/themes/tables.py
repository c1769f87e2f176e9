"""Theme tables from a fitted model: themes, segment and response weights, quotes, tree, labels.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.tables import write_table
from analysis.text import WORD_RE, proper_names

from analysis.themes.model import ThemeModel
from analysis.themes.vectors import (match_themes)

# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

def _theme_term_weights(model: ThemeModel, n: int = 30) -> list[dict[str, float]]:
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


def attach_labels(model: ThemeModel, saved: pd.DataFrame | None,
                  min_similarity: float = 0.3) -> pd.DataFrame:
    """Re-attach user-edited labels to the model's themes; return the new label table.

    ``saved`` is a ``theme_labels.csv`` table (``theme_id``, ``label``, ``auto_label``,
    ``terms``). A row whose ``label`` differs from its ``auto_label`` was edited by a user.
    Its ``terms`` (term=weight pairs) are matched to the current themes' term vectors by
    Hungarian matching on cosine similarity; a match with similarity ≥ ``min_similarity``
    carries the label over, whatever the theme's new id. Edited labels that match no theme
    stay in the table with ``status`` "unmatched" so nothing a user wrote is lost.
    Sets ``model.labels_`` for matched themes.
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


def theme_quotes(model: ThemeModel, segments: pd.DataFrame, n_quotes: int = 5) -> pd.DataFrame:
    """Up to ``n_quotes`` representative segments per theme (highest weight, most typical).

    Columns: ``theme_id``, ``rank``, ``segment_id``, ``response_id``, ``weight``, ``text``.
    Identical texts are quoted once.
    """
    from sklearn.preprocessing import normalize

    W = model.weights_
    kept = model._kept
    typical = np.zeros_like(W)
    typical[kept] = np.asarray(normalize(model._X) @ normalize(model.components_).T)
    dom = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), -1)
    rows = []
    texts = segments["text"].fillna("").astype(str).tolist()
    for j, tid in enumerate(model.theme_ids_):
        idx = np.flatnonzero(dom == j)
        order = idx[np.lexsort((idx, -typical[idx, j].round(9), -W[idx, j].round(9)))]
        seen: set[str] = set()
        rank = 0
        for i in order:
            key = " ".join(texts[i].lower().split())
            if key in seen:
                continue
            seen.add(key)
            rank += 1
            rows.append({"theme_id": int(tid), "rank": rank,
                         "segment_id": str(segments["segment_id"].iloc[i]),
                         "response_id": str(segments["response_id"].iloc[i]),
                         "weight": round(float(W[i, j]), 6), "text": texts[i]})
            if rank == n_quotes:
                break
    return pd.DataFrame(rows, columns=["theme_id", "rank", "segment_id", "response_id",
                                       "weight", "text"])


def theme_tree(model: ThemeModel) -> pd.DataFrame:
    """Agglomerative tree of the themes (average linkage, cosine distance of term vectors).

    One row per edge: ``parent`` (node "N1", "N2", …; the last is the root), ``child``
    (a node or a theme "T3"), ``child_theme_id`` (Int64, missing for nodes), ``distance``
    (height of the parent's merge), ``n_themes`` (themes under the child), ``label``.
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


def segment_map(model: ThemeModel, segments: pd.DataFrame) -> pd.DataFrame:
    """2-D map of the assigned segments: PCA of the square-rooted theme weights.

    Deterministic (full SVD, signs fixed so each axis's largest loading is positive).
    Columns: ``segment_id``, ``response_id``, ``x``, ``y``, ``theme_id``.
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
                         "theme_id": model.theme_ids_[W[has].argmax(axis=1)].astype(int)})


def theme_tables(model: ThemeModel, segments: pd.DataFrame, *,
                 saved_labels: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All theme tables for a model fitted on ``segments["text"]`` (same rows, same order).

    Returns ``themes``, ``segment_themes``, ``response_themes``, ``theme_quotes``,
    ``k_diagnostics``, ``theme_tree``, ``theme_skipped``, ``segment_map`` and
    ``theme_labels`` (see :func:`attach_labels`).

    >>> seg = pd.DataFrame({"segment_id": [f"r{i % 2}:0:{i}" for i in range(12)],
    ...                     "response_id": [f"r{i % 2}" for i in range(12)],
    ...                     "text": ["bus og metro", "park og træer", "metro og cykel",
    ...                              "træer i parken"] * 3})
    >>> m = ThemeModel(n_themes=2, random_state=0).fit(seg["text"])
    >>> sorted(theme_tables(m, seg))[:3]
    ['k_diagnostics', 'response_themes', 'segment_map']
    """
    model._check_fitted()
    need = {"segment_id", "response_id", "text"}
    if not need <= set(segments.columns):
        raise ValueError(f"segments need the columns {sorted(need)}; got {list(segments.columns)}")
    if len(segments) != model.weights_.shape[0]:
        raise ValueError(f"The model was fitted on {model.weights_.shape[0]} segments but "
                         f"{len(segments)} were given; pass the very segments it was fitted on.")
    segments = segments.reset_index(drop=True)
    label_table = attach_labels(model, saved_labels)
    W = model.weights_
    ids = model.theme_ids_.astype(int)
    has = W.sum(axis=1) > 0
    dom = W.argmax(axis=1)
    n_assigned = int(has.sum())
    sizes = np.array([int(((dom == j) & has).sum()) for j in range(len(ids))])
    themes = pd.DataFrame({
        "theme_id": ids,
        "label": list(model.labels_),
        "top_terms": [", ".join(t) for t in model.top_terms_],
        "size": sizes,
        "share": (sizes / max(n_assigned, 1)).round(6),
        "coherence": np.round(model.coherence_, 6),
        "stability": np.round(model.stability_, 6),
        "seed": list(model.seeds_),
    })
    # Several themes per segment: every theme with at least `threshold` of the weight,
    # and always the segment's main theme.
    r, c = np.nonzero(has[:, None] & ((W >= model.threshold) | (np.arange(W.shape[1]) == dom[:, None])))
    seg_themes = pd.DataFrame({"segment_id": segments["segment_id"].astype(str).to_numpy()[r],
                               "theme_id": ids[c], "weight": W[r, c].round(6)})
    seg_themes = seg_themes[seg_themes["weight"] > 0].reset_index(drop=True)
    # A response's share of a theme: the mean weight over its assigned segments.
    frame = pd.DataFrame(W[has], columns=ids)
    frame["response_id"] = segments.loc[has, "response_id"].astype(str).to_numpy()
    resp = frame.groupby("response_id", sort=True).mean()
    resp_themes = resp.stack().rename("share").reset_index().rename(columns={"level_1": "theme_id"})
    resp_themes.columns = ["response_id", "theme_id", "share"]
    resp_themes = resp_themes[resp_themes["share"] > 0].copy()
    resp_themes["share"] = resp_themes["share"].round(6)
    resp_themes["theme_id"] = resp_themes["theme_id"].astype(int)
    resp_themes = resp_themes.reset_index(drop=True)
    sk = model.skipped_
    skipped = pd.DataFrame({
        "segment_id": segments["segment_id"].astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
        "response_id": segments["response_id"].astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
        "reason": sk["reason"].to_numpy(),
        "text": segments["text"].fillna("").astype(str).to_numpy()[sk["index"].to_numpy(dtype=int)],
    })
    return {
        "themes": themes,
        "segment_themes": seg_themes,
        "response_themes": resp_themes,
        "theme_quotes": theme_quotes(model, segments),
        "k_diagnostics": model.k_diagnostics_.copy(),
        "theme_tree": theme_tree(model),
        "theme_skipped": skipped,
        "segment_map": segment_map(model, segments),
        "theme_labels": label_table,
    }


def merge_themes(model_or_tables: ThemeModel | Mapping[str, pd.DataFrame], ids: Sequence[int],
                 label: str | None = None):
    """Merge the themes ``ids`` into one (the smallest id is kept).

    Given a fitted :class:`ThemeModel`, returns a new model (see
    :meth:`ThemeModel.merge_themes`). Given the tables of :func:`theme_tables`, returns
    new tables: weights and shares are added, sizes recounted, top terms interleaved,
    coherence unknown (NaN) and stability the lowest of the merged themes.
    """
    if isinstance(model_or_tables, ThemeModel):
        return model_or_tables.merge_themes(ids, label=label)
    tables = {k: v.copy() for k, v in model_or_tables.items()}
    ids = sorted({int(i) for i in ids})
    themes = tables["themes"]
    known = set(themes["theme_id"].astype(int))
    if len(ids) < 2 or not set(ids) <= known:
        raise ValueError(f"merge_themes needs two or more existing theme ids; got {ids}; "
                         f"the themes are {sorted(known)}.")
    target = ids[0]
    remap = {i: target for i in ids}

    def recode(t: pd.DataFrame, value: str, keys: list[str]) -> pd.DataFrame:
        t = t.copy()
        t["theme_id"] = t["theme_id"].astype(int).map(lambda x: remap.get(x, x))
        return t.groupby(keys, as_index=False, sort=True)[value].sum()

    st = recode(tables["segment_themes"], "weight", ["segment_id", "theme_id"])
    tables["segment_themes"] = st
    if "response_themes" in tables:
        tables["response_themes"] = recode(tables["response_themes"], "share",
                                           ["response_id", "theme_id"])
    main = st.sort_values(["segment_id", "weight", "theme_id"], ascending=[True, False, True],
                          kind="mergesort").drop_duplicates("segment_id")
    sizes = main["theme_id"].value_counts()
    merged = themes[themes["theme_id"].astype(int).isin(ids)]
    term_lists = [str(t).split(", ") for t in merged["top_terms"]]
    inter: list[str] = []
    for rank in range(max(len(t) for t in term_lists)):
        for t in term_lists:
            if rank < len(t) and t[rank] not in inter:
                inter.append(t[rank])
    row = {"theme_id": target, "label": label or " / ".join(merged["label"].astype(str)),
           "top_terms": ", ".join(inter[:10]), "coherence": np.nan,
           "stability": merged["stability"].min(),
           "seed": "+".join(s for s in merged.get("seed", pd.Series(dtype=str)).fillna("") if s)}
    themes = themes[~themes["theme_id"].astype(int).isin(ids[1:])].copy()
    for col, val in row.items():
        if col in themes.columns:
            themes.loc[themes["theme_id"].astype(int) == target, col] = val
    themes["size"] = themes["theme_id"].astype(int).map(sizes).fillna(0).astype(int)
    themes["share"] = (themes["size"] / max(int(themes["size"].sum()), 1)).round(6)
    tables["themes"] = themes.reset_index(drop=True)
    if "theme_quotes" in tables:
        q = tables["theme_quotes"].copy()
        q["theme_id"] = q["theme_id"].astype(int).map(lambda x: remap.get(x, x))
        q = q.sort_values(["theme_id", "weight", "segment_id"], ascending=[True, False, True],
                          kind="mergesort").drop_duplicates(["theme_id", "segment_id"])
        q = q.groupby("theme_id", sort=True).head(5).copy()
        q["rank"] = q.groupby("theme_id").cumcount() + 1
        tables["theme_quotes"] = q.reset_index(drop=True)
    if "segment_map" in tables:
        tables["segment_map"]["theme_id"] = tables["segment_map"]["theme_id"].map(
            lambda x: remap.get(int(x), int(x)))
    return tables


# ---------------------------------------------------------------------------
# The stage the CLI calls
# ---------------------------------------------------------------------------

def write_theme_tables(processed_dir: str | os.PathLike, *, n_themes: int | str = "auto",
                       language: str = "da", backend: str = "nmf", random_state: int = 0,
                       seed_terms: Mapping[str, Sequence[str]] | None = None,
                       labels_path: str | os.PathLike | None = None,
                       **params: Any) -> dict[str, pd.DataFrame]:
    """Read ``segments.parquet`` from ``processed_dir``, find themes, write the tables.

    Writes ``themes.parquet``/``.csv``, ``segment_themes.parquet``,
    ``response_themes.parquet``/``.csv``, ``theme_quotes.csv``, ``k_diagnostics.csv``,
    ``theme_tree.csv``, ``theme_skipped.csv``, ``segment_map.parquet`` and
    ``theme_labels.csv``.

    **Editing labels.** Change the ``label`` column of ``theme_labels.csv`` (in
    ``processed_dir``, or ``labels_path``) and rerun: each edited label is re-attached to
    the theme whose term vector matches the saved ``terms`` best (Hungarian matching,
    cosine ≥ 0.3), even when ids change after a refit. Unmatched edits are kept with
    status "unmatched". Extra ``params`` go to :class:`ThemeModel`.

    >>> tables = write_theme_tables("data/processed/udsatte-byomraader-2025")  # doctest: +SKIP
    """
    folder = Path(processed_dir)
    seg_path = folder / "segments.parquet"
    if not seg_path.is_file():
        raise FileNotFoundError(f"{seg_path} not found: run `analysis ingest` for this study "
                                "first (it writes segments.parquet).")
    segments = pd.read_parquet(seg_path)
    missing = {"segment_id", "response_id", "text"} - set(segments.columns)
    if missing:
        raise ValueError(f"{seg_path}: missing columns {sorted(missing)}; rerun ingest.")
    segments = segments.reset_index(drop=True)
    labels_file = Path(labels_path) if labels_path else folder / "theme_labels.csv"
    saved = pd.read_csv(labels_file, dtype=str, keep_default_na=False) if labels_file.is_file() else None
    # The hearing's own title words ("Klimastrategi og Klimahandleplan") are in every
    # response's scope and tell no theme apart.
    extra = list(params.pop("extra_stop_words", ()))
    # Names of senders, places and people say who wrote, not what about.
    if params.pop("drop_names", True):
        extra.extend(sorted(proper_names(segments["text"].astype(str), language)))
    resp_path = folder / "responses.parquet"
    if resp_path.is_file():
        responses = pd.read_parquet(resp_path)
        if "hearing" in responses.columns:
            for title in responses["hearing"].dropna().astype(str).unique():
                extra.extend(m.group().lower() for m in WORD_RE.finditer(title))
    model = ThemeModel(n_themes, language=language, backend=backend, random_state=random_state,
                       seed_terms=seed_terms, extra_stop_words=tuple(extra), **params)
    model.fit(segments["text"], groups=segments["response_id"].astype(str))
    tables = theme_tables(model, segments, saved_labels=saved)
    folder.mkdir(parents=True, exist_ok=True)
    for name, csv, parquet in (("themes", True, True), ("segment_themes", False, True),
                               ("response_themes", True, True), ("theme_quotes", True, False),
                               ("k_diagnostics", True, False), ("theme_tree", True, False),
                               ("theme_skipped", True, False), ("segment_map", False, True)):
        write_table(tables[name], folder, name, csv=csv, parquet=parquet)
    write_table(tables["theme_labels"], labels_file.parent, labels_file.stem, parquet=False)
    return tables
