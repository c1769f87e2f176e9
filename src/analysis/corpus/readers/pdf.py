"""Read a PDF into a :class:`~analysis.corpus.readers.Document` with its page texts.

Text comes from the PDF's own text layer (pypdf). Repeated running headers and
footers ("Københavns Kommune – Høringssvar", "Side 3 af 7") are dropped, so that
they do not turn into themes; line breaks inside a page are kept as extracted
(cleaning rejoins hard-wrapped lines and hyphenation later).

Scanned pages have no text layer. When *every* page is like that the file gets
status ``needs_ocr``; when only some are, the document carries a warning per
page. OCR is optional: it is used only when ``pytesseract`` can be imported,
the ``tesseract`` program is on ``PATH`` and a page renderer (``pypdfium2`` or
the ``pdftoppm`` program) is present. Nothing is ever downloaded.

>>> doc = read_pdf("høringssvar.pdf")          # doctest: +SKIP
>>> len(doc.pages), doc.removed                 # doctest: +SKIP
(3, 6)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from analysis.corpus.readers import Document, ReadError

# How many non-empty lines at the top and at the bottom of a page are looked at
# for running headers, footers and page numbers.
EDGE_LINES = 3

_DASHES = "-–—‒"
_PAGE_NUMBER_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\d{1,4}",                                             # 3
        rf"[{_DASHES}]\s*\d{{1,4}}\s*[{_DASHES}]",              # - 3 -
        r"\d{1,4}\s*/\s*\d{1,4}",                               # 3/7
        r"\(?\s*\d{1,4}\s*\)?",                                 # (3)
        r"\d{1,4}\s+(?:af|of|von|aus)\s+\d{1,4}",               # 3 af 7
        r"(?:side|s\.|page|p\.|pg\.|seite|blatt)\s*\d{1,4}"     # Side 3, Page 3
        r"(?:\s*(?:af|of|von|aus|/)\s*\d{1,4})?",               # Side 3 af 7
        r"(?:side|page|seite)\s+[ivxlc]{1,6}",                  # page iv
    )
]


def is_page_number(line: str) -> bool:
    """True if ``line`` is only a page number ("3", "- 3 -", "Side 3 af 7", "3/7").

    >>> is_page_number("Side 3 af 7"), is_page_number("3 forslag")
    (True, False)
    """
    s = line.strip().strip(".")
    return bool(s) and any(r.fullmatch(s) for r in _PAGE_NUMBER_RES)


def _edge_key(line: str) -> str:
    """A line as compared across pages: verbatim (digits included), only spacing normalised."""
    return re.sub(r"\s+", " ", line.strip())


# A running line may differ from page to page only in its page number: "Rapport – side 3 af 7".
_NUMBERED_RUNNING = re.compile(
    r"(?:side|s\.|page|p\.|pg\.|seite|blatt)\s*\d{1,4}|\d{1,4}\s*(?:/|af|of|von|aus)\s*\d{1,4}", re.IGNORECASE)


def _masked_key(line: str) -> str | None:
    """The line with its page number masked, if it carries one in a page-number form, else ``None``."""
    s = _edge_key(line)
    return re.sub(r"\d+", "#", s) if _NUMBERED_RUNNING.search(s) else None


def _running(line: str, place: tuple, counts: Counter, need: int) -> bool:
    """Does ``line`` repeat at ``place`` on enough pages, and is it not a sentence?"""
    key = _edge_key(line)
    if re.search(r"[.!?]$", key) and len(key.split()) >= 4:
        return False  # "Svar: Jeg er enig i forslaget." repeated on each page is an answer
    masked = _masked_key(line)
    return counts[(place, "=", key)] >= need or (masked is not None and counts[(place, "#", masked)] >= need)


def _edge_indices(lines: list[str], n: int = EDGE_LINES) -> tuple[list[int], list[int]]:
    nonempty = [i for i, ln in enumerate(lines) if ln.strip()]
    return nonempty[:n], nonempty[-n:] if nonempty else []


def strip_running_lines(pages: list[str], edge_lines: int = EDGE_LINES) -> tuple[list[str], int]:
    """Drop repeated headers/footers and bare page numbers from page texts.

    A line counts as a running header (footer) when the same line, verbatim
    (digits included), stands at the same place among the first (last)
    ``edge_lines`` non-empty lines of more than half of the pages that have
    text (at least two pages). A line that differs only in a page number
    written as one ("side 3 af 7", "3/7", "Page 3") counts as the same line.
    Bare page numbers in those edge zones are dropped on any page. Repeated
    answers ("Svar: Jeg er enig i forslaget.") or numbered headings
    ("Bemærkning 1", "Bemærkning 2") are text and stay. Returns the new pages
    and the number of lines dropped.

    >>> pages = ["Rapport\\nTekst et\\n1", "Rapport\\nTekst to\\n2"]
    >>> strip_running_lines(pages)
    (['Tekst et', 'Tekst to'], 4)
    >>> strip_running_lines(["Bemærkning 1\\nJa.", "Bemærkning 2\\nNej."])[1]
    0
    >>> strip_running_lines(["Svar: Jeg er enig i forslaget.\\nOm " + x for x in ("skoler.", "veje.", "træer.")])[1]
    0
    """
    split = [p.splitlines() for p in pages]
    with_text = [ls for ls in split if any(x.strip() for x in ls)]
    need = max(2, len(with_text) // 2 + 1)
    counts: Counter[tuple] = Counter()
    edges = []
    for lines in split:
        head, tail = _edge_indices(lines, edge_lines)
        edges.append((head, tail))
        keys = set()
        for place, i in [(("top", j), i) for j, i in enumerate(head)] + \
                        [(("bottom", len(tail) - j), i) for j, i in enumerate(tail)]:
            keys.add((place, "=", _edge_key(lines[i])))
            masked = _masked_key(lines[i])
            if masked:
                keys.add((place, "#", masked))
        counts.update(keys)
    out, removed = [], 0
    for lines, (head, tail) in zip(split, edges):
        drop = set()
        # Running lines sit at the edge: stop at the first line that is text.
        for zone in ([(("top", j), i) for j, i in enumerate(head)],
                     [(("bottom", len(tail) - j), i) for j, i in reversed(list(enumerate(tail)))]):
            for place, i in zone:
                if not (is_page_number(lines[i]) or (len(with_text) >= 2 and _running(lines[i], place, counts, need))):
                    break
                drop.add(i)
        removed += len(drop)
        kept = [ln.rstrip() for i, ln in enumerate(lines) if i not in drop]
        out.append("\n".join(kept).strip("\n"))
    return out, removed


def _unreadable(path: Path, why: str) -> ReadError:
    return ReadError(
        "unreadable",
        f"{path.name}: is not a readable PDF ({why}). Check that it is really a PDF, "
        "re-export it, or remove it.",
    )


def _open(path: Path):
    import pypdf
    from pypdf.errors import DependencyError

    try:
        head = path.read_bytes()[:1024]
    except OSError as e:
        raise ReadError("unreadable", f"{path.name}: cannot be opened ({e.strerror or e}).") from e
    if not head:
        raise _unreadable(path, "the file is empty")
    if b"%PDF-" not in head:
        raise _unreadable(path, "it does not start with a PDF header")
    try:
        reader = pypdf.PdfReader(str(path))
    except Exception as e:  # pypdf raises many kinds on damaged files
        raise _unreadable(path, f"{type(e).__name__}: {e}") from e
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except DependencyError as e:
            raise ReadError(
                "encrypted",
                f"{path.name}: is encrypted with AES, which needs the 'cryptography' package "
                "to open even without a password; remove the password and re-export it, "
                "or install 'cryptography'.",
            ) from e
        except Exception as e:
            raise ReadError(
                "encrypted",
                f"{path.name}: is encrypted and could not be decrypted ({e}); "
                "remove the password and re-export it.",
            ) from e
        if not ok:
            raise ReadError(
                "encrypted",
                f"{path.name}: is protected by a password; remove the password and "
                "re-export it (e.g. print to PDF), then ingest again.",
            )
    try:
        n = len(reader.pages)
    except Exception as e:
        raise _unreadable(path, f"its page tree is damaged: {e}") from e
    if n == 0:
        raise _unreadable(path, "it has no pages")
    return reader


def _ocr_engine():
    """Return a function ``(path, page_index) -> str`` when OCR is possible, else None."""
    try:
        import pytesseract  # noqa: F401
    except Exception:
        return None
    if shutil.which("tesseract") is None:
        return None
    try:
        import pypdfium2  # noqa: F401

        renderer = "pdfium"
    except Exception:
        renderer = "pdftoppm" if shutil.which("pdftoppm") else None
    if renderer is None:
        return None

    def ocr(path: Path, index: int) -> str:
        import pytesseract
        from PIL import Image

        try:
            langs = set(pytesseract.get_languages(config=""))
        except Exception:
            langs = set()
        lang = "+".join(x for x in ("dan", "eng", "deu") if x in langs) or None
        if renderer == "pdfium":
            import pypdfium2

            pdf = pypdfium2.PdfDocument(str(path))
            image = pdf[index].render(scale=300 / 72).to_pil()
            return pytesseract.image_to_string(image, lang=lang)
        with tempfile.TemporaryDirectory() as tmp:
            stem = Path(tmp) / "page"
            subprocess.run(
                ["pdftoppm", "-r", "300", "-png", "-singlefile",
                 "-f", str(index + 1), "-l", str(index + 1), str(path), str(stem)],
                check=True, capture_output=True, timeout=120,
            )
            with Image.open(f"{stem}.png") as image:
                return pytesseract.image_to_string(image, lang=lang)

    return ocr


def read_pdf(path: Path | str) -> Document:
    """Read the text layer of a PDF, one entry of ``pages`` per page.

    Raises :class:`ReadError` with status ``unreadable`` (not a PDF, damaged),
    ``encrypted`` (password needed) or ``needs_ocr`` (no page has a text layer
    and OCR is not available).

    >>> doc = read_pdf("svar.pdf")                 # doctest: +SKIP
    >>> doc.text == "\\n\\n".join(doc.pages)        # doctest: +SKIP
    True
    """
    path = Path(path)
    reader = _open(path)
    raw: list[str] = []
    warnings: list[str] = []
    failed: list[int] = []
    for i, page in enumerate(reader.pages):
        try:
            raw.append(page.extract_text() or "")
        except Exception as e:
            raw.append("")
            failed.append(i + 1)
            warnings.append(f"{path.name}: page {i + 1} could not be read ({type(e).__name__}); its text is missing.")
    if failed and len(failed) == len(raw):
        raise _unreadable(path, "no page could be read")

    empty = [i for i, t in enumerate(raw) if not t.strip() and (i + 1) not in failed]
    if empty:
        ocr = _ocr_engine()
        if ocr is not None:
            for i in list(empty):
                try:
                    text = ocr(path, i)
                except Exception:
                    continue
                if text.strip():
                    raw[i] = text
                    empty.remove(i)
                    warnings.append(f"{path.name}: page {i + 1} was read with OCR; check its text.")
    if len(empty) + len(failed) == len(raw):
        raise ReadError(
            "needs_ocr",
            f"{path.name}: has no text layer (scanned image); it needs OCR: install the "
            "[ocr] extra and tesseract, or supply a text version",
        )
    if empty:
        listed = ", ".join(str(i + 1) for i in empty)
        warnings.append(
            f"{path.name}: page{'s' if len(empty) > 1 else ''} {listed} of {len(raw)} "
            "ha{} no text layer (scanned image); that text is missing. Supply a text "
            "version or install the [ocr] extra and tesseract.".format("ve" if len(empty) > 1 else "s")
        )
    pages, removed = strip_running_lines(raw)
    return Document(text="\n\n".join(pages), pages=pages, warnings=warnings, removed=removed)


__all__ = ["read_pdf", "strip_running_lines", "is_page_number"]
