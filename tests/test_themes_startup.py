"""A themes run with the default NMF backend and k given imports no scikit-learn, no
scipy.stats / scipy.optimize and no wordfreq (their imports cost seconds of a run)."""

import json
import subprocess
import sys

HEAVY = {"sklearn", "scipy.stats", "scipy.optimize", "wordfreq"}


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_fitting_and_describing_themes_imports_no_heavy_stack():
    loaded = _modules_after(
        "import pandas as pd\n"
        "from analysis.themes import ThemeModel\n"
        "from analysis.themes.tables import theme_tables\n"
        "texts = ['Flere cykelstier og busser i byen', 'Bedre busser og metro til alle',\n"
        "         'Grønne parker og flere træer', 'Flere træer i parkerne og byen'] * 10\n"
        "seg = pd.DataFrame({'segment_id': [f's{i}' for i in range(40)],\n"
        "                    'response_id': [f'r{i // 2}' for i in range(40)], 'text': texts})\n"
        "m = ThemeModel(2, language='da', random_state=0).fit(seg['text'], groups=seg['response_id'])\n"
        "tables = theme_tables(m, seg)\n"
        "assert len(tables['themes']) >= 2\n"
        "m.transform(['flere busser'])\n")
    assert "analysis.themes.model" in loaded
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_the_estimator_base_still_clones_with_scikit_learn():
    from sklearn.base import clone

    from analysis.themes import ThemeModel

    m = ThemeModel(3, language="de", seed_terms={"a": ["bus"]})
    c = clone(m)
    assert c is not m and c.get_params() == m.get_params()
    assert repr(c) == "ThemeModel(language='de', n_themes=3, seed_terms={'a': ['bus']})"  # as scikit-learn: sorted
