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

import csv
import io
import json
import re
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
    order: float = 0.0  # position in the file, for keeping rows in file order


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


_INTERNAL = ("__line__", "__row__", "__sheet__", "__order__", "__warning__")


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else ",", delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(text: str, suffix: str, name: str) -> tuple[pd.DataFrame, list[TableRow], list[str]]:
    """Parse CSV/TSV row by row: a row with too many or too few fields is reported, never shifted.

    Cells of any length are read (the csv module's 131,072-character field limit is lifted);
    the per-response character limit is applied later, per row.
    """
    csv.field_size_limit(2**31 - 1)
    delimiter = _sniff_delimiter(text, suffix)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[TableRow] = []
    warnings: list[str] = []
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{name}: the table is empty (no header row). Export it again with a header row "
                         "naming the columns.") from None
    except csv.Error as exc:
        raise ValueError(f"{name}: the header row cannot be read ({exc}). Save it as UTF-8 CSV.") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise ValueError(f"{name}: the table is empty (its first line names no columns). Export it again with "
                         "a header row naming the columns.")
    seen: dict[str, int] = {}
    for k, h in enumerate(header):
        if h in seen:
            warnings.append(f"{name}: the column name {h!r} appears more than once (columns {seen[h] + 1} and "
                            f"{k + 1}); the first is used. Give every column its own name.")
            header[k] = f"{h}.{k + 1}"
        else:
            seen[h] = k
    records, starts = [], []  # starts: the line each record begins on
    line = reader.line_num
    row = 0
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            problems.append(TableRow(f"{name}#row={row}", None, "", status="unreadable",
                                     reason=f"{name} row {row} (line {start}): cannot be parsed ({exc}); fix "
                                            "the quoting.", order=row))
            line = reader.line_num
            continue
        line = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip() and len(header) > 1):
            continue  # a blank line
        row += 1
        if len(fields) != len(header):
            problems.append(TableRow(
                f"{name}#row={row}", None, "", status="unreadable", order=row,
                reason=f"{name} row {row} (line {start}): {len(fields)} fields where the header has {len(header)}; the row "
                       "is not read (its text would land in the wrong column). Quote cells that hold the "
                       f"delimiter {delimiter!r}."))
            continue
        rec = dict(zip(header, fields))
        rec["__row__"] = rec["__order__"] = row
        rec["__warning__"] = ""
        records.append(rec)
        starts.append(start)
    if records and _ends_inside_quote(text, starts[-1], delimiter):
        last = records[-1]
        last["__warning__"] = (
            f"{name} row {last['__row__']} (line {starts[-1]}): a quote opened in this row is never "
            f"closed, so everything up to the end of the file (line {line}) was read into this row. Nothing "
            "was dropped, but later rows may be hidden inside this one: close the quote in the source and "
            "ingest again.")
    elif records and text.count('"') % 2:
        id_shapes = {_shape(rec[header[0]]) for rec in records}
        for rec, start in zip(records, starts):
            if _holds_row_like_lines(rec, header, delimiter, id_shapes):
                rec["__warning__"] = (
                    f"{name} row {rec['__row__']} (line {start}): a cell holds line breaks followed "
                    "by lines that look like rows of their own, and the file has an unbalanced number of "
                    "quote characters: a quote is probably left open here, so the following rows were read "
                    "into this one. Nothing was dropped: check the quoting in the source and ingest again.")
    frame = pd.DataFrame.from_records(records, columns=header + ["__row__", "__order__", "__warning__"])
    return frame, problems, warnings


def _shape(value: str) -> str:
    """The shape of an id: digits as 9, letters as a, runs collapsed.

    >>> _shape("12"), _shape("c00017"), _shape("anden")
    ('9', 'a9', 'a')
    """
    shape = re.sub(r"[^\W\d_]", "a", re.sub(r"\d", "9", value.strip()))
    return re.sub(r"(.)\1+", r"\1", shape)


def _holds_row_like_lines(rec: dict, header: list[str], delimiter: str, id_shapes: set[str]) -> bool:
    """True when a cell of ``rec`` has a line (after its first) that parses as a full row of ``header``.

    Used only when the file's quotes are unbalanced: with an unclosed quote such lines are
    the rows the quote swallowed. The line's first field must have the shape of the first
    column's values (see :func:`_shape`), so that ordinary multi-line answers are not suspected.

    >>> _holds_row_like_lines({"id": "1", "text": 'open\\n2,next row'}, ["id", "text"], ",", {"9"})
    True
    >>> _holds_row_like_lines({"id": "1", "text": "Første linje\\nanden, linje"}, ["id", "text"], ",", {"9"})
    False
    """
    for col in header:
        value = rec.get(col)
        if not isinstance(value, str) or "\n" not in value:
            continue
        for line in value.splitlines()[1:]:
            fields = next(csv.reader([line], delimiter=delimiter), [])
            if len(fields) == len(header) and fields[0].strip() and _shape(fields[0]) in id_shapes:
                return True
    return False


def _ends_inside_quote(text: str, start_line: int, delimiter: str) -> bool:
    """True when the CSV text from ``start_line`` (1-based) on ends inside an unclosed quote.

    The lenient reader that parses the table accepts such a tail as one row; a strict reader
    of the same tail fails with "unexpected end of data".

    >>> _ends_inside_quote('id,text\\n1,"open\\n2,b\\n', 2, ","), _ends_inside_quote('id,text\\n1,"a"\\n', 2, ",")
    (True, False)
    """
    tail = "".join(io.StringIO(text, newline="").readlines()[start_line - 1:])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _read_excel(handle: IO | Path, suffix: str, name: str, sheets: str | list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Every sheet (or the named ones) of a workbook, one after another, with a ``__sheet__`` column."""
    if suffix == ".xls":
        raise ValueError(f"{name}: an old Excel 97-2003 .xls workbook, which is not read. Open it in Excel or "
                         "LibreOffice and save it as .xlsx or CSV (UTF-8).")
    try:
        book = pd.read_excel(handle, dtype=str, sheet_name=None, keep_default_na=False)
    except Exception as exc:
        raise ValueError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}). Save it again "
                         "as .xlsx or CSV.") from None
    names = list(book)
    chosen = names if sheets == "all" else [n for n in names if n in set(sheets)]
    missing = [] if sheets == "all" else [n for n in sheets if n not in names]
    if missing:
        raise ValueError(f"{name}: no sheet(s) {missing}; the sheets are {names}. Fix input: sheets.")
    warnings = []
    frames = []
    for sheet in chosen:
        frame = book[sheet]
        if frame.empty and not len(frame.columns):
            continue
        frame = frame.assign(__sheet__=sheet, __row__=range(1, len(frame) + 1),
                             __order__=[len(frames) * 1e9 + r for r in range(1, len(frame) + 1)])
        frames.append(frame)
    left_out = [n for n in names if n not in chosen]
    if left_out:
        warnings.append(f"{name}: sheet(s) {left_out} were not read (input: sheets names {chosen}).")
    if len(frames) > 1:
        cols = [list(f.columns) for f in frames]
        if any(c != cols[0] for c in cols):
            warnings.append(f"{name}: the sheets {chosen} have different columns; rows lack the columns of "
                            "other sheets.")
    if not frames:
        raise ValueError(f"{name}: the workbook has no rows. Check that it holds the responses.")
    return pd.concat(frames, ignore_index=True).fillna(""), warnings


def _read_frame(handle: IO | Path, suffix: str, name: str,
                sheets: str | list[str] = "all") -> tuple[pd.DataFrame, list[TableRow], list[str]]:
    """Load the raw table; rows that fail to parse come back as problem rows."""
    problems: list[TableRow] = []
    warnings: list[str] = []
    if suffix in (".xlsx", ".xls"):
        frame, warnings = _read_excel(handle, suffix, name, sheets)
        return frame, problems, warnings
    raw = handle.read_bytes() if isinstance(handle, Path) else handle.read()
    if not raw:
        raise ValueError(f"{name}: the file is empty (0 bytes). Export the responses again.")
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
                                                "fix or remove the line.", order=lineno))
                continue
            obj["__line__"] = obj["__order__"] = lineno
            records.append(obj)
        frame = pd.DataFrame.from_records(records)
        return frame.astype(object).where(frame.notna(), None), problems, warnings
    if suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{name}: not valid JSON ({exc}). Fix the file or export it as CSV.") from None
        if isinstance(data, dict) and isinstance(data.get("responses"), list):
            data = data["responses"]
        if not isinstance(data, list):
            raise ValueError(f"{name}: holds one JSON {type(data).__name__}, not a list of responses. Give a "
                             "list of objects ([{\"id\": …, \"text\": …}, …]) or {\"responses\": [...]}.")
        bad = [i for i, rec in enumerate(data, start=1) if not isinstance(rec, dict)]
        problems.extend(TableRow(f"{name}#row={i}", None, "", status="unreadable",
                                 reason=f"{name} item {i}: not a JSON object; it is not read.", order=i)
                        for i in bad)
        frame = pd.DataFrame.from_records(
            [dict(rec, __row__=i, __order__=i) for i, rec in enumerate(data, start=1) if isinstance(rec, dict)])
        return frame.astype(object).where(frame.notna(), None), problems, warnings
    frame, problems, more = _read_csv(text, suffix, name)
    return frame, problems, warnings + more


def read_table_rows(
    source: str | Path | IO,
    *,
    name: str | None = None,
    suffix: str | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    meta_cols: dict[str, str] | None = None,
    platform: str = "auto",
    sheets: str | list[str] = "all",
) -> tuple[list[TableRow], list[str]]:
    """Read every row of a response table; return ``(rows, file_warnings)``.

    ``meta_cols`` maps our column names (``respondent``, ``respondent_type``,
    ``hearing``, ``language``, ``date``, …) to the table's column names and
    extends the platform preset. Raises ``ValueError`` with the available
    columns when the text column cannot be found, and for a table that cannot
    be read at all (empty, an old ``.xls``, JSON that is not a list). ``sheets``:
    ``"all"`` sheets of a workbook (the default) or a list of sheet names.
    """
    path = Path(source) if isinstance(source, (str, Path)) else None
    name = name or (path.name if path else "table")
    suffix = (suffix or (path.suffix if path else ".csv")).lower()
    frame, problems, warnings = _read_frame(path if path else source, suffix, name, sheets)
    columns = [str(c) for c in frame.columns if c not in _INTERNAL]
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
    several_sheets = "__sheet__" in frame.columns and frame["__sheet__"].nunique() > 1
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if several_sheets:
            where = f"{name}#sheet={rec['__sheet__']}&row={rec['__row__']}"
        elif "__line__" in rec and suffix in (".jsonl", ".ndjson"):
            where = f"{name}#line={rec['__line__']}"
        else:
            where = f"{name}#row={rec.get('__row__', i)}"
        value = rec.get(text_col)
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        rid = rec.get(id_col) if id_col else None
        rid = str(rec.get("__row__") or i) if rid is None or str(rid).strip() in ("", "nan", "None") else str(rid).strip()
        meta = {k: ("" if rec.get(v) is None or (isinstance(rec.get(v), float) and pd.isna(rec.get(v)))
                    else str(rec.get(v))) for k, v in mapping.items()}
        warning = rec.get("__warning__")
        warning = warning if isinstance(warning, str) else ""
        rows.append(TableRow(where, rid, text, meta, status="warning" if warning else "ok", reason=warning,
                             order=float(rec.get("__order__", i))))
    rows.sort(key=lambda r: r.order)
    return rows, warnings


def _is_optional_preset_column(label: str, preset: dict) -> bool:
    """Preset metadata columns are optional (an export may lack them); user ones are not."""
    key = label.removeprefix("meta ")
    return key in preset.get("meta_cols", {})


