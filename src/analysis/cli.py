"""Command line: ``analysis ingest | themes | align | report | run``.

Each command composes library stages; nothing here computes results itself.

    analysis run udsatte-byomraader-2025            # the whole chain for a study
    analysis ingest INPUT --out DIR                 # a folder of documents or a table
    analysis themes DIR --k auto --backend nmf      # DIR = a processed folder
    analysis align DIR --goals goals.yaml --codebook codebook.yaml
    analysis report udsatte-byomraader-2025
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import __version__
from analysis.config import ConfigError, load_study


def _meta(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values or []:
        if "=" not in value:
            raise SystemExit(f"--meta {value!r}: write it as OURS=THEIRS, e.g. --meta respondent=Organisation")
        k, v = value.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.corpus.ingest import IngestError, ingest, write_ingest
    from analysis.pipeline import log, record_study

    source = Path(args.input)
    study = None
    if source.is_dir() and (source / "study.yaml").is_file():
        study = load_study(source)
    kwargs = dict(
        language=args.language or (study.language if study else "da"),
        hearing=args.hearing or (study.hearing if study else ""),
        manifest=args.manifest or (study.manifest if study else None),
        text_col=args.text_col, id_col=args.id_col, meta_cols=_meta(args.meta) or None,
        redact=not args.no_redact, keep_office_holders=args.keep_office_holders,
        strict=args.strict, max_mb=args.max_mb,
    )
    try:
        result = ingest(source, **kwargs)
    except IngestError as exc:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        exc.report.to_csv(out / "ingest_report.csv", index=False, lineterminator="\n")
        log(str(exc))
        log(f"Nothing but {out / 'ingest_report.csv'} was written (--strict).")
        return 2
    except (ValueError, FileNotFoundError) as exc:
        log(f"error: {exc}")
        return 2
    paths = write_ingest(result, args.out)
    if study:
        record_study(study, Path(args.out))
    log(f"{len(result.responses)} responses, {len(result.segments)} segments → {Path(args.out)}")
    problems = result.problems
    if len(problems):
        log(f"{len(problems)} input(s) need a look (see {paths['ingest_report']}):")
        for row in problems.head(20).itertuples(index=False):
            log(f"  {row.status:>15}  {row.reason}")
    return 0


def _study_of(folder: Path):
    from analysis.pipeline import study_for_folder

    return study_for_folder(folder)


def cmd_themes(args: argparse.Namespace) -> int:
    from analysis.pipeline import log
    from analysis.themes.tables import write_theme_tables

    folder = Path(args.dir)
    study = _study_of(folder)
    k = args.k if args.k == "auto" else int(args.k)
    seed_terms = None
    if args.seed_codebook:
        from analysis.alignment.codebook import load_codebook

        language = args.language or (study.language if study else "da")
        seed_terms = load_codebook(args.seed_codebook).seed_terms(language)
    if args.out_of_core:
        from analysis.themes.outofcore import fit_themes_out_of_core

        paths = fit_themes_out_of_core(
            folder / "segments.parquet", folder, n_themes=k if k != "auto" else "auto",
            language=args.language or (study.language if study else "da"),
            random_state=args.random_state if args.random_state is not None
            else (study.random_state if study else 0), batch_size=args.batch_size)
        log(f"themes (out of core) → {', '.join(sorted(str(Path(p).name) for p in paths.values()))}")
        return 0
    tables = write_theme_tables(
        folder, n_themes=k, language=args.language or (study.language if study else "da"),
        backend=args.backend, random_state=args.random_state if args.random_state is not None
        else (study.random_state if study else 0), seed_terms=seed_terms,
    )
    themes = tables.get("themes")
    if themes is not None:
        log(f"{len(themes)} themes → {folder}")
        for row in themes.itertuples(index=False):
            log(f"  {row.theme_id}: {row.label}  ({row.size} segments)")
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from analysis.alignment.tables import write_alignment_tables
    from analysis.pipeline import log

    folder = Path(args.dir)
    study = _study_of(folder)
    goals = args.goals or (study.goals if study else None)
    codebook = args.codebook or (study.codebook if study else None)
    if not goals or not codebook:
        log("error: give --goals and --codebook, or ingest a study whose study.yaml names them "
            "(keys 'goals' and 'codebook').")
        return 2
    tables = write_alignment_tables(
        folder, Path(goals), Path(codebook), language=args.language or (study.language if study else "da"),
        random_state=args.random_state if args.random_state is not None else (study.random_state if study else 0),
        n_boot=args.n_boot, count_campaigns=args.count_campaigns, interval=args.interval, unit=args.unit,
    )
    log(f"{len(tables)} tables → {folder}: {', '.join(sorted(tables))}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.pipeline import run_study

    run_study(args.study, steps=("report",))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline import STAGES, run_study

    steps = tuple(s.strip() for s in args.steps.split(",")) if args.steps else tuple(STAGES)
    unknown = [s for s in steps if s not in STAGES]
    if unknown:
        raise SystemExit(f"--steps: unknown step(s) {unknown}; choose from {list(STAGES)}")
    run_study(args.study, steps=steps)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read a folder of documents or a table into responses and segments")
    p.add_argument("input", help="folder (txt/md/pdf/docx + optional manifest.csv) or table (csv/tsv/jsonl/xlsx)")
    p.add_argument("--out", required=True, help="folder for responses.parquet, segments.parquet, ingest_report.csv")
    p.add_argument("--language", choices=["da", "en", "de"], help="language of the responses (default da)")
    p.add_argument("--hearing", help="name of the consultation")
    p.add_argument("--manifest", help="manifest CSV (default: manifest.csv in the folder)")
    p.add_argument("--text-col", help="table column holding the response text")
    p.add_argument("--id-col", help="table column holding the response id (default: the row number)")
    p.add_argument("--meta", action="append", metavar="OURS=THEIRS",
                   help="carry a column, e.g. --meta respondent=Organisation (repeatable)")
    p.add_argument("--strict", action="store_true", help="any problem with any input is fatal (exit 2)")
    p.add_argument("--no-redact", action="store_true", help="keep e-mails, phone numbers, names (not advised)")
    p.add_argument("--keep-office-holders", action="store_true",
                   help="keep names of office holders signing for a committee")
    p.add_argument("--max-mb", type=float, default=50, help="largest file read, in MB (default 50)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("themes", help="find themes in a processed folder's segments")
    p.add_argument("dir", help="processed folder holding segments.parquet")
    p.add_argument("--k", default="auto", help="number of themes, or 'auto' (default)")
    p.add_argument("--language", choices=["da", "en", "de"])
    p.add_argument("--backend", default="nmf", choices=["nmf", "kmeans", "lda", "embeddings"])
    p.add_argument("--random-state", type=int)
    p.add_argument("--seed-codebook", help="start some themes from this codebook's priorities")
    p.add_argument("--out-of-core", action="store_true",
                   help="read segments in chunks with bounded memory (for very large consultations)")
    p.add_argument("--batch-size", type=int, default=50_000, help="segments per chunk with --out-of-core")
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("align", help="priorities, stance and goal alignment tables")
    p.add_argument("dir", help="processed folder holding segments.parquet and responses.parquet")
    p.add_argument("--goals", help="goals YAML (default: the study's)")
    p.add_argument("--codebook", help="codebook YAML (default: the study's)")
    p.add_argument("--language", choices=["da", "en", "de"])
    p.add_argument("--random-state", type=int)
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for intervals")
    p.add_argument("--count-campaigns", choices=["per_response", "once"], default="per_response",
                   help="count a group of near-duplicate responses per response (default) or once")
    p.add_argument("--interval", choices=["wilson", "jeffreys", "bootstrap"], default="wilson",
                   help="interval method for shares and means (default wilson)")
    p.add_argument("--unit", choices=["response", "segment"], default="response",
                   help="counting unit: every response weighs 1 (default) or every segment")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("report", help="execute the notebooks and write the HTML report and figures")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml) or path to a study.yaml")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("run", help="the whole chain for a study: ingest → themes → align → report")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml) or path to a study.yaml")
    p.add_argument("--steps", help="comma-separated subset, e.g. ingest,themes")
    p.set_defaults(func=cmd_run)

    from analysis.alignment.commands import register_commands  # sample-coding, agreement

    register_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``analysis`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
