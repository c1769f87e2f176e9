"""Building a study's report: figures, the written report, the browser, exports, notebooks.

:func:`build_report` reads a study's processed tables and writes, under
``reports/<study>/``:

* ``report.html`` – the written report (self-contained: figures inline, no network),
* ``browse.html`` – the response browser (self-contained, offline),
* ``tables.xlsx`` and ``report.docx`` – the exports (deterministic bytes),
* ``figures/<name>.png|.svg|.json|.csv`` – every figure, its provenance and its values,
* ``notebooks/NN-name.ipynb|.html`` – the executed notebooks (``notebooks=True``).

>>> from analysis.config import load_study
>>> paths = build_report(load_study("udsatte-byomraader-2025"))  # doctest: +SKIP
>>> paths["report"].name                                          # doctest: +SKIP
'report.html'
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from analysis.config import PROJECT_ROOT, StudyConfig
from analysis.report import i18n
from analysis.report.browse import browser_data, browser_html
from analysis.report.export import write_docx, write_xlsx
from analysis.report.figures import (  # noqa: F401  (re-exported)
    ReportFigure, clean_style, draw_localised, report_figures, study_labels,
)
from analysis.report.notebooks import execute_notebook, run_notebooks  # noqa: F401
from analysis.report.provenance import FIGURE_DPI, hash_input, save_figure  # noqa: F401
from analysis.report.written import render_html, report_blocks

__all__ = [
    "FIGURE_DPI", "NOTEBOOKS_DIR", "ReportFigure", "build_report", "execute_notebook",
    "hash_input", "report_figures", "save_figure", "study_labels", "write_figures",
]

logger = logging.getLogger(__name__)

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def _step(message: str, progress: bool) -> None:
    logger.info(message)
    if progress:
        print(f"[report] {message}", file=sys.stderr, flush=True)


def write_figures(tables: dict, study: StudyConfig) -> list[tuple[ReportFigure, bytes, list[Path]]]:
    """Draw and save every report figure; return ``(figure, png bytes, paths)`` in order."""
    out = []
    for figure in report_figures(tables, study):
        with clean_style():  # drawn and saved alike in a script and in a notebook
            fig = draw_localised(figure)
            paths = save_figure(fig, figure.name, study, inputs=figure.inputs, config=study.raw,
                                seed=study.random_state, source_table=figure.source_table,
                                values=figure.values)
        plt.close(fig)
        out.append((figure, paths[0].read_bytes(), paths))
    return out


def _clear(study: StudyConfig) -> None:
    """Remove earlier outputs, so a figure or notebook that is no longer made does not linger."""
    for folder, patterns in ((study.figures_dir, ("*.png", "*.svg", "*.json", "*.csv")),
                             (study.report_dir / "notebooks", ("*.ipynb", "*.html"))):
        for pattern in patterns:
            for old in folder.glob(pattern) if folder.is_dir() else ():
                old.unlink()


def build_report(study: StudyConfig, *, progress: bool = True, notebooks: bool = True,
                 notebooks_dir: str | os.PathLike | None = None,
                 jobs: int | None = None) -> dict[str, Any]:
    """Write a study's report, browser, exports, figures (and executed notebooks).

    The processed tables must exist (``analysis run <study>`` makes them). Notebooks run
    in ``jobs`` parallel kernels (default: up to 2, never more than the CPUs); each only
    reads the tables, so the order does not change any output.

    Returns
    -------
    dict: ``report``, ``browser``, ``xlsx``, ``docx`` (paths), ``figures`` and
    ``notebooks`` (lists of paths): everything written.

    >>> build_report(load_study("udsatte-byomraader-2025"))["browser"]  # doctest: +SKIP
    PosixPath('reports/udsatte-byomraader-2025/browse.html')
    """
    from analysis.tables import load_tables

    if not study.processed_dir.is_dir() or not any(study.processed_dir.glob("*.parquet")):
        raise FileNotFoundError(
            f"{study.processed_dir}: no processed tables for study {study.name!r}. Run "
            f"`analysis run {study.name}` (or ingest, themes, align) before building the report."
        )
    source_dir = Path(notebooks_dir) if notebooks_dir else NOTEBOOKS_DIR
    sources = sorted(source_dir.glob("[0-9][0-9]-*.ipynb")) if notebooks else []
    if notebooks and not sources:
        raise FileNotFoundError(f"{source_dir}: no numbered notebooks (NN-name.ipynb) to run.")
    _clear(study)
    study.report_dir.mkdir(parents=True, exist_ok=True)
    tables = load_tables(study.processed_dir)
    lang = i18n.language_of(study.language)
    _step("drawing figures", progress)
    drawn = write_figures(tables, study)
    _step("writing report.html, report.docx, browse.html, tables.xlsx", progress)
    blocks = report_blocks(tables, study, figures=[(f, png) for f, png, _ in drawn])
    report = study.report_dir / "report.html"
    report.write_text(render_html(blocks, language=lang, title=study.title), encoding="utf-8")
    docx = write_docx(blocks, study.report_dir / "report.docx", language=lang, title=study.title)
    browser = study.report_dir / "browse.html"
    browser.write_text(browser_html(browser_data(tables, study)), encoding="utf-8")
    xlsx = write_xlsx(tables, study.report_dir / "tables.xlsx", language=lang, title=study.title)
    executed: list[Path] = []
    if sources:
        out_dir = study.report_dir / "notebooks"
        out_dir.mkdir(parents=True, exist_ok=True)
        parameters = {"study": str(study.config_path),
                      "processed_root": str(study.processed_dir.parent),
                      "report_root": str(study.report_dir.parent)}
        executed = run_notebooks(sources, out_dir, parameters, cwd=source_dir, jobs=jobs,
                                 title=study.title, step=lambda m: _step(m, progress))
    figures = sorted(p for _, _, paths in drawn for p in paths)
    _step(f"done: {report} ({len(drawn)} figures in {study.figures_dir})", progress)
    return {"report": report, "browser": browser, "xlsx": xlsx, "docx": docx,
            "figures": figures, "notebooks": executed}
