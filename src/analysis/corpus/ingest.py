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

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.corpus.cleaning import clean_text
from analysis.corpus.readers import DOCUMENT_SUFFIXES, Document, ReadError, read_document
from analysis.corpus.readers.tables import TABLE_SUFFIXES, TableRow, read_table_rows
from analysis.corpus.respondents import infer_respondent_type, normalise_respondent_type
from analysis.corpus.segment import segment_responses
from analysis.languages import language_codes
from analysis.text import check_language

__all__ = ["IngestResult", "IngestError", "ingest", "write_ingest", "classify_attachment_only",
           "ANALYSABLE_STATUSES"]

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ["response_id", "file", "respondent", "respondent_type", "hearing", "language", "date"]
# Responses with these statuses are segmented and analysed.
ANALYSABLE_STATUSES = ("ok", "warning")
# Export limits known to cut texts: a text of exactly this length was probably truncated.
KNOWN_EXPORT_LIMITS = (8000, 32767)
# Files in a study folder that are configuration, not responses.
_NOT_RESPONSES = re.compile(r"^(readme|manifest|study|goals|codebook|theme_labels)\b", re.IGNORECASE)

_ATTACHMENT_CUE = re.compile(
    r"vedhæft|vedlag|vedlægg|bilag|\battach|\benclosed|\banbei\b|\banhang|\banlage|"
    r"hermed\s+(?:fremsendes\s+)?(?:mit\s+|vores\s+)?høringssvar|høringssvar(?:et)?\s+fra\b",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"^(?:kære\b.*|til\s+.*(?:kommune|udvalg|borgerrepræsentation).*|"
    r"(?:med\s+)?venlig(?:st)?\s+hilsen.*|mvh\.?.*|hilsen.*|dear\b.*|regards.*|"
    r"mit freundlichen grüßen.*|\[NAVN\].*|høringssvar(?:et)?\s+(?:er\s+)?vedtaget.*)$",
    re.IGNORECASE,
)


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
        """Rows of ``ingest_report`` whose status is not ``ok``."""
        return self.ingest_report[self.ingest_report["status"] != "ok"]


@dataclass
class _Item:
    """One response on its way through ingest."""

    source: str
    response_id: str
    meta: dict[str, str]
    document: Document | None = None
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)

    def flag(self, status: str, reason: str) -> None:
        # A failure status outranks "warning", which outranks "ok".
        if status != "warning" or self.status == "ok":
            self.status = status
        self.reasons.append(reason)


def classify_attachment_only(text: str) -> bool:
    """True when a response only says that the real answer is in an attachment.

    >>> classify_attachment_only("Se vedhæftet høringssvar.")
    True
    >>> classify_attachment_only("Mit høringssvar er vedhæftet. Hovedpunkterne er: mere cykelsti og "
    ...                          "et gennemsigtigt CO2-regnskab for biomasse i fjernvarmen.")
    False
    """
    if not text or not _ATTACHMENT_CUE.search(text):
        return False
    rest = []
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            if sentence and not _ATTACHMENT_CUE.search(sentence) and not _SALUTATION.match(sentence):
                rest.append(sentence)
    return len(" ".join(rest)) < 40


# --------------------------------------------------------------------------- inputs
def _read_manifest(path: Path) -> tuple[pd.DataFrame | None, list[dict]]:
    """Read ``manifest.csv``; return it (or ``None``) and report rows for its problems."""
    try:
        manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # unreadable CSV: ingest the folder without it, loudly
        return None, [{"source": path.name, "status": "warning",
                       "reason": f"{path.name}: could not be read ({exc}); the folder is ingested without "
                                 "it. Fix the CSV (comma-separated, UTF-8, a header row)."}]
    missing = [c for c in ("file",) if c not in manifest.columns]
    if missing:
        return None, [{"source": path.name, "status": "warning",
                       "reason": f"{path.name}: has no {missing} column (columns: {list(manifest.columns)}); "
                                 f"expected {MANIFEST_COLUMNS}. The folder is ingested without it."}]
    return manifest, []


def _folder_items(folder: Path, manifest_path: Path | None, max_bytes: int,
                  only: Path | None = None) -> tuple[list[_Item], list[dict]]:
    """One item per document file, matched with its manifest row (``only``: just that file)."""
    report: list[dict] = []
    manifest_path = manifest_path or (folder / MANIFEST_NAME)
    manifest = None
    if manifest_path.is_file():
        manifest, report = _read_manifest(manifest_path)
    files = [only] if only else sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    skipped = [p for p in files if p.suffix.lower() not in DOCUMENT_SUFFIXES or _NOT_RESPONSES.match(p.name)]
    for p in skipped:
        if p.resolve() == manifest_path.resolve() or p.suffix.lower() in (".yaml", ".yml"):
            continue  # the manifest and the study's own configuration
        report.append({"source": p.name, "status": "skipped",
                       "reason": f"{p.name}: not a response document ({p.suffix or 'no extension'}); "
                                 f"responses must be one of {sorted(DOCUMENT_SUFFIXES)}."})
    documents = [p for p in files if p not in skipped]
    items: list[_Item] = []
    listed: dict[str, dict] = {}
    if manifest is not None:
        for i, row in enumerate(manifest.to_dict("records"), start=2):
            name = str(row.get("file", "")).strip()
            if only and name != only.name:
                continue
            if not name:
                report.append({"source": f"{manifest_path.name}#line={i}", "status": "missing_file",
                               "reason": f"{manifest_path.name} line {i}: no file named; fill in the 'file' column."})
                continue
            if not (folder / name).is_file():
                report.append({"source": name, "status": "missing_file",
                               "reason": f"{manifest_path.name} line {i} names {name!r}, which is not in {folder}. "
                                         "Add the file or remove the row."})
                continue
            listed[name] = row
    for path in documents:
        row = listed.get(path.name)
        meta = {k: str(v) for k, v in (row or {}).items() if k not in ("file", "response_id") and str(v).strip()}
        rid = str((row or {}).get("response_id") or "").strip() or path.stem
        item = _Item(path.name, rid, meta)
        if manifest is not None and row is None:
            item.flag("warning", f"{path.name}: no row in {manifest_path.name}; respondent and type were "
                                 "inferred from the text. Add a manifest row to set them.")
        try:
            item.document = read_document(path, max_bytes=max_bytes)
        except ReadError as exc:
            item.flag(exc.status, exc.reason)
        except Exception as exc:  # a reader bug must not stop the other files
            item.flag("unreadable", f"{path.name}: could not be read ({type(exc).__name__}: {exc}).")
        items.append(item)
    return items, report


def _table_items(path: Path, text_col: str | None, id_col: str | None,
                 meta_cols: dict[str, str] | None) -> tuple[list[_Item], list[dict]]:
    rows, file_warnings = read_table_rows(path, text_col=text_col, id_col=id_col, meta_cols=meta_cols)
    items = []
    for row in rows:
        item = _Item(row.source, row.response_id or row.source, dict(row.meta))
        if row.status != "ok":
            item.flag(row.status, row.reason)
        else:
            item.document = Document(text=row.text)
        for w in file_warnings:
            item.flag("warning", w)
        items.append(item)
    return items, []


def _dedupe_ids(items: list[_Item]) -> None:
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


# --------------------------------------------------------------------------- processing
def _redact(text: str, language: str, keep_office_holders: bool) -> tuple[str, dict[str, int]]:
    from analysis.corpus.redact import redact_text

    return redact_text(text, language=language, keep_office_holders=keep_office_holders)


def _process(item: _Item, language: str, hearing: str, redact: bool, keep_office_holders: bool) -> tuple[dict, list[int | None], dict[str, int]]:
    """Clean, redact and describe one item; return its responses row, page starts, redactions."""
    lang = item.meta.get("language") or language
    if lang not in language_codes():
        item.flag("warning", f"{item.source}: language {lang!r} is not supported; analysed as {language!r}.")
        lang = language
    text, page_starts, counts = "", [], {}
    doc = item.document
    if doc is not None:
        for w in doc.warnings:
            item.flag("warning", w)
        cleaned = clean_text(doc.text if doc.pages is None else None, pages=doc.pages, language=lang)
        text, page_starts = cleaned.text, cleaned.page_starts
        if redact and text:
            text, counts = _redact(text, lang, keep_office_holders)
        if not text.strip():
            item.flag("empty", f"{item.source}: no text after cleaning. Check that the file or cell holds the "
                               "response; an empty answer is kept as an empty response.")
        elif classify_attachment_only(text):
            item.flag("attachment_only", f"{item.source}: only says the answer is in an attachment that is not "
                                         "in the input. Add the attachment as its own file to analyse it.")
        elif len(text) in KNOWN_EXPORT_LIMITS or (doc.text and len(doc.text) in KNOWN_EXPORT_LIMITS):
            item.flag("warning", f"{item.source}: exactly {len(doc.text):,} characters, a known export limit; the "
                                 "text was probably cut off. Get the full text from the platform if you can.")
    manifest_type = normalise_respondent_type(item.meta.get("respondent_type"))
    platform_type = normalise_respondent_type(item.meta.get("platform_type"))
    inferred, org_name, rule = infer_respondent_type(text, item.meta.get("respondent", ""))
    if manifest_type:
        rtype, source = manifest_type, "manifest"
    elif platform_type:  # a platform category we can map ("Organization", "Individual")
        rtype, source = platform_type, f"platform category {item.meta['platform_type']!r}"
    else:
        rtype, source = inferred, f"inferred: {rule}"
        if item.status in ("attachment_only", "empty") and rule.startswith(("writes in", "names no", "too little")):
            rtype, source = "unknown", "inferred: too little text to tell who answered"
        given = item.meta.get("respondent_type") or item.meta.get("platform_type")
        if given:
            source += f" (the source said {given!r}, which is not used)"
    respondent = item.meta.get("respondent") or org_name or f"{rtype.replace('_', ' ')} {item.response_id}"
    row = {
        "response_id": item.response_id,
        "respondent": respondent,
        "respondent_type": rtype,
        "respondent_type_source": source,
        "hearing": item.meta.get("hearing") or hearing,
        "language": lang,
        "date": item.meta.get("date", ""),
        "source": item.source,
        "text": text,
        "n_chars": len(text),
        "status": item.status,
    }
    return row, page_starts, counts


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
) -> IngestResult:
    """Read a folder of documents or a response table into the contract's tables.

    Parameters
    ----------
    source : folder (txt/md/pdf/docx + optional manifest.csv) or table (csv/tsv/jsonl/xlsx)
    language : default language of the responses (``da``, ``en``, ``de``)
    text_col, id_col, meta_cols : column mapping for tables (platform exports are detected)
    redact : replace e-mails, phone and CPR numbers, addresses and names (on by default)
    strict : raise :class:`IngestError` if any input had a problem

    Examples
    --------
    >>> r = ingest("data/raw/udsatte-byomraader-2025")  # doctest: +SKIP
    >>> (r.responses.text.str.slice(0, 0) == "").all()  # doctest: +SKIP
    True
    """
    check_language(language)
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such file or folder. Give a folder of responses or a table.")
    if source.is_dir():
        items, report = _folder_items(source, Path(manifest) if manifest else None, int(max_mb * 1e6))
    elif source.suffix.lower() in TABLE_SUFFIXES:
        items, report = _table_items(source, text_col, id_col, meta_cols)
    elif source.suffix.lower() in DOCUMENT_SUFFIXES:
        items, report = _folder_items(source.parent, Path(manifest) if manifest else None, int(max_mb * 1e6),
                                      only=source)
    else:
        raise ValueError(f"{source}: not a folder, a table ({sorted(TABLE_SUFFIXES)}) or a document "
                         f"({sorted(DOCUMENT_SUFFIXES)}).")
    _dedupe_ids(items)
    rows, page_starts, redactions = [], {}, []
    for item in items:
        row, starts, counts = _process(item, language, hearing or source.stem, redact, keep_office_holders)
        rows.append(row)
        page_starts[row["response_id"]] = starts
        for kind, n in sorted(counts.items()):
            if n:
                redactions.append({"response_id": row["response_id"], "kind": kind, "count": int(n)})
        report.append({"source": item.source, "status": item.status,
                       "reason": "; ".join(item.reasons) if item.reasons else "read, cleaned and segmented"})
    responses = pd.DataFrame(rows, columns=RESPONSE_COLUMNS[:-2])
    responses = responses.astype({c: "string" for c in RESPONSE_COLUMNS[:-4] if c != "n_chars"} | {"n_chars": "int64"})
    responses["status"] = responses["status"].astype("string")
    if detect_duplicates and len(responses):
        responses = _add_duplicate_groups(responses)
    else:
        responses["duplicate_group"] = pd.Series(pd.NA, index=responses.index, dtype="string")
        responses["duplicate_group_size"] = pd.Series(pd.NA, index=responses.index, dtype="Int64")
    analysable = responses[responses["status"].isin(ANALYSABLE_STATUSES)]
    segments = segment_responses(analysable, page_starts)
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


def write_ingest(result: IngestResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the ingest tables to ``out_dir`` (parquet, plus CSV for people)."""
    from analysis.tables import write_table

    out = Path(out_dir)
    paths = {
        "responses": write_table(result.responses, out, "responses"),
        "segments": write_table(result.segments, out, "segments"),
        "redaction_report": write_table(result.redaction_report, out, "redaction_report"),
    }
    out.mkdir(parents=True, exist_ok=True)
    report_path = out / "ingest_report.csv"
    result.ingest_report.to_csv(report_path, index=False, lineterminator="\n")
    paths["ingest_report"] = report_path
    return paths


def ingest_study(study, **overrides) -> IngestResult:
    """Ingest a study as its ``study.yaml`` describes it (see :mod:`analysis.config`)."""
    redact_cfg = dict(study.redact)
    kwargs = dict(
        language=study.language, hearing=study.hearing, manifest=study.manifest,
        text_col=study.text_col if study.input.is_file() else None, id_col=study.id_col,
        meta_cols=study.meta_cols or None, redact=bool(redact_cfg.get("enabled", True)),
        keep_office_holders=bool(redact_cfg.get("keep_office_holders", False)),
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
