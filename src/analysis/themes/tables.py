"""Theme tables from a fitted model, and the stage that writes them.

``themes`` (one row per theme, plus the "no clear theme" group, id 0, when it is not
empty), ``segment_themes``, ``response_themes``, ``theme_quotes``, ``k_diagnostics``,
``theme_tree``, ``theme_levels``, ``theme_skipped``, ``segment_map``, ``theme_labels``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.text import WORD_RE
from analysis.themes.describe import (EVEN_SHARE_MARGIN, NO_THEME_ID, NO_THEME_LABEL, quotable,
                                      rank_quotes)
from analysis.themes.hierarchy import segment_map, theme_levels, theme_tree
from analysis.themes.labels import attach_labels
from analysis.themes.model import ThemeModel

#: Why a segment is in the "no clear theme" group.
NO_THEME_REASON = ("no clear theme: its weight is spread evenly over the themes (main theme "
                   f"below {EVEN_SHARE_MARGIN} × 1/k), or its fit with its main theme is tiny "
                   "(below min_fit={min_fit} × the corpus's median fit)")


def theme_quotes(model: ThemeModel, segments: pd.DataFrame, n_quotes: int = 5,
                 per_response: int = 2) -> pd.DataFrame:
    """Up to ``n_quotes`` representative quotes per theme.

    A quote is a complete content sentence (:func:`analysis.themes.describe.quotable`:
    no heading, greeting, sender line, signature or list number) whose main theme is the
    theme, ranked by typicality (cosine to the theme's term vector) × theme weight, ties
    broken by position; at most ``per_response`` per response; identical and
    near-identical texts (80 % of their words shared: campaign copies) once; written in full.

    Parameters
    ----------
    model : fitted ThemeModel
    segments : DataFrame with ``segment_id``, ``response_id``, ``text`` (and ``kind``)
    n_quotes : int
    per_response : int

    Returns
    -------
    DataFrame
        ``theme_id``, ``rank``, ``segment_id``, ``response_id``, ``weight``,
        ``typicality``, ``text``.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment_id": [f"r{i}:0:0" for i in range(8)],
    ...                     "response_id": [f"r{i}" for i in range(8)],
    ...                     "text": ["Vi vil have flere busser og metro i byen.",
    ...                              "Vi vil have flere parker og træer i byen."] * 4})
    >>> m = ThemeModel(2, random_state=0).fit(seg["text"])
    >>> int(theme_quotes(m, seg)["rank"].max()) <= 5
    True
    """
    from analysis.linalg import normalize_rows

    cols = ["theme_id", "rank", "segment_id", "response_id", "weight", "typicality", "text"]
    W = model.weights_
    kept = model._kept
    typical = np.zeros(W.shape)
    typical[kept] = np.asarray(normalize_rows(model._X) @ normalize_rows(model.components_).T)
    texts = segments["text"].fillna("").astype(str).tolist()
    kinds = (segments["kind"].fillna("content").astype(str).tolist() if "kind" in segments
             else ["content"] * len(texts))
    ok = np.array([quotable(t, k) for t, k in zip(texts, kinds)], dtype=bool)
    assigned = np.asarray(model.assigned_)
    rids = segments["response_id"].astype(str).to_numpy()
    sids = segments["segment_id"].astype(str).to_numpy()
    rows = []
    for j, tid in enumerate(model.theme_ids_):
        idx = np.flatnonzero((assigned == tid) & ok)
        order = idx[rank_quotes(typical[idx, j], W[idx, j], idx)]
        chosen: list[frozenset[str]] = []
        per: dict[str, int] = {}
        rank = 0
        for i in order:
            words = frozenset(WORD_RE.findall(texts[i].lower()))
            if per.get(rids[i], 0) >= per_response or any(
                    len(words & w) >= 0.8 * len(words | w) for w in chosen):
                continue  # a near-copy (campaign text) of a quote already chosen
            chosen.append(words)
            per[rids[i]] = per.get(rids[i], 0) + 1
            rank += 1
            rows.append({"theme_id": int(tid), "rank": rank, "segment_id": sids[i],
                         "response_id": rids[i], "weight": round(float(W[i, j]), 6),
                         "typicality": round(float(typical[i, j]), 6), "text": texts[i]})
            if rank == n_quotes:
                break
    return pd.DataFrame(rows, columns=cols)


def _themes_table(model: ThemeModel) -> pd.DataFrame:
    ids = model.theme_ids_.astype(int)
    assigned = np.asarray(model.assigned_)
    n_assigned = max(int((assigned >= 0).sum()), 1)
    sizes = np.array([int((assigned == t).sum()) for t in ids])
    themes = pd.DataFrame({
        "theme_id": ids,
        "label": list(model.labels_),
        "top_terms": [", ".join(t) for t in model.top_terms_],
        "size": sizes,
        "share": (sizes / n_assigned).round(6),
        "coherence": np.round(model.coherence_, 6),
        "stability": np.round(model.stability_, 6),
        "seed": list(model.seeds_),
        "exclusivity": np.round(model.exclusivity_, 6),
        "note": "",
    })
    n_none = int((assigned == NO_THEME_ID).sum())
    if n_none:
        none = pd.DataFrame([{
            "theme_id": NO_THEME_ID, "label": NO_THEME_LABEL.get(model.language, "no clear theme"),
            "top_terms": "", "size": n_none, "share": round(n_none / n_assigned, 6),
            "coherence": np.nan, "stability": np.nan, "seed": "", "exclusivity": np.nan,
            "note": NO_THEME_REASON.format(min_fit=model.min_fit)}])
        themes = pd.concat([themes, none], ignore_index=True)
    return themes


def _segment_themes(model: ThemeModel, segments: pd.DataFrame) -> pd.DataFrame:
    W = model.weights_
    ids = model.theme_ids_.astype(int)
    assigned = np.asarray(model.assigned_)
    clear = assigned > 0
    dom = W.argmax(axis=1)
    # Several themes per segment: every theme with at least `threshold` of the weight,
    # and always the segment's main theme.
    r, c = np.nonzero(clear[:, None] & ((W >= model.threshold) | (np.arange(W.shape[1]) == dom[:, None])))
    sid = segments["segment_id"].astype(str).to_numpy()
    st = pd.DataFrame({"segment_id": sid[r], "theme_id": ids[c], "weight": W[r, c].round(6)})
    none = np.flatnonzero(assigned == NO_THEME_ID)
    st0 = pd.DataFrame({"segment_id": sid[none], "theme_id": NO_THEME_ID, "weight": 1.0})
    st = pd.concat([st[st["weight"] > 0], st0], ignore_index=True)
    order = pd.Series(np.arange(len(sid)), index=sid)
    st = st.assign(_o=order.reindex(st["segment_id"]).to_numpy())
    return st.sort_values(["_o", "theme_id"], kind="mergesort").drop(columns="_o").reset_index(drop=True)


def _response_themes(model: ThemeModel, segments: pd.DataFrame) -> pd.DataFrame:
    """A response's share of a theme: the mean weight over its assigned segments
    (a segment with no clear theme counts fully to group 0)."""
    W = model.weights_.copy()
    ids = model.theme_ids_.astype(int)
    assigned = np.asarray(model.assigned_)
    W[assigned == NO_THEME_ID] = 0
    W0 = (assigned == NO_THEME_ID).astype(float)[:, None]
    frame = pd.DataFrame(np.hstack([W, W0])[assigned >= 0], columns=list(ids) + [NO_THEME_ID])
    frame["response_id"] = segments.loc[assigned >= 0, "response_id"].astype(str).to_numpy()
    resp = frame.groupby("response_id", sort=True).mean()
    out = resp.stack().rename("share").reset_index()
    out.columns = ["response_id", "theme_id", "share"]
    out = out[out["share"] > 0].copy()
    out["share"] = out["share"].round(6)
    out["theme_id"] = out["theme_id"].astype(int)
    if "source" in segments.columns:
        src = segments.drop_duplicates("response_id").set_index(
            segments.drop_duplicates("response_id")["response_id"].astype(str))["source"]
        out["source"] = out["response_id"].map(src).to_numpy()
    return out.sort_values(["response_id", "theme_id"], kind="mergesort").reset_index(drop=True)


def theme_tables(model: ThemeModel, segments: pd.DataFrame, *,
                 saved_labels: pd.DataFrame | None = None,
                 responses: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All theme tables for a model fitted on ``segments["text"]`` (same rows, same order).

    Parameters
    ----------
    model : fitted ThemeModel
    segments : DataFrame with ``segment_id``, ``response_id``, ``text``
    saved_labels : DataFrame, optional
        A ``theme_labels.csv`` table with user-edited labels (see :func:`attach_labels`).
    responses : DataFrame, optional
        The responses table; its ``source`` (the file or row each response came from) is
        carried into ``response_themes`` so it joins back to the input.

    Returns
    -------
    dict of DataFrame
        ``themes``, ``segment_themes``, ``response_themes``, ``theme_quotes``,
        ``k_diagnostics``, ``theme_tree``, ``theme_levels``, ``theme_skipped``,
        ``segment_map``, ``theme_labels``.

    Examples
    --------
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
    if responses is not None and "source" in responses and "source" not in segments:
        src = responses.drop_duplicates("response_id").set_index(
            responses.drop_duplicates("response_id")["response_id"].astype(str))["source"]
        segments = segments.assign(source=segments["response_id"].astype(str).map(src).to_numpy())
    label_table = attach_labels(model, saved_labels)
    sk = model.skipped_
    pos = sk["index"].to_numpy(dtype=int)
    skipped = pd.DataFrame({
        "segment_id": segments["segment_id"].astype(str).to_numpy()[pos],
        "response_id": segments["response_id"].astype(str).to_numpy()[pos],
        "reason": sk["reason"].to_numpy(),
        "text": segments["text"].fillna("").astype(str).to_numpy()[pos],
    })
    return {
        "themes": _themes_table(model),
        "segment_themes": _segment_themes(model, segments),
        "response_themes": _response_themes(model, segments),
        "theme_quotes": theme_quotes(model, segments),
        "k_diagnostics": model.k_diagnostics_.copy(),
        "theme_tree": theme_tree(model),
        "theme_levels": theme_levels(model),
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

    Parameters
    ----------
    model_or_tables : fitted ThemeModel, or the dict of :func:`theme_tables`
    ids : sequence of int (two or more theme ids)
    label : str, optional

    Returns
    -------
    ThemeModel or dict of DataFrame

    Examples
    --------
    >>> texts = ["bus og metro", "park og træer", "skole og lærer"] * 4
    >>> merge_themes(ThemeModel(3, random_state=0).fit(texts), [1, 2]).n_themes_
    2
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




def theme_model_for(segments: pd.DataFrame, *, hearing: Sequence[str] | str | None = None,
                    **params: Any) -> ThemeModel:
    """The :class:`ThemeModel` the stage fits for these segments (no other policy added).

    Parameters
    ----------
    segments : DataFrame (unused except for validation; kept for symmetry)
    hearing : title(s) of the hearing, passed as ``title_words``
    **params : ThemeModel parameters

    Returns
    -------
    ThemeModel (not fitted)

    Examples
    --------
    >>> theme_model_for(pd.DataFrame(), hearing="Plan for trafik", n_themes=3).title_words
    ('Plan for trafik',)
    """
    if hearing is not None and "title_words" not in params:
        params["title_words"] = (hearing,) if isinstance(hearing, str) else tuple(hearing)
    return ThemeModel(**params)


def write_theme_tables(processed_dir: str | os.PathLike, *, n_themes: int | str = "auto",
                       language: str = "da", backend: str = "nmf", random_state: int = 0,
                       seed_terms: Mapping[str, Sequence[str]] | None = None,
                       labels_path: str | os.PathLike | None = None,
                       **params: Any) -> dict[str, pd.DataFrame]:
    """Read ``segments.parquet`` from ``processed_dir``, find themes, write the tables.

    The same as, in a notebook::

        model = ThemeModel(n_themes, language=..., title_words=responses["hearing"].unique(), ...)
        model.fit(segments["text"], groups=segments["response_id"], kind=segments.get("kind"))
        tables = theme_tables(model, segments)

    (the hearing titles are the sorted distinct ``hearing`` values of ``responses.parquet``).

    **Editing labels.** Change the ``label`` column of ``theme_labels.csv`` (in
    ``processed_dir``, or ``labels_path``) and rerun: each edited label is re-attached to
    the theme whose term vector matches the saved ``terms`` best (Hungarian matching,
    cosine >= 0.3), even when ids change after a refit. Unmatched edits are kept with
    status "unmatched".

    Parameters
    ----------
    processed_dir : path
        A processed study folder (``segments.parquet``, optionally ``responses.parquet``).
    n_themes, language, backend, random_state, seed_terms : as in :class:`ThemeModel`
    labels_path : path, optional
        Where ``theme_labels.csv`` is read and written.
    **params : any other :class:`ThemeModel` parameter

    Returns
    -------
    dict of DataFrame (see :func:`theme_tables`)

    Examples
    --------
    >>> tables = write_theme_tables("data/processed/udsatte-byomraader-2025")  # doctest: +SKIP
    """
    from analysis.tables import write_table

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
    hearing = hearing_titles(folder)
    model = theme_model_for(segments, hearing=hearing, n_themes=n_themes, language=language,
                            backend=backend, random_state=random_state, seed_terms=seed_terms,
                            **params)
    model.fit(segments["text"], groups=segments["response_id"].astype(str),
              kind=segments["kind"] if "kind" in segments else None)
    resp_path = folder / "responses.parquet"
    responses = pd.read_parquet(resp_path) if resp_path.is_file() else None
    tables = theme_tables(model, segments, saved_labels=saved, responses=responses)
    folder.mkdir(parents=True, exist_ok=True)
    for name, csv in (("themes", True), ("segment_themes", False), ("response_themes", True),
                      ("theme_quotes", True), ("k_diagnostics", True), ("theme_tree", True),
                      ("theme_levels", True), ("theme_skipped", True), ("segment_map", False)):
        write_table(tables[name], folder, name, csv=csv)
    write_table(tables["theme_labels"], labels_file.parent, labels_file.stem, parquet=False)
    return tables


def hearing_titles(processed_dir: str | os.PathLike) -> tuple[str, ...]:
    """Sorted distinct hearing titles of ``responses.parquet`` in ``processed_dir`` (or ()).

    Parameters
    ----------
    processed_dir : path

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> hearing_titles("/nonexistent")
    ()
    """
    path = Path(processed_dir) / "responses.parquet"
    if not path.is_file():
        return ()
    responses = pd.read_parquet(path, columns=None)
    if "hearing" not in responses.columns:
        return ()
    return tuple(sorted(responses["hearing"].dropna().astype(str).unique()))
