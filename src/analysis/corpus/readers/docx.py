"""Read a Word (.docx) file into a :class:`~analysis.corpus.readers.Document`.

Body paragraphs and tables come in document order. Each non-empty paragraph is
one paragraph of the output (paragraphs are separated by a blank line, so later
cleaning does not mistake them for hard-wrapped lines); a table becomes one
block with one line per row and the cells separated by ``" | "``. Page headers
and footers (letterheads, page numbers) are not part of the body and are left
out. Text is kept exactly as written (æ, ø, å included).

>>> doc = read_docx("høringssvar.docx")   # doctest: +SKIP
>>> doc.text.splitlines()[0]              # doctest: +SKIP
'Høringssvar fra Valby Lokaludvalg'
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from analysis.corpus.readers import Document, ReadError

CELL_SEPARATOR = " | "


def _unreadable(path: Path, why: str) -> ReadError:
    return ReadError(
        "unreadable",
        f"{path.name}: is not a readable Word .docx file ({why}). Open it in Word or "
        "LibreOffice and save it as .docx (or as PDF/text), or remove it.",
    )


def _cell_text(cell) -> str:
    """Text of one table cell: its paragraphs (and nested tables) on one line."""
    parts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
    for inner in cell.tables:
        parts.extend(_table_lines(inner))
    return " ".join(parts)


def _table_lines(table) -> list[str]:
    """One line per row; merged cells (the same cell repeated) appear once."""
    lines = []
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                continue
            seen.add(key)
            cells.append(_cell_text(cell))
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def read_docx(path: Path | str) -> Document:
    """Read paragraphs and tables of a .docx in document order.

    Raises :class:`ReadError` with status ``unreadable`` when the file is not a
    .docx (an old .doc, a PDF or text renamed to .docx, a damaged file).

    >>> read_docx("svar.docx").text           # doctest: +SKIP
    'Vi støtter forslaget.\\n\\nEmne | Holdning\\nGrønne områder | for'
    """
    path = Path(path)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - python-docx is a core dependency
        raise ReadError("unreadable", f"{path.name}: python-docx is not installed; install the package.") from e
    try:
        head = path.read_bytes()[:8]
    except OSError as e:
        raise ReadError("unreadable", f"{path.name}: cannot be opened ({e.strerror or e}).") from e
    if not head:
        raise _unreadable(path, "the file is empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unreadable(path, "it is an old binary Word .doc file")
    if not zipfile.is_zipfile(path):
        raise _unreadable(path, "it is not a zip package, as every .docx is")
    try:
        document = docx.Document(str(path))
    except Exception as e:  # PackageNotFoundError, KeyError, BadZipFile, XML errors …
        raise _unreadable(path, f"{type(e).__name__}: {e}") from e

    blocks: list[str] = []
    warnings: list[str] = []
    n_tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(text)
        elif isinstance(item, Table):
            n_tables += 1
            try:
                lines = _table_lines(item)
            except Exception as e:
                warnings.append(f"{path.name}: table {n_tables} could not be read ({type(e).__name__}); it is left out.")
                continue
            if lines:
                blocks.append("\n".join(lines))
    return Document(text="\n\n".join(blocks), encoding=None, warnings=warnings)


__all__ = ["read_docx", "CELL_SEPARATOR"]
