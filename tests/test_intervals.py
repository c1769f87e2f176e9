"""Intervals at every n, group tables over all responses, small groups, counting unit, effects."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.alignment import alignment_tables, group_priority, group_theme, keyness, proportion_interval
from analysis.alignment.codebook import Codebook, GoalSet, Priority, load_codebook, load_goals
from analysis.alignment.effects import firth_logit, priority_effects
from analysis.alignment.intervals import coverage
from analysis.alignment.priorities import evidence_segments, segment_priorities

ROOT = Path(__file__).resolve().parents[1]
UDS = ROOT / "data/raw/udsatte-byomraader-2025"
GRID_N = [1, 2, 3, 5, 7, 10, 20, 30, 50, 100]
GRID_P = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95]


@pytest.mark.parametrize("method", ["wilson", "jeffreys"])
def test_coverage_over_grid(method):
    cov = coverage(method, GRID_N, GRID_P, n_sim=3000, random_state=1)
    assert cov.mean() >= 0.93
    assert cov[np.array(GRID_N) >= 20].min() >= 0.85  # only the known oscillation near p = 0 or 1


def test_n_one_share_one_is_not_collapsed():
    for method in ("wilson", "jeffreys"):
        lo, hi = proportion_interval(1, 1, method)
        assert 0.1 < lo[0] < 0.3 and hi[0] == 1.0
    lo, hi = proportion_interval(7, 7, "wilson")  # a group of 7 all raising a priority
    assert lo[0] == pytest.approx(0.6457, abs=1e-3) and hi[0] == 1.0
    with pytest.raises(ValueError, match="alignment.interval"):
        proportion_interval(1, 2, "exact")


def test_group_theme_averages_over_all_responses():
    # three citizens: a has only theme 0, b has 0 and 1, c only theme 2; one organisation
    rt = pd.DataFrame({"response_id": ["a", "b", "b", "c", "d"], "theme_id": [0, 0, 1, 2, 1],
                       "share": [1.0, 0.4, 0.6, 1.0, 1.0]})
    resp = pd.DataFrame({"response_id": list("abcd"),
                         "respondent_type": ["citizen", "citizen", "citizen", "organisation"]})
    t = group_theme(rt, resp).set_index(["group", "theme_id"])
    assert t.loc[("citizen", 0), "value"] == pytest.approx(1.4 / 3)  # not 0.7 (mean over a, b only)
    assert t.loc[("citizen", 1), "value"] == pytest.approx(0.6 / 3)
    assert t.loc[("citizen", 2), "value"] == pytest.approx(1 / 3)
    assert t.loc[("organisation", 0), "value"] == 0.0
    sums = t.groupby(level="group")["value"].sum()
    assert np.allclose(sums, 1.0)
    assert t.loc[("citizen", 0), "n"] == 3 and t.loc[("all", 0), "n"] == 4
    assert t.loc[("citizen", 0), "small_group"] and t.loc[("citizen", 0), "count"] == 2


def _corpus():
    texts = {"r1": ["Flere job til unge.", "Vi savner uddannelse."], "r2": ["Mere tryghed."],
             "r3": ["Flere job.", "Job og uddannelse.", "Bedre job.", "Tryghed."]}
    rows = [(f"{r}:{i}", r, t) for r, ts in texts.items() for i, t in enumerate(ts)]
    seg = pd.DataFrame(rows, columns=["segment_id", "response_id", "text"])
    resp = pd.DataFrame({"response_id": list(texts), "respondent_type": ["citizen", "citizen", "organisation"]})
    cb = Codebook((Priority("jobs", "Jobs", (), terms={"da": ("job",)}),
                   Priority("safety", "Safety", (), terms={"da": ("tryghed",)})), "1")
    return seg, resp, cb


def test_group_priority_hand_computed_and_unit():
    seg, resp, cb = _corpus()
    sp = segment_priorities(seg, cb)
    t = group_priority(sp, seg, cb, resp, unit="response").set_index(["group", "priority_id", "measure"])
    assert t.loc[("citizen", "jobs", "mention"), "value"] == pytest.approx(1 / 2)   # r1 yes, r2 no
    assert t.loc[("citizen", "jobs", "salience"), "value"] == pytest.approx((1 / 2 + 0) / 2)
    assert t.loc[("all", "jobs", "salience"), "value"] == pytest.approx((1 / 2 + 0 + 3 / 4) / 3)
    assert t.loc[("citizen", "jobs", "mention"), "n"] == 2 and t.loc[("citizen", "jobs", "mention"), "small_group"]
    assert (t["interval"] == "wilson").all()
    s = group_priority(sp, seg, cb, resp, unit="segment").set_index(["group", "priority_id", "measure"])
    assert s.loc[("all", "jobs", "salience"), "value"] == pytest.approx(4 / 7)  # pooled segments
    assert s.loc[("all", "jobs", "salience"), "n"] == 7 and s.loc[("all", "jobs", "salience"), "unit"] == "segment"
    with pytest.raises(ValueError, match="alignment.unit"):
        group_priority(sp, seg, cb, resp, unit="word")


def test_bundled_study_interval_is_honest_for_one_response():
    goals = load_goals(UDS / "goals.yaml")
    cb = load_codebook(UDS / "codebook.yaml", goals)
    text = (UDS / "000_31c7afb107f199fb.txt").read_text(encoding="utf-8")
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i, _ in enumerate(text.split(". "))],
                        "response_id": "r1", "text": text.split(". ")})
    tables = alignment_tables(seg, None, goals, cb, n_boot=50)
    tp = tables["alignment_type_priority"]
    raised = tp[(tp.measure == "mention") & (tp.value == 1.0)]
    assert len(raised) and (raised.ci_low < 0.3).all() and (raised.n == 1).all() and raised.small_group.all()
    boot = alignment_tables(seg, None, goals, cb, n_boot=50, interval="bootstrap")["alignment_type_priority"]
    assert (boot[(boot.measure == "mention") & (boot.value == 1.0)].ci_low == 1.0).all()  # what it used to be


def test_sender_lines_and_own_name_are_not_evidence():
    seg = pd.DataFrame({"segment_id": ["a", "b", "c"], "response_id": ["r"] * 3,
                        "kind": ["content", "signature", "content"],
                        "text": ["Cyklistforbundet har læst planen.", "Cyklistforbundet, cykling for alle",
                                 "Vi ønsker mere cykling i byen."]})
    resp = pd.DataFrame({"response_id": ["r"], "respondent": ["Cyklistforbundet"], "respondent_type": ["organisation"]})
    cb = Codebook((Priority("cycling", "Cycling", (), terms={"da": ("cykling", "cyklist*")}),), "1")
    ev = evidence_segments(seg, resp)
    assert ev["segment_id"].tolist() == ["a", "c"]
    sp = segment_priorities(ev, cb)
    assert sp["segment_id"].tolist() == ["c"]
    tables = alignment_tables(seg, resp, GoalSet((), "1"), cb, n_boot=20)
    assert tables["segment_priorities"]["segment_id"].tolist() == ["c"]


def test_keyness_keeps_to_language_and_content_words():
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(8)],
                        "response_id": ["a", "b", "a", "b", "c", "d", "c", "d"],
                        "text": ["cykelsti and the cykelsti", "cykelsti and the bus"] * 2
                        + ["biomasse og fjernvarme", "biomasse og fjernvarme"] * 2})
    resp = pd.DataFrame({"response_id": list("abcd"), "respondent_type": ["citizen"] * 2 + ["organisation"] * 2})
    k = keyness(seg, resp, min_count=1, language="da")
    assert {"and", "the", "og"}.isdisjoint(set(k.term))
    assert "cykelsti" in set(k[k.group == "citizen"].term)


def test_firth_is_finite_under_separation_and_effects_table():
    X = np.column_stack([np.ones(8), [0, 0, 0, 0, 1, 1, 1, 1]])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    beta, cov = firth_logit(X, y)
    assert np.isfinite(beta).all() and beta[1] > 0
    seg, resp, cb = _corpus()
    resp = pd.concat([resp, pd.DataFrame({"response_id": ["r4", "r5"], "respondent_type": ["organisation"] * 2})])
    seg = pd.concat([seg, pd.DataFrame({"segment_id": ["r4:0", "r5:0"], "response_id": ["r4", "r5"],
                                        "text": ["Flere job.", "Mere tryghed."]})])
    eff = priority_effects(segment_priorities(seg, cb), seg, cb, resp)
    row = eff[(eff.priority_id == "jobs") & (eff.term == "respondent_type=citizen")].iloc[0]  # vs the largest type
    assert row.ci_low < row.estimate < row.ci_high and row.n == 5 and row.reference == "organisation"
    assert {"log_segments", "(intercept)"} <= set(eff.term)
