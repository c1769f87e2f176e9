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


def _coded_priorities():
    """A small synthetic coded sheet: the codebook misses 'tryghed' (safety) and wrongly hits 'job' in 'jobbet'."""
    rows = []
    for i in range(8):
        rows += [(f"r{i}", f"Flere job til unge i bydel {i}.", "jobs", "jobs"),
                 (f"r{i}", f"Mere tryghed på gaderne om aftenen {i}.", "", "safety"),
                 (f"r{i}", f"Jobbet med planen tog tid {i}.", "jobs", ""),
                 (f"r{i}", f"Planen har tre kapitler {i}.", "", "")]
    return pd.DataFrame(rows, columns=["response_id", "text", "hits", "label"])


def test_priority_model_learns_from_the_coder_and_is_cross_validated():
    from analysis.alignment.priority_model import PriorityModel, cross_validate_priorities

    t = _coded_priorities()
    m = PriorityModel().fit(t.text, t.hits, t.label, PRIOS)
    assert m.fallback_ == []
    assert m.predict(["Mere tryghed i parken."], [""]) == ["safety"]
    cv = cross_validate_priorities(t.text, t.hits, t.label, PRIOS, groups=t.response_id, n_splits=4)
    f1 = cv.set_index(["priority_id", "model"])["f1"]
    assert f1[("safety", "learned")] > f1[("safety", "codebook")] == 0  # the codebook never finds safety
    assert {"precision", "recall", "f1", "n_positive"} <= set(cv.columns)
    with pytest.raises(ValueError, match="unknown priority"):
        PriorityModel().fit(["x"], [""], ["housing"], PRIOS)


def test_priority_model_beside_the_stance_model_rewrites_segment_priorities(tmp_path):
    from analysis.alignment.learned import load_stance_model, save_training_table
    from analysis.alignment.priority_model import LEARNED_EVIDENCE, TRAINING_FILE, save_priority_training

    t = _coded_priorities()
    stance = pd.DataFrame({"text": t.text, "label": ["neutral", "request", "neutral", "neutral"] * 8})
    path = save_training_table(stance, tmp_path / "stance_training.csv")
    model = load_stance_model(path)
    assert model.priority_model_ is None  # no priority table yet
    save_priority_training(t, tmp_path / TRAINING_FILE)
    model = load_stance_model(path)
    seg = pd.DataFrame({"segment_id": ["a", "b"], "text": ["Mere tryghed i parken.", "Flere job til unge."]})
    sp = pd.DataFrame({"segment_id": ["b"], "priority_id": ["jobs"], "evidence": ["job"], "n_matches": [1],
                       "negated": [False], "stance": ["neutral"], "cue": [""]})
    st = pd.DataFrame({"segment_id": ["a", "b"], "stance": ["request", "neutral"], "cue": ["", ""]})
    out = model.priority_model_.apply(sp, seg, st)
    assert list(out.columns) == list(sp.columns)
    got = dict(zip(zip(out.segment_id, out.priority_id), out.evidence))
    assert got[("a", "safety")] == LEARNED_EVIDENCE and got[("b", "jobs")] == "job"
    assert out.set_index("segment_id").loc["a", "stance"] == "request"


def _coded_sheet():
    """The answer key and a filled coding sheet of the coded priorities (stance cycling over four codes)."""
    t = _coded_priorities()
    key = pd.DataFrame({"coding_id": [f"C{i:03d}" for i in range(len(t))], "segment_id": [f"s{i}" for i in range(len(t))],
                        "response_id": t.response_id, "text": t.text, "model_priorities": t.hits})
    coded = pd.DataFrame({"coding_id": key.coding_id, "segment_id": key.segment_id, "coder_priorities": t.label,
                          "coder_stance": ["neutral", "request", "neutral", "support"] * 8})
    return key, coded


def test_retrain_writes_both_training_tables(tmp_path):
    from types import SimpleNamespace

    from analysis.alignment.commands import _retrain_priorities, _retrain_stance
    from analysis.alignment.learned import load_stance_model

    key, coded = _coded_sheet()
    study = SimpleNamespace(processed_dir=tmp_path, language="da", random_state=0)
    _retrain_stance(study, key, coded, None)
    _retrain_priorities(study, key, coded, PRIOS)
    assert (tmp_path / "stance_training.csv").is_file() and (tmp_path / "priority_training.csv").is_file()
    cv = pd.read_csv(tmp_path / "priority_model_cv.csv")
    assert set(cv.priority_id) == set(PRIOS) and set(cv.model) == {"learned", "codebook"}
    assert load_stance_model(tmp_path / "stance_training.csv").priority_model_ is not None


def test_retrain_keeps_the_chosen_stance_parameters_and_loading_uses_them(tmp_path):
    import json
    from types import SimpleNamespace

    from analysis.alignment.commands import _retrain_stance
    from analysis.alignment.learned import PARAM_GRID, load_stance_model, stance_params_path

    key, coded = _coded_sheet()
    _retrain_stance(SimpleNamespace(processed_dir=tmp_path, language="da", random_state=0), key, coded, None)
    kept = json.loads(stance_params_path(tmp_path / "stance_training.csv").read_text())
    assert kept["cue_weight"] in PARAM_GRID["cue_weight"] and kept["C"] in PARAM_GRID["C"]
    model = load_stance_model(tmp_path / "stance_training.csv")
    assert (model.cue_weight, model.C) == (kept["cue_weight"], kept["C"])


def test_broken_stance_parameters_are_an_error_naming_the_file(tmp_path):
    from analysis.alignment.learned import read_stance_params, stance_params_path

    table = tmp_path / "stance_training.csv"
    assert read_stance_params(table) == {}
    stance_params_path(table).write_text('{"C": -1}')
    with pytest.raises(ValueError, match="stance_training.params.json: C must be positive"):
        read_stance_params(table)
    stance_params_path(table).write_text("not json")
    with pytest.raises(ValueError, match="not the parameters of a stance model"):
        read_stance_params(table)
