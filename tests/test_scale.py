"""The Dask path (engine: dask) gives the in-memory tables, on a 2-worker local cluster."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT

pytest.importorskip("distributed")

STUDY = PROJECT_ROOT / "data" / "raw" / "udsatte-byomraader-2025"
TOPICS = {
    "cykel": ["cykelsti", "cyklister", "cykelbane", "cykelparkering", "ladcykel", "supercykelsti"],
    "skole": ["skolen", "lærerne", "eleverne", "undervisning", "klasselokaler", "skolegården"],
    "park": ["parken", "træerne", "blomster", "græsplænen", "legepladsen", "bænke"],
}
FILLER = ["vi", "ønsker", "mere", "og", "bedre", "i", "byen", "til", "alle", "gerne"]
LETTER = ("Vi skriver som beboere i kvarteret, fordi vi er bekymrede for planerne om at fjerne "
          "træerne i parken ved skolen. Parken bruges hver dag af børn, ældre og familier, og den "
          "giver skygge, ro og plads til leg. Vi beder derfor udvalget om at bevare parken og "
          "træerne og om at finde en anden løsning for den nye cykelparkering.")


def _response(rng: np.random.Generator, topic: str) -> str:
    sentences = []
    for _ in range(int(rng.integers(2, 5))):
        words = list(rng.choice(TOPICS[topic], size=4)) + list(rng.choice(FILLER, size=3))
        rng.shuffle(words)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def _records(n: int = 120) -> list[dict]:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(n):
        if i % 10 == 4:  # a campaign: the same letter, now and then with a word changed
            words = LETTER.split()
            words[int(rng.integers(3, len(words)))] = str(rng.choice(FILLER))
            text = " ".join(words)
        else:
            text = _response(rng, sorted(TOPICS)[i % 3])
        rows.append({"id": f"r{i:03d}", "text": text, "type": "citizen" if i % 2 else "organisation"})
    if n > 70:
        rows[70]["id"] = "r005"  # an id repeated in another partition
    return rows


@pytest.fixture(scope="module")
def client():
    from analysis.scale import dask_client

    with dask_client(n_workers=2, memory_limit="1GiB") as c:
        yield c


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("table")
    path = folder / "responses.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()]
    lines.insert(50, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _in_memory(source, out, **kw):
    from analysis.corpus.ingest import ingest, write_ingest

    write_ingest(ingest(source, **kw), out)
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True).astype(str), b.reset_index(drop=True).astype(str))


@pytest.fixture(scope="module")
def ingested(client, table, tmp_path_factory):
    from analysis.scale.ingest import ingest_partitioned

    kw = dict(language="da", id_col="id", meta_cols={"respondent_type": "type"})
    mem = _in_memory(table, tmp_path_factory.mktemp("mem"), **kw)
    dask = tmp_path_factory.mktemp("dask")
    summary = ingest_partitioned(table, dask, client=client, partition_rows=30, **kw)
    return mem, dask, summary


def test_partitioned_ingest_gives_the_in_memory_tables(ingested):
    mem, dask, summary = ingested
    assert summary["partitions"] == 5
    for name in ("responses", "segments", "redaction_report"):
        _same(pd.read_parquet(mem / f"{name}.parquet"), pd.read_parquet(dask / f"{name}.parquet"))
    _same(pd.read_csv(mem / "ingest_report.csv"), pd.read_csv(dask / "ingest_report.csv"))
    responses = pd.read_parquet(dask / "responses.parquet")
    # the campaign spans every partition and is one group; the repeated id is renamed
    assert responses["duplicate_group"].nunique() == 1
    assert responses["duplicate_group_size"].max() == 12
    assert "r005~2" in set(responses["response_id"])
    report = pd.read_csv(dask / "ingest_report.csv")
    assert "responses.jsonl#line=51" in set(report["source"])  # the bad line, numbered as in the input


def test_partitioned_ingest_of_a_folder_with_a_manifest(client, tmp_path):
    from analysis.scale.ingest import ingest_partitioned

    folder = tmp_path / "svar"
    folder.mkdir()
    rows = []
    for i, rec in enumerate(_records(7)):
        (folder / f"svar{i}.txt").write_text(rec["text"], encoding="utf-8")
        rows.append({"response_id": f"s{i}", "file": f"svar{i}.txt", "respondent_type": "citizen"})
    rows.append({"response_id": "s9", "file": "mangler.txt", "respondent_type": "citizen"})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    (folder / "noter.xyz").write_text("ikke et svar", encoding="utf-8")
    mem = _in_memory(folder, tmp_path / "mem", hearing="svar")
    ingest_partitioned(folder, tmp_path / "dask", client=client, partition_files=3, hearing="svar")
    for name in ("responses", "segments"):
        _same(pd.read_parquet(mem / f"{name}.parquet"), pd.read_parquet(tmp_path / "dask" / f"{name}.parquet"))
    a = pd.read_csv(mem / "ingest_report.csv").sort_values("source")
    b = pd.read_csv(tmp_path / "dask" / "ingest_report.csv").sort_values("source")
    _same(a, b)


def test_themes_match_the_in_memory_model_and_repeat(client, ingested, tmp_path):
    from analysis.scale.themes import themes_partitioned
    from analysis.themes import write_theme_tables

    mem, dask, _ = ingested
    folders = []
    for name in ("m", "d1", "d2"):
        f = tmp_path / name
        shutil.copytree(mem if name == "m" else dask, f)
        folders.append(f)
    a = write_theme_tables(folders[0], n_themes=3, random_state=0)
    b = themes_partitioned(folders[1], client=client, n_themes=3, random_state=0, partition_rows=40)
    c = themes_partitioned(folders[2], client=client, n_themes=3, random_state=0, partition_rows=40)
    assert a["themes"]["top_terms"].tolist() == b["themes"]["top_terms"].tolist()
    main = {}
    for name, f in (("a", folders[0]), ("b", folders[1])):
        st = pd.read_parquet(f / "segment_themes.parquet").sort_values(["segment_id", "weight"])
        main[name] = st.drop_duplicates("segment_id", keep="last").set_index("segment_id")["theme_id"]
    joined = main["a"].to_frame("a").join(main["b"].to_frame("b"), how="outer")
    assert (joined["a"] == joined["b"]).mean() >= 0.95
    assert b["themes"]["size"].sum() == len(main["b"])
    _same(b["response_themes"], c["response_themes"])
    _same(pd.read_parquet(folders[1] / "segment_themes.parquet"), pd.read_parquet(folders[2] / "segment_themes.parquet"))


def test_alignment_counts_are_identical(client, tmp_path):
    from analysis.alignment import write_alignment_tables
    from analysis.scale.alignment import alignment_partitioned

    mem = _in_memory(STUDY, tmp_path / "mem", manifest=STUDY / "manifest.csv")
    dask = tmp_path / "dask"
    shutil.copytree(mem, dask)
    kw = dict(n_boot=50, random_state=0)
    a = write_alignment_tables(mem, STUDY / "goals.yaml", STUDY / "codebook.yaml", **kw)
    b = alignment_partitioned(dask, STUDY / "goals.yaml", STUDY / "codebook.yaml", client=client,
                              partition_rows=7, **kw)
    assert len(a["segment_priorities"]) > 0
    for name in b:
        x, y = a[name].reset_index(drop=True), b[name].reset_index(drop=True)
        assert list(x.columns) == list(y.columns), name
        for col in x.columns:
            if x[col].dtype.kind == "f":
                np.testing.assert_allclose(x[col].to_numpy(float), y[col].to_numpy(float), atol=1e-9,
                                           err_msg=f"{name}.{col}")
            else:
                assert x[col].astype(str).tolist() == y[col].astype(str).tolist(), f"{name}.{col}"
    stance = pd.read_parquet(dask / "segment_stance.parquet")
    _same(a["segment_stance"], stance)


def test_study_engine_dask_runs_the_chain(client, table, tmp_path, monkeypatch):
    import contextlib

    from analysis.config import load_study
    from analysis.pipeline import run_study
    from analysis.scale import study as scale_study

    monkeypatch.setitem(scale_study._CLIENTS, "local", (client, contextlib.ExitStack()))
    raw = tmp_path / "raw" / "big"
    raw.mkdir(parents=True)
    shutil.copy(table, raw / "responses.jsonl")
    (raw / "study.yaml").write_text(
        "name: big\nlanguage: da\ninput: responses.jsonl\nid_col: id\nengine: dask\npartition_rows: 40\n"
        "themes:\n  k: 3\n", encoding="utf-8")
    study = load_study(raw / "study.yaml", processed_root=tmp_path / "processed")
    assert study.engine == "dask"
    run_study(study, steps=("ingest", "themes"))
    out = tmp_path / "processed" / "big"
    assert len(pd.read_parquet(out / "themes.parquet")) == 3
    assert pd.read_parquet(out / "segments.parquet")["segment_id"].is_unique


def test_partitions_judge_no_clear_theme_by_the_models_own_rule():
    """On the fitted segments themselves, the per-partition rule gives the model's own
    'no clear theme' group (unit = segment, where both judge the same documents)."""
    from analysis.scale.themes import no_clear_theme_of
    from analysis.themes import ThemeModel

    rng = np.random.default_rng(0)
    words = {"bus": "bus metro tog cykel vej trafik", "park": "park træer natur grønt have skov",
             "bolig": "bolig leje husleje lejlighed byggeri tag"}
    texts = [" ".join(rng.choice(v.split(), 4)) for v in words.values() for _ in range(15)]
    texts += ["bus park bolig metro træer leje"] * 3 + ["tog skov husleje"] * 2   # mixed
    m = ThemeModel(3, unit="segment", min_fit=0.6, random_state=0).fit(texts)
    ours = no_clear_theme_of(m, texts, m.transform(texts))
    theirs = m.assigned_ == 0
    assert theirs.any(), "the fixture should have documents without a clear theme"
    assert (ours == theirs).mean() >= 0.95
