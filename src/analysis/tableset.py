"""Consistent table sets in a processed folder: staging, the ingest they derive from, a lock.

* A stage writes its tables inside :func:`table_set`: every :func:`analysis.tables.write_table`
  call for that folder goes to a staging folder (``.staging-<stage>-<pid>``), and the files
  are moved into place only when the stage completes; a crash leaves the old tables intact.
* ``tables.json`` (the manifest) records, per stage, the tables it wrote and the ingest id
  they derive from; :func:`ingest_id` is a hash of the ingest's content, and every parquet
  table carries it too (see :func:`analysis.tables.read_provenance`).
* A new ingest removes the tables derived from the old one (``theme_labels.csv``, edited by
  people, stays); :func:`require_ingest` makes ``themes``/``align`` refuse a folder whose
  ingest is incomplete or mixed, :func:`require_stages` the report tables from another ingest.
* :func:`folder_lock` refuses a second run on the same folder (a lock file with the pid;
  a lock left by a dead process is taken over).

>>> import tempfile, pandas as pd
>>> from analysis.tables import write_table
>>> folder = Path(tempfile.mkdtemp())
>>> with table_set(folder, "ingest", ingest_id="abc"):
...     _ = write_table(pd.DataFrame({"x": [1]}), folder, "responses")
...     (folder / "responses.parquet").exists()
False
>>> read_manifest(folder)["ingest"]["id"], (folder / "responses.parquet").exists()
('abc', True)
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

MANIFEST = "tables.json"
LOCK = ".analysis.lock"
KEEP_ON_REINGEST = {"theme_labels.csv", "study.json", MANIFEST}
INGEST_TABLES = ("responses", "segments")
# Tables stages wrote before manifests existed: removed by a new ingest all the same.
LEGACY_DERIVED = ("themes", "segment_themes", "response_themes", "theme_quotes", "k_diagnostics", "theme_tree",
                  "theme_skipped", "segment_map", "segment_priorities", "segment_stance")


class StageError(RuntimeError):
    """A stage cannot run on this folder (incomplete or mixed tables, another run busy); the message says what to run."""


class _Set:
    def __init__(self, folder: Path, stage: str, ingest_id: str | None):
        self.folder, self.stage, self.ingest_id = folder, stage, ingest_id
        self.staging = folder / f".staging-{stage}-{os.getpid()}"


_ACTIVE: contextvars.ContextVar[_Set | None] = contextvars.ContextVar("analysis_table_set", default=None)


def active_target(folder: Path) -> tuple[Path, dict[str, Any] | None]:
    """Where a table for ``folder`` goes now, and the provenance it carries."""
    current = _ACTIVE.get()
    if current is not None and Path(folder).resolve() == current.folder.resolve():
        return current.staging, {"stage": current.stage, "ingest_id": current.ingest_id}
    return Path(folder), None


def ingest_id(*tables: pd.DataFrame) -> str:
    """A short content hash of the ingest tables: same input, same id.

    >>> ingest_id(pd.DataFrame({"a": [1]})) == ingest_id(pd.DataFrame({"a": [1]}))
    True
    """
    digest = hashlib.sha256()
    for table in tables:
        digest.update("\x1f".join(map(str, table.columns)).encode())
        digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The folder's ``tables.json`` (``{}`` when there is none)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StageError(f"{path}: damaged ({exc}). Delete it and rerun the whole study "
                         "(`analysis run <study>`) so every table is rebuilt.") from None
    if not isinstance(data, dict):
        raise StageError(f"{path}: damaged (not a mapping). Delete it and rerun `analysis run <study>`.")
    return data


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    tmp = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _remove_derived(folder: Path, manifest: dict[str, Any]) -> None:
    names = {f for stage, entry in manifest.items() if stage != "ingest" for f in entry.get("files", [])}
    names |= {f"{n}{s}" for n in LEGACY_DERIVED for s in (".parquet", ".csv")}
    names |= {p.name for p in folder.glob("alignment_*.*") if p.suffix in (".parquet", ".csv")}
    for name in sorted(names - KEEP_ON_REINGEST):
        (folder / name).unlink(missing_ok=True)


def _clear_stale_staging(folder: Path) -> None:
    for old in folder.glob(".staging-*-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _commit(ts: _Set) -> list[str]:
    folder = ts.folder
    files = sorted(p.name for p in ts.staging.iterdir() if p.is_file() and not p.name.startswith("."))
    manifest = read_manifest(folder)
    if ts.stage == "ingest":
        _remove_derived(folder, manifest)
        for old in manifest.get("ingest", {}).get("files", []):
            if old not in files:
                (folder / old).unlink(missing_ok=True)
        manifest = {}
    manifest[ts.stage] = {"state": "moving"}  # a crash while moving leaves a visible mark
    _write_manifest(folder, manifest)
    for name in files:
        os.replace(ts.staging / name, folder / name)
    entry: dict[str, Any] = {"files": files}
    entry["id" if ts.stage == "ingest" else "ingest_id"] = ts.ingest_id
    manifest[ts.stage] = entry
    _write_manifest(folder, manifest)
    shutil.rmtree(ts.staging, ignore_errors=True)
    return files


@contextmanager
def table_set(folder: str | Path, stage: str, *, ingest_id: str | None = None) -> Iterator[_Set]:
    """Collect a stage's tables in a staging folder; move them into ``folder`` on success.

    Parameters
    ----------
    folder : the processed folder.
    stage : ``"ingest"``, ``"themes"``, ``"align"``, … (the manifest entry's name).
    ingest_id : the ingest the tables derive from (for ``"ingest"``: its own id).

    On an exception the staging folder is removed and the folder is left as it was.
    """
    from analysis.tables import _writable_folder

    folder = _writable_folder(Path(folder))
    ts = _Set(folder, stage, ingest_id)
    _clear_stale_staging(folder)
    shutil.rmtree(ts.staging, ignore_errors=True)
    ts.staging.mkdir()
    token = _ACTIVE.set(ts)
    try:
        yield ts
    except BaseException:
        shutil.rmtree(ts.staging, ignore_errors=True)
        raise
    finally:
        _ACTIVE.reset(token)
    _commit(ts)


def require_ingest(folder: str | Path, rerun: str = "analysis ingest INPUT --out DIR") -> str | None:
    """The ingest id of a folder's ``responses``/``segments``; refuse an incomplete or mixed ingest.

    Returns ``None`` for a folder written before manifests existed (nothing to check).
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if not manifest:
        return None
    entry = manifest.get("ingest", {})
    if "id" not in entry:
        raise StageError(f"{folder}: the last ingest into this folder did not finish, so its tables may be mixed. "
                         f"Rerun it: `{rerun}`.")
    from analysis.tables import read_provenance

    for name in INGEST_TABLES:
        path = folder / f"{name}.parquet"
        if path.is_file():
            found = read_provenance(path).get("ingest_id")
            if found != entry["id"]:
                raise StageError(f"{path}: comes from another ingest ({found}) than the folder's ({entry['id']}). "
                                 f"Rerun the ingest: `{rerun}`.")
    return entry["id"]


def require_stages(folder: str | Path, stages: dict[str, str]) -> None:
    """Refuse tables of ``stages`` (name → command that rebuilds them) made from another ingest."""
    manifest = read_manifest(folder)
    current = manifest.get("ingest", {}).get("id")
    if current is None:
        return
    for stage, command in stages.items():
        entry = manifest.get(stage)
        if entry is not None and entry.get("ingest_id") != current:
            raise StageError(f"{folder}: the {stage} tables come from an earlier ingest. Rebuild them: `{command}`.")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_HELD: dict[Path, int] = {}


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[Path]:
    """Hold ``<folder>/.analysis.lock`` for this process; refuse when another live process holds it.

    Re-entrant within one process; a lock whose pid is no longer running is taken over.

    >>> import tempfile
    >>> with folder_lock(tempfile.mkdtemp()) as lock:
    ...     lock.read_text().split()[0] == str(os.getpid())
    True
    """
    from analysis.tables import _writable_folder

    folder = _writable_folder(Path(folder)).resolve()
    lock = folder / LOCK
    if _HELD.get(folder):
        _HELD[folder] += 1
        try:
            yield lock
        finally:
            _HELD[folder] -= 1
        return
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            text = lock.read_text(encoding="utf-8", errors="replace").split()
            pid = int(text[0]) if text and text[0].isdigit() else 0
            if pid and _alive(pid):
                raise StageError(f"{folder}: another run (pid {pid}) is writing this folder. Wait for it to finish; "
                                 f"if no run is active, delete {lock}.") from None
            lock.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        break
    else:  # pragma: no cover - lost a race twice
        raise StageError(f"{folder}: could not take the lock {lock}. Retry.")
    _HELD[folder] = 1
    try:
        yield lock
    finally:
        _HELD.pop(folder, None)
        lock.unlink(missing_ok=True)
