"""Start-up of the CLI: what a command imports before it does any work.

The theme model's parameter names are kept as data (``schema.THEME_MODEL_PARAMETERS``) so
that validating a ``themes:`` section does not import scikit-learn and SciPy.
"""

import inspect
import json
import subprocess
import sys

from analysis.schema import THEME_MODEL_PARAMETERS, theme_model_parameters, validate_settings


def test_theme_parameters_kept_as_data_equal_the_model_signature():
    from analysis.themes.model import ThemeModel

    names = [p for p in inspect.signature(ThemeModel.__init__).parameters if p != "self"]
    assert list(THEME_MODEL_PARAMETERS) == names
    assert theme_model_parameters() == set(names)


def test_a_theme_model_parameter_is_still_a_valid_themes_key():
    settings, problems = validate_settings({"themes": {"k_range": [3, 6], "max_iter": 50}})
    assert problems == []
    assert settings["themes"]["k_range"] == [3, 6]
    _, problems = validate_settings({"themes": {"k_rnage": [3, 6]}})
    assert [p.key for p in problems] == ["themes.k_rnage"]
    assert "k_range" in problems[0].fix


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (packages and their parts)."""
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_validating_a_themes_section_imports_no_scientific_stack():
    loaded = _modules_after("from analysis.schema import validate_settings\n"
                            "validate_settings({'themes': {'k': 5, 'k_range': [3, 6]}})")
    assert not loaded & {"sklearn", "scipy", "analysis.themes", "analysis.themes.model"}
    assert "analysis.schema" in loaded


def test_the_ingest_stage_imports_no_theme_or_alignment_stack():
    loaded = _modules_after("import analysis.cli, analysis.pipeline, analysis.corpus.ingest")
    assert not loaded & {"sklearn", "scipy", "matplotlib"}
