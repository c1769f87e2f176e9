"""Reading and writing the tidy tables of a processed study folder.

Every stage writes parquet (exact types) and, for tables a person opens, CSV.

>>> from analysis.tables import load_tables
>>> tables = load_tables("data/processed/udsatte-byomraader-2025")  # doctest: +SKIP
>>> sorted(tables)[:3]                                              # doctest: +SKIP
['alignment_goal_coverage', 'ingest_report', 'k_diagnostics']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_table(table: pd.DataFrame, folder: str | Path, name: str, csv: bool = True) -> Path:
    """Write ``table`` as ``<folder>/<name>.parquet`` (and ``.csv``); return the parquet path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.parquet"
    table.to_parquet(path, index=False)
    if csv:
        table.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return path


def read_table(folder: str | Path, name: str) -> pd.DataFrame:
    """Read ``<folder>/<name>.parquet``, falling back to ``.csv``, with a clear error."""
    folder = Path(folder)
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return reader(path)
    raise FileNotFoundError(
        f"{folder}: no table {name!r} (.parquet or .csv). Run the stage that makes it first "
        f"(e.g. `analysis run <study>` or `analysis ingest`)."
    )


def load_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every table in a processed folder, keyed by file stem (parquet preferred over CSV)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such processed folder. Run `analysis run <study>` first.")
    names = sorted({p.stem for p in folder.glob("*.parquet")} | {p.stem for p in folder.glob("*.csv")})
    return {name: read_table(folder, name) for name in names}


def load_study_tables(study, processed_root=None, report_root=None):
    """A study's configuration and every table of its processed folder, in one call.

    ``study`` is a study name, a folder or a ``study.yaml``; the roots (``None`` for the
    project's ``data/processed`` and ``reports``) let tests and notebooks run elsewhere.

    >>> cfg, tables = load_study_tables("udsatte-byomraader-2025")  # doctest: +SKIP
    """
    from analysis.config import load_study

    cfg = load_study(study, processed_root=Path(processed_root) if processed_root else None,
                     report_root=Path(report_root) if report_root else None)
    return cfg, load_tables(cfg.processed_dir)
