"""Command line: ``analysis check | ingest | themes | align | report | run``.

Each subcommand calls the very stage function ``analysis run`` uses
(:data:`analysis.pipeline.STAGES`) with the study's settings; a flag changes one setting
for this run, never the reverse. A processed folder knows its study through
``study.json``. User errors are one message (file, key or row, and the fix) and exit
code 2; ``--debug`` shows the traceback.

    analysis check udsatte-byomraader-2025          # validate the study's files, run nothing
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

EXIT_USER_ERROR = 2


def _meta(values: list[str] | None) -> dict[str, str] | None:
    from analysis.schema import Problem, SchemaError

    out = {}
    for value in values or []:
        if "=" not in value:
            raise SchemaError([Problem("command line", "--meta", f"{value!r} is not OURS=THEIRS",
                                       "Write e.g. --meta respondent=Organisation.")])
        k, v = value.split("=", 1)
        out[k.strip()] = v.strip()
    return out or None


def _abs(value: str | None) -> str | None:
    return str(Path(value).resolve()) if value else None


def _processed(folder: str) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such processed folder. Ingest first: `analysis ingest INPUT --out {path}` "
                                "(or `analysis run <study> --steps ingest`).")
    return path


def cmd_check(args: argparse.Namespace) -> int:
    from analysis.pipeline import check_study

    problems = check_study(args.study)
    if not problems:
        print("ok")
        return 0
    print(f"{len(problems)} problem(s):")
    for problem in problems:
        print(f"  - {problem}")
    return EXIT_USER_ERROR


def cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.config import folder_study, load_study
    from analysis.corpus.ingest import IngestError
    from analysis.pipeline import check_inputs, log, stage_ingest, with_settings
    from analysis.tables import write_table

    source, out = Path(args.input), Path(args.out)
    if source.is_dir() and (source / "study.yaml").is_file():
        study = load_study(source, processed_dir=out)
        check_inputs(study)
    else:
        study = folder_study(out, input=str(source.resolve()), hearing=args.hearing or source.stem)
    flags = {"language": args.language, "hearing": args.hearing, "manifest": _abs(args.manifest),
             "text_col": args.text_col, "id_col": args.id_col, "meta_cols": _meta(args.meta),
             "input.strict": True if args.strict else None, "input.max_mb": args.max_mb,
             "input.max_chars": args.max_chars,
             "redact.enabled": False if args.no_redact else None,
             "redact.keep_office_holders": True if args.keep_office_holders else None}
    study = with_settings(study, flags, FLAG_NAMES)
    try:
        stage_ingest(study)
    except IngestError as exc:
        write_table(exc.report, out, "ingest_report", parquet=False)
        log(f"error: {exc}")
        log(f"Nothing but {out / 'ingest_report.csv'} was written (--strict).")
        return EXIT_USER_ERROR
    log(f"→ {out}")
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from analysis.pipeline import log, stage_themes, study_for_folder, with_settings

    study = study_for_folder(_processed(args.dir))
    flags = {"themes.k": args.k, "language": args.language, "themes.backend": args.backend,
             "random_state": args.random_state, "themes.seed_codebook": _abs(args.seed_codebook)}
    study = with_settings(study, flags, FLAG_NAMES)
    tables = stage_themes(study)
    themes = tables.get("themes") if isinstance(tables, dict) else None
    if themes is not None and hasattr(themes, "itertuples"):
        from analysis.themes.describe import NO_THEME_ID

        n_themes = int((themes["theme_id"] != NO_THEME_ID).sum())
        log(f"{n_themes} themes → {study.processed_dir}")
        for row in themes.itertuples(index=False):
            log(f"  {row.theme_id}: {row.label}  ({row.size} segments)")
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from analysis.pipeline import check_inputs, log, stage_align, study_for_folder, with_settings
    from analysis.schema import Problem, SchemaError

    study = study_for_folder(_processed(args.dir))
    flags = {"goals": _abs(args.goals), "codebook": _abs(args.codebook), "language": args.language,
             "random_state": args.random_state, "alignment.n_boot": args.n_boot,
             "count_campaigns": args.count_campaigns, "alignment.interval": args.interval,
             "alignment.unit": args.unit}
    study = with_settings(study, flags, FLAG_NAMES)
    if study.goals is None or study.codebook is None:
        raise SchemaError([Problem("command line", "--goals/--codebook", "no goals or codebook file to align with",
                                   "Give --goals and --codebook, or ingest a study whose study.yaml names them "
                                   "(keys 'goals' and 'codebook').")])
    check_inputs(study)
    tables = stage_align(study)
    log(f"{len(tables)} tables → {study.processed_dir}: {', '.join(sorted(tables))}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.pipeline import run_study

    run_study(args.study, steps=("report",))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline import STAGES, run_study

    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip()) if args.steps else tuple(STAGES)
    run_study(args.study, steps=steps)
    return 0


FLAG_NAMES = {"language": "--language", "hearing": "--hearing", "manifest": "--manifest", "text_col": "--text-col",
              "id_col": "--id-col", "meta_cols": "--meta", "input.max_mb": "--max-mb", "input.max_chars": "--max-chars", "themes.k": "--k",
              "themes.backend": "--backend", "random_state": "--random-state",
              "alignment.n_boot": "--n-boot", "count_campaigns": "--count-campaigns", "goals": "--goals",
              "codebook": "--codebook", "themes.seed_codebook": "--seed-codebook",
              "alignment.interval": "--interval", "alignment.unit": "--unit"}


def build_parser() -> argparse.ArgumentParser:
    """The ``analysis`` argument parser (flags default to ``None``: the study's setting)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback of an error")
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.split("\n\n")[0], parents=[common])
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", parents=[common], help="validate a study's study.yaml, goals and codebook; run nothing")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml), its folder or a study.yaml")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("ingest", parents=[common], help="read a folder of documents or a table into responses and segments")
    p.add_argument("input", help="folder (txt/md/pdf/docx + optional manifest.csv, or a study folder) or table")
    p.add_argument("--out", required=True, help="folder for responses.parquet, segments.parquet, ingest_report.csv")
    p.add_argument("--language", help="language of the responses (default: the study's, else da)")
    p.add_argument("--hearing", help="name of the consultation")
    p.add_argument("--manifest", help="manifest CSV (default: manifest.csv in the folder)")
    p.add_argument("--text-col", help="table column holding the response text (default: recognised)")
    p.add_argument("--id-col", help="table column holding the response id (default: the row number)")
    p.add_argument("--meta", action="append", metavar="OURS=THEIRS",
                   help="carry a column, e.g. --meta respondent=Organisation (repeatable)")
    p.add_argument("--strict", action="store_true", help="any problem with any input is fatal (exit 2)")
    p.add_argument("--no-redact", action="store_true", help="keep e-mails, phone numbers, names (not advised)")
    p.add_argument("--keep-office-holders", action="store_true",
                   help="keep names of office holders signing for a committee")
    p.add_argument("--max-mb", help="largest file read, in MB (default 50)")
    p.add_argument("--max-chars", help="longest text after reading, in characters (default 3,000,000)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("themes", parents=[common], help="find themes in a processed folder's segments")
    p.add_argument("dir", help="processed folder holding segments.parquet")
    p.add_argument("--k", help="number of themes, or 'auto' (default: the study's themes.k)")
    p.add_argument("--language", help="language of the responses (default: the study's)")
    p.add_argument("--backend", help="nmf, kmeans, lda or embeddings (default: the study's themes.backend)")
    p.add_argument("--random-state")
    p.add_argument("--seed-codebook", help="start some themes from this codebook's priorities")
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("align", parents=[common], help="priorities, stance and goal alignment tables")
    p.add_argument("dir", help="processed folder holding segments.parquet and responses.parquet")
    p.add_argument("--goals", help="goals YAML (default: the study's)")
    p.add_argument("--codebook", help="codebook YAML (default: the study's)")
    p.add_argument("--language", help="language of the responses (default: the study's)")
    p.add_argument("--random-state")
    p.add_argument("--n-boot", help="bootstrap resamples for intervals (default: the study's, else 1000)")
    p.add_argument("--count-campaigns", help="per_response or once (default: the study's count_campaigns)")
    p.add_argument("--interval", help="interval method: wilson, jeffreys or bootstrap (default: the study's)")
    p.add_argument("--unit", help="counting unit: response (every response weighs 1) or segment (default: the study's)")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("report", parents=[common], help="write the report, figures and exports")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml) or path to a study.yaml")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("run", parents=[common], help="the whole chain for a study: ingest → themes → align → report")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml) or path to a study.yaml")
    p.add_argument("--steps", help="comma-separated subset, e.g. ingest,themes")
    p.set_defaults(func=cmd_run)

    from analysis.alignment.commands import register_commands  # sample-coding, agreement

    register_commands(sub)
    return parser


def user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that are the user's to fix: shown as one message, exit code 2."""
    from analysis.corpus.ingest import IngestError
    from analysis.schema import ConfigError
    from analysis.tables import TableError
    from analysis.tableset import StageError

    return (ConfigError, StageError, TableError, IngestError, FileNotFoundError, NotADirectoryError,
            IsADirectoryError, PermissionError, ValueError, UnicodeError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``analysis`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted; tables already in place are consistent (a stage moves its tables only when complete).",
              file=sys.stderr)
        return 130
    except Exception as exc:  # one message, never a traceback (unless --debug)
        if debug:
            raise
        if isinstance(exc, user_errors()):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USER_ERROR
        print(f"error: unexpected {type(exc).__name__}: {exc}\n(rerun with --debug for the traceback, "
              "and report it with the command you ran)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
