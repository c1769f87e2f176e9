"""Study configuration: found by name, paths resolved, every problem explained at once."""

from __future__ import annotations

import pytest

from analysis.config import ConfigError, SchemaError, folder_study, load_study


def test_bundled_study_loads_with_resolved_paths(tmp_path):
    study = load_study("udsatte-byomraader-2025", processed_root=tmp_path)
    assert study.language == "da"
    assert study.input.is_dir() and (study.input / "000_31c7afb107f199fb.txt").is_file()
    assert study.manifest.is_file()
    assert study.processed_dir == tmp_path / "udsatte-byomraader-2025"
    assert study.goals.name == "goals.yaml" and study.codebook.name == "codebook.yaml"
    assert study.themes == {"k": "auto", "backend": "nmf"}  # only what the file wrote
    assert study.count_campaigns == "per_response" and study.engine == "local"


def test_both_bundled_studies_are_valid():
    for name in ("udsatte-byomraader-2025", "blivhoert-190"):
        assert load_study(name).name == name


def test_unknown_study_lists_the_known_ones():
    with pytest.raises(ConfigError, match="udsatte-byomraader-2025"):
        load_study("no-such-study")


def test_a_study_name_never_reaches_outside_data_raw(tmp_path):
    with pytest.raises(ConfigError, match="No study config"):
        load_study("../../../etc")


def test_bad_yaml_and_bad_language_are_explained(tmp_path):
    bad = tmp_path / "study.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_study(bad)
    bad.write_text("name: x\nlanguage: fr\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="language: 'fr' is not one of da, en, de"):
        load_study(bad)


def test_processed_dir_can_be_given(tmp_path):
    study = load_study("udsatte-byomraader-2025", processed_dir=tmp_path / "elsewhere")
    assert study.processed_dir == tmp_path / "elsewhere"


def test_folder_study_has_defaults_and_checks_settings(tmp_path):
    study = folder_study(tmp_path / "out", language="en")
    assert study.language == "en" and study.name == "out" and study.text_col is None
    with pytest.raises(SchemaError, match="random_state"):
        folder_study(tmp_path, random_state="abc")
