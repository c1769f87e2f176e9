"""Read responses from a table: CSV, JSONL or XLSX exports of consultation platforms.

Each row becomes one :class:`TableRow`. Column names are mapped by a platform
preset, detected from the header, or given by the caller:

=================  ==============  ===============  ==============================================
platform           id column       text column      metadata carried
=================  ==============  ===============  ==============================================
``blivhoert``      response_id     text             hearing_title → hearing, respondent_type → platform_type
``polis``          comment-id      comment-body     datetime → date, moderated
``regulations``    Document ID     Comment          Organization Name → respondent, Category → platform_type,
                                                    Posted Date → date (names of individuals are never read)
``generic``        ``--id-col``    ``--text-col``   ``--meta`` mappings only
=================  ==============  ===============  ==============================================

Columns not named in the mapping are not carried into the outputs, so that
personal data in an export (names, e-mails) does not travel further.

>>> import io
>>> rows, problems = read_table_rows(io.StringIO("id,svar\\n1,Vi støtter planen.\\n"), name="x.csv",
...                                  suffix=".csv", text_col="svar", id_col="id")
>>> rows[0].response_id, rows[0].text, rows[0].source
('1', 'Vi støtter planen.', 'x.csv#row=1')
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from analysis.corpus.readers.plaintext import decode_bytes

TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".xlsx", ".xls"}

PLATFORM_PRESETS: dict[str, dict[str, Any]] = {
    "blivhoert": {
        "detect": {"hearing_id", "response_id", "text"},
        "id_col": "response_id",
        "text_col": "text",
        "meta_cols": {"hearing": "hearing_title", "platform_type": "respondent_type"},
    },
    "polis": {
        "detect": {"comment-id", "comment-body"},
        "id_col": "comment-id",
        "text_col": "comment-body",
        "meta_cols": {"date": "datetime", "moderated": "moderated"},
    },
    "regulations": {
        "detect": {"Document ID", "Comment"},
        "id_col": "Document ID",
        "text_col": "Comment",
        "meta_cols": {"respondent": "Organization Name", "platform_type": "Category", "date": "Posted Date"},
    },
}


@dataclass
class TableRow:
    """One response read from a table row (or a row that could not be read)."""

    source: str
    response_id: str | None
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    status: str = "ok"
    reason: str = ""


def detect_platform(columns: list[str]) -> str:
    """Name the platform preset whose columns are all present, else ``"generic"``.

    >>> detect_platform(["timestamp", "comment-id", "comment-body"])
    'polis'
    """
    present = set(columns)
    for name, preset in PLATFORM_PRESETS.items():
        if preset["detect"] <= present:
            return name
    return "generic"


def _read_frame(handle: IO | Path, suffix: str, name: str) -> tuple[pd.DataFrame, list[TableRow], list[str]]:
    """Load the raw table; JSONL lines that fail to parse come back as problem rows."""
    problems: list[TableRow] = []
    warnings: list[str] = []
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(handle, dtype=str), problems, warnings
    raw = handle.read_bytes() if isinstance(handle, Path) else handle.read()
    text, encoding, warnings = decode_bytes(raw, name) if isinstance(raw, bytes) else (raw, "utf-8", [])
    if suffix in (".jsonl", ".ndjson"):
        records = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("the line is not a JSON object")
            except ValueError as exc:
                problems.append(TableRow(f"{name}#line={lineno}", None, "", status="unreadable",
                                         reason=f"{name} line {lineno}: not a valid JSON object ({exc}); "
                                                "fix or remove the line."))
                continue
            obj["__line__"] = lineno
            records.append(obj)
        frame = pd.DataFrame.from_records(records)
        return frame.astype(object).where(frame.notna(), None), problems, warnings
    if suffix == ".json":
        data = json.loads(text)
        frame = pd.DataFrame.from_records(data if isinstance(data, list) else data.get("responses", []))
        return frame, problems, warnings
    sep = "\t" if suffix == ".tsv" else None
    frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype=str, keep_default_na=False)
    return frame, problems, warnings


def read_table_rows(
    source: str | Path | IO,
    *,
    name: str | None = None,
    suffix: str | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    meta_cols: dict[str, str] | None = None,
    platform: str = "auto",
) -> tuple[list[TableRow], list[str]]:
    """Read every row of a response table; return ``(rows, file_warnings)``.

    ``meta_cols`` maps our column names (``respondent``, ``respondent_type``,
    ``hearing``, ``language``, ``date``, …) to the table's column names and
    extends the platform preset. Raises ``ValueError`` with the available
    columns when the text column cannot be found.
    """
    path = Path(source) if isinstance(source, (str, Path)) else None
    name = name or (path.name if path else "table")
    suffix = (suffix or (path.suffix if path else ".csv")).lower()
    frame, problems, warnings = _read_frame(path if path else source, suffix, name)
    columns = [str(c) for c in frame.columns if c != "__line__"]
    preset = PLATFORM_PRESETS.get(detect_platform(columns) if platform == "auto" else platform, {})
    text_col = text_col or preset.get("text_col") or ("text" if "text" in columns else None)
    id_col = id_col or preset.get("id_col")
    mapping = {**preset.get("meta_cols", {}), **(meta_cols or {})}
    if text_col not in columns:
        raise ValueError(
            f"{name}: no text column {text_col!r}. The columns are {columns}; "
            "name the one holding the response text with --text-col."
        )
    for label, col in [("--id-col", id_col), *[(f"meta {k}", v) for k, v in mapping.items()]]:
        if col is not None and col not in columns:
            if label.startswith("meta") and _is_optional_preset_column(label, preset):
                continue
            raise ValueError(f"{name}: no column {col!r} for {label}. The columns are {columns}.")
    mapping = {k: v for k, v in mapping.items() if v in columns}
    rows: list[TableRow] = list(problems)
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        where = f"{name}#line={rec['__line__']}" if "__line__" in rec else f"{name}#row={i}"
        value = rec.get(text_col)
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        rid = rec.get(id_col) if id_col else None
        rid = str(i) if rid is None or str(rid).strip() in ("", "nan", "None") else str(rid).strip()
        meta = {k: ("" if rec.get(v) is None or (isinstance(rec.get(v), float) and pd.isna(rec.get(v)))
                    else str(rec.get(v))) for k, v in mapping.items()}
        rows.append(TableRow(where, rid, text, meta))
    rows.sort(key=lambda r: _source_order(r.source))
    return rows, warnings


def _is_optional_preset_column(label: str, preset: dict) -> bool:
    """Preset metadata columns are optional (an export may lack them); user ones are not."""
    key = label.removeprefix("meta ")
    return key in preset.get("meta_cols", {})


def _source_order(source: str) -> int:
    try:
        return int(source.rsplit("=", 1)[1])
    except (IndexError, ValueError):
        return 0
