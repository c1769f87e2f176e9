"""PDF reader: page texts, running headers/footers, errors (fixtures made here)."""

from __future__ import annotations

import pytest

from analysis.corpus.readers import ReadError, read_document
from analysis.corpus.readers import pdf as pdf_reader
from analysis.corpus.readers.pdf import is_page_number, read_pdf, strip_running_lines

fpdf = pytest.importorskip("fpdf", reason="fpdf2 (dev extra) writes the PDF fixtures")

HEADER = "Københavns Kommune – Høringssvar"

PAGES = [
    [
        "Høringssvar fra Valby Lokaludvalg om grønne områder",
        "Vi støtter målet om flere grønne områder i Sydhavnen og på Nørrebro, og vi",
        "ønsker, at de udsatte byområder prioriteres i den kommende handle-",
        "plan for perioden 2025-2035.",
    ],
    [
        "Trafiksikkerhed ved skolerne i Valby",
        "Børn og unge skal kunne cykle trygt. Vi foreslår lavere hastighed på",
        "Toftegårds Allé og bedre belysning af stierne ved Ålholm Skole.",
    ],
    [
        "Økonomi og prioritering",
        "Æblehaver, fælleshuse og mødesteder for ældre bør ikke spares væk.",
        "Vi ser frem til dialogen om handleplanen.",
    ],
    [
        "Afslutning",
        "Lokaludvalget takker for muligheden for at afgive høringssvar.",
    ],
]


class _Letter(fpdf.FPDF):
    def header(self):
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, HEADER, new_x="LMARGIN", new_y="NEXT")

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"Side {self.page_no()} af {{nb}}", align="C")


def _new(cls=fpdf.FPDF):
    pdf = cls()
    pdf.core_fonts_encoding = "cp1252"  # core fonts then cover æ, ø, å and the en dash
    pdf.set_font("Helvetica", size=11)
    return pdf


def _write_pages(pdf, pages):
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")


@pytest.fixture
def letter_pdf(tmp_path):
    pdf = _new(_Letter)
    _write_pages(pdf, PAGES)
    path = tmp_path / "høringssvar.pdf"
    pdf.output(str(path))
    return path


def test_pages_text_and_running_lines_removed(letter_pdf):
    doc = read_pdf(letter_pdf)
    assert len(doc.pages) == len(PAGES)
    assert doc.text == "\n\n".join(doc.pages)
    assert HEADER not in doc.text
    assert "Side " not in doc.text
    # header + footer on each of the four pages
    assert doc.removed == 2 * len(PAGES)
    for page, lines in zip(doc.pages, PAGES):
        assert page.splitlines() == lines  # line breaks kept, hyphenation untouched
    assert "handle-\nplan" in doc.text
    assert "æ" in doc.text and "ø" in doc.text and "å" in doc.text and "Å" in doc.text
    assert doc.warnings == []


def test_read_document_dispatches_to_pdf(letter_pdf):
    assert read_document(letter_pdf).pages == read_pdf(letter_pdf).pages


def test_single_page_keeps_content_but_drops_page_number(tmp_path):
    pdf = _new()
    pdf.add_page()
    for line in ["Kort høringssvar om støj.", "Vi ønsker færre biler.", "- 1 -"]:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "kort.pdf"
    pdf.output(str(path))
    doc = read_pdf(path)
    assert doc.pages == ["Kort høringssvar om støj.\nVi ønsker færre biler."]
    assert doc.removed == 1


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "– 12 –", "3/7", "Side 3 af 7", "side 3", "Page 3", "Page 3 of 9", "Seite 2 von 5", "(4)"]
)
def test_page_number_forms(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["3 forslag til handleplanen", "2025-2035", "Side om side", "§ 3", "30 %"])
def test_not_page_numbers(line):
    assert not is_page_number(line)


def test_header_with_changing_digits_is_removed_but_body_stays():
    bodies = ["Grønne områder.", "Trafik og støj.", "Boliger til alle.", "Økonomi.", "Tryghed i gaderne."]
    pages = [f"Høringssvar 2025 · side {i}\n{body}\nMere om {body.lower()}" for i, body in enumerate(bodies, 1)]
    out, removed = strip_running_lines(pages)
    assert removed == 5
    assert [p.splitlines()[0] for p in out] == bodies


def test_line_on_only_some_pages_is_kept():
    pages = ["Indledning\nA", "Indledning\nB", "Forslag\nC", "Ønsker\nD", "Afslutning\nE"]
    out, removed = strip_running_lines(pages)
    assert removed == 0 and out == pages


def test_encrypted_pdf(tmp_path):
    pdf = _new()
    _write_pages(pdf, PAGES[:1])
    pdf.set_encryption(owner_password="ejer", user_password="hemmelig")
    path = tmp_path / "låst.pdf"
    pdf.output(str(path))
    with pytest.raises(ReadError) as err:
        read_pdf(path)
    assert err.value.status == "encrypted"
    assert "låst.pdf" in err.value.reason and "remove the password" in err.value.reason


def test_owner_password_only_opens_with_empty_password(tmp_path):
    pdf = _new()
    _write_pages(pdf, PAGES[:1])
    pdf.set_encryption(owner_password="ejer")  # RC4; anyone may open it
    path = tmp_path / "rettigheder.pdf"
    pdf.output(str(path))
    doc = read_pdf(path)
    assert "Valby Lokaludvalg" in doc.text


def _image_page(pdf):
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 120, 60, style="F")
    pdf.line(20, 100, 180, 140)


def test_image_only_pdf_needs_ocr(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "_ocr_engine", lambda: None)
    pdf = _new()
    _image_page(pdf)
    _image_page(pdf)
    path = tmp_path / "scannet.pdf"
    pdf.output(str(path))
    with pytest.raises(ReadError) as err:
        read_pdf(path)
    assert err.value.status == "needs_ocr"
    assert err.value.reason.startswith("scannet.pdf: has no text layer")
    assert "OCR" in err.value.reason


def test_some_pages_image_only_warns(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "_ocr_engine", lambda: None)
    pdf = _new()
    _write_pages(pdf, PAGES[:1])
    _image_page(pdf)
    _write_pages(pdf, PAGES[1:2])
    path = tmp_path / "blandet.pdf"
    pdf.output(str(path))
    doc = read_pdf(path)
    assert len(doc.pages) == 3 and doc.pages[1] == ""
    assert len(doc.warnings) == 1
    assert "page 2 of 3" in doc.warnings[0] and "blandet.pdf" in doc.warnings[0]


def test_ocr_used_when_available(tmp_path, monkeypatch):
    calls = []

    def fake_ocr(path, index):
        calls.append(index)
        return "Skannet tekst om grønne områder"

    monkeypatch.setattr(pdf_reader, "_ocr_engine", lambda: fake_ocr)
    pdf = _new()
    _image_page(pdf)
    path = tmp_path / "scannet.pdf"
    pdf.output(str(path))
    doc = read_pdf(path)
    assert calls == [0]
    assert doc.text == "Skannet tekst om grønne områder"
    assert any("OCR" in w for w in doc.warnings)


def test_ocr_engine_absent_without_tesseract(monkeypatch):
    monkeypatch.setattr(pdf_reader.shutil, "which", lambda name: None)
    assert pdf_reader._ocr_engine() is None


@pytest.mark.parametrize(
    "content",
    [b"Dette er ikke en PDF, men en tekstfil.\n", b"", b"%PDF-1.7\n\x00\x01garbage garbage\n%%EOF"],
    ids=["text", "empty", "truncated"],
)
def test_garbage_named_pdf_is_unreadable(tmp_path, content):
    path = tmp_path / "svar.pdf"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_pdf(path)
    assert err.value.status == "unreadable"
    assert err.value.reason.startswith("svar.pdf: is not a readable PDF (")
    assert "re-export it, or remove it" in err.value.reason
