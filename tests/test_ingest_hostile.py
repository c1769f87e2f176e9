"""Ingest under hostile input: nothing read from outside, nothing lost without a row, no personal data in ids."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main as cli_main
from analysis.corpus import ingest

GOOD = "Vi støtter planen for flere træer i Sydhavn, og vi ønsker bedre cykelstier."


def _report(result) -> dict[str, tuple[str, str]]:
    return {s: (st, r) for s, st, r in result.ingest_report.itertuples(index=False)}


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "outside.txt"
    outside.write_text("root:x:0:0:secret outside the input", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Vi ønsker mere grønt i gaderne.", encoding="utf-8")
    (folder / ".hidden.txt").write_text("Skjult svar.", encoding="utf-8")
    (folder / "Study of the harbour.txt").write_text("Havnen skal være åben for alle.", encoding="utf-8")
    (folder / "Goals for Valby.txt").write_text("Valby skal have flere boliger.", encoding="utf-8")
    os.symlink(outside, folder / "passwd.txt")
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    os.symlink(folder / "loop.txt", folder / "loop.txt")
    os.symlink(tmp_path, folder / "uplink")
    os.mkfifo(folder / "pipe.txt")
    pd.DataFrame({"file": ["a.txt", "../outside.txt", str(outside), "sub/b.txt", "a.txt", "passwd.txt"],
                  "respondent_type": ["citizen"] * 6}).to_csv(folder / "manifest.csv", index=False)
    return folder


def test_nothing_outside_the_folder_is_read_and_every_entry_is_reported(hostile_folder):
    result = ingest(hostile_folder)
    report = _report(result)
    texts = " ".join(result.responses["text"])
    assert "secret outside" not in texts and "Skjult" not in texts
    assert report["passwd.txt"][0] == "skipped" and "outside the input folder" in report["passwd.txt"][1]
    assert report["dangling.txt"][0] == "skipped" and "dangling" in report["dangling.txt"][1]
    assert report["loop.txt"][0] == "skipped" and "loops" in report["loop.txt"][1]
    assert report["uplink"][0] == "skipped" and "folder" in report["uplink"][1]
    assert report["pipe.txt"][0] == "skipped" and "regular file" in report["pipe.txt"][1]
    assert report[".hidden.txt"][0] == "skipped" and "hidden" in report[".hidden.txt"][1]
    assert report[".git"][0] == "skipped"
    # subfolders are read; the manifest's sub/ path matches them
    assert report["sub/b.txt"][0] == "ok"
    assert set(result.responses["source"]) >= {"a.txt", "sub/b.txt", "Study of the harbour.txt",
                                              "Goals for Valby.txt"}
    # every manifest row has a row of its own
    assert report["manifest.csv#line=3"][0] == "skipped" and "outside" in report["manifest.csv#line=3"][1]
    assert report["manifest.csv#line=4"][0] == "skipped"
    assert report["manifest.csv#line=6"][0] == "warning" and "second row" in report["manifest.csv#line=6"][1]
    assert report["manifest.csv#line=7"][0] == "missing_file"
    assert "not a regular file" in report["manifest.csv#line=7"][1]
    assert report["manifest.csv"][0] == "config"


def test_strict_fails_on_skipped_entries(hostile_folder, tmp_path, capsys):
    code = cli_main(["ingest", str(hostile_folder), "--out", str(tmp_path / "out"), "--strict"])
    assert code == 2
    assert "passwd.txt" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_does_not_stop_ingest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(GOOD, encoding="utf-8")
    bad = os.path.join(os.fsencode(folder), b"svar-\xe6\xf8.txt")
    with open(bad, "wb") as fh:
        fh.write("Vi ønsker flere bænke.".encode())
    result = ingest(folder)
    assert len(result.responses) == 2
    report = _report(result)
    assert report["svar-\ufffd\ufffd.txt"][0] == "warning" and "UTF-8" in report["svar-\ufffd\ufffd.txt"][1]
    out = tmp_path / "out"
    from analysis.corpus import write_ingest

    write_ingest(result, out)
    assert (out / "ingest_report.csv").read_text(encoding="utf-8").count("\ufffd") >= 2


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "empty"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("one.json", b"42", "not a list"),
    ("header.csv", b"\n", "empty"),
])
def test_unreadable_tables_give_one_clean_message(tmp_path, capsys, name, content, message):
    table = tmp_path / name
    table.write_bytes(content)
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ingest(table)
    assert cli_main(["ingest", str(table), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err


def test_a_huge_cell_and_a_row_with_an_extra_field_are_rows_not_table_failures(tmp_path):
    table = tmp_path / "svar.csv"
    huge = "Vi støtter planen. " * 10_000  # 190,000 characters in one cell
    table.write_text(f'id,text\n1,"{huge}"\n2,Vi ønsker træer,EKSTRA\n3,"{GOOD}"\n', encoding="utf-8")
    result = ingest(table, max_chars=100_000)
    report = _report(result)
    assert report["svar.csv#row=1"][0] == "too_large" and "characters" in report["svar.csv#row=1"][1]
    assert report["svar.csv#row=2"][0] == "unreadable" and "3 fields" in report["svar.csv#row=2"][1]
    ids = result.responses["response_id"].tolist()
    assert "Vi ønsker træer" not in ids and "3" in ids
    assert not result.responses["response_id"].str.contains("EKSTRA").any()
    whole = ingest(table)  # under the default limit the long cell is read whole
    assert whole.responses.set_index("response_id").loc["1", "n_chars"] > 180_000


def test_repeated_ids_keep_their_source_row(tmp_path):
    table = tmp_path / "svar.csv"
    table.write_text(f'id,text\n7,"{GOOD}"\n7,Vi er bekymrede for trafikken.\n', encoding="utf-8")
    result = ingest(table, id_col="id")
    rows = result.responses.set_index("response_id")
    assert rows.loc["7~2", "source"] == "svar.csv#row=2" and rows.loc["7", "source"] == "svar.csv#row=1"


def test_polis_moderation_and_dates(tmp_path):
    table = tmp_path / "comments.csv"
    pd.DataFrame({
        "timestamp": [1548807401, 1548807501, 1548807601],
        "datetime": ["Tue Jan 29 2019 16:16:41 GMT-0800 (PST)", "Wed Jan 30 2019 10:00:00 GMT-0800 (PST)",
                     "Thu Jan 31 2019 10:00:00 GMT-0800 (PST)"],
        "comment-id": [1, 2, 3], "author-id": [10, 11, 12], "agrees": [1, 0, 2], "disagrees": [0, 1, 0],
        "moderated": [1, -1, 0],
        "comment-body": ["More bike lanes downtown.", "Spam spam spam buy now.", "Keep the library open late."],
    }).to_csv(table, index=False)
    result = ingest(table, language="en")
    report = _report(result)
    assert report["comments.csv#row=2"][0] == "moderated_out" and "keep_moderated" in report["comments.csv#row=2"][1]
    assert "Spam" not in " ".join(result.segments["text"])
    assert result.problems.empty
    assert result.responses.set_index("response_id").loc["1", "date"] == "2019-01-29"
    kept = ingest(table, language="en", keep_moderated=True)
    assert "Spam" in " ".join(kept.segments["text"])


def test_every_sheet_of_a_workbook_is_read_or_the_chosen_ones(tmp_path):
    book = tmp_path / "svar.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"id": ["a1"], "text": [GOOD]}).to_excel(writer, sheet_name="Borgere", index=False)
        pd.DataFrame({"id": ["b1"], "text": ["Foreningen ønsker flere bænke."]}).to_excel(
            writer, sheet_name="Foreninger", index=False)
    result = ingest(book, id_col="id")
    assert result.responses["response_id"].tolist() == ["a1", "b1"]
    assert "svar.xlsx#sheet=Foreninger&row=1" in set(result.responses["source"])
    one = ingest(book, id_col="id", sheets=["Foreninger"])
    assert one.responses["response_id"].tolist() == ["b1"]
    assert "Borgere" in one.ingest_report["reason"].str.cat()


def test_file_names_with_personal_data_never_reach_the_tables(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "anna_holm.txt").write_text(GOOD, encoding="utf-8")
    (folder / "kaj@example.dk.txt").write_text("Vi ønsker flere bænke.", encoding="utf-8")
    (folder / "svar_07.txt").write_text("Vi ønsker flere træer.", encoding="utf-8")
    result = ingest(folder)
    dump = " ".join(" ".join(map(str, t.to_numpy().ravel()))
                    for t in (result.responses, result.segments, result.ingest_report))
    assert "anna" not in dump.lower() and "kaj@" not in dump and "holm" not in dump.lower()
    assert "svar_07" in set(result.responses["response_id"])
    assert result.responses["response_id"].str.startswith("f-").sum() == 2
    shown = ingest(folder, keep_file_names=True)
    assert "anna_holm" in set(shown.responses["response_id"])


def test_a_name_that_recurs_across_responses_is_redacted_everywhere(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r1.txt").write_text("Vi støtter planen.\n\nMed venlig hilsen\nJens Kvistholm", encoding="utf-8")
    for i in range(2, 6):
        (folder / f"r{i}.txt").write_text(f"Som Jens Kvistholm siger, skal der plantes træer. Kvistholm har ret {i}.",
                                          encoding="utf-8")
    result = ingest(folder)
    text = " ".join(result.responses["text"])
    assert "Kvistholm" not in text and "Jens" not in text
    assert result.redaction_report.query("kind == 'name'")["count"].sum() >= 9


def test_signature_name_and_email_are_redacted_before_lines_are_joined(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r1.txt").write_text("Vi støtter planen for byen.\n\nMed venlig hilsen\nAnna Vestergaard\n"
                                   "anna.vestergaard@mail.dk\n", encoding="utf-8")
    result = ingest(folder)
    text = result.responses["text"].iloc[0]
    assert "Anna" not in text and "vestergaard" not in text.lower() and "[NAVN]" in text and "[EMAIL]" in text
    kinds = result.segments.set_index("text")["kind"]
    assert kinds["Vi støtter planen for byen."] == "content"
    assert set(result.segments["kind"]) - {"content"} <= {"signature"}


def test_a_file_that_expands_beyond_max_chars_is_too_large_and_the_others_are_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text("Vi støtter planen. " * 100_000, encoding="utf-8")
    (folder / "small.txt").write_text(GOOD, encoding="utf-8")
    result = ingest(folder, max_chars=1_000_000)
    report = _report(result)
    assert report["big.txt"][0] == "too_large" and "max_chars" in report["big.txt"][1]
    assert report["small.txt"][0] == "ok"


def test_json_with_a_responses_list_and_a_bad_item(tmp_path):
    table = tmp_path / "svar.json"
    table.write_text(json.dumps({"responses": [{"id": 1, "text": GOOD}, 5]}), encoding="utf-8")
    result = ingest(table, id_col="id")
    report = _report(result)
    assert report["svar.json#row=2"][0] == "unreadable"
    assert result.responses["response_id"].tolist()[:1] == ["1"]


def test_a_table_with_column_names_and_no_rows_is_reported_empty(tmp_path):
    source = tmp_path / "export.csv"
    source.write_text("id,text\n", encoding="utf-8")
    result = ingest(source, language="da")
    report = result.ingest_report
    assert len(result.responses) == 0 and len(result.segments) == 0
    assert report[["source", "status"]].values.tolist() == [["export.csv", "empty"]]
    assert "no rows" in report["reason"].iloc[0]
