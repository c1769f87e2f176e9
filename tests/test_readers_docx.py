"""Word reader: paragraphs and tables in order, headers/footers left out, errors."""

from __future__ import annotations

import pytest

from analysis.corpus.readers import ReadError, read_document
from analysis.corpus.readers.docx import read_docx

docx = pytest.importorskip("docx")


@pytest.fixture
def letter_docx(tmp_path):
    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "Københavns Kommune – Høringssvar"
    section.footer.paragraphs[0].text = "Side 1 af 1"
    d.add_heading("Høringssvar fra Østerbro Lokaludvalg", level=1)
    d.add_paragraph("Vi støtter målet om flere grønne områder og ønsker bedre cykelstier.")
    d.add_paragraph("")  # empty paragraph is skipped
    table = d.add_table(rows=3, cols=3)
    rows = [
        ("Emne", "Holdning", "Bemærkning"),
        ("Grønne områder", "for", "Fælledparken skal bevares"),
        ("Trafik", "imod", "Færre biler på Østerbrogade"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    d.add_paragraph("Afslutningsvis takker udvalget for dialogen – på gensyn i Århus.")
    path = tmp_path / "høringssvar.docx"
    d.save(str(path))
    return path


def test_paragraphs_and_table_in_document_order(letter_docx):
    doc = read_docx(letter_docx)
    assert doc.text.split("\n\n") == [
        "Høringssvar fra Østerbro Lokaludvalg",
        "Vi støtter målet om flere grønne områder og ønsker bedre cykelstier.",
        "Emne | Holdning | Bemærkning\n"
        "Grønne områder | for | Fælledparken skal bevares\n"
        "Trafik | imod | Færre biler på Østerbrogade",
        "Afslutningsvis takker udvalget for dialogen – på gensyn i Århus.",
    ]
    assert doc.pages is None and doc.warnings == []


def test_headers_and_footers_excluded(letter_docx):
    text = read_docx(letter_docx).text
    assert "Høringssvar fra" in text
    assert "Københavns Kommune – Høringssvar" not in text
    assert "Side 1 af 1" not in text


def test_merged_cells_appear_once(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "Forslag til ændringer"
    for c, v in enumerate(["Side", "Afsnit", "Ændring"]):
        t.cell(1, c).text = v
    path = tmp_path / "flet.docx"
    d.save(str(path))
    assert read_docx(path).text == "Forslag til ændringer\nSide | Afsnit | Ændring"


def test_read_document_dispatches_to_docx(letter_docx):
    assert read_document(letter_docx).text == read_docx(letter_docx).text


@pytest.mark.parametrize(
    "content",
    [b"Ikke et Word-dokument, men tekst med \xc3\xa6\xc3\xb8\xc3\xa5.", b"%PDF-1.4\n%%EOF",
     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, b"", b"PK\x03\x04broken zip"],
    ids=["text", "pdf", "old-doc", "empty", "broken-zip"],
)
def test_not_a_docx_is_unreadable(tmp_path, content):
    path = tmp_path / "svar.docx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_docx(path)
    assert err.value.status == "unreadable"
    assert err.value.reason.startswith("svar.docx: is not a readable Word .docx file (")
    assert "save it as .docx" in err.value.reason


def test_zip_that_is_not_docx(tmp_path):
    import zipfile

    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("noter.txt", "ikke word")
    with pytest.raises(ReadError) as err:
        read_docx(path)
    assert err.value.status == "unreadable" and "arkiv.docx" in err.value.reason
