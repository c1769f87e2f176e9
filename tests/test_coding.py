"""The coding round trip: sample, blind sheet, read back with checks, agreement, retraining."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.alignment.coding import (CodingSheetError, agreement_table, read_coding_sheet, sample_for_coding,
                                       training_table, write_coding_sheet)

PRIOS = ["jobs", "safety"]


def _tables():
    texts = ["Flere job til unge.", "Vi savner tryghed.", "Planen er god.", "Kommunen bør skabe job.",
             "Tak for ordet.", "Utryghed i gaderne bekymrer os.", "Vi støtter planen.", "Job og tryghed."]
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(8)], "response_id": list("aabbccdd"), "text": texts})
    sp = pd.DataFrame({"segment_id": ["s0", "s1", "s3", "s5", "s7", "s7"],
                       "priority_id": ["jobs", "safety", "jobs", "safety", "jobs", "safety"],
                       "stance": ["neutral", "concern", "request", "concern", "neutral", "neutral"]})
    resp = pd.DataFrame({"response_id": list("abcd"), "respondent_type": ["citizen", "citizen", "organisation",
                                                                         "committee"]})
    return seg, sp, resp


def _fill(path, stance=None, marks=None):
    wb = load_workbook(path)
    ws = wb["coding"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        sid = ws.cell(r, 2).value
        ws.cell(r, header.index("stance") + 1, (stance or {}).get(sid, "neutral"))
        for p in filter(None, (marks or {}).get(sid, ())):
            ws.cell(r, header.index("raises: " + p) + 1, 1)
    wb.save(path)


def test_round_trip(tmp_path):
    seg, sp, resp = _tables()
    key = sample_for_coding(seg, sp, resp, n=6, random_state=0)
    assert len(key) == 6 and key["coding_id"].is_unique
    assert key["stratum"].nunique() >= 4  # round-robin over strata
    again = sample_for_coding(seg, sp, resp, n=6, random_state=0)
    pd.testing.assert_frame_equal(key, again)
    path = write_coding_sheet(key, PRIOS, tmp_path / "sheet.xlsx")
    ws = load_workbook(path)["coding"]
    header = [c.value for c in ws[1]]
    assert "model_stance" not in header and "stratum" not in header  # codes hidden
    assert any("neutral" in str(dv.formula1) for dv in ws.data_validations.dataValidation)
    model_p = dict(zip(key.segment_id, key.model_priorities.str.split(";")))
    stance = dict(zip(key.segment_id, key.model_stance))
    _fill(path, stance, model_p)  # the coder agrees everywhere
    coded = read_coding_sheet(path, key, PRIOS)
    t = agreement_table(key.merge(coded), PRIOS, n_boot=100)
    f1 = t[t.metric == "f1"].set_index("item")["value"]
    assert f1["stance (macro)"] == pytest.approx(1.0) or np.isnan(f1["stance (macro)"])
    assert {"precision", "recall", "f1", "kappa"} == set(t.metric)
    assert (t.dropna().ci_low <= t.dropna().value + 1e-9).all()
    train = training_table(key, coded)
    assert len(train) == 6 and set(train.label) <= {"support", "concern", "request", "neutral"}


def test_disagreement_scores(tmp_path):
    m = pd.DataFrame({"model_stance": ["support", "concern", "neutral", "neutral"],
                      "coder_stance": ["support", "neutral", "neutral", "concern"],
                      "model_priorities": ["jobs", "jobs", "", "safety"],
                      "coder_priorities": ["jobs", "", "jobs", "safety"]})
    t = agreement_table(m, PRIOS, n_boot=50).set_index(["item", "metric"])["value"]
    assert t[("jobs", "precision")] == pytest.approx(1 / 2)
    assert t[("jobs", "recall")] == pytest.approx(1 / 2)
    assert t[("safety", "f1")] == pytest.approx(1.0)


def test_bad_sheets_get_clear_errors(tmp_path):
    seg, sp, resp = _tables()
    key = sample_for_coding(seg, sp, resp, n=5)
    path = write_coding_sheet(key, PRIOS, tmp_path / "s.xlsx")
    _fill(path)
    wb = load_workbook(path)
    ws = wb["coding"]
    ws.cell(2, 5, "angry")          # unknown stance code
    ws.cell(3, 1, "C999")           # edited id
    ws.cell(4, 6, "maybe")          # unknown mark
    ws.delete_rows(6)               # a missing row
    wb.save(path)
    with pytest.raises(CodingSheetError) as err:
        read_coding_sheet(path, key, PRIOS)
    msg = str(err.value)
    assert "angry" in msg and "row 2" in msg
    assert "C999" in msg and "missing" in msg and "maybe" in msg
