"""Saving figures with provenance, and building the reproducible report.

Two jobs:

* :func:`save_figure` writes ``<report_dir>/figures/<name>.png`` and ``.svg`` with
  deterministic bytes, plus ``<name>.json``: a provenance sidecar naming the source
  table, the hashes of the inputs, the config, the seed and the package version.
* :func:`build_report` executes the numbered notebooks headless on a study's processed
  tables, writes the executed notebooks, one HTML per notebook and one combined
  ``report.html`` (code hidden) that shows every figure.

:func:`report_figures` lists the figures of the report (name, source table, plot
function), so notebook 04 and any script draw the same set.

>>> from analysis.config import load_study
>>> from analysis.report.build import build_report
>>> html = build_report(load_study("udsatte-byomraader-2025"))  # doctest: +SKIP
>>> html.name                                                    # doctest: +SKIP
'report.html'
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd

from analysis import __version__
from analysis.report import plots
from analysis.config import PROJECT_ROOT, StudyConfig

__all__ = [
    "FIGURE_DPI",
    "NOTEBOOKS_DIR",
    "ReportFigure",
    "build_report",
    "execute_notebook",
    "hash_input",
    "report_figures",
    "save_figure",
    "study_labels",
]

logger = logging.getLogger(__name__)

FIGURE_DPI = 150
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
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
                source_table: str | None = None, dpi: int = FIGURE_DPI) -> list[Path]:
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

    Returns
    -------
    list of Path: the PNG, the SVG and the JSON sidecar.

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
    record = {
        "figure": name,
        "files": {p.suffix.lstrip("."): {"name": p.name,
                                         "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                  for p in (png, svg)},
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
    return [png, svg, sidecar]


# ------------------------------------------------------------------ the report's figures
@dataclass
class ReportFigure:
    """One figure of the report: its file name, the table it draws and how.

    ``draw(ax=None)`` returns the Axes; ``inputs`` are the tables to hash in the sidecar.
    """

    name: str
    title: str
    source_table: str
    table: pd.DataFrame
    plot: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    caption: str = ""

    def draw(self, ax: Any = None) -> Any:
        return self.plot(self.table, ax=ax, **self.kwargs)


def _with_group(response_themes: pd.DataFrame, responses: pd.DataFrame, group: str) -> pd.DataFrame:
    """``response_themes`` with the column ``group`` from ``responses``.

    ``group="response"`` labels each response "<response_id> · <respondent_type>" (never
    the respondent's name).
    """
    if response_themes.empty or responses.empty or "response_id" not in responses.columns:
        return pd.DataFrame()
    resp = responses.copy()
    if group == "response":
        kind = resp["respondent_type"].astype(str) if "respondent_type" in resp else ""
        resp["response"] = resp["response_id"].astype(str) + " · " + kind
    if group not in resp.columns:
        return pd.DataFrame()
    left = response_themes.assign(response_id=response_themes["response_id"].astype(str))
    if group == "response_id":
        return left
    right = resp[["response_id", group]].assign(response_id=resp["response_id"].astype(str))
    return left.merge(right, on="response_id", how="left")


def _methods(table: pd.DataFrame, column: str = "method") -> list[Any]:
    if table.empty or column not in table.columns:
        return [None]
    return sorted(table[column].dropna().unique(), key=str) or [None]


def study_labels(study: StudyConfig | None) -> dict[str, pd.DataFrame]:
    """Readable names for priority and goal ids, from the study's codebook and goals.

    Returns ``{"priority": table(priority_id, label), "goal": table(goal_id, label)}``;
    Danish titles for a Danish study, English labels otherwise. Empty when the study
    names no codebook or goals.
    """
    out = {"priority": pd.DataFrame(columns=["priority_id", "label"]),
           "goal": pd.DataFrame(columns=["goal_id", "label"])}
    if study is None or study.goals is None or not Path(study.goals).is_file():
        return out
    from analysis.alignment.codebook import load_codebook, load_goals

    danish = study.language == "da"
    goals = load_goals(study.goals)
    out["goal"] = pd.DataFrame([(g.id, (g.title_da if danish and g.title_da else g.label_en) or g.id)
                                for g in goals], columns=["goal_id", "label"])
    if study.codebook is not None and Path(study.codebook).is_file():
        codebook = load_codebook(study.codebook, goals)
        out["priority"] = pd.DataFrame(
            [(p.id, (p.label_da if danish and p.label_da else p.label_en) or p.id) for p in codebook],
            columns=["priority_id", "label"])
    return out


def report_figures(tables: Mapping[str, pd.DataFrame],
                   study: StudyConfig | None = None) -> list[ReportFigure]:
    """The figures of the report, drawn from a study's tables (``load_tables`` output).

    ``study`` supplies readable priority and goal names (see :func:`study_labels`). A
    missing table gives a figure that says "no data" rather than an error, so the report
    renders for any consultation.

    >>> figs = report_figures({})
    >>> [f.name for f in figs][:2]
    ['theme-sizes', 'k-diagnostics']
    """
    themes = tables.get("themes", pd.DataFrame())
    labels = themes[["theme_id", "label"]] if {"theme_id", "label"} <= set(themes.columns) else None
    names = study_labels(study)
    plabels, glabels = names["priority"], names["goal"]
    responses = tables.get("responses", pd.DataFrame())
    rt = tables.get("response_themes", pd.DataFrame())
    figs = [
        ReportFigure("theme-sizes", "Themes by size", "themes", themes, plots.theme_sizes,
                     inputs={"themes": themes},
                     caption="Segments per theme; the share of all segments in brackets."),
    ]
    kd = tables.get("k_diagnostics", pd.DataFrame())
    figs.append(ReportFigure("k-diagnostics", "Choosing the number of themes", "k_diagnostics",
                             kd, plots.k_diagnostics, inputs={"k_diagnostics": kd},
                             caption="Stability and coherence for each candidate k; "
                                     "the dotted line marks the chosen k."))
    sm = tables.get("segment_map", pd.DataFrame())
    figs.append(ReportFigure("segment-map", "Map of segments by theme", "segment_map", sm,
                             plots.segment_map, {"labels": labels},
                             {"segment_map": sm, "themes": themes},
                             caption="Each dot is a segment; nearby dots use similar words."))
    for group, fname, title in [("respondent_type", "themes-by-respondent-type",
                                 "Themes by respondent type"),
                                ("response", "themes-by-response", "Themes by response")]:
        joined = _with_group(rt, responses, group)
        figs.append(ReportFigure(fname, title, "response_themes", joined, plots.theme_heatmap,
                                 {"group": group, "labels": labels, "title": title},
                                 {"response_themes": rt, "responses": responses, "themes": themes},
                                 caption="Mean share of the row's text given to each theme, over all "
                                         "responses of the row (n in the label); a row sums to about 1."))
    sp = tables.get("alignment_stance_priority", pd.DataFrame())
    figs.append(ReportFigure("stance-by-priority", "Stance by priority",
                             "alignment_stance_priority", sp, plots.stance_by_priority,
                             {"count": "count", "labels": plabels},
                             {"alignment_stance_priority": sp},
                             caption="Stance of the segments that raise each priority; "
                                     "n = segments."))
    tp = tables.get("alignment_type_priority", pd.DataFrame())
    for measure, caption in [
            ("mention", "Share of responses that raise each priority at least once."),
            ("salience", "Mean share of a response's segments that raise the priority.")]:
        figs.append(ReportFigure(
            f"priorities-by-respondent-type-{measure}",
            f"Priorities by respondent type ({measure})", "alignment_type_priority", tp,
            plots.respondent_comparison,
            {"measure": measure, "labels": plabels,
             "title": f"Priorities by respondent type ({measure})"},
            {"alignment_type_priority": tp},
            caption=caption + " Points: estimate; bars: 95 % interval (method and counting unit under "
                              "the axis); n per group in the legend; hollow: fewer responses than "
                              "min_group_n; group 'all' is every response."))
    pg = tables.get("alignment_priority_goal", pd.DataFrame())
    for method in _methods(pg):
        suffix = f"-{method}" if method is not None else ""
        data, value = pg, "similarity" if method == "similarity" else "value"
        caption = ("similarity: mean text similarity between the segments that raise the "
                   "priority and the goal's description (fitted term space).")
        if value == "similarity" and "value" in pg.columns:
            data = pg.rename(columns={"value": "similarity"})
        if method == "codebook" and {"value", "n"} <= set(pg.columns):
            # The mapping weighted by evidence: segments raising the priority, where the
            # codebook says it serves the goal; grey rows: priorities nobody raised.
            value = "segments"
            data = pg.assign(segments=(pg["value"] * pg["n"]).where(pg["n"] > 0))
            caption = ("codebook: segments that raise the priority, in the column of each goal the "
                       "codebook says it serves (0: not mapped; grey: priority not raised).")
        figs.append(ReportFigure(
            f"priority-goal{suffix}", "Priorities × policy goals", "alignment_priority_goal", data,
            plots.priority_goal_heatmap,
            {"method": method, "labels": plabels, "goal_labels": glabels, "value": value},
            {"alignment_priority_goal": pg}, caption=caption))
    eff = tables.get("alignment_effects", pd.DataFrame())
    figs.append(ReportFigure("group-effects", "Effects of respondent type", "alignment_effects", eff,
                             plots.group_effects, {"labels": plabels}, {"alignment_effects": eff},
                             caption="Odds ratio of raising each priority against the largest respondent "
                                     "type, adjusted for response length (Firth logistic regression), "
                                     "with 95 % interval."))
    cov = tables.get("alignment_goal_coverage", pd.DataFrame())
    figs.append(ReportFigure("goal-coverage", "Goal coverage and gaps", "alignment_goal_coverage",
                             cov, plots.goal_coverage, {"labels": glabels},
                             {"alignment_goal_coverage": cov},
                             caption="Share of responses that raise a priority mapped to each "
                                     "goal, with 95 % interval; hatched: no response touches it."))
    gaps = tables.get("alignment_gaps", pd.DataFrame())
    figs.append(ReportFigure("priority-gaps", "Priorities no strategic goal covers", "alignment_gaps",
                             gaps, plots.priority_gaps, {"labels": plabels},
                             {"alignment_gaps": gaps},
                             caption="Share of responses that raise a priority the policy's strategic "
                                     "goals do not cover, with 95 % interval and the reason "
                                     "(e.g. a matter of delivery through the action plan)."))
    camp = tables.get("campaign_table")
    if camp is None:  # ingest marks duplicate groups on responses; summarise them here
        camp = pd.DataFrame()
        if "duplicate_group" in responses.columns and len(responses):
            from analysis.corpus.duplicates import campaign_table

            camp = campaign_table(responses)
    figs.append(ReportFigure("campaign-sizes", "Campaigns and near-duplicates", "campaign_table",
                             camp, plots.campaign_sizes, inputs={"campaign_table": camp},
                             caption="Responses per near-duplicate group."))
    return figs


# ------------------------------------------------------------------ notebook execution
def _kernel_manager_class() -> type:
    """A kernel manager that always starts ipykernel with this interpreter.

    This avoids depending on an installed ``python3`` kernel spec (a fresh venv, or a
    user-level spec pointing at another Python).
    """
    from ipykernel.kernelspec import RESOURCES
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class _ThisPythonSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (analysis)", language="python", resource_dir=RESOURCES,
                env={"MPLBACKEND": "module://matplotlib_inline.backend_inline",
                     "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
                metadata={"debugger": False, "supported_encryption": ["curve"]},
            )

    class ThisPythonKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _default_encryption(self) -> str:  # local TCP, but encrypted when zmq can
            import zmq

            return "auto" if zmq.has("curve") else "disabled"

        @default("kernel_spec_manager")
        def _default_ksm(self) -> KernelSpecManager:
            return _ThisPythonSpecs(parent=self)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # the kernel's own console chatter (transport notes, shutdown interrupts) is
            # not report output; cell output and errors come through the protocol
            import subprocess

            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return ThisPythonKernelManager


_VOLATILE_NB_META = ("papermill", "widgets")
_VOLATILE_CELL_META = ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled")


def _strip_volatile(nb: Any, parameters: Mapping[str, Any]) -> Any:
    """Drop timestamps, durations and paths that differ between runs."""
    nb = copy.deepcopy(nb)
    for key in _VOLATILE_NB_META:
        nb.metadata.pop(key, None)
    nb.metadata["analysis"] = {"parameters": _jsonable(dict(parameters)), "version": __version__}
    for cell in nb.cells:
        for key in _VOLATILE_CELL_META:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
    return nb


def execute_notebook(source: str | os.PathLike, target: str | os.PathLike, *,
                     parameters: Mapping[str, Any], cwd: str | os.PathLike | None = None,
                     timeout: int = 900) -> Path:
    """Run one notebook headless with papermill; write it to ``target`` without volatile metadata.

    The notebook needs a cell tagged ``parameters``; ``parameters`` are injected after it.
    Raises ``RuntimeError`` naming the notebook and the failing cell on error.
    """
    import nbformat
    import papermill as pm

    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        nb = pm.execute_notebook(
            str(source), None, parameters=dict(parameters), kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(cwd or source.parent),
            start_timeout=120, execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(),
        )
    except pm.PapermillExecutionError as exc:
        raise RuntimeError(
            f"{source.name}: cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}. "
            f"Open the notebook, run it on the same study, and fix the cell (or the stage "
            f"that produced its table)."
        ) from exc
    nb = _strip_volatile(nb, parameters)
    nbformat.write(nb, str(target))
    return target


# ------------------------------------------------------------------ HTML
def _html(nb: Any, *, hide_code: bool, title: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body


def _combined(notebooks: list[Any], study: StudyConfig) -> Any:
    import nbformat

    intro = nbformat.v4.new_markdown_cell(
        f"# {study.title}\n\nReport for study `{study.name}`, built by "
        f"`analysis.report.build_report` (package version {__version__}, random state "
        f"{study.random_state}). The sections below are the executed notebooks with the code "
        f"hidden; every figure is also in `figures/` as PNG and SVG with a provenance JSON."
    )
    cells = [intro]
    for nb in notebooks:
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "injected-parameters" in tags or "remove-from-report" in tags:
                continue
            if cell.cell_type == "code" and not cell.get("outputs"):
                continue
            cells.append(copy.deepcopy(cell))
    combined = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(notebooks[0].metadata))
    for i, cell in enumerate(combined.cells):
        cell["id"] = f"cell-{i:04d}"
    return combined


def _step(message: str, progress: bool) -> None:
    logger.info(message)
    if progress:
        print(f"[report] {message}", file=sys.stderr, flush=True)


def _run_one(args: tuple[str, str, dict[str, Any], str]) -> str:
    source, target, parameters, cwd = args
    return str(execute_notebook(source, target, parameters=parameters, cwd=cwd))


def build_report(study: StudyConfig, *, progress: bool = True,
                 notebooks_dir: str | os.PathLike | None = None, jobs: int | None = None) -> Path:
    """Execute the numbered notebooks on ``study`` and write the report; return ``report.html``.

    Writes, under ``study.report_dir`` (earlier figures and notebooks there are replaced):

    * ``notebooks/NN-name.ipynb`` – executed notebooks (volatile metadata stripped),
    * ``notebooks/NN-name.html`` – each notebook as HTML, code shown,
    * ``report.html`` – every notebook in one page, code hidden (open this one); cells
      tagged ``remove-from-report`` are left out,
    * ``figures/<name>.png|.svg|.json`` – written by notebook 04 via :func:`save_figure`.

    The processed tables must exist (``analysis run <study>`` makes them). Notebooks run
    in ``jobs`` parallel kernels (default: up to 2, never more than the CPUs); each only
    reads the tables, so the order does not change any output.

    >>> build_report(load_study("udsatte-byomraader-2025"))  # doctest: +SKIP
    PosixPath('reports/udsatte-byomraader-2025/report.html')
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import nbformat

    if not study.processed_dir.is_dir() or not any(study.processed_dir.glob("*.parquet")):
        raise FileNotFoundError(
            f"{study.processed_dir}: no processed tables for study {study.name!r}. Run "
            f"`analysis run {study.name}` (or ingest, themes, align) before building the report."
        )
    source_dir = Path(notebooks_dir) if notebooks_dir else NOTEBOOKS_DIR
    sources = sorted(p for p in source_dir.glob("[0-9][0-9]-*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"{source_dir}: no numbered notebooks (NN-name.ipynb) to run.")
    out_dir = study.report_dir / "notebooks"
    for folder, patterns in ((study.figures_dir, ("*.png", "*.svg", "*.json")),
                             (out_dir, ("*.ipynb", "*.html"))):
        for pattern in patterns:  # a figure that is no longer made must not linger
            for old in folder.glob(pattern) if folder.is_dir() else ():
                old.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    parameters = {
        "study": str(study.config_path),
        "processed_root": str(study.processed_dir.parent),
        "report_root": str(study.report_dir.parent),
    }
    tasks = [(str(s), str(out_dir / s.name), parameters, str(source_dir)) for s in sources]
    jobs = max(1, min(jobs or 2, os.cpu_count() or 1, len(tasks)))
    _step(f"running {len(tasks)} notebooks ({jobs} at a time): "
          f"{', '.join(s.name for s in sources)}", progress)
    if jobs == 1:
        targets = []
        for i, task in enumerate(tasks, start=1):
            targets.append(_run_one(task))
            _step(f"  {i}/{len(tasks)} {Path(task[0]).name} done", progress)
    else:
        context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_run_one, task) for task in tasks]
            targets = []
            for i, (task, future) in enumerate(zip(tasks, futures), start=1):
                targets.append(future.result())
                _step(f"  {i}/{len(tasks)} {Path(task[0]).name} done", progress)
    executed = []
    for source, target in zip(sources, map(Path, targets)):
        nb = nbformat.read(str(target), as_version=4)
        executed.append(nb)
        html = _html(nb, hide_code=False, title=f"{study.title} – {source.stem}")
        target.with_suffix(".html").write_text(html, encoding="utf-8")
    _step("writing report.html", progress)
    report = study.report_dir / "report.html"
    report.write_text(_html(_combined(executed, study), hide_code=True,
                            title=f"{study.title} – report"), encoding="utf-8")
    n_figs = len(list(study.figures_dir.glob("*.png"))) if study.figures_dir.is_dir() else 0
    _step(f"done: {report} ({len(sources)} notebooks, {n_figs} figures in "
          f"{study.figures_dir})", progress)
    return report
