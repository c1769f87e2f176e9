"""Walk an input folder safely and match its files with the manifest.

Only regular files inside the folder are read. Every other entry is reported
with a status and a reason, never followed: symbolic links (to anything,
inside or outside the folder, dangling or looping), hidden files and folders,
sockets and devices. Subfolders are read, their files named by their path
relative to the folder (``sub/svar.txt``). Every manifest row is accounted for:
rows naming a path outside the folder (``../x``, ``/etc/x``), a missing file, or
a file already named by an earlier row are reported.

>>> import tempfile, os; from pathlib import Path
>>> d = Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Ja.")
>>> os.symlink("/etc/hostname", d / "link.txt")
>>> files, report = walk_folder(d)
>>> [str(f) for f in files], [(r["source"], r["status"]) for r in report]
(['a.txt'], [('link.txt', 'skipped')])
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath

import pandas as pd

__all__ = ["walk_folder", "display_name", "read_manifest", "match_manifest", "is_config_file",
           "MANIFEST_NAME", "MANIFEST_COLUMNS"]

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ["response_id", "file", "respondent", "respondent_type", "hearing", "language", "date"]
# A study folder's own configuration: exactly these names (a response called
# "Study of the harbour.pdf" or "Goals for Valby.docx" is a response).
_CONFIG_FILE = re.compile(
    r"^(?:(?:study|goals|codebook|theme_labels|stance_labels)\.(?:ya?ml|json|csv)|manifest\.csv|"
    r"readme(?:\.(?:md|txt|rst))?|license(?:\.(?:md|txt))?)$",
    re.IGNORECASE,
)


def is_config_file(name: str) -> bool:
    """True for a study folder's configuration files (``study.yaml``, ``manifest.csv``, …).

    >>> is_config_file("study.yaml"), is_config_file("Study of the harbour.pdf")
    (True, False)
    """
    return bool(_CONFIG_FILE.match(name))


def display_name(rel: Path | str) -> str:
    """A file's relative path as printable UTF-8 (undecodable bytes become ``�``).

    >>> display_name(os.fsdecode(b"svar-\\xe6.txt"))
    'svar-�.txt'
    """
    raw = os.fsencode(str(PurePosixPath(*Path(rel).parts)) if str(rel) else "")
    return raw.decode("utf-8", errors="replace")


def _skip(rel: Path, why: str, status: str = "skipped") -> dict:
    name = display_name(rel)
    return {"source": name, "status": status, "reason": f"{name}: {why}"}


def _link_reason(path: Path, root: Path) -> str:
    target = os.readlink(path)
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return f"a symbolic link to {target!r}, which does not exist (dangling); not read."
    except (RuntimeError, OSError):
        return "a symbolic link that loops back on itself; not read."
    if root != resolved and root not in resolved.parents:
        return ("a symbolic link pointing outside the input folder; not followed. Copy the file into "
                "the folder if it is a response.")
    return ("a symbolic link to another entry of the folder; not followed (the target is read as "
            "itself, if it is a file of the folder).")


def walk_folder(folder: Path) -> tuple[list[Path], list[dict]]:
    """Regular files under ``folder`` (relative paths, sorted) and report rows for every other entry."""
    folder = Path(folder)
    root = folder.resolve()
    files: list[Path] = []
    report: list[dict] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(folder)
        for d in sorted(dirnames):
            rel = rel_dir / d
            if (here / d).is_symlink():
                report.append(_skip(rel, "a symbolic link to a folder; not followed. " + _link_reason(here / d, root)))
            elif d.startswith("."):
                report.append(_skip(rel, "a hidden folder; not read. Rename it without the leading dot "
                                         "if it holds responses."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for f in sorted(filenames):
            path, rel = here / f, rel_dir / f
            try:
                mode = path.lstat().st_mode
            except OSError as exc:
                report.append(_skip(rel, f"cannot be examined ({exc.strerror}); not read.", "unreadable"))
                continue
            if stat.S_ISLNK(mode):
                report.append(_skip(rel, _link_reason(path, root)))
            elif not stat.S_ISREG(mode):
                report.append(_skip(rel, "not a regular file (a pipe, socket or device); not read."))
            elif f.startswith("."):
                report.append(_skip(rel, "a hidden file; not read. Rename it without the leading dot if "
                                         "it is a response."))
            else:
                files.append(rel)
    return sorted(files, key=lambda p: p.as_posix()), report


def read_manifest(path: Path) -> tuple[pd.DataFrame | None, list[dict]]:
    """Read ``manifest.csv``; return it (or ``None``) and report rows for its problems."""
    try:
        manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # unreadable CSV: ingest the folder without it, loudly
        return None, [{"source": path.name, "status": "warning",
                       "reason": f"{path.name}: could not be read ({exc}); the folder is ingested without "
                                 "it. Fix the CSV (comma-separated, UTF-8, a header row)."}]
    if "file" not in manifest.columns:
        return None, [{"source": path.name, "status": "warning",
                       "reason": f"{path.name}: has no 'file' column (columns: {list(manifest.columns)}); "
                                 f"expected {MANIFEST_COLUMNS}. The folder is ingested without it."}]
    return manifest, []


def match_manifest(manifest: pd.DataFrame, files: list[Path], manifest_name: str,
                   only: Path | None = None, folder: Path | None = None) -> tuple[dict[str, dict], list[dict]]:
    """Manifest rows by file (relative POSIX path) and report rows for every row not used."""
    known = {p.as_posix() for p in files}
    listed: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    report: list[dict] = []
    for line, row in enumerate(manifest.to_dict("records"), start=2):
        name = str(row.get("file", "")).strip().replace("\\", "/")
        where = f"{manifest_name}#line={line}"
        if only is not None and name != only.as_posix():
            continue
        if not name:
            report.append({"source": where, "status": "missing_file",
                           "reason": f"{manifest_name} line {line}: no file named; fill in the 'file' column."})
            continue
        parts = PurePosixPath(name).parts
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            report.append({"source": where, "status": "skipped",
                           "reason": f"{manifest_name} line {line} names {name!r}, a path outside the input "
                                     "folder; not read. Name files relative to the folder (e.g. sub/svar.pdf)."})
            continue
        name = PurePosixPath(*[p for p in parts if p != "."]).as_posix()
        if name in first_line:
            report.append({"source": where, "status": "warning",
                           "reason": f"{manifest_name} line {line}: a second row for {name!r} (the first is line "
                                     f"{first_line[name]}, which is used); remove or merge the rows."})
            continue
        first_line[name] = line
        if name not in known:
            exists = folder is not None and ((folder / name).exists() or (folder / name).is_symlink())
            report.append({"source": where if exists else name, "status": "missing_file",
                           "reason": f"{manifest_name} line {line} names {name!r}, which is not a regular file in "
                                     "the input folder. Add the file or remove the row."})
            continue
        listed[name] = row
    return listed, report
