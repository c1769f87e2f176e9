"""A CSV whose last quote is never closed: the swallowed rows are kept and the row is flagged."""

import io

from analysis.corpus.ingest import ingest
from analysis.corpus.readers.tables import read_table_rows


def test_unclosed_quote_at_end_is_flagged_not_silent():
    text = 'id,text\n1,Vi støtter planen.\n2,"Et åbent citat\n3,Mere tekst\n'
    rows, _ = read_table_rows(io.StringIO(text), name="x.csv", suffix=".csv", text_col="text", id_col="id")
    assert [r.response_id for r in rows] == ["1", "2"]
    assert rows[0].status == "ok"
    assert rows[1].status == "warning"
    assert "never closed" in rows[1].reason and "row 2 (line 3)" in rows[1].reason
    assert "3,Mere tekst" in rows[1].text  # nothing is dropped


def test_closed_quotes_with_line_breaks_are_not_flagged():
    text = 'id,text\n1,"Første linje\nanden linje, med komma"\n2,"Citat ""inde"" i teksten"\n'
    rows, _ = read_table_rows(io.StringIO(text), name="x.csv", suffix=".csv", text_col="text", id_col="id")
    assert [r.status for r in rows] == ["ok", "ok"]
    assert rows[0].text == "Første linje\nanden linje, med komma"


def test_flagged_row_is_still_analysed(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text('id,text\n1,Vi støtter planen om flere grønne områder.\n2,"Vi er imod at fjerne '
                    'parkeringspladser.\n', encoding="utf-8")
    result = ingest(path, language="da", text_col="text", id_col="id")
    status = dict(zip(result.responses["response_id"], result.responses["status"]))
    assert status == {"1": "ok", "2": "warning"}
    reasons = result.ingest_report.set_index("source")["reason"]
    assert any("never closed" in str(r) for r in reasons)


def test_unclosed_quote_in_the_middle_is_flagged():
    text = 'id,text\n1,"Et åbent citat\n2,Mere tekst\n3,"Lukket"\n4,Sidste svar\n'
    rows, _ = read_table_rows(io.StringIO(text), name="x.csv", suffix=".csv", text_col="text", id_col="id")
    flagged = [r for r in rows if r.status == "warning"]
    assert [r.response_id for r in flagged] == ["1"]
    assert "2,Mere tekst" in flagged[0].text  # nothing is dropped
    assert "probably left open" in flagged[0].reason
    assert [r.status for r in rows if r.response_id == "4"] == ["ok"]


def test_multi_line_answer_with_a_stray_quote_is_not_suspected():
    text = 'id,text\n1,"Første linje\nanden, linje"\n2,Han sagde "ja\n'
    rows, _ = read_table_rows(io.StringIO(text), name="x.csv", suffix=".csv", text_col="text", id_col="id")
    assert [r.status for r in rows] == ["ok", "ok"]
