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

>>> from analysis.outofcore import fit_themes_out_of_core
>>> paths = fit_themes_out_of_core("data/processed/big/segments.parquet",
...                                "data/processed/big", n_themes=12)  # doctest: +SKIP
>>> sorted(paths)                                                     # doctest: +SKIP
['response_themes', 'segment_themes', 'themes']
"""

from __future__ import annotations

import math
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


def _count_chunk(features, vocabulary: dict[str, int], texts: list[str]) -> sp.csr_matrix:
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(analyzer=_identity, vocabulary=vocabulary, dtype=np.int32)
    return vec.transform(features.analyze(texts)).tocsr()


_WORKER: dict = {}


def _init_worker(features, vocabulary) -> None:
    _WORKER["features"], _WORKER["vocabulary"] = features, vocabulary


def _count_in_worker(texts: list[str]) -> sp.csr_matrix:
    return _count_chunk(_WORKER["features"], _WORKER["vocabulary"], texts)


class _Counter:
    """Counts over the fixed vocabulary, in this process or split over ``n_jobs`` processes.

    Tokenisation is pure, so the result does not depend on ``n_jobs``.
    """

    def __init__(self, features, vocabulary: dict[str, int], n_jobs: int = 1):
        self.features, self.vocabulary = features, vocabulary
        self.n_jobs = max(1, int(n_jobs))
        self.pool = None
        if self.n_jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.n_jobs, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_init_worker, initargs=(features, vocabulary))

    def __call__(self, texts: list[str]) -> sp.csr_matrix:
        if self.pool is None or len(texts) < 2 * self.n_jobs:
            return _count_chunk(self.features, self.vocabulary, texts)
        bounds = np.linspace(0, len(texts), self.n_jobs + 1).astype(int)
        parts = [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        return sp.vstack(list(self.pool.map(_count_in_worker, parts))).tocsr()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


# --------------------------------------------------------------------------- themes table
def _npmi_coherence(binary: sp.csr_matrix, top_idx: np.ndarray) -> float:
    """Mean NPMI of the pairs of a theme's top terms, over documents (−1 … 1)."""
    n = binary.shape[0]
    if n == 0 or len(top_idx) < 2:
        return float("nan")
    sub = binary[:, top_idx].astype(np.float64)
    df = np.asarray(sub.sum(axis=0)).ravel()
    co = (sub.T @ sub).toarray()
    scores = []
    for i in range(len(top_idx)):
        for j in range(i + 1, len(top_idx)):
            if df[i] == 0 or df[j] == 0:
                continue
            p_ij = co[i, j] / n
            if p_ij == 0:
                scores.append(-1.0)
            elif p_ij >= 1:
                scores.append(1.0)
            else:
                scores.append(math.log(p_ij / (df[i] / n * df[j] / n)) / -math.log(p_ij))
    return float(np.mean(scores)) if scores else float("nan")


def _stability(X_sample: sp.csr_matrix, H: np.ndarray, n_themes: int, random_state: int,
               n_runs: int = 3, max_rows: int = 20_000) -> np.ndarray:
    """Per theme: mean best cosine match of its components in NMFs refitted on half-samples.

    Each refit uses half of the sample, at most ``max_rows`` rows, so the cost is bounded.
    """
    from sklearn.decomposition import NMF
    from sklearn.preprocessing import normalize

    n = X_sample.shape[0]
    if n < 2 * n_themes:
        return np.full(n_themes, np.nan)
    rng = np.random.default_rng(random_state + 1)
    ref = normalize(H)
    scores = np.zeros(n_themes)
    for run in range(n_runs):
        rows = np.sort(rng.choice(n, size=min(n // 2, max_rows), replace=False))
        model = NMF(n_components=n_themes, init="nndsvda", random_state=random_state + 1 + run,
                    max_iter=300)
        model.fit(X_sample[rows])
        sim = ref @ normalize(model.components_).T
        scores += sim.max(axis=1)
    return scores / n_runs


def _label(terms: list[str], surface: dict[str, str], n: int = 3) -> str:
    return " · ".join(surface.get(t, t) for t in terms[:n])


# --------------------------------------------------------------------------- main
def fit_themes_out_of_core(
    segments_path: str | Path,
    out_dir: str | Path,
    *,
    n_themes: int = 10,
    language: str = "da",
    random_state: int = 0,
    batch_size: int = 50_000,
    sample_size: int = 100_000,
    n_epochs: int = 1,
    minibatch_size: int = 4_096,
    min_weight: float = 0.1,
    n_top_terms: int = 10,
    tmp_dir: str | Path | None = None,
    n_jobs: int = 1,
) -> dict[str, Path]:
    """Fit ``n_themes`` themes on a segments table chunk by chunk and write the theme tables.

    Parameters
    ----------
    segments_path : the contract's ``segments.parquet`` (needs segment_id, response_id, text)
    out_dir : folder for ``themes``, ``segment_themes`` and ``response_themes`` (parquet;
        CSV as well for ``themes`` and ``response_themes``)
    n_themes : number of themes
    language : "da", "en" or "de"
    random_state : seed of every random step (sample, initialisation, mini-batches)
    batch_size : segments per chunk read, tokenised and transformed at once; peak memory
        grows with it, not with the corpus
    sample_size : segments used to learn the vocabulary and initialise the components
    n_epochs : passes of ``MiniBatchNMF.partial_fit`` over all chunks
    minibatch_size : rows per ``partial_fit`` step
    min_weight : a segment's theme weights are normalised to sum to 1; themes below this
        share of the segment are not listed in ``segment_themes``
    n_top_terms : terms per theme in ``top_terms``
    tmp_dir : where the cached count matrices go (deleted at the end); default: system temp
    n_jobs : processes that tokenise each chunk (results do not depend on it)

    Returns
    -------
    dict with the paths of the ``themes``, ``segment_themes`` and ``response_themes`` parquet files.

    Examples
    --------
    >>> paths = fit_themes_out_of_core("big/segments.parquet", "big", n_themes=8)  # doctest: +SKIP
    >>> pd.read_parquet(paths["response_themes"]).groupby("response_id")["share"].sum().round(6).unique()  # doctest: +SKIP
    array([1.])
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from sklearn.decomposition import NMF, MiniBatchNMF

    from .text import TermFeatures, check_language

    check_language(language)
    if int(n_themes) < 1:
        raise ValueError(f"n_themes must be a positive integer, not {n_themes!r}")
    n_themes = int(n_themes)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_rows = _parquet(segments_path).metadata.num_rows
    if n_rows == 0:
        raise ValueError(f"{segments_path}: the segments table is empty; nothing to fit.")

    # 1-2. sample → vocabulary (the in-memory path's features)
    sample_rows, sample_texts = sample_segments(segments_path, sample_size, random_state, batch_size)
    features = TermFeatures(language=language)
    features.fit(sample_texts)
    del sample_texts
    vocabulary = features.vocabulary_
    terms = np.asarray(features.get_feature_names_out(), dtype=object)
    n_features = len(terms)
    if n_features < n_themes:
        raise ValueError(f"{segments_path}: only {n_features} terms survive the vocabulary filters, "
                         f"fewer than n_themes={n_themes}. Ask for fewer themes.")

    work = Path(tempfile.mkdtemp(prefix="outofcore-", dir=tmp_dir))
    counter = _Counter(features, vocabulary, n_jobs)
    try:
        # 3. counts per chunk (cached) + document frequencies + the sample's counts
        df = np.zeros(n_features, dtype=np.int64)
        chunk_files: list[Path] = []
        sample_parts: list[sp.csr_matrix] = []
        start = 0
        for i, chunk in enumerate(iter_segment_batches(segments_path, batch_size)):
            counts = counter(chunk["text"].tolist())
            df += np.bincount(counts.indices, minlength=n_features)
            lo, hi = np.searchsorted(sample_rows, [start, start + len(chunk)])
            if hi > lo:
                sample_parts.append(counts[sample_rows[lo:hi] - start])
            path = work / f"counts-{i:05d}.npz"
            sp.save_npz(path, counts, compressed=False)
            chunk_files.append(path)
            start += len(chunk)
        counter.close()
        idf = np.log((1.0 + n_rows) / (1.0 + df)) + 1.0
        sample_counts = sp.vstack(sample_parts).tocsr()
        X_sample = _tfidf(sample_counts, idf)

        # 4. initialise on the sample, refine with mini-batches over every chunk
        init = NMF(n_components=n_themes, init="nndsvda", random_state=random_state, max_iter=400)
        init.fit(X_sample)
        model = MiniBatchNMF(n_components=n_themes, init="custom", batch_size=minibatch_size,
                             random_state=random_state, max_iter=1)
        rng = np.random.default_rng(random_state)
        first = True
        for _ in range(max(0, int(n_epochs))):
            for path in chunk_files:
                X = _tfidf(sp.load_npz(path).tocsr(), idf)
                order = rng.permutation(X.shape[0])
                for b in range(0, X.shape[0], minibatch_size):
                    rows = np.sort(order[b:b + minibatch_size])
                    part = X[rows]
                    if part.nnz == 0:
                        continue
                    if first:
                        model.partial_fit(part, W=init.transform(part), H=init.components_.copy())
                        first = False
                    else:
                        model.partial_fit(part)
        if first:  # n_epochs == 0 (or no rows with terms): use the sample fit as it is
            model = init
        components = model.components_

        # 5. transform: segment_themes in row groups, response sums in memory (k per response)
        seg_path = out / "segment_themes.parquet"
        schema = pa.schema([("segment_id", pa.string()), ("theme_id", pa.int64()), ("weight", pa.float64())])
        size = np.zeros(n_themes, dtype=np.int64)
        mass = np.zeros(n_themes)
        response_parts: list[pd.DataFrame] = []
        with pq.ParquetWriter(seg_path, schema) as writer:
            ids = iter_segment_batches(segments_path, batch_size, columns=("segment_id", "response_id"))
            for path, chunk in zip(chunk_files, ids):
                X = _tfidf(sp.load_npz(path).tocsr(), idf)
                W = model.transform(X)
                total = W.sum(axis=1, keepdims=True)
                has = total[:, 0] > 0
                share = np.divide(W, total, out=np.zeros_like(W), where=total > 0)
                keep = share >= min_weight
                keep[~has] = False
                rows, cols = np.nonzero(keep)
                writer.write_table(pa.table({
                    "segment_id": pa.array(chunk["segment_id"].to_numpy()[rows].astype(str), pa.string()),
                    "theme_id": pa.array(cols.astype(np.int64)),
                    "weight": pa.array(share[rows, cols].round(6)),
                }, schema=schema))
                size += np.bincount(share[has].argmax(axis=1), minlength=n_themes)
                mass += share[has].sum(axis=0)
                frame = pd.DataFrame(share[has], columns=range(n_themes))
                frame["response_id"] = chunk["response_id"].to_numpy()[has]
                response_parts.append(frame.groupby("response_id", sort=False).sum())
        if response_parts:
            sums = pd.concat(response_parts).groupby(level=0, sort=True).sum()
        else:
            sums = pd.DataFrame(columns=range(n_themes))
        resp = sums.div(sums.sum(axis=1), axis=0)
        response_themes = (resp.reset_index(names="response_id")
                           .melt(id_vars="response_id", var_name="theme_id", value_name="share"))
        response_themes = response_themes[response_themes["share"] > 0]
        response_themes = response_themes.astype({"response_id": "string", "theme_id": "int64",
                                                  "share": "float64"})
        response_themes = response_themes.sort_values(["response_id", "theme_id"], ignore_index=True)

        # themes table
        binary = sample_counts.copy()
        binary.data[:] = 1
        stability = _stability(X_sample, components, n_themes, random_state)
        rows = []
        for t in range(n_themes):
            top = np.argsort(-components[t], kind="stable")[:n_top_terms]
            top_terms = [str(terms[j]) for j in top]
            rows.append({
                "theme_id": t,
                "label": _label(top_terms, getattr(features, "surface_", {})),
                "top_terms": ", ".join(top_terms),
                "size": int(size[t]),
                "share": float(mass[t] / mass.sum()) if mass.sum() > 0 else 0.0,
                "coherence": round(_npmi_coherence(binary, top), 6),
                "stability": round(float(stability[t]), 6),
            })
        themes = pd.DataFrame(rows, columns=THEME_COLUMNS)
    finally:
        counter.close()
        shutil.rmtree(work, ignore_errors=True)

    from .tables import write_table

    return {
        "themes": write_table(themes, out, "themes"),
        "segment_themes": seg_path,
        "response_themes": write_table(response_themes, out, "response_themes"),
    }
