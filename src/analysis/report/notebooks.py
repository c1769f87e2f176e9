"""Running the notebooks headless, deterministically, and showing them as HTML.

The notebooks are for interactive work; :func:`run_notebooks` executes them on a study
(papermill, one kernel per notebook, volatile metadata stripped) and writes each as
``.ipynb`` and ``.html`` (code shown).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.report.provenance import _jsonable

__all__ = ["execute_notebook", "notebook_html", "run_notebooks"]


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




def notebook_html(nb: Any, *, title: str) -> str:
    """One executed notebook as an HTML page (code shown)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body


def _run_one(args: tuple[str, str, dict[str, Any], str]) -> str:
    source, target, parameters, cwd = args
    return str(execute_notebook(source, target, parameters=parameters, cwd=cwd))


def run_notebooks(sources: list[Path], out_dir: Path, parameters: Mapping[str, Any], *,
                  cwd: Path, jobs: int | None = None, title: str = "",
                  step: Any = None) -> list[Path]:
    """Execute ``sources`` into ``out_dir`` (``jobs`` at a time); write each as HTML too.

    Returns the executed ``.ipynb`` and ``.html`` paths.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import nbformat

    tasks = [(str(s), str(out_dir / s.name), dict(parameters), str(cwd)) for s in sources]
    jobs = max(1, min(jobs or 2, os.cpu_count() or 1, len(tasks)))
    say = step or (lambda message: None)
    say(f"running {len(tasks)} notebooks ({jobs} at a time): {', '.join(s.name for s in sources)}")
    targets: list[str] = []
    if jobs == 1:
        for i, task in enumerate(tasks, start=1):
            targets.append(_run_one(task))
            say(f"  {i}/{len(tasks)} {Path(task[0]).name} done")
    else:
        context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_run_one, task) for task in tasks]
            for i, (task, future) in enumerate(zip(tasks, futures), start=1):
                targets.append(future.result())
                say(f"  {i}/{len(tasks)} {Path(task[0]).name} done")
    written = []
    for source, target in zip(sources, map(Path, targets)):
        nb = nbformat.read(str(target), as_version=4)
        html = target.with_suffix(".html")
        html.write_text(notebook_html(nb, title=f"{title} – {source.stem}"), encoding="utf-8")
        written += [target, html]
    return written


#: Which command makes which table, for the hint of :func:`missing_tables`.
_MADE_BY = {"responses": "ingest", "segments": "ingest", "ingest_report": "ingest",
            "themes": "themes", "response_themes": "themes", "segment_themes": "themes",
            "theme_quotes": "themes", "k_diagnostics": "themes", "segment_map": "themes"}


def missing_tables(cfg: Any, tables: Mapping[str, Any], needed: list[str]) -> str:
    """A Markdown note naming the tables a notebook needs but does not find, and the command.

    Empty when every table is there.

    >>> class C: name, processed_dir = "s", "data/processed/s"
    >>> missing_tables(C, {"themes": 1}, ["themes"])
    ''
    >>> print(missing_tables(C, {}, ["themes", "alignment_type_priority"]))  # doctest: +ELLIPSIS
    **Tables missing** in `data/processed/s`: `themes`, `alignment_type_priority` ...
    """
    absent = [name for name in needed if name not in tables]
    if not absent:
        return ""
    steps = sorted({_MADE_BY.get(name, "align") for name in absent},
                   key=["ingest", "themes", "align"].index)
    return (f"**Tables missing** in `{cfg.processed_dir}`: " + ", ".join(f"`{n}`" for n in absent)
            + f" (made by the {' and '.join(steps)} stage). Run `analysis run {cfg.name}` in a "
              f"terminal, then rerun this notebook; until then the sections below are empty.")
