"""The written report gives ingest statuses and reasons in the study's language."""

import pandas as pd
import pytest

from analysis.corpus.ingest import ingest
from analysis.report import i18n


@pytest.fixture(scope="module")
def report_rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reasons")
    rows = [
        ("1", "Vi støtter planen om flere grønne områder i bydelen."),
        ("2", "Se vedhæftede fil."),
        ("3", ""),
        ("3", "Et andet svar med samme id om trafik og parkering."),
        ("4", ("Lang tekst om byudvikling og boliger. " * 300)[:8000]),
        ("5", "Dette svar er alt for langt. " * 400),
    ]
    path = folder / "svar.csv"
    pd.DataFrame(rows, columns=["id", "text"]).to_csv(path, index=False)
    result = ingest(path, language="da", text_col="text", id_col="id", max_chars=9000)
    return result.ingest_report


def test_every_reason_written_at_ingest_has_a_danish_and_german_sentence(report_rows):
    statuses = set(report_rows["status"])
    assert {"ok", "attachment_only", "empty", "warning", "too_large"} <= statuses
    for reason in report_rows["reason"]:
        for lang in ("da", "de"):
            out = i18n.ingest_reason(lang, reason)
            assert out != reason, f"no {lang} sentence for: {reason}"
            assert "characters" not in out and "attachment" not in out and "duplicate" not in out


def test_numbers_and_sources_survive(report_rows):
    cut = next(r for r in report_rows["reason"] if "export limit" in r)
    da = i18n.ingest_reason("da", cut)
    assert da.startswith(cut.split(":", 1)[0] + ":") and "8.000 tegn" in da


def test_unknown_reasons_and_english_are_left_as_written():
    text = "x.pdf: a reason the table does not know."
    assert i18n.ingest_reason("da", text) == text
    assert i18n.ingest_reason("en", "x.txt: no text after cleaning. Check that the file or cell holds the "
                                    "response; an empty answer is kept as an empty response.").startswith("x.txt: no text")
    assert i18n.ingest_status("da", "attachment_only") == "kun bilag"


def test_a_table_in_a_folder_is_skipped_with_how_to_read_it_in_every_language(tmp_path):
    (tmp_path / "svar.txt").write_text("Vi ønsker flere træer i parken.", encoding="utf-8")
    (tmp_path / "eksport.csv").write_text("id,text\n1,Hej\n", encoding="utf-8")
    report = ingest(tmp_path, language="da").ingest_report.set_index("source")
    reason = report.loc["eksport.csv", "reason"]
    assert report.loc["eksport.csv", "status"] == "skipped" and "analysis ingest eksport.csv" in reason
    for lang in ("da", "de"):
        out = i18n.ingest_reason(lang, reason)
        assert out != reason and "analysis ingest eksport.csv" in out
