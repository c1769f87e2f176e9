"""The pipeline's stages on the Dask path (``study.yaml`` ``engine: dask``).

One client per scheduler address (or one local cluster) serves every stage of a run;
it is closed when the process ends.
"""

from __future__ import annotations

import atexit
import contextlib
from pathlib import Path

_CLIENTS: dict[str, tuple] = {}


def _setting(study, key: str, default: int) -> int:
    return int((getattr(study, "raw", None) or {}).get(key, default))


def client_for(study):
    """The ``distributed.Client`` of the study's ``scheduler`` (a local cluster when none)."""
    from analysis.scale.cluster import dask_client

    key = study.scheduler or "local"
    if key not in _CLIENTS:
        stack = contextlib.ExitStack()
        client = stack.enter_context(dask_client(study.scheduler))
        _CLIENTS[key] = (client, stack)
        atexit.register(stack.close)
    return _CLIENTS[key][0]


def close_clients() -> None:
    """Close every client (and local cluster) this process opened."""
    while _CLIENTS:
        _, (_, stack) = _CLIENTS.popitem()
        stack.close()


def ingest_study_partitioned(study, **overrides) -> dict[str, Path]:
    """:func:`analysis.corpus.ingest.ingest_study` on the Dask path; returns the table paths."""
    from analysis.corpus.ingest import _input_options
    from analysis.scale.ingest import ingest_partitioned

    redact_cfg = dict(study.redact)
    raw = dict(getattr(study, "raw", {}) or {})
    options = dict(
        language=study.language, hearing=study.hearing, manifest=study.manifest,
        text_col=raw.get("text_col") if study.input.is_file() else None, id_col=study.id_col,
        meta_cols=study.meta_cols or None, redact=bool(redact_cfg.get("enabled", True)),
        keep_office_holders=bool(redact_cfg.get("keep_office_holders", False)), **_input_options(study))
    options.update(overrides)
    if not study.input.exists():
        raise FileNotFoundError(f"Study {study.name!r}: its input {study.input} does not exist. "
                                f"Check 'input' in {study.config_path}.")
    ingest_partitioned(study.input, study.processed_dir, client=client_for(study),
                       partition_rows=_setting(study, "partition_rows", 20_000),
                       partition_files=_setting(study, "partition_files", 2_000), **options)
    out = study.processed_dir
    return {name: out / f"{name}.parquet" for name in ("responses", "segments", "redaction_report")} | {
        "ingest_report": out / "ingest_report.csv"}


def themes_writer(study):
    """A ``write_theme_tables``-like callable that runs on the Dask path."""
    from analysis.scale.themes import themes_partitioned

    extra = dict(sample_size=_setting(study, "sample_size", 50_000),
                 partition_rows=_setting(study, "partition_rows", 20_000))

    def write(folder, **kwargs):
        return themes_partitioned(folder, client=client_for(study), **extra, **kwargs)

    return write


def alignment_writer(study):
    """A ``write_alignment_tables``-like callable that runs on the Dask path."""
    from analysis.scale.alignment import alignment_partitioned

    extra = dict(sample_size=_setting(study, "sample_size", 50_000),
                 partition_rows=_setting(study, "partition_rows", 20_000))

    def write(folder, goals, codebook, **kwargs):
        return alignment_partitioned(folder, goals, codebook, client=client_for(study), **extra, **kwargs)

    return write
