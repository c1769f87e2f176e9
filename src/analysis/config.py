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

from analysis.schema import PLAIN_NAME_RE, ConfigError, Problem, SchemaError, read_yaml, validate_settings, written

__all__ = ["ConfigError", "SchemaError", "StudyConfig", "load_study", "folder_study", "study_config_path"]

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


@dataclass
class StudyConfig:
    """Everything a run needs to know about one consultation.

    Attributes mirror ``study.yaml`` (see :data:`analysis.schema.SETTINGS` for every key);
    paths are already resolved. ``themes`` holds only the ``themes:`` keys the file wrote
    (they override :class:`~analysis.themes.ThemeModel` defaults); ``settings`` holds every
    key with its default.
    """

    name: str
    title: str
    folder: Path
    input: Path
    language: str = "da"
    hearing: str = ""
    manifest: Path | None = None
    text_col: str | None = None
    id_col: str | None = None
    meta_cols: dict[str, str] = field(default_factory=dict)
    goals: Path | None = None
    codebook: Path | None = None
    themes: dict[str, Any] = field(default_factory=dict)
    redact: dict[str, Any] = field(default_factory=dict)
    random_state: int = 0
    processed_dir: Path = Path()
    report_dir: Path = Path()
    config_path: Path | None = Path()
    raw: dict[str, Any] = field(default_factory=dict)
    count_campaigns: str = "per_response"
    engine: str = "local"
    scheduler: str | None = None
    alignment: dict[str, Any] = field(default_factory=dict)
    input_options: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

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
    candidates = [p, p / "study.yaml"]
    if PLAIN_NAME_RE.match(str(name_or_path)):  # a name never reaches outside data/raw
        candidates.append(DATA_RAW / str(name_or_path) / "study.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    known = sorted(d.name for d in DATA_RAW.glob("*") if (d / "study.yaml").is_file())
    raise ConfigError(
        f"No study config found for {str(name_or_path)!r}. Give a study name "
        f"(one of {known}), a folder holding study.yaml, or the YAML file itself."
    )


def study_from_settings(settings: dict[str, Any], folder: Path, *, config_path: Path | None = None,
                        raw: dict[str, Any] | None = None, processed_dir: Path | None = None,
                        processed_root: Path | None = None, report_root: Path | None = None) -> StudyConfig:
    """Build a :class:`StudyConfig` from validated settings (see :func:`analysis.schema.validate_settings`).

    >>> from analysis.schema import validate_settings
    >>> settings, _ = validate_settings({"name": "demo", "language": "en"})
    >>> study_from_settings(settings, Path("/tmp/demo")).language
    'en'
    """
    folder = Path(folder)
    name = settings.get("name") or folder.name
    options = dict(settings["input"])
    input_path = _resolve(folder, options.pop("path", ".") or ".")
    return StudyConfig(
        name=name,
        title=settings.get("title") or name,
        folder=folder,
        input=input_path,
        language=settings["language"],
        hearing=settings.get("hearing") or settings.get("title") or name,
        manifest=_resolve(folder, settings.get("manifest")),
        text_col=settings.get("text_col"),
        id_col=settings.get("id_col"),
        meta_cols=dict(settings.get("meta_cols") or {}),
        goals=_resolve(folder, settings.get("goals")),
        codebook=_resolve(folder, settings.get("codebook")),
        themes=written(settings, "themes"),
        redact=dict(settings["redact"]),
        random_state=settings["random_state"],
        processed_dir=Path(processed_dir) if processed_dir else (processed_root or DATA_PROCESSED) / name,
        report_dir=(report_root or REPORTS) / name,
        config_path=config_path,
        raw=dict(raw or {}),
        count_campaigns=settings["count_campaigns"],
        engine=settings["engine"],
        scheduler=settings.get("scheduler"),
        alignment=dict(settings["alignment"]),
        input_options=options,
        settings=settings,
    )


def read_study_settings(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """Parse and validate one ``study.yaml``: (raw mapping, settings, problems)."""
    raw, problems = read_yaml(path)
    settings, more = validate_settings(raw if not problems else {}, path)
    problems += more
    if not settings.get("name") and not PLAIN_NAME_RE.match(path.parent.name):
        problems.append(Problem(str(path), "name", f"the folder name {path.parent.name!r} is not a plain name",
                                "Add e.g. name: my-study (letters, digits, '-', '_', '.')."))
    return (raw if isinstance(raw, dict) else {}), settings, problems


def load_study(name_or_path: str | os.PathLike, processed_root: Path | None = None,
               report_root: Path | None = None, processed_dir: Path | None = None) -> StudyConfig:
    """Read and validate a study's ``study.yaml``; every problem at once in a :class:`SchemaError`.

    ``processed_dir`` (a folder) overrides ``processed_root / name``.

    >>> cfg = load_study("udsatte-byomraader-2025")  # doctest: +SKIP
    """
    path = study_config_path(name_or_path)
    raw, settings, problems = read_study_settings(path)
    if problems:
        raise SchemaError(problems)
    return study_from_settings(settings, path.parent, config_path=path, raw=raw, processed_dir=processed_dir,
                               processed_root=processed_root, report_root=report_root)


def folder_study(processed_dir: Path, **settings_overrides: Any) -> StudyConfig:
    """Settings for a processed folder that came from no ``study.yaml`` (all defaults).

    >>> folder_study(Path("/tmp/out"), language="en").processed_dir
    PosixPath('/tmp/out')
    """
    settings, problems = validate_settings(settings_overrides, "settings")
    if problems:
        raise SchemaError(problems)
    folder = Path(processed_dir)
    if not settings.get("name"):
        settings["name"] = folder.name if PLAIN_NAME_RE.match(folder.name) else "study"
    return study_from_settings(settings, folder, processed_dir=folder)
