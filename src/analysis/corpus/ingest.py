"""Ingest: read every response, clean it, redact personal data, cut it into segments.

Input is a folder of documents (txt, md, pdf, docx; optional ``manifest.csv``)
or a table (csv, tsv, jsonl, xlsx). Output is three tidy tables (see the data
contract in the README): ``responses``, ``segments`` and ``ingest_report``,
plus ``redaction_report``. Every input file or row appears in
``ingest_report`` with a status and a reason; one bad file never stops the
others.

>>> from analysis.corpus.ingest import ingest
>>> result = ingest("data/raw/udsatte-byomraader-2025")          # doctest: +SKIP
>>> result.responses[["response_id", "respondent_type", "status"]]  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.corpus.folder import (MANIFEST_NAME, display_name, is_config_file,
                                    match_manifest, read_manifest, walk_folder)
from analysis.corpus.privacy import file_name_is_safe, mask_file_name, neutral_id, redact_recurring_names
from analysis.corpus.process import (ANALYSABLE_STATUSES, DEFAULT_MAX_CHARS, Item,
                                     classify_attachment_only, forget_copies, process)
from analysis.corpus.readers import DOCUMENT_SUFFIXES, Document, ReadError, read_document
from analysis.corpus.readers.tables import TABLE_SUFFIXES, read_table_rows
from analysis.corpus.segment import segment_responses
from analysis.corpus.workers import CHUNKS_PER_WORKER, chunks, map_in_order, worker_count
from analysis.text import check_language

__all__ = ["IngestResult", "IngestError", "ingest", "write_ingest", "classify_attachment_only",
           "ANALYSABLE_STATUSES"]

# Statuses that are not problems: the response was read, or left out on purpose.
NOT_PROBLEMS = ("ok", "config", "moderated_out")


class IngestError(RuntimeError):
    """Raised in strict mode when any input had a problem; ``report`` lists them."""

    def __init__(self, message: str, report: pd.DataFrame):
        super().__init__(message)
        self.report = report


@dataclass
class IngestResult:
    """The tables ingest produces. ``page_starts`` maps response ids to page offsets."""

    responses: pd.DataFrame
    segments: pd.DataFrame
    ingest_report: pd.DataFrame
    redaction_report: pd.DataFrame
    page_starts: dict[str, list[int | None]] = field(default_factory=dict)

    @property
    def problems(self) -> pd.DataFrame:
        """Rows of ``ingest_report`` that need a look (not ``ok``, configuration or moderated out)."""
        return self.ingest_report[~self.ingest_report["status"].isin(NOT_PROBLEMS)]


# --------------------------------------------------------------------------- inputs
def _folder_items(folder: Path, manifest_path: Path | None, max_bytes: int,
                  only: Path | None = None) -> tuple[list[Item], list[dict]]:
    """One item per regular document file (subfolders included), matched with its manifest row."""
    report: list[dict] = []
    manifest_path = manifest_path or (folder / MANIFEST_NAME)
    if only is not None:
        files, walked = ([Path(only.name)], []) if only.is_file() and not only.is_symlink() else ([], [])
        if not files:
            raise ValueError(f"{only}: not a regular file (a link or a device); give the file itself.")
    else:
        files, walked = walk_folder(folder)
    report.extend(walked)
    manifest = None
    if manifest_path.is_file():
        manifest, problems = read_manifest(manifest_path)
        report.extend(problems)
    documents: list[Path] = []
    for rel in files:
        name = display_name(rel)
        if (folder / rel).resolve() == manifest_path.resolve() or is_config_file(rel.name):
            report.append({"source": name, "status": "config",
                           "reason": f"{name}: the study's configuration or documentation, not a response."})
        elif rel.suffix.lower() in TABLE_SUFFIXES:
            report.append({"source": name, "status": "skipped",
                           "reason": f"{name}: a table inside a folder of response documents is not read as "
                                     f"responses; to analyse its rows, ingest the table on its own "
                                     f"(analysis ingest {name} --text-col COLUMN) or make it the study's input."})
        elif rel.suffix.lower() not in DOCUMENT_SUFFIXES:
            report.append({"source": name, "status": "skipped",
                           "reason": f"{name}: not a response document ({rel.suffix or 'no extension'}); "
                                     f"responses must be one of {sorted(DOCUMENT_SUFFIXES)}."})
        else:
            documents.append(rel)
    listed: dict[str, dict] = {}
    if manifest is not None:
        listed, problems = match_manifest(manifest, files, manifest_path.name,
                                          only=Path(only.name) if only is not None else None, folder=folder)
        report.extend(problems)
    items: list[Item] = []
    for rel in documents:
        name = display_name(rel)
        row = listed.get(rel.as_posix())
        meta = {k: str(v) for k, v in (row or {}).items() if k not in ("file", "response_id") and str(v).strip()}
        rid = str((row or {}).get("response_id") or "").strip()
        item = Item(name, rid, meta)
        item.from_file_name = not rid
        if "\ufffd" in name:
            item.flag("warning", f"{name}: the file name is not valid UTF-8 (shown with \ufffd); rename the file.")
        if manifest is not None and row is None:
            item.flag("warning", f"{name}: no row in {manifest_path.name}; respondent and type were "
                                 "inferred from the text. Add a manifest row to set them.")
        try:
            item.document = read_document(folder / rel, max_bytes=max_bytes)
        except ReadError as exc:
            item.flag(exc.status, exc.reason)
        except Exception as exc:  # a reader bug must not stop the other files
            item.flag("unreadable", f"{name}: could not be read ({type(exc).__name__}: {exc}).")
        items.append(item)
    return items, report


def _table_items(path: Path, text_col: str | None, id_col: str | None,
                 meta_cols: dict[str, str] | None, keep_moderated: bool = False,
                 sheets: str | list[str] = "all") -> tuple[list[Item], list[dict]]:
    rows, file_warnings = read_table_rows(path, text_col=text_col, id_col=id_col, meta_cols=meta_cols,
                                          sheets=sheets)
    items = []
    for row in rows:
        item = Item(row.source, row.response_id or row.source, dict(row.meta))
        moderated = str(row.meta.get("moderated", "")).strip()
        if row.status not in ("ok", "warning"):
            item.flag(row.status, row.reason)
        elif moderated in ("-1", "-1.0") and not keep_moderated:
            item.flag("moderated_out", f"{row.source}: rejected by the platform's moderators (moderated = -1); "
                                       "left out of the analysis. Set input: keep_moderated: true to keep it.")
        else:
            item.document = Document(text=row.text)
        if row.status == "warning":
            item.flag("warning", row.reason)
        for w in file_warnings:
            item.flag("warning", w)
        items.append(item)
    if not rows:  # column names and no row: say so, so the input is not silently absent
        return items, [{"source": path.name, "status": "empty",
                        "reason": f"{path.name}: the table has column names but no rows; nothing to analyse. "
                                  "Check that the export holds the responses."}]
    return items, []


def _dedupe_ids(items: list[Item]) -> None:
    """Keep every response whose id repeats, renamed ``id~2``, ``id~3`` with a warning."""
    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    for item in items:
        rid = item.response_id
        if rid in seen:
            counts[rid] = counts.get(rid, 1) + 1
            new = f"{rid}~{counts[rid]}"
            item.flag("warning", f"{item.source}: duplicate response_id {rid!r} (first used by {seen[rid]}); "
                                 f"kept as {new!r}. Give every response a unique id in the source.")
            item.response_id = new
        else:
            seen[rid] = item.source


RESPONSE_COLUMNS = ["response_id", "respondent", "respondent_type", "respondent_type_source", "hearing",
                    "language", "date", "source", "text", "n_chars", "status",
                    "duplicate_group", "duplicate_group_size"]


def _add_duplicate_groups(responses: pd.DataFrame) -> pd.DataFrame:
    """Attach ``duplicate_group`` / ``duplicate_group_size`` (empty when no near-duplicate)."""
    from analysis.corpus.duplicates import near_duplicate_groups

    analysable = responses[responses["status"].isin(ANALYSABLE_STATUSES)]
    groups = near_duplicate_groups(analysable[["response_id", "text"]])
    out = responses.merge(groups[["response_id", "duplicate_group", "duplicate_group_size"]],
                          on="response_id", how="left")
    out["duplicate_group"] = out["duplicate_group"].astype("string")
    out["duplicate_group_size"] = out["duplicate_group_size"].astype("Int64")
    return out


def ingest(
    source: str | Path,
    *,
    language: str = "da",
    hearing: str = "",
    manifest: str | Path | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    meta_cols: dict[str, str] | None = None,
    redact: bool = True,
    keep_office_holders: bool = False,
    detect_duplicates: bool = True,
    strict: bool = False,
    max_mb: float = 50,
    max_chars: int = DEFAULT_MAX_CHARS,
    keep_moderated: bool = False,
    keep_file_names: bool = False,
    sheets: str | list[str] = "all",
    workers: int | str = "auto",
) -> IngestResult:
    """Read a folder of documents or a response table into the contract's tables.

    Parameters
    ----------
    source : folder (txt/md/pdf/docx + optional manifest.csv; subfolders too) or table (csv/tsv/jsonl/json/xlsx)
    language : default language of the responses (``da``, ``en``, ``de``)
    text_col, id_col, meta_cols : column mapping for tables (platform exports are detected)
    redact : replace e-mails, phone and CPR numbers, addresses and names (on by default); a name
        found in one response is also replaced wherever it recurs in the others
    strict : raise :class:`IngestError` if any input had a problem
    max_mb, max_chars : largest file on disk (MB) and largest text after reading (characters);
        larger inputs are reported as ``too_large`` and not analysed
    sheets : ``"all"`` sheets of a workbook, or a list of sheet names
    keep_moderated : keep comments a platform's moderators rejected (Polis ``moderated = -1``)
    keep_file_names : show file names in ids and ``source`` even when they look like personal
        data (by default such a name is replaced by a neutral id, ``f-`` and a hash)
    workers : processes that clean, redact and segment (``"auto"``: every core, for inputs large
        enough to gain; see :mod:`analysis.corpus.workers`); the tables do not depend on it

    Examples
    --------
    >>> r = ingest("data/raw/udsatte-byomraader-2025")  # doctest: +SKIP
    >>> (r.responses.text.str.slice(0, 0) == "").all()  # doctest: +SKIP
    True
    """
    check_language(language)
    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise FileNotFoundError(f"{source}: no such file or folder. Give a folder of responses or a table.")
    max_bytes = int(max_mb * 1e6)
    if source.is_dir():
        items, report = _folder_items(source, Path(manifest) if manifest else None, max_bytes)
    elif source.suffix.lower() in TABLE_SUFFIXES:
        items, report = _table_items(source, text_col, id_col, meta_cols, keep_moderated, sheets)
    elif source.suffix.lower() in DOCUMENT_SUFFIXES:
        items, report = _folder_items(source.parent, Path(manifest) if manifest else None, max_bytes,
                                      only=source)
    else:
        raise ValueError(f"{source}: not a folder, a table ({sorted(TABLE_SUFFIXES)}) or a document "
                         f"({sorted(DOCUMENT_SUFFIXES)}).")
    for item in items:
        if item.from_file_name:
            item.response_id = Path(item.source).stem
    _dedupe_ids(items)
    rows, page_starts, redactions, names = [], {}, [], []
    forget_copies()  # the registry may have changed since the last ingest

    def process_one(item: Item) -> tuple:
        row, starts, counts, found = process(item, language, hearing or source.stem, redact, keep_office_holders,
                                             max_chars=max_chars)
        return item.status, item.reasons, row, starts, counts, found

    for item, (status, reasons, row, starts, counts, found) in zip(items, map_in_order(process_one, items, workers)):
        item.status, item.reasons = status, reasons  # what process flagged, also when a worker did it
        rows.append((item, row, starts, counts))
        names.extend(found)
    if redact and names:
        _redact_recurring(rows, names)
    if not keep_file_names:
        _mask_file_names(items, rows, report, language, names)
    for item, row, starts, counts in rows:
        row["status"] = item.status
        page_starts[row["response_id"]] = starts
        for kind, n in sorted(counts.items()):
            if n:
                redactions.append({"response_id": row["response_id"], "kind": kind, "count": int(n)})
        report.append({"source": row["source"], "status": item.status,
                       "reason": "; ".join(item.reasons) if item.reasons else "read, cleaned and segmented"})
    responses = pd.DataFrame([r for _, r, _, _ in rows], columns=RESPONSE_COLUMNS[:-2])
    responses = responses.astype({c: "string" for c in RESPONSE_COLUMNS[:-4] if c != "n_chars"} | {"n_chars": "int64"})
    responses["status"] = responses["status"].astype("string")
    if detect_duplicates and len(responses):
        responses = _add_duplicate_groups(responses)
    else:
        responses["duplicate_group"] = pd.Series(pd.NA, index=responses.index, dtype="string")
        responses["duplicate_group_size"] = pd.Series(pd.NA, index=responses.index, dtype="Int64")
    analysable = responses[responses["status"].isin(ANALYSABLE_STATUSES)]
    segments = _segments(analysable, page_starts, workers)
    ingest_report = pd.DataFrame(report, columns=["source", "status", "reason"]).astype("string")
    redaction_report = pd.DataFrame(redactions, columns=["response_id", "kind", "count"])
    result = IngestResult(responses, segments, ingest_report, redaction_report, page_starts)
    if strict and len(result.problems):
        raise IngestError(
            f"{len(result.problems)} input(s) had problems (strict mode):\n"
            + "\n".join(f"  {s}: {st}: {r}" for s, st, r in result.problems.itertuples(index=False)),
            ingest_report,
        )
    return result


def _segments(analysable: pd.DataFrame, page_starts: dict, workers: int | str) -> pd.DataFrame:
    """:func:`segment_responses` of ``analysable``, in contiguous slices on several cores when
    there are enough responses (the slices' tables concatenated are the one table)."""
    n = worker_count(workers, len(analysable))
    if n == 1:
        return segment_responses(analysable, page_starts)
    parts = map_in_order(lambda b: segment_responses(analysable.iloc[b[0]:b[1]], page_starts),
                         chunks(len(analysable), n * CHUNKS_PER_WORKER), n, min_per_worker=1)
    return pd.concat(parts, ignore_index=True)


def _redact_recurring(rows: list, names: list[str]) -> None:
    """Redact every recurrence of a name found in any response (in place)."""
    texts = {k: row["text"] for k, (_, row, _, _) in enumerate(rows)}
    languages = {row["language"] for _, row, _, _ in rows}
    new, counts = redact_recurring_names(texts, names, languages)
    for k, (_, row, _, n) in enumerate(rows):
        if counts[k]:
            row["text"], row["n_chars"] = new[k], len(new[k])
            n["name"] = n.get("name", 0) + counts[k]


def _mask_file_names(items: list[Item], rows: list, report: list[dict], language: str, names: list[str]) -> None:
    """Replace file names that may hold personal data by neutral ids, everywhere they appear."""
    keys = {row["source"].split("#", 1)[0] for _, row, _, _ in rows} | {r["source"].split("#", 1)[0] for r in report}
    masked = {k: mask_file_name(k) for k in sorted(keys) if k and not file_name_is_safe(k, language, names)}
    if not masked:
        return

    def scrub(text: str) -> str:
        for key, new in masked.items():
            base = Path(key).name
            text = text.replace(key, new).replace(base, new)
            stem = Path(key).stem
            if len(stem) >= 3:
                text = text.replace(stem, Path(new).stem)
        return text

    for r in report:
        r["source"], r["reason"] = scrub(r["source"]), scrub(r["reason"])
    for item, row, _, _ in rows:
        key = row["source"].split("#", 1)[0]
        if key in masked and item.from_file_name:
            row["response_id"] = neutral_id(key) + row["response_id"][len(Path(key).stem):]
        row["source"], row["respondent"] = scrub(row["source"]), scrub(row["respondent"])
        item.reasons = [scrub(x) for x in item.reasons]


def write_ingest(result: IngestResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the ingest tables to ``out_dir`` (parquet, plus CSV for people)."""
    from analysis.tables import write_table

    out = Path(out_dir)
    paths = {
        "responses": write_table(result.responses, out, "responses"),
        "segments": write_table(result.segments, out, "segments"),
        "redaction_report": write_table(result.redaction_report, out, "redaction_report"),
    }
    paths["ingest_report"] = write_table(result.ingest_report, out, "ingest_report", parquet=False)
    return paths


def _input_options(study) -> dict:
    """``keep_moderated`` and ``sheets`` from ``study.yaml`` (under ``input:`` or at the top)."""
    raw = dict(getattr(study, "raw", {}) or {})
    given = raw.get("input") if isinstance(raw.get("input"), dict) else {}
    options = {}
    for key, default in (("keep_moderated", False), ("sheets", "all")):
        value = given.get(key, raw.get(key, default))
        options[key] = value
    if not isinstance(options["keep_moderated"], bool):
        raise ValueError(f"{study.config_path}: input: keep_moderated must be true or false, not "
                         f"{options['keep_moderated']!r}.")
    sheets = options["sheets"]
    if sheets != "all" and not (isinstance(sheets, list) and all(isinstance(x, str) for x in sheets)):
        raise ValueError(f"{study.config_path}: input: sheets must be 'all' or a list of sheet names, not {sheets!r}.")
    return options


def ingest_study(study, **overrides) -> IngestResult:
    """Ingest a study as its ``study.yaml`` describes it (see :mod:`analysis.config`).

    A text column is passed on only when ``study.yaml`` names one, so that a
    platform export (Polis, Bliv Hørt, regulations.gov) is recognised by its
    columns exactly as on the command line.
    """
    redact_cfg = dict(study.redact)
    raw = dict(getattr(study, "raw", {}) or {})
    explicit_text_col = raw.get("text_col") if "text_col" in raw else None
    kwargs = dict(
        language=study.language, hearing=study.hearing, manifest=study.manifest,
        text_col=explicit_text_col if study.input.is_file() else None, id_col=study.id_col,
        meta_cols=study.meta_cols or None, redact=bool(redact_cfg.get("enabled", True)),
        keep_office_holders=bool(redact_cfg.get("keep_office_holders", False)),
        **_input_options(study),
    )
    kwargs.update(overrides)
    if not study.input.exists():
        raise FileNotFoundError(
            f"Study {study.name!r}: its input {study.input} does not exist. "
            f"Check 'input' in {study.config_path}; the reference corpora live in ../shared/data beside the project."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        return ingest(study.input, **kwargs)
