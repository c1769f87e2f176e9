"""Themes on partitions: one :class:`~analysis.themes.ThemeModel`, fitted on a sample of
the segments (all of them when they number at most ``sample_size``), transforms every
partition on a worker.

What is computed where:

- the model (vocabulary, document frequencies, themes, labels, coherence, stability,
  ``k_diagnostics``, ``theme_tree``) and the tables that show example segments
  (``theme_quotes``, ``segment_map``, ``theme_skipped``) come from the fitted sample;
- ``segment_themes`` (every segment), ``response_themes`` and the ``size``/``share`` of
  ``themes`` come from the per-partition transforms, summed across partitions.

A segment gets the same themes as in memory by the same rule (every theme with at least
``threshold`` of its weight, and always its main theme); its weights come from
``ThemeModel.transform`` rather than from the fit itself, so on data that fits a few
segments near a tie can change their main theme.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.scale.parts import RowGroupWriter, n_row_groups, read_row_group

COLUMNS = ["segment_id", "response_id", "text"]


def _columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    names = pq.ParquetFile(path).schema.names
    return COLUMNS + (["kind"] if "kind" in names else [])


def segment_partitions(path: str | Path, rows: int = 20_000) -> list[tuple[int, int, int]]:
    """``(row_group, start, stop)`` pieces of a segments table: its row groups, each cut
    into runs of at most ``rows`` rows."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    out = []
    for g in range(meta.num_row_groups):
        n = meta.row_group(g).num_rows
        out += [(g, a, min(n, a + rows)) for a in range(0, n, rows)]
    return out


def _read_piece(path: Path, piece: tuple[int, int, int], columns="default") -> pd.DataFrame:
    g, a, b = piece
    frame = read_row_group(path, g, _columns(path) if columns == "default" else columns)
    return frame.iloc[a:b].reset_index(drop=True)


def _sample_piece(path: Path, piece, k: int, fraction: float, random_state: int) -> pd.DataFrame:
    frame = _read_piece(path, piece)
    if fraction < 1:
        keep = np.random.default_rng([random_state, k]).random(len(frame)) < fraction
        frame = frame[keep]
    return frame


def no_clear_theme_of(model, texts, W: np.ndarray, Xs=None) -> np.ndarray:
    """Which new texts have no clear theme, by the rule the model applied to its own fit.

    The rule of :func:`analysis.themes.describe.no_clear_theme`: the main theme holds less
    than ``EVEN_SHARE_MARGIN`` × 1/k of the weight, or the text's cosine with its main
    theme's vector (in the smoothed term space the model was fitted in) is below the
    model's ``fit_threshold_``. The themes' vectors are the weighted means of the fitted
    documents, as in :func:`analysis.themes.describe.theme_fit`. Texts are judged one by
    one: with ``unit="response"`` the in-memory fit judges whole responses, so a few
    segments of a mixed response can differ. ``Xs``: the texts' smoothed term rows when
    they are at hand (:meth:`ThemeModel.transform_smoothed`), else computed here.

    >>> from analysis.themes import ThemeModel
    >>> m = ThemeModel(2, min_fit=0.5).fit(["bus og metro kører", "park og træer gror"] * 4)
    >>> no_clear_theme_of(m, ["metro bus", "park træer"], m.transform(["metro bus", "park træer"])).tolist()
    [False, False]
    """
    from analysis.themes.describe import main_theme_fit, spread_evenly, theme_vectors
    from analysis.themes.vectors import smooth_terms

    W = np.asarray(W, dtype=float)
    if not model.min_fit or not len(W):
        return np.zeros(len(W), dtype=bool)
    C = getattr(model, "_fit_centroids", None)
    if C is None:  # once per model (and worker)
        C = model._fit_centroids = theme_vectors(model._Wdocs, model._Xs)
    if Xs is None:
        Xs = smooth_terms(model.features_.transform(texts), model.term_similarity_, model.smoothing,
                          model.smoothing_terms)
    has = W.sum(axis=1) > 0
    return has & (spread_evenly(W) | (main_theme_fit(W, Xs, C) < model.fit_threshold_))


def _transform_piece(path: Path, piece, model) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Worker task: (segment_themes rows, per-response weight sums, sizes) of a piece.

    A segment's main theme counts only when it is clear by the model's own rule (see
    :func:`no_clear_theme_of`), else it has no clear theme (id ``NO_THEME_ID``), as for
    the fitted documents.
    """
    from analysis.themes.policy import CONTENT_KINDS, segment_kinds
    from analysis.themes.tables import NO_THEME_ID

    seg = _read_piece(path, piece)
    texts = seg["text"].fillna("").astype(str).tolist()
    W, Xs = model.transform_smoothed(texts)
    kinds = segment_kinds(texts, seg["kind"] if "kind" in seg else None, model.language)
    W[~np.isin(np.asarray(kinds, dtype=object), CONTENT_KINDS)] = 0  # not evidence: as in the fit
    ids = model.theme_ids_.astype(int)
    has = W.sum(axis=1) > 0
    dom = W.argmax(axis=1)
    none = no_clear_theme_of(model, texts, W, Xs)
    clear = has & ~none
    r, c = np.nonzero(clear[:, None] & ((W >= model.threshold) | (np.arange(W.shape[1]) == dom[:, None])))
    sid = seg["segment_id"].astype(str).to_numpy()
    st = pd.DataFrame({"segment_id": sid[r], "theme_id": ids[c], "weight": W[r, c].round(6)})
    st = st[st["weight"] > 0]
    st0 = pd.DataFrame({"segment_id": sid[none], "theme_id": NO_THEME_ID, "weight": 1.0})
    order = {s: i for i, s in enumerate(sid)}
    st = pd.concat([st, st0], ignore_index=True)
    st = st.assign(_o=st["segment_id"].map(order)).sort_values(["_o", "theme_id"], kind="mergesort")
    st = st.drop(columns="_o").reset_index(drop=True)
    Wr = W.copy()
    Wr[none] = 0
    sums = pd.DataFrame(np.hstack([Wr, none.astype(float)[:, None]])[has], columns=list(ids) + [NO_THEME_ID])
    sums["n"] = 1
    sums["response_id"] = seg.loc[has, "response_id"].astype(str).to_numpy()
    sums = sums.groupby("response_id", sort=False).sum()
    sizes = np.append(np.bincount(dom[clear], minlength=len(ids)), int(none.sum()))
    return st, sums, sizes


def themes_partitioned(processed_dir: str | Path, *, client, n_themes: int | str = "auto", language: str = "da",
                       backend: str = "nmf", random_state: int = 0, sample_size: int = 50_000,
                       partition_rows: int = 20_000, seed_terms=None, labels_path=None,
                       **params) -> dict[str, pd.DataFrame]:
    """Find themes in a processed folder's segments on a Dask cluster and write the tables.

    Writes the tables of :func:`analysis.themes.write_theme_tables` (``segment_themes``
    one row group per partition). Returns the small tables (not ``segment_themes``).

    Parameters
    ----------
    client : a ``distributed.Client``
    sample_size : segments the model is fitted on (a random sample drawn per partition
        with ``random_state``; every segment when there are no more)
    partition_rows : segments per transform task
    other parameters : as for :func:`analysis.themes.write_theme_tables`

    Examples
    --------
    >>> tables = themes_partitioned("data/processed/big", client=client, n_themes=10)  # doctest: +SKIP
    """
    from analysis.themes import theme_tables
    from analysis.themes.tables import hearing_titles, theme_model_for

    folder = Path(processed_dir)
    seg_path = folder / "segments.parquet"
    if not seg_path.is_file():
        raise FileNotFoundError(f"{seg_path} not found: run `analysis ingest` for this study "
                                "first (it writes segments.parquet).")
    pieces = segment_partitions(seg_path, partition_rows)
    total = sum(b - a for _, a, b in pieces)
    fraction = min(1.0, sample_size / max(total, 1))
    parts = client.map(_sample_piece, [seg_path] * len(pieces), pieces, range(len(pieces)),
                       fraction=fraction, random_state=random_state, pure=False)
    sample = pd.concat(client.gather(parts), ignore_index=True)
    del parts
    labels_file = Path(labels_path) if labels_path else folder / "theme_labels.csv"
    saved = pd.read_csv(labels_file, dtype=str, keep_default_na=False) if labels_file.is_file() else None
    model = theme_model_for(sample, hearing=hearing_titles(folder), n_themes=n_themes, language=language,
                            backend=backend, random_state=random_state, seed_terms=seed_terms, **params)
    model.fit(sample["text"], groups=sample["response_id"].astype(str),
              kind=sample["kind"] if "kind" in sample else None)
    tables = theme_tables(model, sample, saved_labels=saved)
    tables.pop("segment_themes")

    [remote] = client.scatter([model], broadcast=True)
    futures = [client.submit(_transform_piece, seg_path, p, remote, pure=False) for p in pieces]
    writer = RowGroupWriter(folder, "segment_themes")
    sums, sizes = [], np.zeros(len(model.theme_ids_) + 1, dtype=np.int64)
    for fut in futures:
        st, s, z = fut.result()
        fut.release()
        if len(st):
            writer.write(st)
        sums.append(s)
        sizes += z
    writer.close(pd.DataFrame({"segment_id": pd.Series(dtype="string"), "theme_id": pd.Series(dtype="int64"),
                               "weight": pd.Series(dtype="float64")}))
    from analysis.themes.tables import NO_THEME_ID

    ids = model.theme_ids_.astype(int)
    agg = pd.concat(sums).groupby(level=0, sort=True).sum()
    resp = agg[list(ids) + [NO_THEME_ID]].div(agg["n"], axis=0)
    rt = resp.stack().rename("share").reset_index()
    rt.columns = ["response_id", "theme_id", "share"]
    rt = rt[rt["share"] > 0].copy()
    rt["share"] = rt["share"].round(6)
    rt["theme_id"] = rt["theme_id"].astype(int)
    tables["response_themes"] = rt.reset_index(drop=True)
    tables["themes"] = _recount(tables["themes"], ids, sizes, model)
    _write(folder, tables, labels_file)
    return tables


def _recount(themes: pd.DataFrame, ids: np.ndarray, sizes: np.ndarray, model) -> pd.DataFrame:
    """The themes table with sizes and shares over every segment (the no-clear-theme row
    added or dropped as the whole corpus needs)."""
    from analysis.themes.tables import NO_THEME_ID, NO_THEME_LABEL, NO_THEME_REASON

    n_assigned = max(int(sizes.sum()), 1)
    out = themes[themes["theme_id"] != NO_THEME_ID].copy()
    out["size"] = sizes[:-1]
    out["share"] = (sizes[:-1] / n_assigned).round(6)
    if sizes[-1]:
        none = themes[themes["theme_id"] == NO_THEME_ID]
        if not len(none):
            none = pd.DataFrame([{"theme_id": NO_THEME_ID, "label": NO_THEME_LABEL.get(model.language, "no clear theme"),
                                  "top_terms": "", "coherence": np.nan, "stability": np.nan, "seed": "",
                                  "exclusivity": np.nan, "note": NO_THEME_REASON.format(min_fit=model.min_fit)}])
        none = none.assign(size=int(sizes[-1]), share=round(int(sizes[-1]) / n_assigned, 6))
        out = pd.concat([out, none[out.columns]], ignore_index=True)
    return out.reset_index(drop=True)


def _write(folder: Path, tables: dict[str, pd.DataFrame], labels_file: Path) -> None:
    from analysis.tables import write_table

    for name, csv in (("themes", True), ("response_themes", True), ("theme_quotes", True), ("k_diagnostics", True),
                      ("theme_tree", True), ("theme_levels", True), ("theme_skipped", True), ("segment_map", False)):
        if name in tables:
            write_table(tables[name], folder, name, csv=csv)
    write_table(tables["theme_labels"], labels_file.parent, labels_file.stem, parquet=False)
