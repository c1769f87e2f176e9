"""Scaling curve: ingest → themes → alignment at 10k, 100k and 1M segments.

The large corpora are built by sampling real text with replacement — Polis comments
(English and German) and Bliv Hørt segments (Danish) — into synthetic responses of one to
four units each. They measure time and memory only (their themes mean nothing) and are
written to a temporary folder outside the repository, never committed.

Every stage runs in its own subprocess, so its peak RSS (``ru_maxrss``) is its own:

- ``ingest``     ``analysis.corpus.ingest`` + ``write_ingest`` on a JSONL table
- ``themes``     ``analysis.themes.write_theme_tables`` (in memory, default backend)
- ``themes-ooc`` ``analysis.themes.outofcore.fit_themes_out_of_core`` (chunked, bounded memory)
- ``alignment``  ``analysis.alignment.write_alignment_tables`` (codebook priorities + goals)

Run (see benchmarks/README.md)::

    .venv/bin/python benchmarks/scaling.py --sizes 10000 100000 --out benchmarks/scaling.md
    .venv/bin/python benchmarks/scaling.py --sizes 1000000 --stages ingest themes-ooc alignment

Use ``--workdir`` to keep the generated corpora and tables (default: a fresh temp folder,
deleted at the end unless ``--keep``).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("ANALYSIS_SHARED_DATA", ROOT.parent / "shared" / "data"))
STUDY = ROOT / "data" / "raw" / "udsatte-byomraader-2025"
STAGES = ("ingest", "themes", "themes-ooc", "alignment")
RESPONDENT_TYPES = ("citizen", "citizen", "citizen", "organisation", "local_council", "committee")


# --------------------------------------------------------------------------- corpus
def text_pool() -> tuple[list[str], list[str]]:
    """Real units of text: (every Polis comment, every Bliv Hørt segment)."""
    import pandas as pd

    from analysis.corpus.segment import segment_text

    units: list[str] = []
    for f in sorted(glob.glob(str(SHARED / "polis" / "*" / "comments.csv"))):
        units += [t for t in pd.read_csv(f)["comment-body"].dropna().astype(str) if len(t.strip()) > 2]
    path = SHARED / "blivhoert-190" / "responses.jsonl"
    if not units or not path.is_file():
        raise FileNotFoundError(f"{SHARED}: shared corpora missing (polis/*/comments.csv, blivhoert-190)")
    danish: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"].replace("\r\n", "\n")
        danish += [span.text for _, _, span in segment_text(text, "da") if len(span.text) > 20]
    return units, danish


def build_corpus(n_segments: int, folder: Path, random_state: int = 0) -> tuple[Path, int]:
    """Write ``responses.jsonl`` with about ``n_segments`` segments; return (path, n_responses).

    Each response joins 1–4 units (sampled with replacement; half Danish Bliv Hørt segments,
    half Polis comments) as separate paragraphs. Two random words are dropped from every sampled unit so that segments are (mostly) distinct
    texts: caches keyed on a segment's text would otherwise make the big corpora look cheap.
    """
    from analysis.corpus.segment import segment_text

    polis, danish = text_pool()
    pool = polis + danish
    rng = np.random.default_rng(random_state)

    def pick(size: int) -> np.ndarray:  # half Danish (Bliv Hørt), half Polis (English, German)
        return np.where(rng.random(size) < 0.5, len(polis) + rng.integers(0, len(danish), size),
                        rng.integers(0, len(polis), size))

    # Segments per unit, measured on a sample, to aim the number of responses.
    per_unit = float(np.mean([len(segment_text(pool[i], "da")) for i in pick(2000)]))
    units_per_response = rng.integers(1, 5, size=max(1, int(n_segments / per_unit / 2.5 * 1.05)))
    total_units = int(units_per_response.sum())
    picks = pick(total_units)
    types = rng.integers(0, len(RESPONDENT_TYPES), size=len(units_per_response))
    drops = rng.random((total_units, 2))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "responses.jsonl"
    pos = 0
    with path.open("w", encoding="utf-8") as fh:
        for i, n in enumerate(units_per_response):
            text = "\n\n".join(_drop_words(pool[j], drops[pos + u]) for u, j in enumerate(picks[pos:pos + n]))
            pos += n
            fh.write(json.dumps({"id": f"r{i:07d}", "respondent_type": RESPONDENT_TYPES[types[i]],
                                 "text": text}, ensure_ascii=False) + "\n")
    return path, len(units_per_response)


def _drop_words(text: str, where: np.ndarray) -> str:
    """``text`` without two of its words (positions given as fractions in [0, 1))."""
    words = text.split(" ")
    if len(words) < 6:
        return text
    for frac in sorted({int(f * len(words)) for f in where}, reverse=True):
        del words[frac]
    return " ".join(words)


# --------------------------------------------------------------------------- stages
def stage(name: str, workdir: Path, n_themes: int, language: str, random_state: int, batch_size: int,
          n_jobs: int = 1) -> dict:
    """Run one stage in this process; return extra facts (row counts)."""
    processed = workdir / "processed"
    if name == "ingest":
        from analysis.corpus import ingest, write_ingest

        result = ingest(workdir / "responses.jsonl", language=language, hearing="scaling",
                        text_col="text", id_col="id", meta_cols={"respondent_type": "respondent_type"})
        write_ingest(result, processed)
        return {"responses": len(result.responses), "segments": len(result.segments)}
    if name == "themes":
        from analysis.themes import write_theme_tables

        paths = write_theme_tables(processed, n_themes=n_themes, language=language, backend="nmf",
                                   random_state=random_state)
        return {"tables": sorted(paths) if isinstance(paths, dict) else str(paths)}
    if name == "themes-ooc":
        from analysis.themes.outofcore import fit_themes_out_of_core

        out = workdir / "processed-ooc"
        paths = fit_themes_out_of_core(processed / "segments.parquet", out, n_themes=n_themes,
                                       language=language, random_state=random_state, batch_size=batch_size,
                                       n_jobs=n_jobs)
        # Alignment reads themes from the processed folder: publish the out-of-core tables there.
        for key, path in paths.items():
            shutil.copy(path, processed / Path(path).name)
        return {"tables": sorted(paths)}
    if name == "alignment":
        from analysis.alignment import write_alignment_tables

        paths = write_alignment_tables(processed, STUDY / "goals.yaml", STUDY / "codebook.yaml")
        return {"tables": sorted(paths) if isinstance(paths, dict) else str(paths)}
    raise ValueError(f"unknown stage {name!r}; choose from {STAGES}")


def run_stage(name: str, workdir: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--workdir", str(workdir),
           "--n-themes", str(args.n_themes), "--language", args.language,
           "--random-state", str(args.random_state), "--batch-size", str(args.batch_size),
           "--n-jobs", str(args.n_jobs)]
    if args.profile:
        cmd += ["--profile", str(Path(args.profile) / f"{name}-{workdir.name}.txt")]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"stage": name, "error": tail[:300], "wall_s": round(time.perf_counter() - t0, 2)}
    return json.loads(lines[-1])


def child(args: argparse.Namespace) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    import analysis.corpus  # noqa: F401  imports are not part of the stage's time

    t0, ru0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    facts = stage(args.child, Path(args.workdir), args.n_themes, args.language, args.random_state,
                  args.batch_size, args.n_jobs)
    wall = time.perf_counter() - t0
    if args.profile:
        profiler.stop()
        Path(args.profile).parent.mkdir(parents=True, exist_ok=True)
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru.ru_utime + ru.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    return {"stage": args.child, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
            "peak_rss_workers_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            **facts}


# --------------------------------------------------------------------------- report
def markdown(rows: list[dict], command: str) -> str:
    from machine import header_lines, machine_info, package_versions  # same folder

    info = machine_info()
    versions = {k: v for k, v in package_versions().items()
                if k in ("consultation-analysis", "numpy", "scipy", "scikit-learn", "pandas", "pyarrow", "simplemma")}
    out = [
        "# Scaling: ingest → themes → alignment",
        "",
        "Synthetic corpora sampled with replacement from real Polis comments and Bliv Hørt segments",
        "(time and memory only). Each stage ran in its own subprocess; wall = the stage's own time",
        "(imports excluded), CPU = its user + system CPU seconds (less sensitive to other work on the",
        "machine), peak RSS = that subprocess's `ru_maxrss`. `themes-ooc` is the out-of-core",
        "path (`analysis.themes.outofcore`), an alternative to `themes`.",
        "",
        *header_lines(command, info, versions),
        "| target segments | responses | segments | stage | wall s | CPU s | peak RSS MB | note |",
        "|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in rows:
        note = r.get("error") or r.get("note", "")
        rss = f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "–"
        cpu = f"{r['cpu_s']:.1f}" if "cpu_s" in r else "–"
        out.append(f"| {r['target']:,} | {r.get('n_responses', '–'):,} | {r.get('n_segments', '–')} | "
                   f"{r['stage']} | {r['wall_s']:.1f} | {cpu} | {rss} | {note} |")
    done = {(r["target"], r["stage"]): r for r in rows if "error" not in r}
    for themes in ("themes", "themes-ooc"):
        parts = []
        for n in sorted({r["target"] for r in rows}):
            chain = [done.get((n, st)) for st in ("ingest", themes, "alignment")]
            if all(chain):
                parts.append(f"{n:,}: {sum(c['wall_s'] for c in chain):.1f} s wall, "
                             f"{sum(c['cpu_s'] for c in chain if 'cpu_s' in c):.1f} s CPU")
        if parts:
            out += ["", f"Ingest + {themes} + alignment: " + "; ".join(parts)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    ap.add_argument("--stages", nargs="+", default=["ingest", "themes", "themes-ooc", "alignment"], choices=STAGES)
    ap.add_argument("--n-themes", type=int, default=10)
    ap.add_argument("--language", default="da")
    ap.add_argument("--random-state", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=50_000, help="out-of-core chunk size (segments)")
    ap.add_argument("--n-jobs", type=int, default=1, help="out-of-core tokenising processes")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--workdir", type=Path, help="where corpora and tables go (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--profile", type=Path, help="write a pyinstrument profile per stage into this folder")
    ap.add_argument("--out", type=Path, help="write the markdown table here (e.g. benchmarks/scaling.md)")
    ap.add_argument("--json", type=Path, help="also write (append) the raw rows as JSON lines")
    ap.add_argument("--from-json", nargs="+", type=Path,
                    help="only write the markdown from JSON-lines files of earlier runs (--json)")
    ap.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))

    if args.from_json:
        rows = [json.loads(line) for f in args.from_json for line in f.read_text().splitlines() if line.strip()]
        rows.sort(key=lambda r: (r["target"], STAGES.index(r["stage"])))
        counts = {r["target"]: f"{r['segments']:,}" for r in rows if r["stage"] == "ingest" and "segments" in r}
        for r in rows:
            if r.get("n_segments", "–") == "–" and r["target"] in counts:
                r["n_segments"] = counts[r["target"]]
        commands = "; ".join(f"`{c}`" for c in dict.fromkeys(r.get("command", "") for r in rows) if c)
        text = markdown(rows, commands or "see benchmarks/README.md")
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
        print(text)
        return 0

    if args.child:
        print(json.dumps(child(args)))
        return 0

    base = args.workdir or Path(tempfile.mkdtemp(prefix="analysis-scaling-"))
    if str(base.resolve()).startswith(str(ROOT.resolve())):
        ap.error(f"--workdir {base} is inside the repository; put the synthetic corpora elsewhere")
    rows = []
    try:
        for n in args.sizes:
            workdir = base / f"n{n}"
            t0 = time.perf_counter()
            _, n_responses = build_corpus(n, workdir, args.random_state)
            print(f"built {n:,}-segment corpus in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            n_segments = "–"
            for name in args.stages:
                r = run_stage(name, workdir, args)
                if name == "ingest" and "segments" in r:
                    n_segments = f"{r['segments']:,}"
                r.update(target=n, n_responses=n_responses, n_segments=n_segments,
                         command="python benchmarks/scaling.py " + " ".join(sys.argv[1:] if argv is None else argv))
                print(json.dumps(r), file=sys.stderr, flush=True)
                rows.append(r)
                if args.json:
                    with args.json.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(r) + "\n")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    command = "python benchmarks/scaling.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = markdown(rows, command.strip())
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
