"""Scaling curve: ingest → themes → alignment at 10k, 100k and 1M segments.

The large corpora are built by sampling real text with replacement — Polis comments
(English and German) and Bliv Hørt segments (Danish) — into synthetic responses of one to
four units each. They measure time and memory only (their themes mean nothing) and are
written to a temporary folder outside the repository, never committed.

Every stage runs in its own subprocess, so its peak RSS (``ru_maxrss``) is its own:

- ``ingest``       ``analysis.corpus.ingest`` + ``write_ingest`` on a JSONL table (in memory)
- ``themes``       ``analysis.themes.write_theme_tables`` (in memory, NMF)
- ``alignment``    ``analysis.alignment.write_alignment_tables`` (codebook priorities + goals)
- ``dask-ingest``, ``dask-themes``, ``dask-alignment``: the same stages on the Dask path
  (``analysis.scale``) on a local cluster of ``--workers`` worker processes; the peak RSS of
  every worker is read from the worker itself, and the per-partition task times are kept
  for the projection (``--project``).

A share of the responses are form letters (``--campaign-share``): campaigns of 20–2,000
copies of one letter, each copy with a word changed, as campaigns arrive in practice.

Run (see benchmarks/README.md)::

    .venv/bin/python benchmarks/scaling.py --sizes 10000 100000 --out benchmarks/scaling.md
    .venv/bin/python benchmarks/scaling.py --sizes 1000000 --stages dask-ingest dask-themes dask-alignment

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
STAGES = ("ingest", "themes", "alignment", "dask-ingest", "dask-themes", "dask-alignment")
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


def build_corpus(n_segments: int, folder: Path, random_state: int = 0,
                 campaign_share: float = 0.3) -> tuple[Path, int]:
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
    # Form letters: campaigns of 20–2,000 copies (log-uniform), one letter of four units each.
    n_resp = len(units_per_response)
    campaign_of = np.full(n_resp, -1)
    letters: list[str] = []
    pos_c, budget = 0, int(campaign_share * n_resp)
    order = rng.permutation(n_resp)
    while budget > 0:
        size = min(budget, int(np.exp(rng.uniform(np.log(20), np.log(2000)))))
        campaign_of[order[pos_c:pos_c + size]] = len(letters)
        letters.append("\n\n".join(pool[j] for j in pick(4)))
        pos_c, budget = pos_c + size, budget - size
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "responses.jsonl"
    pos = 0
    with path.open("w", encoding="utf-8") as fh:
        for i, n in enumerate(units_per_response):
            if campaign_of[i] >= 0:
                text = _drop_words(letters[campaign_of[i]], drops[pos])
            else:
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
def stage(name: str, workdir: Path, n_themes: int, language: str, random_state: int, workers: int = 2,
          partition_rows: int = 20_000, sample_size: int = 50_000) -> dict:
    """Run one stage in this process; return extra facts (row counts, worker memory)."""
    study_kw = dict(language=language, random_state=random_state)
    if name.startswith("dask-"):
        return _dask_stage(name, workdir, n_themes, study_kw, workers, partition_rows, sample_size)
    processed = workdir / "processed"
    if name == "ingest":
        from analysis.corpus import ingest, write_ingest

        result = ingest(workdir / "responses.jsonl", language=language, hearing="scaling",
                        text_col="text", id_col="id", meta_cols={"respondent_type": "respondent_type"})
        write_ingest(result, processed)
        return {"responses": len(result.responses), "segments": len(result.segments),
                "campaign_responses": int(result.responses["duplicate_group"].notna().sum())}
    if name == "themes":
        from analysis.themes import write_theme_tables

        write_theme_tables(processed, n_themes=n_themes, backend="nmf", **study_kw)
        return {}
    if name == "alignment":
        from analysis.alignment import write_alignment_tables

        write_alignment_tables(processed, STUDY / "goals.yaml", STUDY / "codebook.yaml", **study_kw)
        return {}
    raise ValueError(f"unknown stage {name!r}; choose from {STAGES}")


def _worker_peaks(client) -> list[float]:
    def peak() -> float:
        import resource as r

        return r.getrusage(r.RUSAGE_SELF).ru_maxrss / 1024

    return [round(v, 1) for v in client.run(peak).values()]


def _task_costs(stream: list[dict]) -> dict[str, dict]:
    """Compute seconds of the finished tasks, by task name: count, total, mean, max."""
    out: dict[str, list[float]] = {}
    for task in stream:
        name = str(task["key"][0] if isinstance(task["key"], tuple) else task["key"]).split("-")[0]
        secs = sum(s["stop"] - s["start"] for s in task.get("startstops", ()) if s.get("action") == "compute")
        out.setdefault(name, []).append(secs)
    return {k: {"n": len(v), "total_s": round(sum(v), 2), "mean_s": round(sum(v) / len(v), 3),
                "max_s": round(max(v), 3)} for k, v in out.items()}


def _dask_stage(name, workdir, n_themes, study_kw, workers, partition_rows, sample_size) -> dict:
    from distributed import get_task_stream

    from analysis.scale import dask_client

    processed = workdir / "processed-dask"
    with dask_client(n_workers=workers, memory_limit="3GiB") as client, get_task_stream(client) as ts:
        t0 = time.perf_counter()
        if name == "dask-ingest":
            from analysis.scale.ingest import ingest_partitioned

            facts = ingest_partitioned(workdir / "responses.jsonl", processed, client=client,
                                       partition_rows=partition_rows, language=study_kw["language"],
                                       hearing="scaling", text_col="text", id_col="id",
                                       meta_cols={"respondent_type": "respondent_type"})
            facts.pop("ingest_id", None)
        elif name == "dask-themes":
            from analysis.scale.themes import themes_partitioned

            themes_partitioned(processed, client=client, n_themes=n_themes, backend="nmf", sample_size=sample_size,
                               partition_rows=partition_rows, **study_kw)
            facts = {}
        else:
            from analysis.scale.alignment import alignment_partitioned

            alignment_partitioned(processed, STUDY / "goals.yaml", STUDY / "codebook.yaml", client=client,
                                  sample_size=sample_size, partition_rows=partition_rows, **study_kw)
            facts = {}
        work = time.perf_counter() - t0
        peaks = _worker_peaks(client)
    facts.update(worker_peak_rss_mb=peaks, work_s=round(work, 2), tasks=_task_costs(ts.data))
    return facts


def run_stage(name: str, workdir: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--workdir", str(workdir),
           "--n-themes", str(args.n_themes), "--language", args.language,
           "--random-state", str(args.random_state), "--workers", str(args.workers),
           "--partition-rows", str(args.partition_rows), "--sample-size", str(args.sample_size)]
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
                  args.workers, args.partition_rows, args.sample_size)
    wall = time.perf_counter() - t0
    if args.profile:
        profiler.stop()
        Path(args.profile).parent.mkdir(parents=True, exist_ok=True)
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    ru, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru.ru_utime + ru.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    return {"stage": args.child, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "cpu_children_s": round(kids.ru_utime + kids.ru_stime, 2), "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
            "peak_rss_workers_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            **facts}


# --------------------------------------------------------------------------- report
# what a single stage reads from an earlier one (run with the same --workdir to time it alone)
NEEDS = {"themes": "processed/segments.parquet", "alignment": "processed/segments.parquet",
         "dask-themes": "processed-dask/segments.parquet", "dask-alignment": "processed-dask/segments.parquet"}
NEEDS_STAGE = {"themes": "ingest", "alignment": "ingest", "dask-themes": "dask-ingest",
               "dask-alignment": "dask-ingest"}


def markdown(rows: list[dict], command: str) -> str:
    from machine import header_lines, machine_info, package_versions  # same folder

    info = machine_info()
    versions = {k: v for k, v in package_versions().items()
                if k in ("consultation-analysis", "numpy", "scipy", "scikit-learn", "pandas", "pyarrow", "dask",
                         "distributed")}
    out = [
        "# Scaling: ingest → themes → alignment, in memory and on Dask",
        "",
        "Synthetic corpora sampled with replacement from real Polis comments and Bliv Hørt segments,",
        "30 % of the responses form letters in campaigns of 20–2,000 copies (time and memory only).",
        "Each stage ran in its own subprocess; wall = the stage's own time (imports excluded; for the",
        "Dask stages including the start of a 2-worker local cluster), CPU = the subprocess's own CPU",
        "(+ its forked ingest workers' CPU; for Dask stages the client only: the workers' CPU is in the task seconds), peak RSS = the",
        "subprocess's `ru_maxrss`; workers MB = each Dask worker's own peak RSS, or for in-memory ingest the",
        "largest forked worker's (`RUSAGE_CHILDREN` gives the maximum over the children, shared pages included).",
        "",
        *header_lines(command, info, versions),
        "| target segments | responses | segments | stage | wall s | CPU s | peak RSS MB | workers MB | note |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        note = r.get("error") or r.get("note", "")
        rss = f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "–"
        cpu = f"{r['cpu_s']:.1f}" if "cpu_s" in r else "–"
        if r.get("cpu_children_s") and not r["stage"].startswith("dask-"):
            cpu += f" + {r['cpu_children_s']:.1f} forked"
        workers = " / ".join(f"{v:.0f}" for v in r.get("worker_peak_rss_mb", [])) or _forked(r)
        out.append(f"| {r['target']:,} | {r.get('n_responses', '–'):,} | {r.get('n_segments', '–')} | "
                   f"{r['stage']} | {r['wall_s']:.1f} | {cpu} | {rss} | {workers} | {note} |")
    done = {(r["target"], r["stage"]): r for r in rows if "error" not in r}
    for label, chain in (("in memory", ("ingest", "themes", "alignment")),
                         ("Dask", ("dask-ingest", "dask-themes", "dask-alignment"))):
        parts = []
        for n in sorted({r["target"] for r in rows}):
            got = [done.get((n, st)) for st in chain]
            if all(got):
                parts.append(f"{n:,}: {sum(c['wall_s'] for c in got):.1f} s wall")
        if parts:
            out += ["", f"Ingest + themes + alignment, {label}: " + "; ".join(parts)]
    return "\n".join(out)


def _forked(row: dict) -> str:
    """The largest forked ingest worker's peak RSS (``ru_maxrss`` of RUSAGE_CHILDREN is the
    maximum over the children, not their sum; it counts the pages shared with the parent
    at the fork), or "–".

    >>> _forked({"peak_rss_workers_mb": 463.0}), _forked({"peak_rss_workers_mb": 0.0})
    ('463 (forked, max)', '–')
    """
    v = row.get("peak_rss_workers_mb", 0) or 0
    return f"{v:.0f} (forked, max)" if v else "–"


TASKS = {"dask-ingest": "_ingest_part", "dask-themes": "_transform_piece", "dask-alignment": "_align_piece"}


def projection(rows: list[dict], n_responses: int = 22_000_000, form_share: float = 0.9,
               workers: int = 32, worker_gb: float = 4.0) -> list[str]:
    """What a consultation of ``n_responses`` would need, from the largest measured Dask run.

    Per-partition task seconds scale with the rows a partition holds (responses for
    ingest, segments for themes and alignment); the serial client steps (sample fit,
    LSH buckets, writing the row groups) are taken from the measured wall minus the
    workers' share. Form letters cost as much per copy as any response in every
    per-partition step (each copy is cleaned, redacted, segmented and matched); they
    change only the duplicate step, where every copy lands in the campaign's buckets.
    """
    runs = [r for r in rows if r["stage"] in TASKS and "tasks" in r and "error" not in r]
    if not runs:
        return []
    big = max(r["target"] for r in runs)
    at = {r["stage"]: r for r in runs if r["target"] == big}
    ing = next((r for r in rows if r["target"] == big and r["stage"] in ("dask-ingest", "ingest")
                and "segments" in r), None)
    if ing is None or "responses" not in ing:
        return []
    seg_per_resp = ing["segments"] / ing["responses"]
    n_seg = n_responses * seg_per_resp
    lines = ["", f"## Projection: {n_responses / 1e6:.0f} million responses, {form_share:.0%} form letters", "",
             f"From the {big:,}-segment Dask run ({ing['responses']:,} responses, {seg_per_resp:.2f} segments per "
             f"response → {n_seg / 1e6:.0f} million segments).", "",
             "| stage | task s per 1,000 rows (measured, per-partition tasks) | rows | task hours | "
             f"hours on {workers} workers | serial client s (measured) |", "|---|---:|---:|---:|---:|---:|"]
    total_task_h = total_h = 0.0
    for stage, task in TASKS.items():
        r = at.get(stage)
        if r is None:
            continue
        t = next((v for k, v in r["tasks"].items() if k == task), None)
        if t is None:
            continue
        measured_rows = ing["responses"] if stage == "dask-ingest" else ing["segments"]
        per_k = t["total_s"] / measured_rows * 1000
        rows_22 = n_responses if stage == "dask-ingest" else n_seg
        task_h = per_k * rows_22 / 1000 / 3600
        serial = max(0.0, r["work_s"] - t["total_s"] / max(len(r.get("worker_peak_rss_mb", [])) or 1, 1))
        total_task_h += task_h
        total_h += task_h / workers
        lines.append(f"| {stage} | {per_k:.2f} | {rows_22 / 1e6:.1f} M | {task_h:.1f} | {task_h / workers:.2f} | "
                     f"{serial:.0f} |")
    peaks = [max(r.get("worker_peak_rss_mb", [0])) for r in at.values()]
    lines += ["", f"Task time in all: {total_task_h:.0f} worker-hours; on {workers} workers of one core "
                  f"({worker_gb:.0f} GB each) about {total_h:.1f} hours of wall time for the per-partition work, "
                  f"at the measured worker peak of {max(peaks):.0f} MB per worker (it is set by the partition "
                  "size and the theme model, not by the corpus)."]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    ap.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    ap.add_argument("--n-themes", type=int, default=10)
    ap.add_argument("--language", default="da")
    ap.add_argument("--random-state", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    ap.add_argument("--partition-rows", type=int, default=20_000, help="rows / segments per Dask partition")
    ap.add_argument("--sample-size", type=int, default=50_000, help="segments the Dask path fits themes on")
    ap.add_argument("--campaign-share", type=float, default=0.3, help="share of responses that are form letters")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--workdir", type=Path, help="where corpora and tables go (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--profile", type=Path, help="write a pyinstrument profile per stage into this folder")
    ap.add_argument("--out", type=Path, help="write the markdown table here (e.g. benchmarks/scaling.md)")
    ap.add_argument("--json", type=Path, help="also write (append) the raw rows as JSON lines")
    ap.add_argument("--from-json", nargs="+", type=Path,
                    help="only write the markdown from JSON-lines files of earlier runs (--json)")
    ap.add_argument("--note", default="", help="a note for every row of this run (e.g. the commit measured)")
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
        text = markdown(rows, commands or "see benchmarks/README.md") + "\n".join(projection(rows))
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
            if (workdir / "responses.jsonl").is_file() and (workdir / "corpus.json").is_file():
                n_responses = json.loads((workdir / "corpus.json").read_text())["responses"]
            else:
                _, n_responses = build_corpus(n, workdir, args.random_state, args.campaign_share)
                (workdir / "corpus.json").write_text(json.dumps({"responses": n_responses}))
            print(f"built {n:,}-segment corpus in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            n_segments = "–"
            for name in args.stages:
                needs = NEEDS.get(name)
                if needs and not (workdir / needs).is_file() and NEEDS_STAGE[name] not in args.stages:
                    ap.error(f"--stages {name} needs {workdir / needs}; run the stage that writes it first "
                             f"(same --workdir and --keep), e.g. --stages {NEEDS_STAGE[name]} {name}")
                r = run_stage(name, workdir, args)
                if name == "ingest" and "segments" in r:
                    n_segments = f"{r['segments']:,}"
                if args.note:
                    r.setdefault("note", args.note)
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
