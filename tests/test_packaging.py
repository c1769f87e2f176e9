"""The project's set-up: pyproject and environment.yml agree, the README gives two commands."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.config import PROJECT_ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = _pyproject()["project"]
    wanted = {_name(d): d.replace(" ", "") for d in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for sub in dep.get("pip", []):
                if not sub.startswith("-e"):
                    listed[_name(sub)] = sub.replace(" ", "")
        elif dep != "pip" and not dep.startswith("python="):
            listed[_name(dep)] = dep.replace(" ", "")
    assert set(listed) == set(wanted), (
        f"only in pyproject: {sorted(set(wanted) - set(listed))}; only in environment.yml: "
        f"{sorted(set(listed) - set(wanted))}"
    )
    for name, spec in wanted.items():
        assert listed[name].lower() == spec.lower(), f"{name}: pyproject says {spec}, environment.yml {listed[name]}"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_console_script_and_src_layout():
    project = _pyproject()["project"]
    assert project["scripts"]["analysis"] == "analysis.cli:main"
    assert (PROJECT_ROOT / "src" / "analysis" / "__init__.py").is_file()
    for folder in ("notebooks", "src/analysis", "data/raw", "data/processed", "tests"):
        assert (PROJECT_ROOT / folder).is_dir(), folder
