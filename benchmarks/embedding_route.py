"""Cold embedding time and agreement of two routes: texts in corpus order vs sorted by length.

Each route embeds the first N texts of a corpus into an empty temporary cache, so both
pay the full cost; CPU time (user + sys) is reported beside wall time because the machine
may be shared. Usage::

    nice -n 10 .venv/bin/python benchmarks/embedding_route.py cimt-ottensen 64
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402


def cpu_seconds() -> float:
    """User + system CPU time of this process."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(corpus: str, n: int) -> None:
    from analysis.themes.embeddings import embed_texts

    texts = corpora.load(corpus).texts[:n]
    vectors = {}
    for by_length in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            t, c = time.perf_counter(), cpu_seconds()
            vectors[by_length] = embed_texts(texts, cache_dir=folder, sort_by_length=by_length)
            print(f"{corpus} n={n} sort_by_length={by_length}: wall {time.perf_counter() - t:.1f} s, "
                  f"cpu {cpu_seconds() - c:.1f} s", flush=True)
    a, b = vectors[False], vectors[True]
    cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    print(f"min cosine {cos.min():.6f}, max abs difference {np.abs(a - b).max():.2e}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 64)
