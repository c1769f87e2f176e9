"""Study configuration: found by name, paths resolved, clear errors."""

from __future__ import annotations

import pytest

from analysis.config import ConfigError, load_study


def test_bundled_study_loads_with_resolved_paths(tmp_path):
    study = load_study("udsatte-byomraader-2025", processed_root=tmp_path)
    assert study.language == "da"
    assert study.input.is_dir() and (study.input / "000_31c7afb107f199fb.txt").is_file()
    assert study.manifest.is_file()
    assert study.processed_dir == tmp_path / "udsatte-byomraader-2025"
    assert study.goals.name == "goals.yaml" and study.codebook.name == "codebook.yaml"


def test_unknown_study_lists_the_known_ones():
    with pytest.raises(ConfigError, match="udsatte-byomraader-2025"):
        load_study("no-such-study")


def test_bad_yaml_and_bad_language_are_explained(tmp_path):
    bad = tmp_path / "study.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_study(bad)
    bad.write_text("name: x\nlanguage: fr\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="language 'fr'"):
        load_study(bad)
