"""Command-line subcommands of the alignment side: ``sample-coding`` and ``agreement``.

    analysis sample-coding STUDY [--n 120] [--out SHEET.xlsx]
    analysis agreement STUDY SHEET [--retrain] [--with-labels CSV]

``sample-coding`` needs the align step's tables (``analysis run STUDY --steps
ingest,align``). ``agreement`` writes ``coding_agreement`` to the processed folder; with
``--retrain`` it also writes ``stance_training.csv`` (the coder's stance codes, plus any
``--with-labels`` table) and ``priority_training.csv`` beside it (the coder's priorities
with the codebook's hits), reports both learned models' scores cross-validated by
response, and writes the per-priority scores as ``priority_model_cv``; set
``alignment: {stance_model: <stance_training.csv>}`` in study.yaml to use both.
"""

from __future__ import annotations

import argparse
from pathlib import Path



def _study(name: str):
    from analysis.config import load_study

    return load_study(name)


def cmd_sample_coding(args: argparse.Namespace) -> int:
    """Write the coder's sheet and the hidden key for a study."""
    from analysis.alignment.codebook import load_codebook
    from analysis.alignment.coding import KEY, sample_for_coding, write_coding_sheet
    from analysis.pipeline import log
    from analysis.tables import read_table, write_table

    study = _study(args.study)
    folder = study.processed_dir
    segments = read_table(folder, "segments")
    try:
        sp = read_table(folder, "segment_priorities")
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{exc} Run `analysis run {study.name} --steps ingest,align` first.") from None
    try:
        responses = read_table(folder, "responses")
    except FileNotFoundError:
        responses = None
    codebook = load_codebook(study.codebook)
    key = sample_for_coding(segments, sp, responses, n=args.n, random_state=study.random_state)
    out = Path(args.out) if args.out else folder / "coding_sheet.xlsx"
    labels = {p.id: p.label_en or p.id for p in codebook}
    write_coding_sheet(key, codebook.ids, out, labels)
    write_table(key, folder, KEY)
    log(f"{len(key)} segments in {key['stratum'].nunique()} strata → {out} (key: {folder / (KEY + '.parquet')})")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """Score the model against a filled coding sheet; optionally retrain the stance model."""
    from analysis.alignment.codebook import load_codebook
    from analysis.alignment.coding import KEY, CodingSheetError, agreement_table, read_coding_sheet
    from analysis.pipeline import log
    from analysis.tables import read_table, write_table

    study = _study(args.study)
    folder = study.processed_dir
    key = read_table(folder, KEY)
    codebook = load_codebook(study.codebook)
    try:
        coded = read_coding_sheet(args.sheet, key, codebook.ids)
    except CodingSheetError as exc:
        log(f"error: {exc}")
        return 2
    merged = key.merge(coded, on=["coding_id", "segment_id"])
    table = agreement_table(merged, codebook.ids, random_state=study.random_state)
    write_table(table, folder, "coding_agreement")
    show = table[table.metric.isin(["f1", "kappa"])].pivot_table(index="item", columns="metric", values="value",
                                                                 sort=False)
    log(f"agreement on {len(merged)} segments → {folder / 'coding_agreement.parquet'}")
    log(show.round(2).to_string())
    if args.retrain:
        _retrain_stance(study, key, coded, args.with_labels)
        _retrain_priorities(study, key, coded, codebook.ids)
    return 0


def _retrain_stance(study, key, coded, with_labels: str | None) -> None:
    """Write ``stance_training.csv`` and log the learned stance model's cross-validated macro-F1."""
    import pandas as pd

    from analysis.alignment.coding import training_table
    from analysis.alignment.learned import (PARAM_GRID, choose_params, macro_f1_interval, out_of_fold_stance,
                                            read_labels, save_stance_params, save_training_table)
    from analysis.pipeline import log

    folder = study.processed_dir
    train = training_table(key, coded, study.language)
    train["response_id"] = key.set_index("segment_id").reindex(train["segment_id"])["response_id"].to_numpy()
    if with_labels:
        extra = read_labels(with_labels)
        train = pd.concat([train, extra.assign(source=extra.get("source", "labels"))], ignore_index=True)
    path = save_training_table(train, folder / "stance_training.csv")
    groups = train["response_id"].fillna(train["text"]).astype(str) if "response_id" in train else None
    langs = train["language"].fillna(study.language).astype(str) if "language" in train else None
    n_splits = max(2, min(5, int(train["label"].value_counts().min())))
    # Nested: each outer fold chooses cue_weight and C on its own training part, so the
    # reported score is that of the tuning procedure, not of a choice made on the test folds.
    oof = out_of_fold_stance(train["text"], train["label"], groups=groups, languages=langs, language=study.language,
                             n_splits=n_splits, grid=PARAM_GRID)
    f1 = {m: macro_f1_interval(oof["label"], oof[m], groups, random_state=study.random_state)
          for m in ("learned", "cues")}
    chosen = choose_params(train["text"], train["label"], groups=groups, languages=langs, language=study.language,
                           n_splits=n_splits)
    params = save_stance_params(path, chosen)
    log(f"stance training table ({len(train)} segments) → {path}; macro-F1 cross-validated by response "
        "(nested: cue weight and C chosen inside each fold): "
        + ", ".join(f"{m} {v:.2f} [{lo:.2f}, {hi:.2f}]" for m, (v, lo, hi) in f1.items())
        + f"; chosen on all rows: cue_weight {chosen['cue_weight']:g}, C {chosen['C']:g} → {params}. "
        + f"Use it with `alignment: {{stance_model: {path}}}` in study.yaml.")


def _retrain_priorities(study, key, coded, priority_ids: list[str]) -> None:
    """Write ``priority_training.csv`` beside the stance table and log per-priority P/R/F1 (cross-validated)."""
    from analysis.alignment.coding import priority_training_table
    from analysis.alignment.priority_model import TRAINING_FILE, cross_validate_priorities, save_priority_training
    from analysis.pipeline import log
    from analysis.tables import write_table

    folder = study.processed_dir
    train = priority_training_table(key, coded)
    path = save_priority_training(train, folder / TRAINING_FILE)
    cv = cross_validate_priorities(train["text"], train["hits"], train["label"], priority_ids,
                                   groups=train["response_id"].astype(str))
    write_table(cv, folder, "priority_model_cv")
    show = cv.pivot_table(index="priority_id", columns="model", values="f1", sort=False)
    log(f"priority training table ({len(train)} segments) → {path}; F1 per priority cross-validated by response "
        f"(→ {folder / 'priority_model_cv.parquet'}):\n{show.round(2).to_string()}")


def register_commands(sub) -> None:
    """Add ``sample-coding`` and ``agreement`` to the CLI's subparsers."""
    p = sub.add_parser("sample-coding", help="write an Excel sheet of sampled segments for a human coder")
    p.add_argument("study", help="study name (data/raw/<name>/study.yaml) or path to a study.yaml")
    p.add_argument("--n", type=int, default=120, help="segments to sample (default 120)")
    p.add_argument("--out", help="sheet path (default: <processed>/coding_sheet.xlsx)")
    p.set_defaults(func=cmd_sample_coding)
    p = sub.add_parser("agreement", help="agreement of the model with a filled coding sheet")
    p.add_argument("study", help="study name or path to a study.yaml")
    p.add_argument("sheet", help="the filled coding sheet (.xlsx)")
    p.add_argument("--retrain", action="store_true", help="write stance and priority training tables from the coder's codes and score "
                                                      "the learned models")
    p.add_argument("--with-labels", help="add these labelled segments (CSV text,label) to the training table")
    p.set_defaults(func=cmd_agreement)
