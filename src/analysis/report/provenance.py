"""Saving figures with provenance: deterministic PNG/SVG bytes, a JSON sidecar, the values as CSV.

:func:`save_figure` writes ``<report_dir>/figures/<name>.png`` and ``.svg`` with
deterministic bytes, ``<name>.json`` (the source table, the hashes of the inputs, the
config, the seed and the package version) and, given ``values``, ``<name>.csv``: the
plotted values with their ``n``.

>>> hash_input(pd.DataFrame({"a": [1, 2]}))["rows"]
2
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd

from analysis import __version__
from analysis.config import StudyConfig
from analysis.tables import neutralise_formulas

__all__ = ["FIGURE_DPI", "hash_input", "save_figure"]

FIGURE_DPI = 150
_SVG_SALT = "analysis-figures"


# ------------------------------------------------------------------ provenance + saving
def hash_input(data: pd.DataFrame | str | os.PathLike) -> dict[str, Any]:
    """Describe one input of a figure: a SHA-256 of its content, plus rows/columns.

    A DataFrame is hashed through its CSV text (column names, values, row order), a
    file through its bytes, a folder through its files' names and bytes.

    >>> hash_input(pd.DataFrame({"a": [1, 2]}))["rows"]
    2
    """
    if isinstance(data, pd.DataFrame):
        text = data.to_csv(index=False, lineterminator="\n")
        return {
            "kind": "table",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "rows": int(len(data)),
            "columns": [str(c) for c in data.columns],
        }
    path = Path(data)
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
            digest.update(file.read_bytes())
        return {"kind": "folder", "name": path.name, "sha256": digest.hexdigest()}
    if not path.is_file():
        raise FileNotFoundError(f"save_figure: input {path} does not exist; pass an existing "
                                f"file, folder or a DataFrame.")
    digest.update(path.read_bytes())
    return {"kind": "file", "name": path.name, "sha256": digest.hexdigest()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, os.PathLike):
        return Path(value).as_posix()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _figures_dir(study_or_dir: StudyConfig | str | os.PathLike) -> Path:
    if isinstance(study_or_dir, StudyConfig):
        return study_or_dir.figures_dir
    return Path(study_or_dir) / "figures"


def save_figure(fig: mpl.figure.Figure, name: str, study_or_dir: StudyConfig | str | os.PathLike,
                *, inputs: Mapping[str, pd.DataFrame | str | os.PathLike],
                config: Mapping[str, Any], seed: int | None,
                source_table: str | None = None, dpi: int = FIGURE_DPI,
                values: pd.DataFrame | None = None) -> list[Path]:
    """Write ``<report_dir>/figures/<name>.png``, ``.svg`` and a provenance ``<name>.json``.

    Bytes are deterministic: no timestamps or software tags in PNG/SVG, a fixed SVG id
    salt and a fixed dpi; the JSON has sorted keys and no wall-clock time, so a rerun
    on the same inputs rewrites identical files.

    Parameters
    ----------
    fig : the figure (e.g. ``ax.figure`` from a :mod:`analysis.report.plots` function).
    name : file stem, e.g. ``"theme-sizes"``.
    study_or_dir : a :class:`StudyConfig` (figures go to ``study.figures_dir``) or a
        report folder (figures go to ``<folder>/figures``).
    inputs : the data drawn, ``{table name: DataFrame or path}``; each is hashed.
    config : settings that shaped the figure (e.g. the study YAML as a dict, ``study.raw``).
    seed : the random state behind the data (``study.random_state``).
    source_table : the table the figure draws; defaults to the first key of ``inputs``.
    values : the plotted values, with a column ``n`` (the units behind each value);
        written as ``<name>.csv`` (formula-safe) and hashed in the sidecar.

    Returns
    -------
    list of Path: the PNG, the SVG, the JSON sidecar (and the CSV when ``values`` is given).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> paths = save_figure(fig, "demo", "/tmp/report", inputs={"t": pd.DataFrame()},
    ...                     config={}, seed=0)  # doctest: +SKIP
    """
    if not name or any(sep in name for sep in ("/", "\\")) or name.startswith("."):
        raise ValueError(f"save_figure: figure name {name!r} must be a plain file stem "
                         f"such as 'theme-sizes'.")
    folder = _figures_dir(study_or_dir)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg, sidecar = (folder / f"{name}{ext}" for ext in (".png", ".svg", ".json"))
    with mpl.rc_context({"svg.hashsalt": _SVG_SALT, "svg.fonttype": "path"}):
        fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
        fig.savefig(svg, format="svg", dpi=dpi, metadata={"Date": None, "Creator": None})
    described = {str(k): hash_input(v) for k, v in inputs.items()}
    written = [png, svg]
    if values is not None:
        if "n" not in values.columns:
            raise ValueError(f"save_figure: the values of figure {name!r} need a column 'n' "
                             f"(how many responses or segments are behind each value); "
                             f"it has {list(values.columns)}.")
        csv = folder / f"{name}.csv"
        neutralise_formulas(values).to_csv(csv, index=False, lineterminator="\n")
        written.append(csv)
    record = {
        "figure": name,
        "files": {p.suffix.lstrip("."): {"name": p.name,
                                         "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                  for p in written},
        "source_table": source_table if source_table is not None else next(iter(described), None),
        "inputs": described,
        "config": _jsonable(dict(config or {})),
        "seed": seed,
        "package": "consultation-analysis",
        "version": __version__,
        "matplotlib": mpl.__version__,
        "dpi": dpi,
    }
    sidecar.write_text(json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    return [png, svg, sidecar] + written[2:]


