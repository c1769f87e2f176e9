"""save_figure (deterministic bytes + provenance sidecar) and build_report on a small
processed folder shaped like the data contract (independent of the stage modules)."""

from __future__ import annotations

import json
import re
import shutil

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis  # noqa: E402
from analysis.report import build as report, plots  # noqa: E402
from analysis.config import load_study  # noqa: E402
from analysis.tables import write_table  # noqa: E402

STUDY = "udsatte-byomraader-2025"


def _themes(k: int = 3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.integers(2, 20, k)
    return pd.DataFrame({"theme_id": range(k), "label": [f"tema {i}: tryghed, grønne områder"
                                                         for i in range(k)],
                         "top_terms": ["tryghed grøn område"] * k, "size": size,
                         "share": size / size.sum(), "coherence": rng.random(k),
                         "stability": rng.random(k)})


def _draw(themes: pd.DataFrame):
    with plots.use_style():
        ax = plots.theme_sizes(themes)
    return ax.figure


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        chunks.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return chunks


def test_save_figure_writes_png_svg_and_sidecar(tmp_path):
    themes = _themes()
    fig = _draw(themes)
    paths = report.save_figure(fig, "theme-sizes", tmp_path, inputs={"themes": themes},
                               config={"name": STUDY, "themes": {"k": "auto"}}, seed=7)
    assert [p.name for p in paths] == ["theme-sizes.png", "theme-sizes.svg", "theme-sizes.json"]
    assert all(p.parent == tmp_path / "figures" and p.stat().st_size > 0 for p in paths)
    png, svg, sidecar = (p.read_bytes() for p in paths)
    assert png.startswith(b"\x89PNG")
    assert b"tIME" not in _png_chunks(png) and b"Software" not in png
    assert b"<dc:date>" not in svg and b"<svg" in svg
    record = json.loads(sidecar)
    assert record["figure"] == "theme-sizes"
    assert record["source_table"] == "themes"
    assert record["seed"] == 7
    assert record["version"] == analysis.__version__
    assert record["config"] == {"name": STUDY, "themes": {"k": "auto"}}
    assert record["inputs"]["themes"]["rows"] == len(themes)
    assert re.fullmatch(r"[0-9a-f]{64}", record["inputs"]["themes"]["sha256"])
    assert record["files"]["png"]["sha256"] != record["files"]["svg"]["sha256"]
    assert list(record) == sorted(record)  # sorted keys
    plt.close(fig)


def test_same_figure_same_bytes_and_input_hash_tracks_data(tmp_path):
    themes = _themes()
    outs = []
    for run in ("a", "b"):
        fig = _draw(themes)  # drawn anew each time
        outs.append(report.save_figure(fig, "sizes", tmp_path / run, inputs={"themes": themes},
                                       config={}, seed=0))
        plt.close(fig)
    for first, second in zip(*outs):
        assert first.read_bytes() == second.read_bytes(), first.name
    changed = themes.assign(size=themes["size"] + 1)
    fig = _draw(changed)
    third = report.save_figure(fig, "sizes", tmp_path / "c", inputs={"themes": changed},
                               config={}, seed=0)
    old, new = (json.loads(p[2].read_text()) for p in (outs[0], third))
    assert old["inputs"]["themes"]["sha256"] != new["inputs"]["themes"]["sha256"]
    assert third[0].read_bytes() != outs[0][0].read_bytes()


def test_save_figure_to_study_and_from_files(tmp_path):
    study = load_study(STUDY, processed_root=tmp_path / "p", report_root=tmp_path / "r")
    table_file = tmp_path / "t.csv"
    _themes().to_csv(table_file, index=False)
    fig = _draw(_themes())
    paths = report.save_figure(fig, "x", study, inputs={"t": table_file, "raw": study.folder},
                               config=study.raw, seed=study.random_state, source_table="t")
    assert paths[0].parent == study.figures_dir
    rec = json.loads(paths[2].read_text(encoding="utf-8"))
    assert rec["inputs"]["t"]["kind"] == "file" and rec["inputs"]["raw"]["kind"] == "folder"
    assert rec["config"]["title"] == study.title  # æ/ø/å kept in the JSON
    with pytest.raises(ValueError, match="file stem"):
        report.save_figure(fig, "../escape", study, inputs={}, config={}, seed=0)
    with pytest.raises(FileNotFoundError):
        report.save_figure(fig, "y", study, inputs={"missing": tmp_path / "nope.csv"}, config={},
                           seed=0)
    plt.close(fig)


def test_report_figures_survive_missing_tables():
    figs = report.report_figures({})
    assert len({f.name for f in figs}) == len(figs) >= 9
    with plots.use_style():
        for f in figs:
            ax = f.draw()
            assert any("no data" in t.get_text() or "no duplicate" in t.get_text() for t in ax.texts)
            plt.close(ax.figure)


def test_study_labels_are_danish_for_a_danish_study():
    study = load_study(STUDY)
    if study.goals is None or not study.goals.is_file():
        pytest.skip(f"{study.config_path} names no goals file")
    labels = report.study_labels(study)
    assert len(labels["goal"]) > 0
    assert labels["goal"]["label"].str.contains("[æøå]", regex=True).any()


# ----------------------------------------------------------------------- build_report
def contract_tables(seed: int = 0, n_responses: int = 2) -> dict[str, pd.DataFrame]:
    """A small processed folder: two (or more) responses, contract columns, alignment tables."""
    rng = np.random.default_rng(seed)
    base = ["Vi støtter målet om tryghed. Flere job i Sydhavnen.",
            "Grønne områder og børn skal prioriteres. Vi er bekymrede for økonomien."]
    texts = {f"r{i + 1}": base[i % 2] for i in range(n_responses)}
    kinds = ["committee", "organisation"] * n_responses
    responses = pd.DataFrame({"response_id": list(texts),
                              "respondent": [f"respondent {i}" for i in range(n_responses)],
                              "respondent_type": kinds[:n_responses],
                              "respondent_type_source": "manifest", "hearing": "h",
                              "language": "da", "source": [f"{r}.txt" for r in texts],
                              "text": list(texts.values()),
                              "n_chars": [len(t) for t in texts.values()], "status": "ok",
                              "duplicate_group": pd.Series([None] * n_responses, dtype="string"),
                              "duplicate_group_size": pd.Series([None] * n_responses,
                                                                dtype="Int64")})
    seg_rows = []
    for rid, text in texts.items():
        start = 0
        for i, sentence in enumerate(text.split(". ")):
            s = text.index(sentence, start)
            seg_rows.append((f"{rid}:0:{i}", rid, 0, i, s, s + len(sentence), sentence))
            start = s + len(sentence)
    segments = pd.DataFrame(seg_rows, columns=["segment_id", "response_id", "paragraph",
                                               "sentence", "start", "end", "text"])
    k = 3
    themes = _themes(k, seed)
    rt = pd.DataFrame([(r, t, w) for r in texts for t, w in enumerate(rng.dirichlet(np.ones(k)))],
                      columns=["response_id", "theme_id", "share"])
    prios, goals = ["employment", "safety_crime", "children_youth"], ["life_chances",
                                                                      "safe_attractive_areas"]
    tp = pd.DataFrame([(g, p, m, v, max(v - .2, 0), min(v + .2, 1), 2, 1)
                       for g in ["all", "committee", "organisation"] for p in prios
                       for m in ("mention", "salience") for v in [rng.random()]],
                      columns=["group", "priority_id", "measure", "value", "ci_low", "ci_high",
                               "n", "count"])
    pg = pd.DataFrame([(p, g, m, rng.random()) for p in prios for g in goals
                       for m in ("codebook", "similarity")],
                      columns=["priority_id", "goal_id", "method", "value"])
    cov = pd.DataFrame({"group": "all", "goal_id": goals, "value": [0.5, 0.0],
                        "ci_low": [0.0, 0.0], "ci_high": [1.0, 0.0], "n": 2, "count": [1, 0],
                        "never_touched": [False, True]})
    stance = pd.DataFrame([(p, s, c) for p in prios for s, c in
                           zip(("support", "concern", "request", "neutral"), rng.integers(0, 4, 4))],
                          columns=["priority_id", "stance", "count"])
    return {
        "responses": responses, "segments": segments,
        "ingest_report": pd.DataFrame({"source": [f"{r}.txt" for r in texts], "status": "ok",
                                       "reason": ""}),
        "themes": themes, "response_themes": rt,
        "segment_themes": pd.DataFrame({"segment_id": segments["segment_id"],
                                        "theme_id": rng.integers(0, k, len(segments)),
                                        "weight": 1.0}),
        "segment_map": pd.DataFrame({"segment_id": segments["segment_id"],
                                     "x": rng.normal(size=len(segments)),
                                     "y": rng.normal(size=len(segments)),
                                     "theme_id": rng.integers(0, k, len(segments))}),
        "k_diagnostics": pd.DataFrame({"k": [2, 3], "stability": [0.8, 0.7],
                                       "coherence": [0.2, 0.3], "chosen": [False, True]}),
        "alignment_type_priority": tp, "alignment_priority_goal": pg,
        "alignment_goal_coverage": cov, "alignment_stance_priority": stance,
    }


BUILT_NOTEBOOKS = ("01-corpus.ipynb", "04-report-figures.ipynb")  # test_notebooks runs all


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    study = load_study(STUDY, processed_root=root / "processed", report_root=root / "reports")
    for name, table in contract_tables().items():
        write_table(table, study.processed_dir, name)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in BUILT_NOTEBOOKS:
        shutil.copy(report.NOTEBOOKS_DIR / name, notebooks / name)
    # a stale figure from an earlier run must be gone afterwards
    study.figures_dir.mkdir(parents=True)
    (study.figures_dir / "old-figure.png").write_bytes(b"stale")
    paths = report.build_report(study, progress=False, notebooks_dir=notebooks)
    return study, paths


@pytest.mark.slow
def test_build_report_writes_everything_it_returns(built):
    study, paths = built
    assert paths["report"] == study.report_dir / "report.html"
    for key in ("report", "browser", "xlsx", "docx"):
        assert paths[key].is_file(), key
    names = sorted(p.name for p in (study.report_dir / "notebooks").glob("*.ipynb"))
    assert names == sorted(BUILT_NOTEBOOKS)
    assert sorted(p.name for p in paths["notebooks"]) == sorted(
        [n for n in BUILT_NOTEBOOKS] + [n.replace(".ipynb", ".html") for n in BUILT_NOTEBOOKS])
    assert not (study.figures_dir / "old-figure.png").exists()
    expected = {f.name for f in report.report_figures(contract_tables(), study)}
    for name in expected:
        for ext in (".png", ".svg", ".json", ".csv"):
            assert study.figures_dir / f"{name}{ext}" in paths["figures"], f"{name}{ext}"
            assert (study.figures_dir / f"{name}{ext}").is_file(), f"{name}{ext}"
    corpus = (study.report_dir / "notebooks" / "01-corpus.html").read_text(encoding="utf-8")
    assert "load_study_tables" in corpus  # the per-notebook page shows the code


@pytest.mark.slow
def test_rerun_gives_identical_figures_and_notebook(built):
    study, _ = built
    before = {p.name: p.read_bytes() for p in study.figures_dir.iterdir()}
    nb_path = study.report_dir / "notebooks" / "04-report-figures.ipynb"
    nb_before = nb_path.read_bytes()
    params = {"study": str(study.config_path), "processed_root": str(study.processed_dir.parent),
              "report_root": str(study.report_dir.parent)}
    report.execute_notebook(report.NOTEBOOKS_DIR / "04-report-figures.ipynb", nb_path,
                            parameters=params)
    after = {p.name: p.read_bytes() for p in study.figures_dir.iterdir()}
    assert after.keys() == before.keys()
    changed = [n for n in before if before[n] != after[n]]
    assert not changed, f"figures changed between runs: {changed}"
    assert nb_path.read_bytes() == nb_before  # executed notebook is deterministic too
    nb = json.loads(nb_before)
    assert "papermill" not in nb["metadata"]
    assert all("execution" not in c["metadata"] for c in nb["cells"])


@pytest.mark.slow
def test_executed_notebooks_have_no_errors(built):
    study, _ = built
    for path in sorted((study.report_dir / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            assert cell["execution_count"] is not None, path.name
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{path.name}: {out.get('evalue')}"


def test_build_report_needs_processed_tables(tmp_path):
    study = load_study(STUDY, processed_root=tmp_path / "none", report_root=tmp_path / "r")
    with pytest.raises(FileNotFoundError, match="analysis run"):
        report.build_report(study, progress=False)


def test_png_has_only_image_chunks(tmp_path):
    # a PNG's only variable parts would be tIME/tEXt chunks: none may be written
    fig = _draw(_themes())
    png = report.save_figure(fig, "z", tmp_path, inputs={}, config={}, seed=0)[0].read_bytes()
    chunks = _png_chunks(png)
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    assert set(chunks) <= {b"IHDR", b"IDAT", b"IEND", b"pHYs", b"PLTE", b"tRNS", b"gAMA", b"sRGB"}
    plt.close(fig)
