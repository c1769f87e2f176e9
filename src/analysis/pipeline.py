"""Compose the stages into the whole chain for one study.

``run_study`` is what ``make report`` / ``analysis run`` calls: ingest → themes →
priorities and alignment → report. The CLI subcommands call the very same stage
functions (:data:`STAGES`) with the study's settings; command-line flags change those
settings first (:func:`with_settings`), never the reverse. Each stage reads and writes the
tables of the study's processed folder, so any stage can be rerun alone; a processed
folder knows its study through ``study.json``.

>>> from analysis.pipeline import run_study
>>> run_study("udsatte-byomraader-2025")   # doctest: +SKIP
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from analysis.config import StudyConfig, folder_study, load_study, study_from_settings
from analysis.schema import Problem, SchemaError, check_value
from analysis.tableset import StageError, folder_lock, ingest_id, require_ingest, require_stages, table_set

STUDY_RECORD = "study.json"


def log(message: str) -> None:
    """A step message on stderr (the tables are the output, not the log)."""
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------- settings and folders
def with_settings(study: StudyConfig, changes: dict[str, Any], names: dict[str, str] | None = None) -> StudyConfig:
    """A copy of ``study`` with some settings changed (e.g. from command-line flags).

    ``changes`` maps dotted setting names (``"themes.k"``) to values; ``None`` leaves a
    setting as the study has it. Each value is checked by the schema's rule; ``names``
    maps a setting to the flag that gave it, for the message.

    >>> study = folder_study(Path("/tmp/demo"))
    >>> with_settings(study, {"themes.k": "3", "random_state": None}).themes
    {'k': 3}
    """
    settings = copy.deepcopy(study.settings)
    raw = copy.deepcopy(dict(study.raw or {}))  # a flag counts as if study.yaml had written it
    problems: list[Problem] = []
    for name, value in changes.items():
        if value is None:
            continue
        converted, problem = check_value(name, value)
        if problem is not None:
            flag = (names or {}).get(name, name)
            problems.append(Problem("command line", flag, problem.message, problem.fix))
            continue
        if "." in name:
            section, key = name.split(".", 1)
            settings[section][key] = converted
            settings["written"].setdefault(section, {})[key] = converted
            if not isinstance(raw.get(section), dict):
                raw[section] = {}
            raw[section][key] = converted
        else:
            settings[name] = converted
            raw[name] = converted
    if problems:
        raise SchemaError(problems)
    return study_from_settings(settings, study.folder, config_path=study.config_path, raw=raw,
                               processed_dir=study.processed_dir, report_root=study.report_dir.parent)


def record_study(study: StudyConfig, out_dir: Path) -> Path:
    """Write ``study.json`` into a processed folder so later stages find the study's settings."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / STUDY_RECORD
    settings = {k: v for k, v in study.settings.items() if k != "written" and k not in ("themes", "alignment")}
    settings.update({section: study.settings.get("written", {}).get(section, {}) for section in ("themes", "alignment")})
    settings["input"] = {**settings["input"], "path": str(study.input)}
    record = {"name": study.name, "config": str(study.config_path) if study.config_path else None,
              "language": study.language, "random_state": study.random_state, "settings": settings}
    tmp = path.with_name(f".{STUDY_RECORD}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def study_for_folder(processed_dir: str | Path) -> StudyConfig:
    """The study that produced a processed folder (``study.json``), or default settings for it.

    >>> study_for_folder("/tmp/no-such-folder").language
    'da'
    """
    folder = Path(processed_dir)
    path = folder / STUDY_RECORD
    if not path.is_file():
        return folder_study(folder)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not a mapping")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StageError(f"{path}: damaged ({exc}). Delete it and rerun the ingest "
                         "(`analysis run <study> --steps ingest` or `analysis ingest INPUT --out DIR`).") from None
    config = record.get("config")
    if config and Path(config).is_file():
        return load_study(config, processed_dir=folder)
    settings = record.get("settings") or {k: record[k] for k in ("language", "random_state") if k in record}
    if "name" in record:
        settings = {**settings, "name": record["name"]}
    return folder_study(folder, **settings)


def _rerun(study: StudyConfig, step: str) -> str:
    """The command that reruns ``step`` for ``study``."""
    if study.config_path:
        from analysis.config import DATA_RAW

        named = study.config_path == (DATA_RAW / study.name / "study.yaml").resolve()
        return f"analysis run {study.name if named else study.config_path} --steps {step}"
    if step == "ingest":
        return f"analysis ingest INPUT --out {study.processed_dir}"
    return f"analysis {step} {study.processed_dir}"


def check_study(name_or_path: str | Path) -> list[Problem]:
    """Every problem of a study's ``study.yaml``, goals and codebook files (nothing runs).

    >>> check_study("udsatte-byomraader-2025")  # doctest: +SKIP
    []
    """
    from analysis.alignment.codebook import validate_goals_and_codebook
    from analysis.config import ConfigError, read_study_settings, study_config_path

    try:
        path = study_config_path(name_or_path)
    except ConfigError as exc:
        return [Problem(str(name_or_path), "", str(exc))]
    _, settings, problems = read_study_settings(path)
    if any(p.key == "name" for p in problems):
        settings = {**settings, "name": "study"}
    study = study_from_settings(settings, path.parent, config_path=path)
    if not study.input.exists():
        problems.append(Problem(str(path), "input", f"{study.input} does not exist",
                                "Fix the path (relative to the study folder); reference corpora live in "
                                "../shared/data beside the project."))
    problems += validate_goals_and_codebook(study.goals, study.codebook, language=study.language)
    return problems


def _accepted(func: Callable, options: dict[str, Any]) -> dict[str, Any]:
    """The options ``func`` takes (settings a stage of this version does not use are left out)."""
    params = inspect.signature(func).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return dict(options)
    return {k: v for k, v in options.items() if k in params}


def _usable_segments(study: StudyConfig, stage: str) -> int:
    from analysis.tables import read_table

    segments = read_table(study.processed_dir, "segments")
    if len(segments) == 0:
        raise StageError(f"{study.processed_dir}/segments.parquet: no usable text (0 segments), so there is nothing "
                         f"for {stage}. See ingest_report.csv for why each input was left out, fix the input and "
                         f"rerun: `{_rerun(study, 'ingest')}`.")
    return len(segments)


# --------------------------------------------------------------------------------- stages
def stage_ingest(study: StudyConfig, **overrides) -> dict[str, Path]:
    """Read the study's input into ``responses``, ``segments``, ``ingest_report`` (one table set)."""
    from analysis.corpus.ingest import ingest_study, write_ingest

    options = {"strict": study.input_options.get("strict", False), "max_mb": study.input_options.get("max_mb", 50)}
    if study.input_options.get("max_chars") is not None:
        options["max_chars"] = int(study.input_options["max_chars"])
    options.update(overrides)
    if study.engine == "dask":  # partitions on a Dask cluster (analysis.scale)
        from analysis.scale.study import ingest_study_partitioned

        with folder_lock(study.processed_dir):
            paths = ingest_study_partitioned(study, **options)
            record_study(study, study.processed_dir)
        return paths
    with folder_lock(study.processed_dir):
        result = ingest_study(study, **options)
        with table_set(study.processed_dir, "ingest", ingest_id=ingest_id(result.responses, result.segments)):
            paths = write_ingest(result, study.processed_dir)
        record_study(study, study.processed_dir)
    counts = result.ingest_report["status"].value_counts().to_dict()
    log(f"    {len(result.responses)} responses, {len(result.segments)} segments; statuses {counts}")
    problems = result.problems
    if len(problems):
        log(f"    {len(problems)} input(s) need a look (see {paths['ingest_report']}):")
        for row in problems.head(20).itertuples(index=False):
            log(f"      {row.status:>15}  {row.reason}")
    return paths


def _seed_terms(study: StudyConfig, seed):
    if not seed:
        return None
    from analysis.alignment.codebook import load_codebook

    path = study.codebook if seed is True else Path(seed)
    if path is None:
        raise SchemaError([Problem(str(study.config_path or "settings"), "themes.seed_codebook",
                                   "the study names no codebook to seed themes from", "Add codebook: codebook.yaml.")])
    return load_codebook(path).seed_terms(study.language)


def stage_themes(study: StudyConfig, **overrides):
    """Find themes in the study's segments and write the theme tables (one table set)."""
    from analysis.themes.tables import write_theme_tables

    cfg = dict(study.themes)
    cfg.update(overrides)
    k = cfg.pop("n_themes", cfg.pop("k", "auto"))
    seed = cfg.pop("seed_codebook", False)
    kwargs = dict(n_themes=k, language=study.language, random_state=study.random_state)
    folder = study.processed_dir
    with folder_lock(folder):
        source = require_ingest(folder, _rerun(study, "ingest"))
        _usable_segments(study, "themes")
        with table_set(folder, "themes", ingest_id=source):
            kwargs.update(backend=cfg.pop("backend", "nmf"), seed_terms=_seed_terms(study, seed))
            unused = sorted(set(cfg) - set(_theme_parameters()))
            for name in unused:  # accepted by the schema, not (yet) by this version's model
                log(f"    note: themes.{name} is not used by this version's theme model")
                cfg.pop(name)
            kwargs.update(cfg)  # any other ThemeModel parameter, e.g. k_range, extra_stop_words
            try:
                if study.engine == "dask":  # partitions on a Dask cluster (analysis.scale)
                    from analysis.scale.study import themes_writer

                    tables = themes_writer(study)(folder, **kwargs)
                else:
                    tables = write_theme_tables(folder, **kwargs)
            except ValueError as exc:
                raise StageError(f"themes in {folder}: {exc}") from exc
    if "themes" in tables:
        from analysis.themes.describe import NO_THEME_ID

        log(f"    {int((tables['themes']['theme_id'] != NO_THEME_ID).sum())} themes")
    return tables


def _theme_parameters() -> set[str]:
    from analysis.schema import theme_model_parameters
    from analysis.themes.tables import write_theme_tables

    return theme_model_parameters() | set(inspect.signature(write_theme_tables).parameters)


def stage_align(study: StudyConfig, **overrides):
    """Priorities, stance and goal alignment tables (one table set); skipped without goals/codebook."""
    from analysis.alignment.tables import write_alignment_tables

    if study.goals is None or study.codebook is None:
        log(f"    skipped: {study.config_path or 'the study'} names no goals/codebook files "
            "(keys 'goals' and 'codebook')")
        return {}
    options = dict(study.alignment)
    options.update(language=study.language, random_state=study.random_state,
                   count_campaigns=study.count_campaigns)
    if options.get("stance_model"):  # a saved learned stance model, relative to the study folder
        options["stance_model"] = study.folder / options["stance_model"]
    options.update(overrides)
    folder = study.processed_dir
    with folder_lock(folder):
        source = require_ingest(folder, _rerun(study, "ingest"))
        _usable_segments(study, "align")
        with table_set(folder, "align", ingest_id=source):
            writer = write_alignment_tables
            if study.engine == "dask":  # partitions on a Dask cluster (analysis.scale)
                from analysis.scale.study import alignment_writer

                writer = alignment_writer(study)
            tables = writer(folder, study.goals, study.codebook, **_accepted(write_alignment_tables, options))
    log(f"    {len(tables)} alignment tables")
    return tables


def stage_report(study: StudyConfig, **overrides):
    """Build the report; return (and log) the paths it wrote."""
    from analysis.report.build import build_report

    require_stages(study.processed_dir, {"themes": _rerun(study, "themes"), "align": _rerun(study, "align")})
    result = build_report(study, **overrides)
    for name, path in report_paths(result).items():
        print(f"{name}: {path}", flush=True)
    if isinstance(result, dict) and result.get("figures"):
        print(f"figures: {study.figures_dir} ({len(result['figures'])} files)", flush=True)
    return result


def report_paths(result) -> dict[str, Path]:
    """The report stage's result as ``{what: path}`` (a path, or a mapping of them)."""
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items() if isinstance(v, (str, Path))}
    return {"report": result} if result is not None else {}


STAGES: dict[str, Callable] = {
    "ingest": stage_ingest,
    "themes": stage_themes,
    "align": stage_align,
    "report": stage_report,
}


def check_inputs(study: StudyConfig) -> None:
    """Validate the study's goals and codebook files up front; all problems in one :class:`SchemaError`."""
    from analysis.alignment.codebook import validate_goals_and_codebook

    problems = validate_goals_and_codebook(study.goals, study.codebook, language=study.language)
    if problems:
        raise SchemaError(problems)


def run_study(study: str | Path | StudyConfig, steps: tuple[str, ...] = tuple(STAGES), **load_kwargs) -> StudyConfig:
    """Run the chain for one study, printing a line per step with its time.

    Every settings file is validated before the first stage starts.

    >>> run_study("udsatte-byomraader-2025", steps=("ingest",))  # doctest: +SKIP
    """
    cfg = study if isinstance(study, StudyConfig) else load_study(study, **load_kwargs)
    unknown = [s for s in steps if s not in STAGES]
    if unknown:
        raise SchemaError([Problem("command line", "--steps", f"unknown step(s) {unknown}",
                                   f"Choose from {', '.join(STAGES)}.")])
    check_inputs(cfg)
    log(f"Study {cfg.name!r}: {cfg.title}")
    with folder_lock(cfg.processed_dir):
        for i, name in enumerate(steps, start=1):
            t0 = time.perf_counter()
            log(f"[{i}/{len(steps)}] {name} …")
            STAGES[name](cfg)
            log(f"    done in {time.perf_counter() - t0:.1f} s")
    return cfg
