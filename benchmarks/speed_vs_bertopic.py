"""Wall time of whole processes: our ``analysis ingest`` + ``analysis themes --k 5`` against
BERTopic's fit on the same austria-climate comments (5,764 German Polis comments).

Ours: two CLI processes with the project's interpreter (``python -m analysis ingest
austria.csv --out D --language de --text-col text --id-col id``, then ``python -m analysis
themes D --k 5 --language de``), imports, reading, redaction, segmentation, writing every
table included. BERTopic: one process with the peers interpreter that imports BERTopic,
reads the same CSV and fits it on TF-IDF + TruncatedSVD(100) vectors as in
``benchmarks/peers.py`` (``embedding_model=None``, so nothing downloads), with
``KMeans(5)`` (the same k as ours) and, if asked, with its default HDBSCAN. Each is run
``--repeats`` times (default 3), alternating, and the median wall time is reported;
peak RSS is the largest ``ru_maxrss`` of each process (``os.wait4``).

NMI and ARI against the conversation of each comment: ours = the strongest theme of each
response in ``response_themes`` (responses ingest left out or that got no theme count as
one extra group), BERTopic = its topic (outliers -1 as one group).

Bytecode: an installed package carries compiled bytecode (pip compiles a wheel's modules at
install; a plain run writes ``__pycache__`` on first import), as BERTopic's site-packages
do. This checkout is installed editable and the sandbox sets ``PYTHONDONTWRITEBYTECODE=1``,
so without care every process of ours compiles the ~45 modules it imports from source
(about 0.5 s of CPU each time). Before the timed runs ``src/`` is therefore copied to a
temporary folder and compiled there once, untimed; every timed process of both sides imports
the package from that copy (the same code, with its bytecode). ``--no-bytecode`` times the
old way: the checkout's ``src/``, compiled from source in every process.

Usage (writes ``benchmarks/speed_vs_bertopic.md``, a fragment of ``results.md``)::

    nice -n 10 .venv/bin/python benchmarks/speed_vs_bertopic.py --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402

PEERS_PYTHON = os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python")
CORPUS = "austria-climate"
K = 5


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS (MB), stdout and CPU seconds (user + system, with the
    process's own children) of one process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, ru = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.read()[-800:]}")
        return secs, ru.ru_maxrss / 1024, out.read(), ru.ru_utime + ru.ru_stime


def write_input(folder: Path) -> tuple[Path, list[int]]:
    """The comments as one CSV (id, text); returns the path and the gold conversation."""
    import pandas as pd

    c = corpora.load(CORPUS)
    path = folder / "austria.csv"
    pd.DataFrame({"id": [f"c{i:05d}" for i in range(len(c.texts))], "text": c.texts}).to_csv(path, index=False)
    return path, [int(g) for g in c.gold]


def child_env(src: Path | None) -> dict:
    """The timed processes' environment: the package from ``src`` (default: this checkout's)."""
    return dict(os.environ, PYTHONPATH=str(src or ROOT / "src"))


def compiled_copy(folder: Path) -> Path:
    """A copy of ``src/`` in ``folder``, compiled by both interpreters (untimed); its path."""
    import shutil

    src = folder / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for python in dict.fromkeys([sys.executable, PEERS_PYTHON]):
        if Path(python).exists():
            subprocess.run([python, "-m", "compileall", "-q", str(src)], check=True, stdout=subprocess.DEVNULL)
    return src


def ours_once(csv: Path, work: Path, src: Path | None = None) -> dict:
    env = child_env(src)
    out = work / "processed"
    ing = timed([sys.executable, "-m", "analysis", "ingest", str(csv), "--out", str(out),
                 "--language", "de", "--text-col", "text", "--id-col", "id"], env)
    thm = timed([sys.executable, "-m", "analysis", "themes", str(out), "--k", str(K),
                 "--language", "de"], env)
    return {"ingest_s": ing[0], "themes_s": thm[0], "wall_s": ing[0] + thm[0],
            "cpu_s": ing[3] + thm[3], "peak_rss_mb": max(ing[1], thm[1]), "out": out}


def ours_labels(out: Path, n: int) -> list[int]:
    """Strongest theme of each comment (by its row id), -1 where none."""
    import pandas as pd

    rt = pd.read_parquet(out / "response_themes.parquet")
    responses = pd.read_parquet(out / "responses.parquet")
    best = rt.sort_values(["response_id", "share", "theme_id"], ascending=[True, False, True]) \
        .drop_duplicates("response_id").set_index("response_id")["theme_id"]
    id_col = next(c for c in ("source_id", "id", "response_id") if c in responses.columns)
    row_of = {str(r): int(str(s)[1:]) for r, s in zip(responses["response_id"], responses[id_col])
              if str(s).startswith("c") and str(s)[1:].isdigit()}
    labels = [-1] * n
    for rid, theme in best.items():
        if str(rid) in row_of:
            labels[row_of[str(rid)]] = int(theme)
    return labels


BERTOPIC_CHILD = r"""
import sys, json, time
t0 = time.perf_counter()
sys.path.insert(0, {here!r})
import numpy as np, pandas as pd
from bertopic import BERTopic
import peers
texts = pd.read_csv({csv!r})["text"].astype(str).tolist()
labels = peers.run_bertopic(texts, "de", {k}, 0, "tfidf", {kmeans})
print(json.dumps({{"labels": [int(x) for x in labels], "inner_s": time.perf_counter() - t0}}))
"""


def bertopic_once(csv: Path, kmeans: bool, src: Path | None = None) -> dict:
    code = BERTOPIC_CHILD.format(here=str(HERE), csv=str(csv), k=K, kmeans=kmeans)
    secs, rss, out, cpu = timed([PEERS_PYTHON, "-c", code], child_env(src))
    res = json.loads(out.strip().splitlines()[-1])
    return {"wall_s": secs, "cpu_s": cpu, "peak_rss_mb": rss, "labels": res["labels"]}


def scores(gold, labels) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(gold, labels), adjusted_rand_score(gold, labels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--hdbscan", action="store_true", help="also time BERTopic with its default HDBSCAN")
    ap.add_argument("--out", type=Path, default=HERE / "speed_vs_bertopic.md")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="do not compile the package first: every process compiles it from source")
    args = ap.parse_args(argv)
    runs: dict[str, list[dict]] = {"ours": [], "bertopic-kmeans": []}
    if args.hdbscan:
        runs["bertopic-hdbscan"] = []
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        csv, gold = write_input(Path(tmp))
        src = None if args.no_bytecode else compiled_copy(Path(tmp))
        for i in range(args.repeats):
            for name in runs:
                work = Path(tmp) / f"{name}-{i}"
                work.mkdir()
                r = (ours_once(csv, work, src) if name == "ours"
                     else bertopic_once(csv, name.endswith("kmeans"), src))
                if name == "ours":
                    r["labels"] = ours_labels(r.pop("out"), len(gold))
                r["nmi"], r["ari"] = scores(gold, r["labels"])
                print(f"run {i + 1}: {name} {r['wall_s']:.1f} s, {r['peak_rss_mb']:.0f} MB, "
                      f"NMI {r['nmi']:.3f}", file=sys.stderr, flush=True)
                runs[name].append(r)
    text = fragment(runs, len(gold), args)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


def fragment(runs: dict[str, list[dict]], n: int, args) -> str:
    from machine import header_lines, machine_info, package_versions, peer_versions

    versions = package_versions(("consultation-analysis", "numpy", "scipy", "scikit-learn", "pandas"))
    versions.update(peer_versions())
    med = {name: statistics.median(r["wall_s"] for r in rs) for name, rs in runs.items()}
    argv = f"--repeats {args.repeats}" + (" --hdbscan" if args.hdbscan else "") + \
        (" --no-bytecode" if args.no_bytecode else "")
    lines = ["## Speed: ours (ingest + themes) vs BERTopic, whole processes, austria-climate", "",
             *header_lines(f"nice -n 10 .venv/bin/python benchmarks/speed_vs_bertopic.py {argv}",
                           machine_info(), versions),
             f"{n:,} comments, k = {K}. Ours = `python -m analysis ingest` + `python -m analysis "
             f"themes --k {K}` (two processes, imports and table writing included); BERTopic = one "
             "process: import, read the CSV, TF-IDF + SVD(100) vectors, fit (UMAP + clusterer, "
             "topic words). "
             + ("Every process compiled our modules from source (--no-bytecode). " if args.no_bytecode else
                "Our package was compiled to bytecode once beforehand (untimed), as an installed "
                "package is; BERTopic's site-packages were compiled at install. ")
             + "Runs alternate; medians of "
             f"{args.repeats} runs. The machine is shared (see the load average), so wall times carry "
             "noise; the ratio is from runs taken side by side.", "",
             "| method | runs (wall s) | median wall s | median CPU s | peak RSS MB | NMI | ARI | BERTopic ÷ ours (wall) |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, rs in runs.items():
        ratio = med[name] / med["ours"]
        extra = (f" (ingest {statistics.median(r['ingest_s'] for r in rs):.1f} + themes "
                 f"{statistics.median(r['themes_s'] for r in rs):.1f})") if name == "ours" else ""
        walls = ", ".join(f"{r['wall_s']:.1f}" for r in rs)
        lines.append(f"| {name}{extra} | {walls} | {med[name]:.1f} | "
                     f"{statistics.median(r['cpu_s'] for r in rs):.1f} | "
                     f"{max(r['peak_rss_mb'] for r in rs):.0f} | {statistics.median(r['nmi'] for r in rs):.3f} | "
                     f"{statistics.median(r['ari'] for r in rs):.3f} | {'' if name == 'ours' else f'{ratio:.1f}×'} |")
    bk = med["bertopic-kmeans"] / med["ours"]
    nmi_ours = statistics.median(r["nmi"] for r in runs["ours"])
    nmi_bk = statistics.median(r["nmi"] for r in runs["bertopic-kmeans"])
    lines += ["", f"Target ≥ 10× less wall time than BERTopic (TF-IDF vectors, KMeans({K})) at NMI ≥ "
              f"BERTopic's: measured {bk:.1f}× at NMI {nmi_ours:.3f} vs {nmi_bk:.3f} — "
              f"{'met' if bk >= 10 and nmi_ours >= nmi_bk else 'NOT met'}.", ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
