"""Project paths and the study configuration (one YAML file per consultation).

A *study* is a folder under ``data/raw/<name>/`` with a ``study.yaml``. Paths
inside the YAML are relative to that folder. Example::

    >>> from analysis.config import load_study
    >>> study = load_study("udsatte-byomraader-2025")   # doctest: +SKIP
    >>> study.language, study.processed_dir.name        # doctest: +SKIP
    ('da', 'udsatte-byomraader-2025')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.languages import language_codes


def find_project_root(start: Path | None = None) -> Path:
    """Return the nearest folder at or above ``start`` holding ``pyproject.toml``.

    Falls back to the folder above ``src/`` of this installed package, then the
    current directory. ``ANALYSIS_ROOT`` overrides all of these.
    """
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [Path(start or Path.cwd()).resolve(), Path(__file__).resolve()]
    for base in candidates:
        for folder in [base, *base.parents]:
            if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
                return folder
    return Path.cwd().resolve()


PROJECT_ROOT = find_project_root()
DATA_RAW = PROJECT_ROOT / "data" / "raw"
DATA_PROCESSED = PROJECT_ROOT / "data" / "processed"
REPORTS = PROJECT_ROOT / "reports"
FIGURES = REPORTS  # figures live in reports/<study>/figures/
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

LANGUAGES = language_codes()  # from the language registry
RESPONDENT_TYPES = ("committee", "local_council", "organisation", "citizen", "unknown")


class ConfigError(ValueError):
    """A study configuration is missing, unreadable or inconsistent."""


@dataclass
class StudyConfig:
    """Everything a run needs to know about one consultation.

    Attributes mirror ``study.yaml``; paths are already resolved.
    """

    name: str
    title: str
    folder: Path
    input: Path
    language: str = "da"
    hearing: str = ""
    manifest: Path | None = None
    text_col: str = "text"
    id_col: str | None = None
    meta_cols: dict[str, str] = field(default_factory=dict)
    goals: Path | None = None
    codebook: Path | None = None
    themes: dict[str, Any] = field(default_factory=dict)
    redact: dict[str, Any] = field(default_factory=dict)
    random_state: int = 0
    processed_dir: Path = Path()
    report_dir: Path = Path()
    config_path: Path = Path()
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def figures_dir(self) -> Path:
        return self.report_dir / "figures"


def _resolve(folder: Path, value: str | None) -> Path | None:
    if value in (None, ""):
        return None
    path = Path(os.path.expandvars(str(value))).expanduser()
    return path if path.is_absolute() else (folder / path).resolve()


def study_config_path(name_or_path: str | os.PathLike) -> Path:
    """Find a study's YAML from a study name, a folder or a YAML path."""
    p = Path(name_or_path)
    for candidate in (p, p / "study.yaml", DATA_RAW / str(name_or_path) / "study.yaml"):
        if candidate.is_file():
            return candidate.resolve()
    known = sorted(d.name for d in DATA_RAW.glob("*") if (d / "study.yaml").is_file())
    raise ConfigError(
        f"No study config found for {str(name_or_path)!r}. Give a study name "
        f"(one of {known}), a folder holding study.yaml, or the YAML file itself."
    )


def load_study(name_or_path: str | os.PathLike, processed_root: Path | None = None,
               report_root: Path | None = None) -> StudyConfig:
    """Read and validate a study's ``study.yaml``.

    >>> cfg = load_study("udsatte-byomraader-2025")  # doctest: +SKIP
    """
    path = study_config_path(name_or_path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}). Fix the syntax and rerun.") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level.")
    folder = path.parent
    name = str(raw.get("name") or folder.name)
    language = str(raw.get("language", "da"))
    if language not in LANGUAGES:
        raise ConfigError(f"{path}: language {language!r} is not one of {LANGUAGES}.")
    input_path = _resolve(folder, raw.get("input", "."))
    assert input_path is not None
    themes = dict(raw.get("themes") or {})
    cfg = StudyConfig(
        name=name,
        title=str(raw.get("title", name)),
        folder=folder,
        input=input_path,
        language=language,
        hearing=str(raw.get("hearing", raw.get("title", name))),
        manifest=_resolve(folder, raw.get("manifest")),
        text_col=str(raw.get("text_col", "text")),
        id_col=raw.get("id_col"),
        meta_cols=dict(raw.get("meta_cols") or {}),
        goals=_resolve(folder, raw.get("goals")),
        codebook=_resolve(folder, raw.get("codebook")),
        themes=themes,
        redact=dict(raw.get("redact") or {}),
        random_state=int(raw.get("random_state", 0)),
        processed_dir=(processed_root or DATA_PROCESSED) / name,
        report_dir=(report_root or REPORTS) / name,
        config_path=path,
        raw=raw,
    )
    return cfg
