"""Goals and codebook files: schema validation with clear errors, seed terms."""

from pathlib import Path

import pytest

from analysis.alignment.codebook import CodebookError, PhraseSet, load_codebook, load_goals, word_regex

ROOT = Path(__file__).resolve().parents[1]
STUDIES = ["udsatte-byomraader-2025", "blivhoert-190"]

GOALS = """version: 1
goals:
  - {id: g1, kind: strategic, title_da: Mål, label_en: Goal, description: A goal.}
  - {id: plan, kind: delivery, title_da: Plan, label_en: Plan, description: Delivery.}
"""


def write(tmp_path, priorities: str, goals: str = GOALS) -> Path:
    (tmp_path / "goals.yaml").write_text(goals, encoding="utf-8")
    p = tmp_path / "codebook.yaml"
    p.write_text("version: 1\ngoals_file: goals.yaml\npriorities:\n" + priorities, encoding="utf-8")
    return p


OK = "  - {id: jobs, label_en: Jobs, goals: [g1], terms: {da: [beskæftigelse]}}\n"


@pytest.mark.parametrize("study", STUDIES)
def test_study_files_load_and_are_versioned(study):
    folder = ROOT / "data" / "raw" / study
    goals = load_goals(folder / "goals.yaml")
    cb = load_codebook(folder / "codebook.yaml")
    assert goals.version and cb.version
    assert cb.goals is not None and cb.goals.ids == goals.ids
    assert len(goals.strategic_ids) >= 2
    assert len(cb) >= 11


def test_udsatte_codebook_has_required_priorities_and_gap():
    cb = load_codebook(ROOT / "data/raw/udsatte-byomraader-2025/codebook.yaml")
    required = {"employment", "education", "negative_social_control", "safety_crime", "coordination", "housing",
                "health", "inequality", "citizen_involvement", "children_youth", "funding"}
    assert required <= set(cb.ids)
    # coordination is delivery (the joint action plan), not a strategic goal
    assert cb.strategic_goals("coordination") == []
    assert cb.strategic_goals("employment") == ["life_chances"]
    assert cb.to_frame().set_index("priority_id").loc["coordination", "gap_candidate"]


def test_seed_terms_shape():
    cb = load_codebook(ROOT / "data/raw/udsatte-byomraader-2025/codebook.yaml")
    seeds = cb.seed_terms("da")
    assert set(seeds) == set(cb.ids)
    assert "beskæftigelse" in seeds["employment"]
    assert all(isinstance(t, str) and t and "*" not in t and not t.startswith("=")
               for terms in seeds.values() for t in terms)
    assert "kontrol" in seeds["negative_social_control"]


@pytest.mark.parametrize("body, message", [
    ("  - {id: jobs, label_en: Jobs, goals: [nope], terms: {da: [job]}}\n", "unknown goal id 'nope'"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1], terms: {da: ['']}}\n", "is empty"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1], patterns: {da: ['(unclosed']}}\n", "not a valid regular expression"),
    (OK + OK, "duplicate id 'jobs'"),
    ("  - {id: jobs, goals: [g1], terms: {da: [job]}}\n", "missing field 'label'"),
    ("  - {id: jobs, label_en: Jobs, terms: {da: [job]}}\n", "missing field 'goals'"),
    ("  - {id: Jobs!, label_en: Jobs, goals: [g1], terms: {da: [job]}}\n", "not a slug"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1]}\n", "no terms, phrases or patterns"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1], terms: {da: [two words]}}\n", "move it to 'phrases'"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1], term: {da: [job]}}\n", "unknown field"),
    ("  - {id: jobs, label_en: Jobs, goals: [g1], terms: {xx: [job]}}\n", "unknown language"),
])
def test_codebook_errors_name_file_and_entry(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    text = str(err.value)
    assert message in text
    assert str(path) in text
    assert "priority #" in text


def test_goal_errors(tmp_path):
    bad = GOALS.replace("kind: delivery", "kind: wish")
    with pytest.raises(CodebookError, match="kind 'wish'"):
        load_goals(write(tmp_path, OK, bad).parent / "goals.yaml")
    with pytest.raises(CodebookError, match="missing field 'version'"):
        (tmp_path / "g2.yaml").write_text(GOALS.replace("version: 1\n", ""), encoding="utf-8")
        load_goals(tmp_path / "g2.yaml")
    with pytest.raises(CodebookError, match="no such goals file"):
        load_goals(tmp_path / "absent.yaml")


def test_word_syntax():
    import re
    rx = re.compile(word_regex("beskæftigelse"))
    assert rx.fullmatch("beskæftigelsesindsats") and rx.fullmatch("beskæftigelse")
    assert not rx.fullmatch("ansættelse")
    assert re.fullmatch(word_regex("=politi"), "politi") and not re.fullmatch(word_regex("=politi"), "politik")
    assert re.fullmatch(word_regex("*tryg*"), "utryghed")
    assert not re.fullmatch(word_regex("job"), "jobcenter")  # short: exact
    ps = PhraseSet([("b", "bakke ~ op")], "da", lemmatize_words=False)
    toks = ["bakker", "udvalget", "varmt", "op"]
    lems = ["bakke", "udvalg", "varm", "op"]
    assert ps.find(toks, lems) == [("b", 0, 4)]


def test_themes_accepts_seed_terms():
    themes = pytest.importorskip("analysis.themes")
    if not hasattr(themes, "ThemeModel"):
        pytest.skip("analysis.themes has no ThemeModel yet")
    import inspect
    if "seed_terms" not in inspect.signature(themes.ThemeModel).parameters:
        pytest.skip("ThemeModel does not take seed_terms= yet")
    import pandas as pd
    cb = load_codebook(ROOT / "data/raw/udsatte-byomraader-2025/codebook.yaml")
    texts = ["Flere borgere i job og beskæftigelse.", "Uddannelse til unge i skolen.",
             "Negativ social kontrol i Bispebjerg.", "Tryghed og mindre kriminalitet i byen.",
             "Handleplanen skal koordineres med nationale tiltag."] * 4
    segs = pd.DataFrame({"segment_id": [f"r{i}:0:0" for i in range(len(texts))],
                         "response_id": [f"r{i}" for i in range(len(texts))], "text": texts})
    model = themes.ThemeModel(seed_terms=cb.seed_terms("da"), random_state=0)
    model.fit(segs["text"])
