"""Alignment tables: shapes, intervals, campaigns, gaps, keyness, determinism, the stage."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.alignment import (alignment_tables, boot_ratio, group_priority, keyness, write_alignment_tables)
from analysis.alignment.codebook import load_codebook, load_goals
from analysis.config import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
UDS = ROOT / "data/raw/udsatte-byomraader-2025"
BLIV = ROOT / "data/raw/blivhoert-190"

TEXTS = {
    "r1": ["Vi støtter fokus på beskæftigelse og job.", "Der mangler uddannelse til unge.",
           "Det er væsentligt, at handleplanen koordineres med nationale tiltag."],
    "r2": ["Tryghed og mindre kriminalitet i boligområdet.", "Vi bekymrer os om utrygheden."],
    "r3": ["Negativ social kontrol skal bekæmpes.", "Vi savner borgerinddragelse."],
    "r4": ["Mere beskæftigelse til borgerne.", "Planen er god."],
    "r5": ["Mere beskæftigelse til borgerne.", "Planen er god."],
}
TYPES = {"r1": "committee", "r2": "citizen", "r3": "citizen", "r4": "organisation", "r5": "organisation"}


def corpus(groups=None):
    rows = [(f"{r}:0:{i}", r, t) for r, ts in TEXTS.items() for i, t in enumerate(ts)]
    segments = pd.DataFrame(rows, columns=["segment_id", "response_id", "text"])
    responses = pd.DataFrame({"response_id": list(TEXTS), "respondent_type": [TYPES[r] for r in TEXTS]})
    g = groups or {}
    responses["duplicate_group"] = pd.array([g.get(r) for r in TEXTS], dtype="string")
    responses["duplicate_group_size"] = pd.array([2 if r in g else None for r in TEXTS], dtype="Int64")
    return segments, responses


@pytest.fixture(scope="module")
def frame():
    goals = load_goals(UDS / "goals.yaml")
    cb = load_codebook(UDS / "codebook.yaml", goals)
    segments, responses = corpus()
    return goals, cb, segments, responses, alignment_tables(segments, responses, goals, cb, n_boot=200)


def test_every_table_has_value_and_interval(frame):
    *_, tables = frame
    for name, t in tables.items():
        if name.startswith("alignment_"):
            assert {"value", "ci_low", "ci_high", "n"} <= set(t.columns), name
            ok = t.dropna(subset=["value", "ci_low", "ci_high"])
            assert (ok.ci_low <= ok.value + 1e-9).all() and (ok.value <= ok.ci_high + 1e-9).all(), name


def test_prevalence_values(frame):
    goals, cb, segments, responses, tables = frame
    tp = tables["alignment_type_priority"].set_index(["group", "priority_id", "measure"])
    # employment raised by r1, r4, r5 of 5 responses
    assert tp.loc[("all", "employment", "mention"), "value"] == pytest.approx(3 / 5)
    assert tp.loc[("all", "employment", "mention"), "count"] == 3
    assert tp.loc[("organisation", "employment", "mention"), "value"] == 1.0
    rp = tables["alignment_respondent_priority"].set_index(["response_id", "priority_id"])
    assert rp.loc[("r1", "employment"), "value"] == pytest.approx(1 / 3)
    assert rp.loc[("r1", "employment"), "n"] == 3


def test_campaigns_once_counts_group_as_one():
    goals = load_goals(UDS / "goals.yaml")
    cb = load_codebook(UDS / "codebook.yaml", goals)
    segments, responses = corpus({"r4": "c1", "r5": "c1"})
    kw = dict(n_boot=100)
    per = group_priority(*_sp(segments, cb), cb, responses, count_campaigns="per_response", **kw)
    once = group_priority(*_sp(segments, cb), cb, responses, count_campaigns="once", **kw)
    pick = lambda t: t.set_index(["group", "priority_id", "measure"]).loc[("all", "employment", "mention")]
    assert pick(per).value == pytest.approx(3 / 5) and pick(per).n == 5
    assert pick(once).value == pytest.approx(2 / 4) and pick(once).n == 4
    with pytest.raises(ValueError, match="count_campaigns"):
        group_priority(*_sp(segments, cb), cb, responses, count_campaigns="twice")


def _sp(segments, cb):
    from analysis.alignment.priorities import segment_priorities
    return segment_priorities(segments, cb), segments


def test_goals_gaps_and_agreement(frame):
    goals, cb, segments, responses, tables = frame
    gaps = tables["alignment_gaps"].set_index("priority_id")
    assert "coordination" in gaps.index and gaps.loc["coordination", "raised"]
    assert "delivery only" in gaps.loc["coordination", "reason"]
    assert "employment" not in gaps.index
    cov = tables["alignment_goal_coverage"].set_index(["group", "goal_id"])
    assert cov.loc[("all", "life_chances"), "value"] > 0
    pg = tables["alignment_priority_goal"]
    assert set(pg.method) == {"codebook", "similarity"}
    code = pg[(pg.method == "codebook")].set_index(["priority_id", "goal_id"]).value
    assert code[("employment", "life_chances")] == 1 and code[("coordination", "life_chances")] == 0
    agr = tables["alignment_method_agreement"].set_index("metric")
    assert set(agr.index) == {"top_goal_agreement", "top_goal_kappa", "spearman"}
    assert 0 <= agr.loc["top_goal_agreement", "value"] <= 1
    st = tables["alignment_stance_priority"]
    shares = st[st.n > 0].groupby("priority_id").value.sum()
    assert len(shares) >= 5
    assert np.allclose(shares, 1.0)


def test_keyness_g2_and_bh():
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(6)], "response_id": ["a", "a", "a", "b", "b", "b"],
                        "text": ["cykelsti cykelsti cykelsti"] * 3 + ["biomasse fjernvarme"] * 3})
    resp = pd.DataFrame({"response_id": ["a", "b"], "respondent_type": ["citizen", "organisation"]})
    k = keyness(seg, resp, min_count=1, min_responses=1)
    row = k[(k.group == "citizen") & (k.term == "cykelsti")].iloc[0]
    # 9 vs 0 occurrences in 9 vs 6 tokens: G2 = 2*9*ln(15/9)
    assert row.g2 == pytest.approx(2 * 9 * np.log(15 / 9))
    assert row.direction == "over" and row.value > 0 and row.q_value >= row.p_value
    assert keyness(seg.assign(response_id="a"), resp, min_count=1, min_responses=1).empty


def test_bootstrap_is_deterministic():
    num = np.random.default_rng(0).random((30, 3))
    a = boot_ratio(num, np.ones(30), n_boot=300, random_state=5)
    b = boot_ratio(num, np.ones(30), n_boot=300, random_state=5)
    c = boot_ratio(num, np.ones(30), n_boot=300, random_state=6)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[1], c[1])


def test_stage_writes_tables(tmp_path):
    segments, responses = corpus()
    segments.to_parquet(tmp_path / "segments.parquet")
    responses.to_parquet(tmp_path / "responses.parquet")
    t1 = write_alignment_tables(tmp_path, UDS / "goals.yaml", UDS / "codebook.yaml", n_boot=50)
    for name in t1:
        assert (tmp_path / f"{name}.parquet").is_file() and (tmp_path / f"{name}.csv").is_file()
    before = (tmp_path / "alignment_type_priority.csv").read_bytes()
    write_alignment_tables(tmp_path, UDS / "goals.yaml", UDS / "codebook.yaml", n_boot=50)
    assert (tmp_path / "alignment_type_priority.csv").read_bytes() == before


@pytest.mark.slow
def test_blivhoert_tables(tmp_path):
    path = SHARED_DATA / "blivhoert-190" / "responses.jsonl"
    if not path.is_file():
        pytest.skip(f"shared reference data absent ({path})")
    from analysis.corpus.segment import segment_responses
    raw = pd.read_json(path, lines=True)
    resp = pd.DataFrame({"response_id": raw.response_id.astype(str), "text": raw.text.str.replace("\r\n", "\n"),
                         "respondent_type": "unknown", "language": "da"})
    segments = segment_responses(resp)
    goals = load_goals(BLIV / "goals.yaml")
    cb = load_codebook(BLIV / "codebook.yaml", goals)
    tables = alignment_tables(segments, resp, goals, cb, n_boot=100)
    tp = tables["alignment_type_priority"]
    mention = tp[(tp.group == "all") & (tp.measure == "mention")].set_index("priority_id").value
    assert mention["energy"] > 0.2 and mention["consumption_food"] > 0.2
    cov = tables["alignment_goal_coverage"]
    assert (cov[cov.group == "all"].value > 0).all()
    assert tables["alignment_gaps"].raised.any()


def test_theme_heatmap_means_over_all_responses_of_the_group():
    from analysis.report import plots

    # citizen a: theme 0 only; citizen b: themes 0 and 1; the heatmap used to show 0.7 for (citizen, 0)
    joined = pd.DataFrame({"response_id": ["a", "b", "b"], "respondent_type": ["citizen"] * 3,
                           "theme_id": [0, 0, 1], "share": [1.0, 0.4, 0.6]})
    with plots.use_style():
        ax = plots.theme_heatmap(joined)
    grid = ax.images[0].get_array()
    assert grid[0, 0] == pytest.approx(0.7) and grid[0, 1] == pytest.approx(0.3)
    assert float(np.asarray(grid).sum()) == pytest.approx(1.0)
    assert ax.get_yticklabels()[0].get_text() == "citizen (n=2)"
    assert set(ax.plotted_values["n"]) == {2}
    joined2 = pd.DataFrame({"response_id": ["a", "b"], "respondent_type": ["citizen"] * 2,
                            "theme_id": [0, 1], "share": [1.0, 1.0]})
    with plots.use_style():
        grid2 = plots.theme_heatmap(joined2).images[0].get_array()
    assert np.allclose(grid2, [[0.5, 0.5]])  # not [[1, 1]]


def test_figures_note_unit_n_and_small_groups(frame):
    from analysis.report import plots

    *_, tables = frame
    with plots.use_style():
        ax = plots.respondent_comparison(tables["alignment_type_priority"], measure="mention")
        eff = plots.group_effects(tables["alignment_effects"])
    assert "unit: response" in ax.get_xlabel() and "wilson" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "all (n=5)" in legend and any("small" in t for t in legend)
    assert {"n", "small_group"} <= set(ax.plotted_values.columns)
    assert "odds ratio" in eff.get_xlabel() or eff.texts  # no-data Axes when one type only


# ------------------------------------------------------------- vectorised = reference
def test_goal_similarity_counts_repeated_texts_like_the_plain_tfidf():
    """Analysing each distinct text once keeps the TF-IDF space of all segments."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.alignment.keyterms import content_analyzer
    from analysis.alignment.tables import goal_similarity

    goals = load_goals(UDS / "goals.yaml")
    segments, _ = corpus()
    segments = pd.concat([segments, segments.iloc[[0, 0, 3]]], ignore_index=True)  # form letters repeat
    segments.loc[1, "text"] = "[NAVN] mener at [ADRESSE] mangler beskæftigelse, [navn] også."  # placeholders
    segments["segment_id"] = [f"s{i}" for i in range(len(segments))]
    got = goal_similarity(segments, goals, "da")
    texts = segments["text"].tolist() + [g.text("da") for g in goals]
    X = TfidfVectorizer(analyzer=content_analyzer("da"), sublinear_tf=True).fit_transform(texts)
    ref = (X[: len(segments)] @ X[len(segments):].T).toarray()
    assert got.index.tolist() == segments["segment_id"].tolist()
    np.testing.assert_array_equal(got.to_numpy(), ref)
    assert (got.to_numpy() > 0).any()


def test_priority_counts_equal_a_crosstab():
    from analysis.alignment.resampling import priority_counts

    sp = pd.DataFrame({"segment_id": ["a", "b", "b", "c", "x"], "priority_id": ["p", "p", "q", "zz", "p"]})
    seg = pd.DataFrame({"segment_id": ["a", "b", "c"], "response_id": ["r2", "r2", "r1"]})
    resp = pd.DataFrame({"response_id": ["r1", "r2", "r3"]})
    got = priority_counts(sp, seg, resp, ["q", "p"])
    m = sp.merge(seg, on="segment_id")
    ref = pd.crosstab(m["response_id"], m["priority_id"]).reindex(index=resp["response_id"], columns=["q", "p"],
                                                                   fill_value=0)
    np.testing.assert_array_equal(got, ref.to_numpy(dtype=float))
    assert got.sum() == 3  # the unknown segment "x" and priority "zz" are not counted


def test_content_analyzer_judges_a_word_the_same_wherever_it_recurs():
    """The per-word memo of one analyser gives what a fresh analyser gives for each text."""
    from analysis.alignment.keyterms import content_analyzer

    segments, _ = corpus()
    texts = segments["text"].tolist() + ["[NAVN] og Navn mener, at cykelstier mangler.", "navn cykelstier"]
    shared = content_analyzer("da")
    assert [shared(t) for t in texts] == [content_analyzer("da")(t) for t in texts]
    assert shared(texts[-2]).count("navn") == 1  # the placeholder is skipped, the same word outside brackets kept
