"""Read a Word (.docx) file into a :class:`~analysis.corpus.readers.Document`.

Body paragraphs, tables, content controls (``w:sdt``), tracked insertions
(``w:ins``), text boxes (``w:txbxContent``) and field results come in document
order; tracked deletions and field codes do not. Each non-empty paragraph is
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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Parts of a run that are not the text a reader sees: deleted text, field codes, a
# text box's fallback copy (the same box again for old readers).
_SKIP = {W + "del", W + "instrText", W + "delText", MC + "Fallback", W + "moveFrom"}
# The uncompressed body larger than this is refused before parsing (a zip that expands).
MAX_BODY_BYTES = 200 * 1024 * 1024


def _paragraph_text(p, boxes: list) -> str:
    """Text of one ``w:p``: runs, insertions, hyperlinks, field results, content controls.

    Text boxes met on the way are appended to ``boxes`` (they become paragraphs of their own).
    """
    parts: list[str] = []

    def walk(el):
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "txbxContent":
                boxes.append(child)
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _cell_text(tc) -> str:
    parts = []
    for block in _blocks(tc):
        if block:
            parts.append(" ".join(x.strip() for x in block.splitlines() if x.strip()))
    return " ".join(parts)


def _rows(tbl):
    for el in tbl:
        if el.tag == W + "tr":
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _rows(el)


def _table_lines(tbl) -> list[str]:
    """One line per row, cells separated by ``" | "`` (a merged cell appears once)."""
    lines = []
    for tr in _rows(tbl):
        cells = [_cell_text(tc) for tc in _rows_cells(tr)]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _rows_cells(tr):
    for el in tr:
        if el.tag == W + "tc":
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _rows_cells(el)


def _blocks(container) -> list[str]:
    """Blocks of a body, cell or content control in document order (paragraphs, tables, boxes)."""
    out: list[str] = []
    for el in container:
        tag = el.tag
        if tag == W + "p":
            boxes: list = []
            text = _paragraph_text(el, boxes).strip()
            if text:
                out.append(text)
            for box in boxes:
                out.extend(_blocks(box))
        elif tag == W + "tbl":
            lines = _table_lines(el)
            if lines:
                out.append("\n".join(lines))
        elif tag in (W + "sdt", W + "sdtContent", W + "ins", W + "customXml", W + "smartTag"):
            out.extend(_blocks(el))
    return out


def read_docx(path: Path | str) -> Document:
    """Read a .docx body in document order: paragraphs, tables, content controls, text boxes.

    Tracked insertions count as text and tracked deletions do not (the document
    as it reads with the changes accepted); a field shows its result, not its
    code. Raises :class:`ReadError` with status ``unreadable`` when the file is
    not a .docx (an old .doc, a PDF or text renamed to .docx, a damaged file),
    and ``too_large`` when its body expands beyond :data:`MAX_BODY_BYTES`.

    >>> read_docx("svar.docx").text           # doctest: +SKIP
    'Vi støtter forslaget.\\n\\nEmne | Holdning\\nGrønne områder | for'
    """
    from lxml import etree

    path = Path(path)
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
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_BODY_BYTES:
                raise ReadError("too_large", f"{path.name}: its text expands to {info.file_size / 1e6:.0f} MB, more "
                                             f"than the {MAX_BODY_BYTES / 1e6:.0f} MB a response may hold; not read.")
            data = z.read(info)
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                             huge_tree=True))
    except ReadError:
        raise
    except Exception as e:  # KeyError (no document.xml), BadZipFile, XML errors …
        raise _unreadable(path, f"{type(e).__name__}: {e}") from e
    body = root.find(W + "body")
    if body is None:
        raise _unreadable(path, "it has no document body")
    blocks = _blocks(body)
    return Document(text="\n\n".join(blocks), encoding=None, warnings=[])


__all__ = ["read_docx", "CELL_SEPARATOR"]
