"""The command line composes the stages: ingest → themes → align."""

from __future__ import annotations

import pandas as pd

from analysis.cli import main

TOPICS = {
    "cykel": "Vi ønsker flere cykelstier og bredere cykelstier langs de store veje.",
    "bus": "Busserne skal køre oftere, og billetprisen for busser bør sænkes.",
    "træ": "Plant flere træer i gaderne, så byen får mere grønt og skygge.",
}


def _corpus(folder):
    folder.mkdir()
    for i in range(30):
        topic = list(TOPICS)[i % 3]
        (folder / f"svar{i:02d}.txt").write_text(f"{TOPICS[topic]} Det er vigtigt for os.", encoding="utf-8")
    return folder


def test_ingest_then_themes(tmp_path):
    source = _corpus(tmp_path / "svar")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    assert main(["themes", str(out), "--k", "3"]) == 0
    themes = pd.read_parquet(out / "themes.parquet")
    assert len(themes) == 3
    assert list(themes.columns)[:7] == ["theme_id", "label", "top_terms", "size", "share", "coherence", "stability"]


def test_align_without_goals_explains_what_to_give(tmp_path, capsys):
    source = _corpus(tmp_path / "svar")
    out = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(out)]) == 0
    assert main(["align", str(out)]) == 2
    assert "--goals" in capsys.readouterr().err
