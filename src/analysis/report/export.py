"""Exports for the places analysts write: ``tables.xlsx`` (every table a sheet) and ``report.docx``.

Both are deterministic: fixed document properties and zip entries with a fixed
timestamp, so a rerun on the same tables writes identical bytes. Spreadsheet cells that
would run as formulas are neutralised (:func:`analysis.tables.safe_cell`).

>>> sheet_name("alignment_priority_goal_and_more_words", set())
'alignment_priority_goal_and_mor'
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.report import i18n
from analysis.tables import safe_cell
from analysis.report.written import Block

__all__ = ["write_xlsx", "write_docx", "normalise_zip", "sheet_name", "COLUMN_NOTES"]

_FIXED = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters

#: What the common columns mean (README sheet); others are listed by name.
COLUMN_NOTES = {
    "response_id": "id of the response", "segment_id": "id of the sentence (<response>:<paragraph>:<sentence>)",
    "respondent_type": "kind of respondent (manifest or read from the text)",
    "theme_id": "id of the theme", "priority_id": "id of the codebook priority",
    "goal_id": "id of the policy goal", "group": "respondent group ('all': every response)",
    "value": "the estimate (a share 0–1 unless the table says otherwise)",
    "ci_low": "lower end of the 95 % interval", "ci_high": "upper end of the 95 % interval",
    "n": "number of units (responses or sentences) behind the value", "count": "number of hits",
    "share": "share 0–1", "label": "readable name", "text": "text (cleaned, personal data redacted)",
    "stance": "support / concern / request / neutral", "evidence": "the words that matched",
    "status": "ingest status", "reason": "why (ingest)", "source": "file or row the response came from",
    "weight": "strength of the theme in the sentence", "measure": "mention: share of responses; salience: share of sentences",
}


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no ``[]:*?/\\``)."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in str(name))[:31] or "table"
    out, i = clean, 2
    while out.lower() in used:
        suffix = f"~{i}"
        out, i = clean[: 31 - len(suffix)] + suffix, i + 1
    used.add(out.lower())
    return out


def normalise_zip(path: str | os.PathLike) -> Path:
    """Rewrite the zip at ``path`` with fixed entry times and order, so bytes are reproducible."""
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:  # keep the order ([Content_Types].xml must stay first)
            if name == "docProps/core.xml":  # writers stamp "modified" with the clock on save
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def _cell(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return str(value)
    if isinstance(value, (list, tuple, dict, set)):
        value = str(value)
    if isinstance(value, str):
        value = "".join(c for c in value if c in "\t\n" or ord(c) >= 32)  # XML-illegal controls
        return safe_cell(value[:_MAX_CELL])
    return value


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike, *,
               language: str = "en", title: str = "") -> Path:
    """Every table a sheet (sorted by name), plus a README sheet naming each table's columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    wb = Workbook()
    readme = wb.active
    used: set[str] = set()
    readme.title = sheet_name(i18n.text(language, "xlsx_readme"), used)
    readme.append([_cell(title)])
    readme["A1"].font = Font(bold=True)
    readme.append([i18n.text(language, "xlsx_about")])
    readme.append([])
    readme.append([i18n.text(language, k) for k in ("th_table", "th_column", "th_description", "th_rows")])
    for cell in readme[4]:
        cell.font = Font(bold=True)
    for name in sorted(tables):
        table = tables[name]
        ws = wb.create_sheet(sheet_name(name, used))
        ws.append([_cell(str(c)) for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for col in table.columns:
            readme.append([ws.title, _cell(str(col)), COLUMN_NOTES.get(str(col), ""), len(table)])
    for column, width in zip("ABCD", (32, 26, 70, 8)):
        readme.column_dimensions[column].width = width
    props = wb.properties
    props.creator = "analysis"
    props.lastModifiedBy = "analysis"
    props.title = title
    props.created = props.modified = _FIXED
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return normalise_zip(path)


def write_docx(blocks: Sequence[Block], path: str | os.PathLike, *, language: str = "en",
               title: str = "") -> Path:
    """The report as a Word document: headings, text, key tables and figures with captions."""
    import docx
    from docx.shared import Inches

    path = Path(path)
    document = docx.Document()
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            document.add_heading(b.text, level={"h1": 0, "h2": 1, "h3": 2}[b.kind])
        elif b.kind in ("p", "footer"):
            document.add_paragraph(b.text)
        elif b.kind == "caveats":
            document.add_paragraph(b.text).runs[0].bold = True
            for (item,) in b.rows:
                document.add_paragraph(item, style="List Bullet")
        elif b.kind == "table":
            if not b.rows:
                document.add_paragraph(b.extra.get("empty", "")).runs[0].italic = True
                continue
            raw = set(b.extra.get("raw", ()))
            grid = document.add_table(rows=1, cols=len(b.headers))
            grid.style = "Table Grid"
            for cell, header in zip(grid.rows[0].cells, b.headers):
                cell.text = str(header)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in b.rows:
                cells = grid.add_row().cells
                for i, (cell, value) in enumerate(zip(cells, row)):
                    cell.text = _plain(value) if i in raw else ("" if value is None else str(value))
        elif b.kind == "figure":
            document.add_picture(io.BytesIO(b.extra["png"]), width=Inches(6.0))
            caption = document.add_paragraph()
            caption.add_run(f"{b.extra['number']}. {b.text}. ").bold = True
            caption.add_run(b.extra["caption"])
    core = document.core_properties
    core.author = core.last_modified_by = "analysis"
    core.title = title
    core.language = language
    core.created = core.modified = core.last_printed = _FIXED
    core.revision = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return normalise_zip(path)


def _plain(html_text: Any) -> str:
    """Text of the small HTML the report puts in a cell (quotes as blockquotes)."""
    import html
    import re

    text = re.sub(r"</blockquote>\s*", "\n", str(html_text))
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
