"""The study schema: one table of keys, every problem of every file at once, clear fixes."""

from __future__ import annotations

import shutil

import pytest

from analysis.cli import main
from analysis.config import DATA_RAW
from analysis.pipeline import check_study
from analysis.schema import SETTINGS, settings_table, validate_settings

CONTRACT_KEYS = ["engine", "scheduler", "themes.k", "themes.backend", "themes.unit", "count_campaigns",
                 "alignment.unit", "alignment.interval", "alignment.min_group_n", "alignment.n_boot",
                 "input.keep_moderated", "input.sheets", "random_state", "name", "language"]


def test_table_has_every_contract_key_with_type_default_and_description():
    names = {s.name for s in SETTINGS}
    assert set(CONTRACT_KEYS) <= names
    assert all(s.type and s.description for s in SETTINGS)
    table = settings_table()
    assert all(f"`{k}`" in table for k in CONTRACT_KEYS)


def test_defaults_filled_and_values_converted():
    settings, problems = validate_settings({"themes": {"k": "8", "k_range": [2, 6]}, "input": "responses.csv"})
    assert problems == []
    assert settings["themes"]["k"] == 8 and settings["input"]["path"] == "responses.csv"
    assert settings["alignment"]["interval"] == "wilson" and settings["alignment"]["unit"] == "response" and settings["input"]["keep_moderated"] is False
    assert settings["written"]["themes"] == {"k": 8, "k_range": [2, 6]}


def test_any_theme_model_parameter_is_a_themes_key():
    assert validate_settings({"themes": {"n_runs": 2, "smoothing": 0.5, "form": "lemma"}})[1] == []


@pytest.mark.parametrize("raw, key, words", [
    ({"random_state": "abc"}, "random_state", "not a whole number"),
    ({"themes": {"k": "many"}}, "themes.k", "not a number of themes"),
    ({"themes": {"k": 0}}, "themes.k", "cannot be found"),
    ({"themes": [1, 2]}, "themes", "not a mapping of settings"),
    ({"random_stat": 1}, "random_stat", "Did you mean 'random_state'?"),
    ({"themes": {"bakend": "nmf"}}, "themes.bakend", "Did you mean 'backend'?"),
    ({"k": 5}, "k", "Did you mean 'themes.k'?"),
    ({"name": "../../../x"}, "name", "not a plain name"),
    ({"name": ".hidden"}, "name", "not a plain name"),
    ({"count_campaigns": "onse"}, "count_campaigns", "Did you mean 'once'?"),
    ({"alignment": {"interval": "wald"}}, "alignment.interval", "wilson, jeffreys, bootstrap"),
    ({"input": {"sheets": 3}}, "input.sheets", "list of sheet names"),
    ({"themes": {"n_themes": 4}}, "themes.n_themes", "themes.k"),
])
def test_bad_values_named_with_a_fix(raw, key, words):
    _, problems = validate_settings(raw, "study.yaml")
    assert [p.key for p in problems] == [key]
    assert words in str(problems[0]) and str(problems[0]).startswith(f"study.yaml: {key}:")


def _study(tmp_path, text: bytes | str, goals: str | None = None):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "study.yaml").write_bytes(text if isinstance(text, bytes) else text.encode())
    if goals is not None:
        (folder / "goals.yaml").write_text(goals, encoding="utf-8")
    return folder


def test_all_problems_of_all_files_at_once(tmp_path):
    shutil.copy(DATA_RAW / "udsatte-byomraader-2025" / "codebook.yaml", tmp_path / "codebook.yaml")
    folder = _study(tmp_path, "random_state: abc\nthemes: {k: many}\nbogus: 1\ninput: .\n"
                              "goals: goals.yaml\ncodebook: ../codebook.yaml\n",
                    goals="version: 1\ngoals:\n  - {id: g1, kind: wish}\n")
    problems = check_study(folder)
    text = "\n".join(map(str, problems))
    for words in ("random_state", "themes.k", "bogus", "kind 'wish'", "missing field 'title'", "unknown goal id"):
        assert words in text
    assert any(p.file.endswith("goals.yaml") for p in problems) and any(p.file.endswith("codebook.yaml") for p in problems)


def test_bad_yaml_and_non_utf8_are_problems_not_tracebacks(tmp_path, capsys):
    folder = _study(tmp_path, "name: [unclosed\n")
    assert main(["check", str(folder)]) == 2
    out = capsys.readouterr().out
    assert "not valid YAML" in out and "line" in out
    (folder / "study.yaml").write_bytes("title: Høring\n".encode("latin-1"))
    assert main(["check", str(folder)]) == 2
    assert "not UTF-8" in capsys.readouterr().out


def test_check_says_ok_for_the_bundled_study(capsys):
    assert main(["check", "udsatte-byomraader-2025"]) == 0
    assert capsys.readouterr().out.strip() == "ok"


def test_run_refuses_a_bad_study_before_any_stage(tmp_path, capsys):
    folder = _study(tmp_path, "name: ../../../x\nrandom_state: abc\n")
    assert main(["run", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2 problems" in err and "plain name" in err
    assert not (tmp_path / "x").exists()


def test_english_goals_need_no_danish_title(tmp_path):
    from analysis.alignment.codebook import load_codebook, load_goals

    (tmp_path / "goals.yaml").write_text(
        "version: 1\nlanguage: en\ngoals:\n  - {id: safety, kind: strategic, title: Safe streets}\n"
        "  - {id: plan, kind: delivery, title: {en: Action plan, de: Aktionsplan}}\n", encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(
        "version: 1\nlanguage: en\ngoals_file: goals.yaml\npriorities:\n"
        "  - {id: policing, label: Policing, goals: [safety], terms: {en: [police]}}\n", encoding="utf-8")
    goals = load_goals(tmp_path / "goals.yaml")
    assert goals.get("safety").title("en") == "Safe streets" and goals.get("plan").title("de") == "Aktionsplan"
    assert goals.get("safety").label_en == "Safe streets"
    codebook = load_codebook(tmp_path / "codebook.yaml")
    assert codebook.get("policing").label_en == "Policing" and codebook.get("policing").label("da") == "Policing"


def test_bundled_goals_keep_their_titles():
    from analysis.alignment.codebook import load_codebook

    cb = load_codebook(DATA_RAW / "udsatte-byomraader-2025" / "codebook.yaml")
    goal = cb.goals.get("life_chances")
    assert goal.title_da == "Gode livschancer for alle københavnere"
    assert goal.label_en == "Good life chances for everyone"
    assert goal.description.startswith("Every Copenhagener") and goal.description_da.startswith("Alle københavnere")
    assert goal.text("da").startswith("Gode livschancer") and goal.text("en").startswith("Good life chances")


def test_readme_keys_table_is_generated_from_the_schema(project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, (
        "README's study settings table is out of date: run "
        "`python -c \"from analysis.schema import update_readme; update_readme()\"`")
