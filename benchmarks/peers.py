"""The theme methods compared in ``themes_quality.py``: ours, two baselines and BERTopic.

Every method takes raw texts, a language and k, and returns one integer label per text
(-1 = left unassigned: ours when a text has no content word or no clear theme, BERTopic's
HDBSCAN outliers). Nothing downloads: BERTopic gets precomputed vectors and
``embedding_model=None``.

========================  ====================================================================
method                    what runs
========================  ====================================================================
``ours-nmf-k``            ``analysis.themes.ThemeModel(n_themes=k)`` (default NMF path)
``ours-nmf-auto``         the same with ``n_themes="auto"``
``ours-emb-k``            ``ThemeModel(n_themes=k, backend="embeddings")``
``baseline-nmf``          TF-IDF (general stop words, sublinear tf, min_df=2) + ``NMF(k)``
``tfidf-kmeans``          the same TF-IDF, rows l2-normalised, + ``KMeans(k, n_init=10)``
``bertopic-tfidf-hdbscan`` BERTopic 0.17 defaults (UMAP + HDBSCAN) on TF-IDF + SVD(100) vectors
``bertopic-tfidf-kmeans`` BERTopic with ``KMeans(k)`` on the same vectors
``bertopic-e5-hdbscan``   BERTopic defaults on multilingual-e5-small vectors
``bertopic-e5-kmeans``    BERTopic with ``KMeans(k)`` on the e5 vectors
========================  ====================================================================

The e5 vectors come from ``analysis.themes.embed_texts`` (the package's own on-disk cache),
so ours and BERTopic see identical vectors; reading them from the cache is inside the
timed fit, computing them cold is not (it is reported once per corpus).

Run a single method on one corpus (prints one JSON line)::

    /work/peers-venv/bin/python benchmarks/peers.py bertopic-tfidf-kmeans scoop-hivemind
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402  (same folder)

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)
OURS = ("ours-nmf-k", "ours-nmf-auto", "ours-emb-k")
PEERS = ("baseline-nmf", "tfidf-kmeans", "bertopic-tfidf-hdbscan", "bertopic-tfidf-kmeans",
         "bertopic-e5-hdbscan", "bertopic-e5-kmeans")
METHODS = OURS + PEERS
USES_K = {m: not m.endswith(("-auto", "-hdbscan")) for m in METHODS}


def general_stop_words(language: str) -> list[str]:
    """The stopwords-iso list for ``language`` (every peer gets the same general list)."""
    import stopwordsiso

    return sorted(stopwordsiso.stopwords(language))


def tfidf(texts: list[str], language: str):
    """TF-IDF shared by the baselines and BERTopic's TF-IDF vectors."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(min_df=2, sublinear_tf=True, stop_words=general_stop_words(language),
                          token_pattern=WORD_RE.pattern)
    return vec.fit_transform(texts)


def doc_vectors(texts: list[str], language: str, kind: str, random_state: int) -> np.ndarray:
    """Document vectors handed to BERTopic: ``tfidf`` (TF-IDF + SVD(100)) or ``e5``."""
    from sklearn.preprocessing import normalize

    if kind == "e5":
        from analysis.themes import embed_texts

        return embed_texts(texts)
    from sklearn.decomposition import TruncatedSVD

    X = tfidf(texts, language)
    n_comp = max(2, min(100, X.shape[1] - 1, X.shape[0] - 1))
    return normalize(TruncatedSVD(n_comp, random_state=random_state).fit_transform(X))


def run_ours(texts, language, k, random_state, backend="nmf"):
    """Strongest theme of each text under ``ThemeModel``; -1 where no theme applies."""
    import warnings

    from analysis.themes import ThemeModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ThemeModel(n_themes=k, language=language, backend=backend,
                           random_state=random_state)
        W = np.asarray(model.fit_transform(texts), dtype=float)
    labels = W.argmax(axis=1)
    labels[W.sum(axis=1) <= 0] = -1
    return labels, int(model.n_themes_)


def run_baseline_nmf(texts, language, k, random_state):
    from sklearn.decomposition import NMF

    W = NMF(n_components=k, init="nndsvda", random_state=random_state,
            max_iter=400).fit_transform(tfidf(texts, language))
    labels = W.argmax(axis=1)
    labels[W.sum(axis=1) == 0] = -1
    return labels


def run_tfidf_kmeans(texts, language, k, random_state):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    X = normalize(tfidf(texts, language))
    labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(X)
    empty = np.asarray(X.sum(axis=1)).ravel() == 0
    labels[empty] = -1
    return labels


def run_bertopic(texts, language, k, random_state, vectors, kmeans):
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer

    emb = doc_vectors(texts, language, vectors, random_state)
    kwargs = {}
    if kmeans:
        from sklearn.cluster import KMeans

        kwargs["hdbscan_model"] = KMeans(n_clusters=k, random_state=random_state, n_init=10)
    vec = CountVectorizer(stop_words=general_stop_words(language), token_pattern=WORD_RE.pattern)
    model = BERTopic(embedding_model=None, vectorizer_model=vec, calculate_probabilities=False,
                     verbose=False, **kwargs)
    topics, _ = model.fit_transform(texts, embeddings=emb)
    return np.asarray(topics)


def run_method(method: str, texts: list[str], language: str, k: int, random_state: int = 0):
    """Labels and the number of themes used by ``method``."""
    if method.startswith("ours-"):
        backend = "embeddings" if method == "ours-emb-k" else "nmf"
        return run_ours(texts, language, "auto" if method.endswith("auto") else k,
                        random_state, backend)
    if method == "baseline-nmf":
        labels = run_baseline_nmf(texts, language, k, random_state)
    elif method == "tfidf-kmeans":
        labels = run_tfidf_kmeans(texts, language, k, random_state)
    elif method.startswith("bertopic-"):
        _, vectors, clusterer = method.split("-")
        labels = run_bertopic(texts, language, k, random_state, vectors, clusterer == "kmeans")
    else:
        raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
    return labels, int(len(set(labels.tolist()) - {-1}))


IMPORTS = {"ours": ("analysis.themes",), "baseline": ("sklearn.decomposition",),
           "tfidf": ("sklearn.cluster",), "bertopic": ("bertopic", "umap", "hdbscan")}


def measure(method: str, corpus: str, k: int, random_state: int = 0) -> dict:
    """Run one method on one corpus in this process: labels, times and peak RSS."""
    import importlib

    t_process = time.perf_counter()
    for module in IMPORTS[method.split("-")[0]] + ("sklearn.feature_extraction.text",):
        importlib.import_module(module)
    c = corpora.load(corpus)
    if not method.startswith("ours"):
        general_stop_words(c.variant.language)
    t0 = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    labels, n_themes = run_method(method, c.texts, c.variant.language, k, random_state)
    fit_s = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return {"method": method, "corpus": corpus, "k_asked": k if USES_K[method] else "auto",
            "sha": c.sha, "n_themes": n_themes, "fit_s": round(fit_s, 3),
            "fit_cpu_s": round(cpu, 3), "process_s": round(time.perf_counter() - t_process, 3),
            "peak_rss_mb": round(ru1.ru_maxrss / 1024, 1),
            "load_1min": round(__import__("os").getloadavg()[0], 2),
            "labels": [int(x) for x in np.asarray(labels).tolist()]}


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in METHODS:
        raise SystemExit(f"usage: peers.py METHOD CORPUS [K]; METHOD in {METHODS}, "
                         f"CORPUS in {sorted(corpora.VARIANTS)}")
    name = sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) == 4 else corpora.load(name).k
    print(json.dumps(measure(sys.argv[1], name, k)))
