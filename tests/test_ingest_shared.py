"""Ingest of the real reference corpora in ../shared/data (skipped when absent)."""

from __future__ import annotations

import pandas as pd

from analysis.cli import main as cli_main
from conftest import shared_path


def test_blivhoert_ingests_41_responses_with_types_and_attachments(tmp_path):
    source = shared_path("blivhoert-190", "responses.jsonl")
    out = tmp_path / "bh"
    assert cli_main(["ingest", str(source), "--out", str(out)]) == 0
    responses = pd.read_parquet(out / "responses.parquet")
    segments = pd.read_parquet(out / "segments.parquet")
    report = pd.read_csv(out / "ingest_report.csv")
    assert len(responses) == 41 and responses["response_id"].is_unique and len(report) == 41
    text = responses.set_index("response_id")["text"]
    assert all(text[s.response_id][s.start:s.end] == s.text for s in segments.itertuples())
    assert len(segments) > 500

    attached = set(responses.loc[responses["status"] == "attachment_only", "response_id"])
    assert {"17", "32", "37", "29"} <= attached
    assert "39" not in attached  # says an attachment exists but lists its main points

    types = responses.set_index("response_id")["respondent_type"]
    councils = responses.loc[types.values == "local_council", "respondent"]
    named = {r for r in councils if r.endswith("Lokaludvalg")}
    assert {"Østerbro Lokaludvalg", "Christianshavns Lokaludvalg", "Bispebjerg Lokaludvalg", "Kgs. Enghave Lokaludvalg",
            "Indre By Lokaludvalg", "Valby Lokaludvalg", "Vanløse Lokaludvalg", "Vesterbro Lokaludvalg"} <= named
    assert (types == "committee").sum() == 0  # no citizen is called a committee
    first_person = [rid for rid in ("2", "4", "6", "9", "13", "40") if types[rid] != "citizen"]
    assert not first_person
    assert {"7", "8", "38"} <= set(types[types == "organisation"].index)
    assert responses["respondent_type_source"].str.contains("Borger").all()


def test_polis_comments_ingest_unchanged(tmp_path):
    source = shared_path("polis", "scoop-hivemind.ubi", "comments.csv")
    out = tmp_path / "polis"
    assert cli_main(["ingest", str(source), "--out", str(out), "--language", "en"]) == 0
    responses = pd.read_parquet(out / "responses.parquet")
    raw = pd.read_csv(source)
    assert len(responses) == len(raw)
    assert set(responses["response_id"]) == set(raw["comment-id"].astype(str))
    assert (responses["language"] == "en").all()


def test_cap_agendas_csv_with_column_mapping(tmp_path):
    source = shared_path("cap-dk", "agendas_dev.csv")
    out = tmp_path / "cap"
    assert cli_main(["ingest", str(source), "--out", str(out), "--text-col", "text", "--id-col", "id",
                     "--meta", "topic=major_topic"]) == 0
    responses = pd.read_parquet(out / "responses.parquet")
    assert len(responses) == 1000
