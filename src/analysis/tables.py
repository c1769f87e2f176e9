"""Reading and writing the tidy tables of a processed study folder: the one table writer.

Every stage writes every table with :func:`write_table`: parquet (exact values and types)
and, for tables a person opens, CSV. Writes are atomic (a temporary file, then
``os.replace``), so a crash never leaves half a table; CSV cells a spreadsheet would run as
formulas are neutralised (:func:`safe_cell`); inside a stage's
:func:`analysis.tableset.table_set` the tables go to a staging folder first and carry the
ingest they derive from.

>>> from analysis.tables import load_tables
>>> tables = load_tables("data/processed/udsatte-byomraader-2025")  # doctest: +SKIP
>>> sorted(tables)[:3]                                              # doctest: +SKIP
['alignment_goal_coverage', 'ingest_report', 'k_diagnostics']
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROVENANCE_KEY = b"analysis"


class TableError(ValueError):
    """A table cannot be read or written (damaged file, unwritable folder); the message says the fix."""


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection advice).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``; everything else (numbers included) is returned unchanged.

    >>> safe_cell('=HYPERLINK("http://x")'), safe_cell("-5"), safe_cell(-5), safe_cell("ok")
    ('\\'=HYPERLINK("http://x")', "'-5", -5, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with :func:`safe_cell` applied to every text cell and column name.

    For CSV and spreadsheet output only; parquet keeps the exact values.

    >>> neutralise_formulas(pd.DataFrame({"text": ["=1+1", "fine"], "n": [-1, 2]}))["text"].tolist()
    ["'=1+1", 'fine']
    """
    out = table.copy()
    for column in out.columns:
        _map_text_cells(out, column, lambda text: text.startswith(FORMULA_STARTS), safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _map_text_cells(table: pd.DataFrame, column, test, change) -> None:
    """Apply ``change`` in place to the text cells of ``table[column]`` that pass ``test``.

    ``test`` gets the column's ``.str`` accessor (vectorised); ``change`` gets one cell and
    must leave a cell that needs no change as it is. Columns without text are skipped.

    >>> t = pd.DataFrame({"a": ["=1", "b", None, 3]})
    >>> _map_text_cells(t, "a", lambda s: s.startswith("="), safe_cell); t["a"].tolist()
    ["'=1", 'b', None, 3]
    """
    values = table[column]
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return
    try:
        hits = test(values.str)
    except AttributeError:  # an object column holding no text
        return
    hits = hits.fillna(False).astype(bool).to_numpy()
    if hits.any():
        table.loc[hits, column] = values[hits].map(change)


def restore_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table read back from CSV.

    >>> restore_formulas(pd.DataFrame({"t": ["'=1", "'a"]}))["t"].tolist()
    ['=1', "'a"]
    """
    starts = tuple("'" + c for c in FORMULA_STARTS)

    def undo(value):
        return value[1:] if isinstance(value, str) and value.startswith(starts) else value

    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(undo, na_action="ignore")
    out.columns = [undo(c) for c in out.columns]
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    return restore_formulas(pd.read_csv(path))


def _one_line_ending(table: pd.DataFrame) -> pd.DataFrame:
    """Carriage returns inside cells become ``\n`` so the CSV writer quotes them (parquet keeps them)."""
    for column in table.columns:
        _map_text_cells(table, column, lambda text: text.contains("\r", regex=False),
                        lambda v: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v)
    return table


def _writable_folder(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise TableError(f"{folder}: is a file, not a folder. Give a folder for the tables (e.g. --out data/processed/<study>).")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TableError(f"{folder}: cannot create the folder ({exc.strerror}). Choose a folder you can write to.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TableError(f"{folder}: the folder is read-only. Choose a folder you can write to, or change its permissions.")
    return folder


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TableError(f"{path}: cannot write the table ({exc.strerror}). Check the folder's permissions and free space.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_parquet(table: pd.DataFrame, path: Path, provenance: dict[str, Any] | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if provenance:
        meta = dict(arrow.schema.metadata or {})
        meta[PROVENANCE_KEY] = json.dumps(provenance, sort_keys=True).encode()
        arrow = arrow.replace_schema_metadata(meta)
    _atomic(path, lambda tmp: pq.write_table(arrow, tmp))


def write_table(table: pd.DataFrame, folder: str | Path, name: str, csv: bool = True,
                parquet: bool = True) -> Path:
    """Write ``table`` as ``<folder>/<name>.parquet`` and/or ``.csv``; return the parquet path
    (the CSV path when ``parquet=False``).

    Parameters
    ----------
    table : the table; its index is not written.
    folder : the processed folder (inside a stage's table set the files go to its staging
        folder and are moved into ``folder`` when the stage completes).
    name : file stem, e.g. ``"themes"``.
    csv, parquet : which formats to write. CSV cells are formula-safe (:func:`safe_cell`).

    Returns
    -------
    Path of the parquet file (or of the CSV file with ``parquet=False``).

    >>> import tempfile
    >>> path = write_table(pd.DataFrame({"a": ["=1"]}), tempfile.mkdtemp(), "t")
    >>> pd.read_parquet(path)["a"][0], path.with_suffix(".csv").read_text().split()[1]
    ('=1', "'=1")
    """
    from analysis.tableset import active_target

    final = Path(folder)
    target, provenance = active_target(final)
    _writable_folder(target)
    if not (csv or parquet):
        raise ValueError(f"write_table({name!r}): ask for csv, parquet or both.")
    if parquet:
        _write_parquet(table, target / f"{name}.parquet", provenance)
    if csv:
        text = _one_line_ending(neutralise_formulas(table)).to_csv(index=False, lineterminator="\n")
        _atomic(target / f"{name}.csv", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return final / f"{name}.parquet" if parquet else final / f"{name}.csv"


def read_provenance(path: str | Path) -> dict[str, Any]:
    """The provenance a parquet table carries (``stage``, ``ingest_id``); ``{}`` if none."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception as exc:  # damaged or not parquet
        raise TableError(f"{path}: damaged or not a parquet table ({exc}). Rerun the stage that writes it.") from None
    raw = meta.get(PROVENANCE_KEY)
    return json.loads(raw) if raw else {}


def read_table(folder: str | Path, name: str) -> pd.DataFrame:
    """Read ``<folder>/<name>.parquet``, falling back to ``.csv``, with a clear error.

    >>> read_table("/nonexistent", "segments")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: /nonexistent: no table 'segments' ...
    """
    folder = Path(folder)
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv", _read_csv)):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            try:
                return reader(path)
            except Exception as exc:  # pyarrow, parser and decode errors: all mean a damaged file
                raise TableError(
                    f"{path}: damaged or unreadable table ({type(exc).__name__}: {str(exc)[:200]}). "
                    f"Rerun the stage that writes it (e.g. `analysis run <study>` or `analysis ingest`)."
                ) from None
    raise FileNotFoundError(
        f"{folder}: no table {name!r} (.parquet or .csv). Run the stage that makes it first "
        f"(e.g. `analysis run <study>` or `analysis ingest`)."
    )


def load_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every table in a processed folder, keyed by file stem (parquet preferred over CSV).

    >>> load_tables("data/processed/udsatte-byomraader-2025")["themes"].columns[0]  # doctest: +SKIP
    'theme_id'
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such processed folder. Run `analysis run <study>` first.")
    names = sorted({p.stem for p in folder.glob("*.parquet")} | {p.stem for p in folder.glob("*.csv")})
    return {name: read_table(folder, name) for name in names if not name.startswith(".")}


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
