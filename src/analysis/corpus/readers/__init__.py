"""Readers turn one input file into a :class:`Document` (raw text, pages, warnings).

Each reader raises :class:`ReadError` with a status and a message that names the
file, says what is wrong and what to do. :func:`read_document` picks the reader
by file extension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Document:
    """What a reader extracted from one file.

    ``pages`` is set for paged formats (PDF): the text of each page after
    repeated headers, footers and page numbers were removed; ``text`` is then
    the pages joined by blank lines. ``removed`` counts lines dropped that way.
    """

    text: str
    pages: list[str] | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    removed: int = 0


class ReadError(Exception):
    """A file could not be read. ``status`` goes to ingest_report (e.g. ``unreadable``)."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


TEXT_SUFFIXES = {".txt", ".md", ".text"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES


DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one txt/md/pdf/docx file; raise :class:`ReadError` when it cannot be read.

    Files larger than ``max_bytes`` are refused with status ``too_large``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(
            "too_large",
            f"{path.name}: {size / 1e6:.1f} MB is more than the {max_bytes / 1e6:.0f} MB limit for one "
            "response. Split it into one file per response, or raise the limit (--max-mb).",
        )
    if suffix in TEXT_SUFFIXES:
        from analysis.corpus.readers.plaintext import read_text_file

        return read_text_file(path)
    if suffix in PDF_SUFFIXES:
        from analysis.corpus.readers.pdf import read_pdf

        return read_pdf(path)
    if suffix in DOCX_SUFFIXES:
        from analysis.corpus.readers.docx import read_docx

        return read_docx(path)
    raise ReadError(
        "unsupported",
        f"{path.name}: files ending in {suffix or '(no extension)'} are not read; "
        f"convert it to one of {sorted(DOCUMENT_SUFFIXES)} or remove it from the folder.",
    )
