"""Themes for corpora too large for memory: chunked features, mini-batch NMF, chunked output.

The in-memory path (:mod:`analysis.themes`) holds every segment's text and term matrix at
once. This module keeps memory bounded by the chunk size, not the corpus:

1. **Sample.** A deterministic random sample of at most ``sample_size`` segments is read
   from ``segments.parquet`` (pyarrow batches; no full read).
2. **Vocabulary.** :class:`analysis.text.TermFeatures` — the very tokenisation,
   lemmatisation, stop words and multi-word terms of the in-memory path — is fitted on the
   sample. Its vocabulary is then fixed.
3. **Counts and IDF.** One pass over the corpus in chunks of ``batch_size`` segments turns
   each chunk into a sparse count matrix over the fixed vocabulary (cached on disk, so the
   text is tokenised once) while document frequencies accumulate into a global IDF.
4. **Fit.** NMF on the sample initialises the components; ``MiniBatchNMF.partial_fit``
   then refines them over every chunk (``n_epochs`` passes).
5. **Transform.** A last pass writes ``segment_themes`` chunk by chunk (parquet row
   groups) and sums each response's segment weights into ``response_themes``.

The tables are those of the in-memory path (same columns, same meaning): ``themes``,
``segment_themes``, ``response_themes``.

>>> from analysis.themes.outofcore import fit_themes_out_of_core
>>> paths = fit_themes_out_of_core("data/processed/big/segments.parquet",
...                                "data/processed/big", n_themes=12)  # doctest: +SKIP
>>> sorted(paths)                                                     # doctest: +SKIP
['response_themes', 'segment_themes', 'themes']
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["fit_themes_out_of_core", "iter_segment_batches", "sample_segments"]

SEGMENT_COLUMNS = ("segment_id", "response_id", "text")
THEME_COLUMNS = ["theme_id", "label", "top_terms", "size", "share", "coherence", "stability"]


# --------------------------------------------------------------------------- reading
def _parquet(path: str | Path):
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no segments table. Run `analysis ingest` first, "
                                "or give the path to a segments.parquet.")
    pf = pq.ParquetFile(path)
    missing = [c for c in SEGMENT_COLUMNS if c not in pf.schema_arrow.names]
    if missing:
        raise ValueError(f"{path}: segments table lacks column(s) {missing}; it needs "
                         f"{list(SEGMENT_COLUMNS)} (the data contract's segments table).")
    return pf


def iter_segment_batches(segments_path: str | Path, batch_size: int = 50_000,
                         columns: tuple[str, ...] = SEGMENT_COLUMNS) -> Iterator[pd.DataFrame]:
    """Yield ``segments.parquet`` as DataFrames of at most ``batch_size`` rows, in file order.

    >>> for chunk in iter_segment_batches("segments.parquet", 10_000):  # doctest: +SKIP
    ...     print(len(chunk))
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    pf = _parquet(segments_path)
    for batch in pf.iter_batches(batch_size=batch_size, columns=list(columns)):
        frame = batch.to_pandas()
        if "text" in frame:
            frame["text"] = frame["text"].fillna("").astype(str)
        yield frame


def sample_segments(segments_path: str | Path, n: int, random_state: int = 0,
                    batch_size: int = 50_000) -> tuple[np.ndarray, list[str]]:
    """A deterministic uniform sample of ``n`` segments: (row positions, texts), in file order.

    Reads the file in batches and keeps only the sampled texts, so memory is bounded by
    ``n`` and ``batch_size``.
    """
    n_rows = _parquet(segments_path).metadata.num_rows
    rng = np.random.default_rng(random_state)
    rows = np.arange(n_rows) if n >= n_rows else np.sort(rng.choice(n_rows, size=n, replace=False))
    texts: list[str] = []
    start = 0
    for chunk in iter_segment_batches(segments_path, batch_size, columns=("text",)):
        stop = start + len(chunk)
        lo, hi = np.searchsorted(rows, [start, stop])
        texts.extend(chunk["text"].iloc[rows[lo:hi] - start].tolist())
        start = stop
    return rows, texts


# --------------------------------------------------------------------------- features
def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, sublinear: bool = True) -> sp.csr_matrix:
    """TF-IDF with the given IDF, l2-normalised rows (as :class:`TermFeatures` does)."""
    from sklearn.preprocessing import normalize

    X = counts.astype(np.float64, copy=True)
    if sublinear:
        np.log(X.data, out=X.data)
        X.data += 1.0
    X = X @ sp.diags(idf)
    return normalize(X.tocsr(), norm="l2", copy=False)


def _identity(doc):
    return doc


def _count_chunk(features, vocabulary: dict[str, int], texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Term counts over the fixed vocabulary and the number of content words per text."""
    from sklearn.feature_extraction.text import CountVectorizer

    analysed = features.analyze(texts)
    vec = CountVectorizer(analyzer=_identity, vocabulary=vocabulary, dtype=np.int32)
    return vec.transform(analysed).tocsr(), _content_words(analysed)


_WORKER: dict = {}


def _init_worker(features, vocabulary) -> None:
    _WORKER["features"], _WORKER["vocabulary"] = features, vocabulary


def _count_in_worker(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    return _count_chunk(_WORKER["features"], _WORKER["vocabulary"], texts)


class _Counter:
    """Counts over the fixed vocabulary, in this process or split over ``n_jobs`` processes.

    Tokenisation is pure, so the result does not depend on ``n_jobs``. Workers are spawned
    (not forked) so that they hold only the fitted features, not a copy of the parent's memory.
    """

    def __init__(self, features, vocabulary: dict[str, int], n_jobs: int = 1):
        self.features, self.vocabulary = features, vocabulary
        self.n_jobs = max(1, int(n_jobs))
        self.pool = None
        if self.n_jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.n_jobs, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_init_worker, initargs=(features, vocabulary))

    def __call__(self, texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        if self.pool is None or len(texts) < 2 * self.n_jobs:
            return _count_chunk(self.features, self.vocabulary, texts)
        bounds = np.linspace(0, len(texts), self.n_jobs + 1).astype(int)
        parts = list(self.pool.map(_count_in_worker, [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:])]))
        return sp.vstack([p[0] for p in parts]).tocsr(), np.concatenate([p[1] for p in parts])

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


# --------------------------------------------------------------------------- helpers
def _hearing_words(segments_path: Path) -> list[str]:
    """The hearing title's words (as :func:`analysis.themes.write_theme_tables` drops them)."""
    from analysis.text import WORD_RE

    resp = Path(segments_path).with_name("responses.parquet")
    if not resp.is_file():
        return []
    import pyarrow.parquet as pq

    if "hearing" not in pq.ParquetFile(resp).schema_arrow.names:
        return []
    titles = pd.read_parquet(resp, columns=["hearing"])["hearing"].dropna().astype(str).unique()
    return [m.group().lower() for title in titles for m in WORD_RE.finditer(title)]


def _content_words(analysed: list[list[str]]) -> np.ndarray:
    """Content words per segment: the single-word terms (multi-word terms contain a space)."""
    return np.fromiter((sum(1 for t in row if " " not in t) for row in analysed), dtype=np.int64,
                       count=len(analysed))


def _stability(Xs: sp.csr_matrix, X: sp.csr_matrix, C: np.ndarray, n_themes: int,
               random_state: int, n_runs: int, max_iter: int) -> np.ndarray:
    """Per theme: mean matched cosine of its term vector in NMFs refitted on resamples.

    The in-memory model's procedure (:meth:`analysis.themes.ThemeModel._scan`): ``n_runs - 1``
    bootstrap resamples of at most 3,000 segments, refitted with other seeds, matched to the
    themes by the Hungarian method on term vectors.
    """
    import warnings

    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    from analysis.themes.vectors import _term_vectors, match_themes

    n = Xs.shape[0]
    rng = np.random.RandomState(random_state)
    m = min(n, 3000)
    sims = []
    for r in range(1, max(n_runs, 1)):
        idx = np.sort(rng.choice(n, size=m, replace=True))
        est = NMF(n_themes, init="nndsvda", random_state=random_state + r, max_iter=max_iter, tol=1e-3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            Wr = est.fit_transform(Xs[idx])
        a, _, sim = match_themes(C, _term_vectors(Wr, X[idx]))
        per = np.zeros(n_themes)
        per[a] = sim
        sims.append(per)
    return np.mean(sims, axis=0) if sims else np.full(n_themes, np.nan)


def _smooth_in_blocks(X: sp.csr_matrix, S: sp.csr_matrix, smoothing: float, max_terms: int | None,
                      smooth_terms, block: int = 4_096) -> sp.csr_matrix:
    """:func:`analysis.themes.smooth_terms` row block by row block (it works row by row).

    ``X @ S`` spreads each row over every neighbour of its terms before the strongest
    ``max_terms`` are kept; doing it in blocks bounds that intermediate matrix.
    """
    if X.shape[0] <= block:
        return smooth_terms(X, S, smoothing, max_terms)
    return sp.vstack([smooth_terms(X[i:i + block], S, smoothing, max_terms)
                      for i in range(0, X.shape[0], block)]).tocsr()


def _response_windows(chunks: Iterator[tuple[sp.csr_matrix, np.ndarray]]) -> Iterator[tuple[sp.csr_matrix, np.ndarray]]:
    """Re-cut (rows, response ids) chunks so that no response is split between two chunks.

    Assumes the segments of a response are contiguous (as ingest writes them).
    """
    carry: tuple[sp.csr_matrix, np.ndarray] | None = None
    for M, rid in chunks:
        if carry is not None:
            M, rid = sp.vstack([carry[0], M]).tocsr(), np.concatenate([carry[1], rid])
        if len(rid) == 0:
            carry = None
            continue
        last = np.flatnonzero(rid != rid[-1])
        cut = last[-1] + 1 if len(last) else 0
        carry = (M[cut:], rid[cut:])
        if cut:
            yield M[:cut], rid[:cut]
    if carry is not None and len(carry[1]):
        yield carry


# --------------------------------------------------------------------------- main
def fit_themes_out_of_core(
    segments_path: str | Path,
    out_dir: str | Path,
    *,
    n_themes: int | str = 10,
    language: str = "da",
    random_state: int = 0,
    batch_size: int = 50_000,
    sample_size: int = 100_000,
    n_epochs: int = 1,
    minibatch_size: int = 4_096,
    threshold: float = 0.2,
    min_terms: int = 2,
    smoothing: float = 1.0,
    smoothing_terms: int | None = 40,
    n_runs: int = 5,
    max_iter: int = 400,
    n_top_terms: int = 10,
    extra_stop_words: tuple[str, ...] = (),
    tmp_dir: str | Path | None = None,
    n_jobs: int = 1,
) -> dict[str, Path]:
    """Fit themes on a segments table chunk by chunk and write the theme tables.

    The features, smoothing, labels, coherence and stability are those of
    :class:`analysis.themes.ThemeModel` (NMF backend); only the fitting is streamed.

    Parameters
    ----------
    segments_path : the contract's ``segments.parquet`` (needs segment_id, response_id, text);
        segments of one response are expected to be contiguous, as ingest writes them
    out_dir : folder for ``themes``, ``segment_themes`` (parquet) and ``response_themes``
        (``themes`` and ``response_themes`` also as CSV)
    n_themes : number of themes, or "auto": chosen by :class:`ThemeModel` on a sample of at
        most 20,000 segments
    language : "da", "en" or "de"
    random_state : seed of every random step (sample, initialisation, mini-batches)
    batch_size : segments read, tokenised and transformed at once; peak memory grows with
        it and with ``sample_size``, not with the corpus
    sample_size : segments used to learn the vocabulary, term similarities and the
        starting components
    n_epochs : passes of ``MiniBatchNMF.partial_fit`` over all chunks (0: keep the sample fit)
    minibatch_size : rows per ``partial_fit`` step
    threshold, min_terms, smoothing, smoothing_terms, n_runs, max_iter, n_top_terms,
    extra_stop_words : as in :class:`ThemeModel`
    tmp_dir : where the cached count matrices go (deleted at the end); default: system temp
    n_jobs : processes that tokenise each chunk (the tables do not depend on it)

    Returns
    -------
    dict with the paths of the ``themes``, ``segment_themes`` and ``response_themes`` parquet files.

    Examples
    --------
    >>> paths = fit_themes_out_of_core("big/segments.parquet", "big", n_themes=8)  # doctest: +SKIP
    >>> pd.read_parquet(paths["response_themes"]).groupby("response_id")["share"].sum().round(3).unique()  # doctest: +SKIP
    array([1.])
    """
    import warnings

    import pyarrow as pa
    import pyarrow.parquet as pq
    from sklearn.decomposition import NMF, MiniBatchNMF
    from sklearn.exceptions import ConvergenceWarning

    from analysis.tables import write_table
    from analysis.text import check_language, stop_words
    from analysis.themes.features import TermFeatures, normalize_terms
    from analysis.themes.model import ThemeModel
    from analysis.themes.vectors import (PLACEHOLDER_WORDS, THEME_COLUMNS, _distinctive, _row_normalize,
                                         _term_vectors, label_from_terms, npmi_coherence, smooth_terms,
                                         term_similarity)

    check_language(language)
    if n_themes != "auto" and not (isinstance(n_themes, (int, np.integer)) and n_themes >= 1):
        raise ValueError(f"n_themes must be 'auto' or a positive integer, not {n_themes!r}")
    out = Path(out_dir)
    n_rows = _parquet(segments_path).metadata.num_rows
    if n_rows == 0:
        raise ValueError(f"{segments_path}: the segments table is empty; nothing to fit.")
    out.mkdir(parents=True, exist_ok=True)
    extra = tuple(extra_stop_words) + PLACEHOLDER_WORDS + tuple(_hearing_words(Path(segments_path)))

    # 1-2. sample → vocabulary, term similarity (the in-memory model's features)
    sample_rows, sample_texts = sample_segments(segments_path, sample_size, random_state, batch_size)
    features = TermFeatures(language, extra_stop_words=extra)
    stop = stop_words(language, extra=extra)
    kept_sample = np.array([sum(1 for w in row if w is not None) >= min_terms
                            for row in normalize_terms(sample_texts, language, stop=stop)], dtype=bool)
    texts_kept = [t for t, k in zip(sample_texts, kept_sample) if k]
    if len(texts_kept) < 2:
        raise ValueError(f"{segments_path}: fewer than 2 sampled segments have {min_terms} content "
                         f"words; check the language ({language!r}) or the segmentation.")
    features.fit(texts_kept)
    if n_themes == "auto":
        rng = np.random.default_rng(random_state)
        sub = [texts_kept[i] for i in np.sort(rng.choice(len(texts_kept), min(20_000, len(texts_kept)),
                                                         replace=False))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            n_themes = ThemeModel("auto", language=language, random_state=random_state,
                                  extra_stop_words=tuple(extra_stop_words) + tuple(_hearing_words(Path(segments_path))),
                                  min_terms=min_terms, n_runs=n_runs).fit(sub).n_themes_
    n_themes = int(n_themes)
    del sample_texts, texts_kept
    vocabulary = features.vocabulary_
    terms = np.asarray(features.get_feature_names_out(), dtype=object)
    n_features = len(terms)
    if n_features < n_themes:
        raise ValueError(f"{segments_path}: only {n_features} terms survive the vocabulary filters, "
                         f"fewer than n_themes={n_themes}. Ask for fewer themes.")

    work = Path(tempfile.mkdtemp(prefix="outofcore-", dir=tmp_dir))
    counter = _Counter(features, vocabulary, n_jobs)
    try:
        # 3. counts per chunk (cached on disk) + document frequencies of kept segments
        df = np.zeros(n_features, dtype=np.int64)
        n_kept = 0
        chunk_files: list[tuple[Path, Path]] = []
        sample_parts: list[sp.csr_matrix] = []
        start = 0
        for i, chunk in enumerate(iter_segment_batches(segments_path, batch_size)):
            counts, n_words = counter(chunk["text"].tolist())
            kept = n_words >= min_terms
            counts = sp.diags(kept.astype(np.int32), dtype=np.int32) @ counts  # skipped segments: no terms
            counts = counts.tocsr()
            counts.eliminate_zeros()
            df += np.bincount(counts.indices, minlength=n_features)
            n_kept += int(kept.sum())
            lo, hi = np.searchsorted(sample_rows, [start, start + len(chunk)])
            local = sample_rows[lo:hi] - start
            local = local[kept[local]]
            if len(local):
                sample_parts.append(counts[local])
            cpath, kpath = work / f"counts-{i:05d}.npz", work / f"kept-{i:05d}.npy"
            sp.save_npz(cpath, counts, compressed=False)
            np.save(kpath, kept)
            chunk_files.append((cpath, kpath))
            start += len(chunk)
        counter.close()
        idf = np.log((1.0 + n_kept) / (1.0 + df)) + 1.0

        def features_of(path: Path) -> tuple[sp.csr_matrix, sp.csr_matrix]:
            """TF-IDF and smoothed TF-IDF of a cached chunk; smoothing (the costly part) is
            done once per chunk and cached next to the counts."""
            X = _tfidf(sp.load_npz(path).tocsr(), idf)
            spath = path.with_name(path.stem + "-smoothed.npz")
            if spath.is_file():
                return X, sp.load_npz(spath).tocsr()
            Xs = _smooth_in_blocks(X, S, smoothing, smoothing_terms, smooth_terms)
            sp.save_npz(spath, Xs, compressed=False)
            return X, Xs

        X_sample = _tfidf(sp.vstack(sample_parts).tocsr(), idf)
        S = term_similarity(X_sample, max_neighbors=200 if n_features > 5000 else None)
        Xs_sample = _smooth_in_blocks(X_sample, S, smoothing, smoothing_terms, smooth_terms)

        # 4. start from NMF on the sample, refine with mini-batches over every chunk
        init = NMF(n_themes, init="nndsvda", random_state=random_state, max_iter=max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            init.fit(Xs_sample)
        model = MiniBatchNMF(n_components=n_themes, init="custom", batch_size=minibatch_size,
                             random_state=random_state, max_iter=1)
        rng = np.random.default_rng(random_state)
        first = True
        for _ in range(max(0, int(n_epochs))):
            for cpath, _ in chunk_files:
                _, Xs = features_of(cpath)
                live = np.flatnonzero(np.diff(Xs.indptr) > 0)
                order = live[rng.permutation(len(live))]
                for b in range(0, len(order), minibatch_size):
                    part = Xs[np.sort(order[b:b + minibatch_size])]
                    if first:
                        model.partial_fit(part, W=init.transform(part), H=init.components_.copy())
                        first = False
                    else:
                        model.partial_fit(part)
        if first:  # n_epochs == 0 or nothing to fit: keep the sample fit
            model = init

        # 5. transform: provisional segment_themes, response sums, theme term vectors
        tmp_seg = work / "segment_themes.parquet"
        schema = pa.schema([("segment_id", pa.string()), ("theme_id", pa.int64()), ("weight", pa.float64())])
        size = np.zeros(n_themes, dtype=np.int64)
        mass = np.zeros(n_themes)
        C_sum = np.zeros((n_themes, n_features))
        response_parts: list[pd.DataFrame] = []
        response_ids: list[np.ndarray] = []
        with pq.ParquetWriter(tmp_seg, schema) as writer:
            ids = iter_segment_batches(segments_path, batch_size, columns=("segment_id", "response_id"))
            for (cpath, _), chunk in zip(chunk_files, ids):
                X, Xs = features_of(cpath)
                W = _row_normalize(model.transform(Xs))
                has = W.sum(axis=1) > 0
                dom = W.argmax(axis=1)
                keep = has[:, None] & ((W >= threshold) | (np.arange(n_themes) == dom[:, None]))
                r, c = np.nonzero(keep)
                w = W[r, c].round(6)
                pos = w > 0
                writer.write_table(pa.table({
                    "segment_id": pa.array(chunk["segment_id"].astype(str).to_numpy()[r[pos]], pa.string()),
                    "theme_id": pa.array(c[pos].astype(np.int64)),
                    "weight": pa.array(w[pos]),
                }, schema=schema))
                size += np.bincount(dom[has], minlength=n_themes)
                mass += W[has].sum(axis=0)
                C_sum += np.asarray((X.T @ W).T)
                rid = chunk["response_id"].astype(str).to_numpy()
                frame = pd.DataFrame(W[has], columns=range(n_themes))
                frame["response_id"] = rid[has]
                response_parts.append(frame.groupby("response_id", sort=False).agg(["sum"]).droplevel(1, axis=1)
                                      .assign(_n=frame.groupby("response_id", sort=False).size()))
                response_ids.append(rid)

        # themes in the in-memory order: by size, then total weight, then index
        order = np.lexsort((np.arange(n_themes), -mass, -size))
        new_id = np.empty(n_themes, dtype=np.int64)
        new_id[order] = np.arange(1, n_themes + 1)
        C = np.divide(C_sum, mass[:, None], out=np.zeros_like(C_sum), where=mass[:, None] > 0)[order]
        top = _distinctive(C, n_top_terms)
        surface = features.surface_
        top_terms = [[surface.get(terms[i], terms[i]) for i in row] for row in top]
        labels = [label_from_terms(t) or f"theme {tid}" for t, tid in zip(top_terms, range(1, n_themes + 1))]

        # coherence: NPMI of each theme's top terms over responses (one more pass over the
        # cached counts, no tokenising), restricted to the top terms' columns
        cols = sorted({i for row in top for i in row})
        col_pos = {c: j for j, c in enumerate(cols)}

        def binary_chunks():
            for (cpath, _), rid in zip(chunk_files, response_ids):
                yield sp.load_npz(cpath).tocsr()[:, cols], rid

        blocks = []
        for M, rid in _response_windows(binary_chunks()):
            codes, _ = pd.factorize(rid)
            G = sp.csr_matrix((np.ones(len(rid)), (codes, np.arange(len(rid)))))
            B = (G @ (M > 0).astype(np.float64)).tocsr()
            B.data[:] = 1.0
            blocks.append(B)
        binary = sp.vstack(blocks).tocsr() if blocks else sp.csr_matrix((0, len(cols)))
        coherence = npmi_coherence(binary, [[col_pos[i] for i in row] for row in top],
                                   [str(terms[c]) for c in cols])
        stability = _stability(Xs_sample, X_sample, _term_vectors(init.transform(Xs_sample), X_sample),
                               n_themes, random_state, n_runs, max_iter)
        # stability is per NMF component of the sample fit; the refined components keep their index
        n_assigned = int(size.sum())
        themes = pd.DataFrame({
            "theme_id": np.arange(1, n_themes + 1),
            "label": labels,
            "top_terms": [", ".join(t) for t in top_terms],
            "size": size[order],
            "share": (size[order] / max(n_assigned, 1)).round(6),
            "coherence": np.round(coherence, 6),
            "stability": np.round(stability[order], 6),
            "seed": [""] * n_themes,
        })[THEME_COLUMNS]

        # response shares: mean weight over the response's assigned segments
        if response_parts:
            sums = pd.concat(response_parts).groupby(level=0, sort=True).sum()
            resp = sums[list(range(n_themes))].div(sums["_n"], axis=0)
        else:
            resp = pd.DataFrame(columns=list(range(n_themes)))
        resp.columns = new_id
        resp = resp[sorted(resp.columns)]
        response_themes = resp.stack().rename("share").reset_index()
        response_themes.columns = ["response_id", "theme_id", "share"]
        response_themes = response_themes[response_themes["share"] > 0].copy()
        response_themes["share"] = response_themes["share"].round(6)
        response_themes["theme_id"] = response_themes["theme_id"].astype(int)
        response_themes["response_id"] = response_themes["response_id"].astype(str)
        response_themes = response_themes.reset_index(drop=True)

        # final segment_themes: provisional ids → ids ordered like the in-memory path
        seg_path = out / "segment_themes.parquet"
        with pq.ParquetWriter(seg_path, schema) as writer:
            for batch in pq.ParquetFile(tmp_seg).iter_batches(batch_size=max(batch_size, 1)):
                t = batch.to_pandas()
                t["theme_id"] = new_id[t["theme_id"].to_numpy()]
                writer.write_table(pa.Table.from_pandas(t, schema=schema, preserve_index=False))
    finally:
        counter.close()
        shutil.rmtree(work, ignore_errors=True)

    return {
        "themes": write_table(themes, out, "themes"),
        "segment_themes": seg_path,
        "response_themes": write_table(response_themes, out, "response_themes"),
    }
