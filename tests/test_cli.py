"""The command line composes the stages: ingest → themes → align."""

from __future__ import annotations

import pandas as pd

from analysis.cli import main

TOPICS = {
    "cykel": "Vi ønsker flere cykelstier og bredere cykelstier langs de store veje.",
    "bus": "Busserne skal køre oftere, og billetprisen for busser bør sænkes.",
    "træ": "Plant flere træer i gaderne, så byen får mere grønt og skygge.",
}


def _corpus(folder):
    folder.mkdir()
    for i in range(30):
        topic = list(TOPICS)[i % 3]
        (folder / f"svar{i:02d}.txt").write_text(f"{TOPICS[topic]} Det er vigtigt for os.", encoding="utf-8")
    return folder


def test_ingest_then_themes(tmp_path):
    source = _corpus(tmp_path / "svar")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    assert main(["themes", str(out), "--k", "3"]) == 0
    themes = pd.read_parquet(out / "themes.parquet")
    assert len(themes) == 3
    assert list(themes.columns)[:7] == ["theme_id", "label", "top_terms", "size", "share", "coherence", "stability"]


def test_align_without_goals_explains_what_to_give(tmp_path, capsys):
    source = _corpus(tmp_path / "svar")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    assert main(["align", str(out)]) == 2
    assert "--goals" in capsys.readouterr().err


# ----------------------------------------------------------------- CLI = pipeline, clean errors
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402

from analysis.config import DATA_RAW  # noqa: E402

STUDY_YAML = """name: demo
title: Demo
language: da
input: svar
goals: goals.yaml
codebook: codebook.yaml
random_state: 3
count_campaigns: once
themes:
  k: 2
  n_runs: 2
alignment:
  n_boot: 20
"""


STUDY_TOPICS = (
    "Vi ønsker flere job og bedre beskæftigelse for de unge i området.",
    "Uddannelse og lektiehjælp i folkeskolen skal styrkes for alle børn.",
    "Tryghed i gaderne kræver bedre belysning og flere voksne om aftenen.",
)


@pytest.fixture
def study_dir(tmp_path, monkeypatch):
    """A small generated study in a tmp data/raw, with data/processed and reports in tmp too."""
    monkeypatch.setattr("analysis.config.DATA_PROCESSED", tmp_path / "processed")
    monkeypatch.setattr("analysis.config.REPORTS", tmp_path / "reports")
    folder = tmp_path / "raw" / "demo"
    folder.mkdir(parents=True)
    (folder / "svar").mkdir()
    for i in range(30):
        (folder / "svar" / f"svar{i:02d}.txt").write_text(f"{STUDY_TOPICS[i % 3]} Det er vigtigt for os, og vi "
                                                          "håber, at forvaltningen lytter til borgerne.",
                                                          encoding="utf-8")
    for name in ("goals.yaml", "codebook.yaml"):
        shutil.copy(DATA_RAW / "udsatte-byomraader-2025" / name, folder / name)
    (folder / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    return folder


def _parquets(folder, prefix=""):
    return {p.stem: pd.read_parquet(p) for p in sorted(folder.glob(f"{prefix}*.parquet"))}


@pytest.mark.slow
def test_cli_stages_equal_run_and_flags_override_settings(study_dir, tmp_path, capsys):
    assert main(["run", str(study_dir), "--steps", "ingest,themes,align"]) == 0
    via_run = _parquets(tmp_path / "processed" / "demo")
    out = tmp_path / "cli"
    assert main(["ingest", str(study_dir), "--out", str(out)]) == 0
    assert main(["themes", str(out)]) == 0
    assert main(["align", str(out)]) == 0
    via_cli = _parquets(out)
    assert sorted(via_cli) == sorted(via_run) and "alignment_type_priority" in via_cli
    for name in via_run:
        pd.testing.assert_frame_equal(via_cli[name], via_run[name], obj=name)
    def n_themes(themes):  # theme 0 collects segments that fit no theme
        return int((themes["theme_id"] > 0).sum())

    assert n_themes(via_cli["themes"]) == 2  # themes.k of study.yaml, not the CLI's old default
    capsys.readouterr()
    assert main(["themes", str(out), "--k", "3"]) == 0
    assert n_themes(pd.read_parquet(out / "themes.parquet")) == 3
    assert "3 themes →" in capsys.readouterr().err  # the "no clear theme" group is not counted
    assert main(["align", str(out), "--count-campaigns", "per_response"]) == 0
    per_response = pd.read_parquet(out / "alignment_type_priority.parquet")  # 10 copies of each text now count 10 times
    assert not per_response.equals(via_run["alignment_type_priority"])


def test_reingest_removes_theme_tables(study_dir, tmp_path):
    out = tmp_path / "cli"
    assert main(["ingest", str(study_dir), "--out", str(out)]) == 0
    assert main(["themes", str(out)]) == 0
    (study_dir / "svar" / "svar00.txt").write_text("Et helt nyt svar om parker og legepladser.", encoding="utf-8")
    assert main(["ingest", str(study_dir), "--out", str(out)]) == 0
    assert not (out / "themes.parquet").exists()
    assert set(json.loads((out / "tables.json").read_text())) == {"ingest"}


def _err(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_damaged_tables_and_study_json_are_one_message(study_dir, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["ingest", str(study_dir), "--out", str(out)]) == 0
    (out / "study.json").write_text("{not json", encoding="utf-8")
    assert main(["themes", str(out)]) == 2
    assert "study.json: damaged" in _err(capsys)
    assert main(["ingest", str(study_dir), "--out", str(out)]) == 0
    (out / "segments.parquet").write_bytes(b"garbage")
    assert main(["themes", str(out)]) == 2
    assert "segments.parquet" in _err(capsys)
    assert main(["align", str(out)]) == 2
    assert "segments.parquet" in _err(capsys)


def test_out_that_is_a_file_or_read_only(tmp_path, capsys, monkeypatch):
    source = _corpus(tmp_path / "svar")
    (tmp_path / "file").write_text("x")
    assert main(["ingest", str(source), "--out", str(tmp_path / "file")]) == 2
    assert "is a file, not a folder" in _err(capsys)
    monkeypatch.setattr("analysis.tables.os.access", lambda *a: False)
    assert main(["ingest", str(source), "--out", str(tmp_path / "ro")]) == 2
    assert "read-only" in _err(capsys)


@pytest.mark.parametrize("n", [0, 1])
def test_themes_and_align_on_zero_or_one_response(tmp_path, capsys, n):
    source = tmp_path / "svar"
    source.mkdir()
    (source / "tom.txt").write_text("", encoding="utf-8")
    if n:
        (source / "svar.txt").write_text(" ".join(STUDY_TOPICS), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    code = main(["themes", str(out)])
    err = _err(capsys)
    assert code in (0, 2) and (code == 0 or "error:" in err)
    if n == 0:
        assert code == 2 and "0 segments" in err
    goals = str(DATA_RAW / "udsatte-byomraader-2025" / "goals.yaml")
    codebook = str(DATA_RAW / "udsatte-byomraader-2025" / "codebook.yaml")
    code = main(["align", str(out), "--goals", goals, "--codebook", codebook, "--n-boot", "10"])
    err = _err(capsys)
    assert code == (2 if n == 0 else 0), err


def test_bad_flags_and_busy_folder(tmp_path, capsys):
    source = _corpus(tmp_path / "svar")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    assert main(["themes", str(out), "--k", "0"]) == 2
    assert "--k: 0 themes cannot be found" in _err(capsys)
    assert main(["themes", str(out), "--random-state", "abc"]) == 2
    assert "--random-state" in _err(capsys)
    (out / ".analysis.lock").write_text(f"{os.getppid()}\n")
    assert main(["themes", str(out)]) == 2
    assert "another run" in _err(capsys)


def test_missing_folder_is_a_message_and_debug_shows_the_traceback(tmp_path, capsys):
    assert main(["themes", str(tmp_path / "none")]) == 2
    assert "no such processed folder" in _err(capsys)
    assert not (tmp_path / "none").exists()
    with pytest.raises(FileNotFoundError):
        main(["--debug", "themes", str(tmp_path / "none")])
    with pytest.raises(FileNotFoundError):
        main(["themes", str(tmp_path / "none"), "--debug"])


def test_platform_export_named_in_study_yaml_is_detected_as_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setattr("analysis.config.DATA_PROCESSED", tmp_path / "processed")
    folder = tmp_path / "polis"
    folder.mkdir()
    rows = ["comment-id,comment-body,datetime,moderated"] + [
        f"{i},{TOPICS[list(TOPICS)[i % 3]].replace(',', '')},2024-01-0{1 + i % 9},1" for i in range(6)]
    (folder / "comments.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "study.yaml").write_text("name: polis\nlanguage: da\ninput: comments.csv\n", encoding="utf-8")
    assert main(["run", str(folder), "--steps", "ingest"]) == 0
    via_yaml = pd.read_parquet(tmp_path / "processed" / "polis" / "responses.parquet")
    assert main(["ingest", str(folder / "comments.csv"), "--out", str(tmp_path / "cli")]) == 0
    via_cli = pd.read_parquet(tmp_path / "cli" / "responses.parquet")
    assert len(via_yaml) == 6 and via_yaml["text"].tolist() == via_cli["text"].tolist()


def test_align_on_responses_that_raise_no_priority(tmp_path):
    out = tmp_path / "out"
    assert main(["ingest", str(_corpus(tmp_path / "svar")), "--out", str(out)]) == 0
    raw = DATA_RAW / "udsatte-byomraader-2025"
    assert main(["align", str(out), "--goals", str(raw / "goals.yaml"), "--codebook", str(raw / "codebook.yaml"),
                 "--n-boot", "10"]) == 0
    assert len(pd.read_parquet(out / "segment_priorities.parquet")) == 0


def test_seed_codebook_flag_is_a_path(tmp_path):
    out = tmp_path / "out"
    assert main(["ingest", str(_corpus(tmp_path / "svar")), "--out", str(out)]) == 0
    codebook = DATA_RAW / "udsatte-byomraader-2025" / "codebook.yaml"
    assert main(["themes", str(out), "--k", "3", "--seed-codebook", str(codebook)]) == 0


def test_max_chars_flag_reports_long_texts_as_too_large(tmp_path):
    source = _corpus(tmp_path / "svar")
    (source / "lang.txt").write_text("Cykelstier er vigtige. " * 200, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out), "--max-chars", "1000"]) == 0
    report = pd.read_csv(out / "ingest_report.csv")
    row = report[report["source"].astype(str).str.contains("lang.txt")].iloc[0]
    assert row["status"] == "too_large" and "max_chars" in row["reason"]
    assert (report["status"] == "ok").sum() == 30


def test_max_chars_is_a_validated_study_setting():
    from analysis.schema import validate_settings

    settings, problems = validate_settings({"input": {"max_chars": 5000}})
    assert problems == [] and settings["input"]["max_chars"] == 5000
    _, problems = validate_settings({"input": {"max_chars": "lots"}})
    assert problems and "max_chars" in str(problems[0])


def test_ingest_table_with_named_text_and_id_columns(tmp_path):
    # --text-col must reach the reader: a table whose text column is not called "text"
    source = tmp_path / "export.csv"
    pd.DataFrame({"nr": ["r1", "r2"], "tekst": ["Vi ønsker flere træer i parken.", "Jeg er imod at fjerne busruten."],
                  "text": ["ikke svaret", "heller ikke"]}).to_csv(source, index=False)
    out = tmp_path / "processed"
    assert main(["ingest", str(source), "--out", str(out), "--language", "da",
                 "--text-col", "tekst", "--id-col", "nr"]) == 0
    responses = pd.read_parquet(out / "responses.parquet")
    assert sorted(responses["text"]) == ["Jeg er imod at fjerne busruten.", "Vi ønsker flere træer i parken."]
    assert main(["ingest", str(source), "--out", str(tmp_path / "p2"), "--text-col", "svar"]) == 2
