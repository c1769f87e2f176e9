"""CPU time of each part of ingest on one table or folder (where does ingest spend its time?).

Wraps the functions of :mod:`analysis.corpus` that do the work and sums the CPU time spent
in each (nested parts are counted in their own row and in their caller's), then prints a
markdown table. Run it on a quiet machine; CPU time is less noisy than wall time when
others share it.

    PYTHONPATH=src .venv/bin/python benchmarks/profile_ingest.py /tmp/ing/austria.csv \
        --language de --text-col text --id-col id
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections import defaultdict
from functools import wraps

PARTS = [  # (module, function) pairs wrapped, in the order of the table
    ("analysis.corpus.ingest", "_table_items"),
    ("analysis.corpus.ingest", "_folder_items"),
    ("analysis.corpus.ingest", "process"),
    ("analysis.corpus.process", "_redact_pages"),
    ("analysis.corpus.process", "clean_text"),
    ("analysis.corpus.process", "redact_and_collect"),
    ("analysis.corpus.process", "infer_respondent_type"),
    ("analysis.corpus.process", "classify_attachment_only"),
    ("analysis.corpus.ingest", "redact_recurring_names"),
    ("analysis.corpus.ingest", "segment_responses"),
    ("analysis.corpus.ingest", "_add_duplicate_groups"),
    ("analysis.corpus.ingest", "write_ingest"),
]


def _wrap(totals: dict, calls: dict, module, name: str) -> None:
    original = getattr(module, name, None)
    if original is None:
        return

    @wraps(original)
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            totals[name] += time.process_time() - start
            calls[name] += 1

    setattr(module, name, timed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("--language", default="da")
    ap.add_argument("--text-col")
    ap.add_argument("--id-col")
    ap.add_argument("--meta", action="append", metavar="OURS=THEIRS", default=[],
                    help="carry a column, e.g. --meta respondent_type=respondent_type (as benchmarks/scaling.py)")
    ap.add_argument("--out", default=None, help="folder for the tables (default: not written)")
    args = ap.parse_args(argv)
    start = time.process_time()
    corpus = importlib.import_module("analysis.corpus.ingest")
    imported = time.process_time() - start
    totals: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for module_name, name in PARTS:
        _wrap(totals, calls, importlib.import_module(module_name), name)
    start = time.process_time()
    meta = dict(m.split("=", 1) for m in args.meta) or None
    result = corpus.ingest(args.source, language=args.language, text_col=args.text_col, id_col=args.id_col,
                           meta_cols=meta)
    if args.out:
        corpus.write_ingest(result, args.out)
    total = time.process_time() - start
    print(f"{len(result.responses):,} responses, {len(result.segments):,} segments\n")
    print("| part | calls | CPU s |\n|---|---:|---:|")
    print(f"| import analysis.corpus | 1 | {imported:.2f} |")
    for _, name in PARTS:
        if calls[name]:
            print(f"| {name} | {calls[name]:,} | {totals[name]:.2f} |")
    print(f"| ingest{' + write' if args.out else ''} (all) | 1 | {total:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
