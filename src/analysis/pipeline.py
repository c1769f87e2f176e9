"""Compose the stages into the whole chain for one study.

``run_study`` is what ``make report`` / ``analysis run`` calls: ingest →
themes → priorities and alignment → report. Each stage reads and writes the
tables of the study's processed folder, so any stage can be rerun alone.

>>> from analysis.pipeline import run_study
>>> run_study("udsatte-byomraader-2025")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

from analysis.config import StudyConfig, load_study

STUDY_RECORD = "study.json"


def log(message: str) -> None:
    """A step message on stderr (the tables are the output, not the log)."""
    print(message, file=sys.stderr, flush=True)


def record_study(study: StudyConfig, out_dir: Path) -> Path:
    """Write ``study.json`` into a processed folder so later stages find the study's settings."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / STUDY_RECORD
    record = {"name": study.name, "config": str(study.config_path), "language": study.language,
              "random_state": study.random_state}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def study_for_folder(processed_dir: Path) -> StudyConfig | None:
    """The study that produced a processed folder, if ingest recorded one."""
    path = Path(processed_dir) / STUDY_RECORD
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    config = Path(record.get("config", ""))
    return load_study(config, processed_root=Path(processed_dir).parent) if config.is_file() else None


def stage_ingest(study: StudyConfig, **overrides) -> dict[str, Path]:
    from analysis.corpus.ingest import ingest_study, write_ingest

    result = ingest_study(study, **overrides)
    paths = write_ingest(result, study.processed_dir)
    record_study(study, study.processed_dir)
    counts = result.ingest_report["status"].value_counts().to_dict()
    log(f"    {len(result.responses)} responses, {len(result.segments)} segments; statuses {counts}")
    return paths


def stage_themes(study: StudyConfig, **overrides):
    from analysis.themes.tables import write_theme_tables

    cfg = dict(study.themes)
    k = overrides.pop("n_themes", cfg.pop("k", "auto"))
    k = k if k == "auto" else int(k)
    kwargs = dict(n_themes=k, language=study.language, backend=cfg.pop("backend", "nmf"),
                  random_state=study.random_state)
    if cfg.pop("out_of_core", False):  # bounded memory for very large consultations
        from analysis.themes.outofcore import fit_themes_out_of_core

        kwargs.pop("backend")
        kwargs.update(cfg)
        kwargs.update(overrides)
        return fit_themes_out_of_core(study.processed_dir / "segments.parquet", study.processed_dir, **kwargs)
    kwargs.update(cfg)  # any other ThemeModel parameter, e.g. k_range, extra_stop_words
    kwargs.update(overrides)
    tables = write_theme_tables(study.processed_dir, **kwargs)
    if "themes" in tables:
        log(f"    {len(tables['themes'])} themes")
    return tables


def stage_align(study: StudyConfig, **overrides):
    from analysis.alignment.tables import write_alignment_tables

    if study.goals is None or study.codebook is None:
        log(f"    skipped: {study.config_path} names no goals/codebook files")
        return {}
    align = study.raw.get("alignment") or {}
    kwargs = dict(language=study.language, random_state=study.random_state,
                  count_campaigns=study.raw.get("count_campaigns", "per_response"))
    kwargs.update({k: align[k] for k in ("interval", "unit", "min_group_n", "n_boot", "stance_model") if k in align})
    if kwargs.get("stance_model"):  # relative to the study folder
        kwargs["stance_model"] = Path(study.config_path).parent / kwargs["stance_model"]
    kwargs.update(overrides)
    tables = write_alignment_tables(study.processed_dir, study.goals, study.codebook, **kwargs)
    log(f"    {len(tables)} alignment tables")
    return tables


def stage_report(study: StudyConfig, **overrides):
    from analysis.report.build import build_report

    path = build_report(study, **overrides)
    log(f"    report: {path}")
    return path


STAGES: dict[str, Callable] = {
    "ingest": stage_ingest,
    "themes": stage_themes,
    "align": stage_align,
    "report": stage_report,
}


def run_study(study: str | Path | StudyConfig, steps: tuple[str, ...] = tuple(STAGES), **load_kwargs) -> StudyConfig:
    """Run the chain for one study, printing a line per step with its time.

    >>> run_study("udsatte-byomraader-2025", steps=("ingest",))  # doctest: +SKIP
    """
    cfg = study if isinstance(study, StudyConfig) else load_study(study, **load_kwargs)
    log(f"Study {cfg.name!r}: {cfg.title}")
    for i, name in enumerate(steps, start=1):
        t0 = time.perf_counter()
        log(f"[{i}/{len(steps)}] {name} …")
        STAGES[name](cfg)
        log(f"    done in {time.perf_counter() - t0:.1f} s")
    return cfg
