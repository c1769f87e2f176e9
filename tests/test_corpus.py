"""Ingest: every input appears in the report; bad input gets a clear status and loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main as cli_main
from analysis.corpus import IngestError, classify_attachment_only, ingest, write_ingest

GOOD = ("Vi støtter politikkens mål om tryghed. Udvalget ser frem til handleplanen, "
        "og vi anbefaler mere fokus på beskæftigelse.")


def _pdf_with_text(path: Path, text: str, encrypt: bool = False) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    if encrypt:
        pdf.set_encryption(owner_password="ejer", user_password="hemmelig")
    pdf.output(str(path))


def _image_only_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "responses"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_text("", encoding="utf-8")
    (folder / "c_latin.txt").write_bytes("Kære udvalg. Vi er bekymrede for trygheden på Nørrebro og i Århus.".encode("cp1252"))
    (folder / "d_garbage.pdf").write_bytes(b"this is not a pdf at all \x00\x01\x02" * 20)
    (folder / "e_attached.txt").write_text("Se vedhæftet høringssvar.\n\nMed venlig hilsen", encoding="utf-8")
    (folder / "f_unlisted.md").write_text("# Svar\n\nVi savner en plan for cykelstier i hele byen.", encoding="utf-8")
    (folder / "g_big.txt").write_text(("Lang tekst om byudvikling. " * 60_000), encoding="utf-8")
    _pdf_with_text(folder / "h_text.pdf", "Boligforeningen bakker op om planen for de udsatte byområder.")
    _pdf_with_text(folder / "i_locked.pdf", "Hemmeligt svar.", encrypt=True)
    _image_only_pdf(folder / "j_scan.pdf")
    (folder / "k_notes.xyz").write_text("not a response", encoding="utf-8")
    pd.DataFrame({
        "response_id": ["r-a", "r-b", "r-c", "r-d", "r-e", "r-g", "r-h", "r-i", "r-j", "r-x", "r-a"],
        "file": ["a_good.txt", "b_empty.txt", "c_latin.txt", "d_garbage.pdf", "e_attached.txt", "g_big.txt",
                 "h_text.pdf", "i_locked.pdf", "j_scan.pdf", "missing.txt", "k_notes.xyz"],
        "respondent": ["Teknik- og Miljøudvalget", "", "", "", "", "", "", "", "", "", ""],
        "respondent_type": ["committee", "", "", "", "", "", "", "", "", "", ""],
    }).to_csv(folder / "manifest.csv", index=False)
    return folder


def _status(result, source: str) -> tuple[str, str]:
    row = result.ingest_report.set_index("source").loc[source]
    return row["status"], row["reason"]


def test_every_bad_input_is_reported_and_the_good_ones_survive(messy_folder):
    result = ingest(messy_folder, max_mb=1)
    report = result.ingest_report
    assert _status(result, "a_good.txt")[0] == "ok"
    assert _status(result, "b_empty.txt")[0] == "empty"
    status, reason = _status(result, "c_latin.txt")
    assert status == "warning" and "cp1252" in reason and "UTF-8" in reason
    status, reason = _status(result, "d_garbage.pdf")
    assert status == "unreadable" and "d_garbage.pdf" in reason
    assert _status(result, "e_attached.txt")[0] == "attachment_only"
    status, reason = _status(result, "f_unlisted.md")
    assert status == "warning" and "manifest" in reason
    status, reason = _status(result, "g_big.txt")
    assert status == "too_large" and "MB" in reason
    assert _status(result, "h_text.pdf")[0] == "ok"
    status, reason = _status(result, "i_locked.pdf")
    assert status == "encrypted" and "password" in reason.lower()
    status, reason = _status(result, "j_scan.pdf")
    assert status == "needs_ocr" and "OCR" in reason
    status, reason = _status(result, "missing.txt")
    assert status == "missing_file" and "missing.txt" in reason
    assert _status(result, "k_notes.xyz")[0] == "skipped"
    # Every document file appears as a response, whatever happened to it.
    assert len(result.responses) == 10
    assert set(report["source"]) >= {p.name for p in messy_folder.iterdir() if p.name != "manifest.csv"}

    responses = result.responses.set_index("response_id")
    assert "Århus" in responses.loc["r-c", "text"] and "Kære" in responses.loc["r-c", "text"]
    assert responses.loc["r-a", "respondent_type"] == "committee"
    assert responses.loc["r-a", "respondent_type_source"] == "manifest"
    assert "Boligforeningen" in responses.loc["r-h", "text"]
    # Only readable responses are segmented.
    assert set(result.segments["response_id"]) == {"r-a", "r-c", "f_unlisted", "r-h"}


def test_duplicate_ids_are_kept_and_renamed(tmp_path):
    table = tmp_path / "svar.csv"
    pd.DataFrame({"id": ["7", "7", "8"], "tekst": [GOOD, "Vi er bekymrede for trafikken.", "Ja tak."]}).to_csv(table, index=False)
    result = ingest(table, text_col="tekst", id_col="id")
    assert result.responses["response_id"].tolist() == ["7", "7~2", "8"]
    status, reason = _status(result, "svar.csv#row=2")
    assert status == "warning" and "duplicate response_id '7'" in reason
    assert result.responses["response_id"].is_unique


def test_bad_jsonl_line_does_not_stop_the_others(tmp_path):
    table = tmp_path / "svar.jsonl"
    table.write_text(json.dumps({"id": 1, "text": GOOD}) + "\n{not json\n" + json.dumps({"id": 2, "text": "Ja."}) + "\n",
                     encoding="utf-8")
    result = ingest(table, id_col="id")
    assert result.responses["response_id"].tolist()[:2] == ["1", "2"] or set(result.responses["response_id"]) >= {"1", "2"}
    status, reason = _status(result, "svar.jsonl#line=2")
    assert status == "unreadable" and "line 2" in reason


def test_missing_text_column_names_the_columns(tmp_path):
    table = tmp_path / "svar.csv"
    pd.DataFrame({"id": [1], "body": ["x"]}).to_csv(table, index=False)
    with pytest.raises(ValueError, match=r"--text-col.*|columns are \['id', 'body'\]"):
        ingest(table)


def test_strict_mode_fails_with_nonzero_exit(messy_folder, tmp_path):
    with pytest.raises(IngestError) as info:
        ingest(messy_folder, strict=True, max_mb=1)
    assert "d_garbage.pdf" in str(info.value)
    out = tmp_path / "out"
    assert cli_main(["ingest", str(messy_folder), "--out", str(out), "--strict", "--max-mb", "1"]) == 2
    assert (out / "ingest_report.csv").is_file() and not (out / "responses.parquet").exists()
    assert cli_main(["ingest", str(messy_folder), "--out", str(out), "--max-mb", "1"]) == 0
    assert (out / "responses.parquet").is_file() and (out / "segments.parquet").is_file()


@pytest.mark.parametrize("text, expected", [
    ("Se vedhæftet høringssvar.", True),
    ("Hermed vedlagt høringssvar fra CONCITO.", True),
    ("Høringssvaret er vedhæftet.", True),
    ("Hermed høringssvar fra Bispebjerg Lokaludvalg", True),
    ("Kære Borgerrepræsentation,\nMit høringssvar er vedhæftet. Hovedpunkterne er:\n- Kommunens biomasse CO2 "
     "regnskab bør være gennemsigtigt\n- vi har brug for flere cykelstier", False),
    (GOOD, False),
])
def test_attachment_only_answers(text, expected):
    assert classify_attachment_only(text) is expected


def test_seed_study_ingests_with_the_manifest(tmp_path):
    from analysis.config import load_study
    from analysis.corpus import ingest_study

    study = load_study("udsatte-byomraader-2025", processed_root=tmp_path)
    result = ingest_study(study)
    report = result.ingest_report
    assert report[report["status"] != "config"]["status"].tolist() == ["ok"]
    assert set(report[report["status"] == "config"]["source"]) == {"codebook.yaml", "goals.yaml", "manifest.csv",
                                                                   "study.yaml"}
    assert result.problems.empty
    row = result.responses.iloc[0]
    assert row["respondent_type"] == "committee" and row["language"] == "da"
    text = row["text"]
    assert all(text[s.start:s.end] == s.text for s in result.segments.itertuples())
    assert "negativ social kontrol" in text and "Beskæftigelses- og Integrationsudvalget" in text
    paths = write_ingest(result, tmp_path / "out")
    back = pd.read_parquet(paths["segments"])
    assert back["segment_id"].tolist() == result.segments["segment_id"].tolist()


def test_regulations_gov_export_is_recognised_and_names_of_individuals_are_not_carried(tmp_path):
    table = tmp_path / "comments.csv"
    pd.DataFrame({
        "Document ID": ["EPA-1-0001", "EPA-1-0002"],
        "Comment": ["We support the proposed rule on clean water.", "The rule should be withdrawn."],
        "First Name": ["Jane", "John"], "Last Name": ["Roe", "Doe"],
        "Organization Name": ["", "Clean Water Alliance"], "Category": ["Individual", "Organization"],
        "Posted Date": ["2025-01-02", "2025-01-03"],
    }).to_csv(table, index=False)
    result = ingest(table, language="en")
    responses = result.responses.set_index("response_id")
    assert list(responses.index) == ["EPA-1-0001", "EPA-1-0002"]
    assert responses.loc["EPA-1-0002", "respondent"] == "Clean Water Alliance"
    assert responses.loc["EPA-1-0002", "respondent_type"] == "organisation"
    assert responses.loc["EPA-1-0001", "respondent_type"] == "citizen"
    assert responses.loc["EPA-1-0001", "date"] == "2025-01-02"
    flat = result.responses.astype(str).to_string() + result.segments.astype(str).to_string()
    assert "Jane" not in flat and "Roe" not in flat


def test_xlsx_export_with_a_column_mapping(tmp_path):
    table = tmp_path / "svar.xlsx"
    pd.DataFrame({"Nr": [1, 2], "Besvarelse": ["Vi støtter planen for Nørrebro.", "Vi savner flere træer."],
                  "Afsender": ["Nørrebro Lokaludvalg", ""]}).to_excel(table, index=False)
    result = ingest(table, text_col="Besvarelse", id_col="Nr", meta_cols={"respondent": "Afsender"})
    responses = result.responses.set_index("response_id")
    assert responses.loc["1", "respondent"] == "Nørrebro Lokaludvalg"
    assert responses.loc["1", "respondent_type"] == "local_council"
    assert "træer" in responses.loc["2", "text"]


def test_a_single_document_is_ingested_with_its_manifest_row(messy_folder):
    result = ingest(messy_folder / "a_good.txt")
    assert result.responses["response_id"].tolist() == ["r-a"]
    assert result.responses.loc[0, "respondent_type"] == "committee"
    assert result.ingest_report["source"].tolist() == ["a_good.txt"]


@pytest.mark.parametrize("text, language, expected", [
    ("Se vedhæftet høringssvar.", "da", True),
    ("Siehe Anhang.", "de", True),
    ("Please see the attached letter.", "en", True),
    ("Anbei unsere Stellungnahme.\nMit freundlichen Grüßen\n[NAVN]", "de", True),
    ("PV Anlagen für Private sollen bis 15kwPeak jederzeit eine Förderung bekommen - ohne mühsames "
     "Anmeldeverfahren bei der ÖMAG!", "de", False),
    ("Quartierspeicher können Strom von mehreren PV Anlagen günstiger speichern.", "de", False),
    ("Im Anhang finden Sie unsere Vorschläge zur Förderung von Wärmepumpen in Mehrfamilienhäusern, "
     "zur Sanierung von Schulen und zum Ausbau der Radwege.", "de", False),
    ("The attached plan should include more bike lanes, better buses and cheaper tickets for students.", "en",
     False),
])
def test_attachment_cues_come_from_the_registry_and_must_be_short_references(text, language, expected):
    assert classify_attachment_only(text, language) is expected


def test_german_installations_are_not_attachments_in_ingest(tmp_path):
    rows = pd.DataFrame({"id": ["a", "b"], "text": [
        "PV-Anlagen über Autobahnen und Parkplätzen bauen, damit die Flächen doppelt genutzt werden.",
        "Siehe Anhang."]})
    path = tmp_path / "polis.csv"
    rows.to_csv(path, index=False)
    result = ingest(path, language="de", text_col="text", id_col="id")
    status = dict(zip(result.responses["response_id"], result.responses["status"]))
    assert status == {"a": "ok", "b": "attachment_only"}
