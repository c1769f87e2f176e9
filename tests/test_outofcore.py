"""Out-of-core themes: contract tables, shares, determinism, agreement with gold topics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.themes.outofcore import fit_themes_out_of_core, iter_segment_batches, sample_segments

TOPICS = {
    "cykel": ["cykelsti", "cyklist", "cykelbane", "cykelparkering", "ladcykel", "supercykelsti"],
    "skole": ["skole", "lærer", "elev", "undervisning", "klasselokale", "skolegård"],
    "park": ["park", "træ", "blomst", "græsplæne", "legeplads", "bænk"],
}
FILLER = ["vi", "ønsker", "mere", "og", "bedre", "i", "byen", "til", "alle"]


def make_segments(n_responses: int = 90, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str]]:
    """A clearly separable corpus: every response is about one topic; 2–4 segments each."""
    rng = np.random.default_rng(seed)
    rows, gold = [], {}
    names = sorted(TOPICS)
    for r in range(n_responses):
        topic = names[r % len(names)]
        rid = f"r{r:03d}"
        gold[rid] = topic
        for s in range(int(rng.integers(2, 5))):
            words = list(rng.choice(TOPICS[topic], size=4)) + list(rng.choice(FILLER, size=3))
            rng.shuffle(words)
            text = " ".join(words).capitalize() + "."
            rows.append({"segment_id": f"{rid}:0:{s}", "response_id": rid, "paragraph": 0, "sentence": s,
                         "start": 0, "end": len(text), "page": pd.NA, "text": text})
    return pd.DataFrame(rows).astype({"page": "Int64"}), gold


@pytest.fixture()
def corpus(tmp_path):
    segments, gold = make_segments()
    path = tmp_path / "segments.parquet"
    segments.to_parquet(path, index=False)
    return path, segments, gold


def run(path, out, **kw):
    params = dict(n_themes=3, language="da", random_state=0, batch_size=64, sample_size=150, n_runs=3)
    params.update(kw)
    paths = fit_themes_out_of_core(path, out, **params)
    return {name: pd.read_parquet(p) for name, p in paths.items()}


def test_tables_have_contract_columns(corpus, tmp_path):
    path, segments, _ = corpus
    tables = run(path, tmp_path / "out")
    from analysis.themes import THEME_COLUMNS

    assert list(tables["themes"].columns) == THEME_COLUMNS
    assert tables["themes"]["theme_id"].tolist() == [1, 2, 3]
    assert tables["themes"]["size"].is_monotonic_decreasing
    assert list(tables["segment_themes"].columns) == ["segment_id", "theme_id", "weight"]
    assert list(tables["response_themes"].columns) == ["response_id", "theme_id", "share"]
    assert len(tables["themes"]) == 3
    assert set(tables["segment_themes"]["segment_id"]) <= set(segments["segment_id"])
    assert set(tables["segment_themes"]["theme_id"]) <= set(tables["themes"]["theme_id"])
    assert (tables["segment_themes"]["weight"].between(0, 1)).all()
    # every segment (they all have topic words) gets at least one theme
    assert set(tables["segment_themes"]["segment_id"]) == set(segments["segment_id"])
    assert tables["themes"]["size"].sum() == len(segments)
    assert tables["themes"]["share"].sum() == pytest.approx(1.0)
    assert (tmp_path / "out" / "themes.csv").is_file()


def test_shares_sum_to_one_per_response(corpus, tmp_path):
    path, segments, _ = corpus
    rt = run(path, tmp_path / "out")["response_themes"]
    sums = rt.groupby("response_id")["share"].sum()
    assert set(sums.index) == set(segments["response_id"])
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-5)
    assert (rt["share"] > 0).all()


def test_deterministic(corpus, tmp_path):
    path, _, _ = corpus
    a = run(path, tmp_path / "a")
    b = run(path, tmp_path / "b")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert (tmp_path / "a" / "segment_themes.parquet").read_bytes() == \
        (tmp_path / "b" / "segment_themes.parquet").read_bytes()


def test_recovers_separable_topics(corpus, tmp_path):
    from sklearn.metrics import normalized_mutual_info_score

    path, _, gold = corpus
    tables = run(path, tmp_path / "out")
    rt = tables["response_themes"]
    top = rt.sort_values("share", ascending=False).drop_duplicates("response_id").set_index("response_id")
    pred = top.loc[sorted(gold), "theme_id"].to_numpy()
    assert normalized_mutual_info_score([gold[r] for r in sorted(gold)], pred) > 0.9
    # each theme's top terms come from one topic's word list
    for terms in tables["themes"]["top_terms"]:
        first = [t.strip() for t in terms.split(",")][:3]
        owners = {name for name, words in TOPICS.items() for w in first if w in words}
        assert len(owners) == 1, terms


def test_chunk_size_does_not_break_contract(corpus, tmp_path):
    """Small chunks (many partial_fit steps, responses split across chunks) still sum to 1."""
    path, segments, gold = corpus
    rt = run(path, tmp_path / "small", batch_size=7, minibatch_size=5)["response_themes"]
    np.testing.assert_allclose(rt.groupby("response_id")["share"].sum().to_numpy(), 1.0, atol=1e-5)
    assert set(rt["response_id"]) == set(gold)


def test_sample_and_batches(corpus):
    path, segments, _ = corpus
    rows, texts = sample_segments(path, 20, random_state=3, batch_size=16)
    assert len(rows) == len(texts) == 20 and np.all(np.diff(rows) > 0)
    assert texts == segments["text"].iloc[rows].tolist()
    again = sample_segments(path, 20, random_state=3, batch_size=50)
    assert np.array_equal(again[0], rows)
    sizes = [len(c) for c in iter_segment_batches(path, 50)]
    assert sum(sizes) == len(segments) and max(sizes) <= 50


def test_clear_errors(tmp_path, corpus):
    path, _, _ = corpus
    with pytest.raises(FileNotFoundError, match="segments"):
        fit_themes_out_of_core(tmp_path / "missing.parquet", tmp_path / "o", n_themes=2)
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"segment_id": ["a"], "text": ["x"]}).to_parquet(bad)
    with pytest.raises(ValueError, match="response_id"):
        fit_themes_out_of_core(bad, tmp_path / "o", n_themes=2)
    with pytest.raises(ValueError, match="n_themes"):
        fit_themes_out_of_core(path, tmp_path / "o", n_themes=0)


def test_n_jobs_gives_identical_tables(corpus, tmp_path):
    path, _, _ = corpus
    a = run(path, tmp_path / "one", n_jobs=1)
    b = run(path, tmp_path / "two", n_jobs=2)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_close_to_in_memory_path(corpus, tmp_path):
    """Same corpus, same k: the out-of-core themes match ThemeModel's (top terms, shares)."""
    from analysis.themes import theme_tables, ThemeModel

    path, segments, _ = corpus
    ooc = run(path, tmp_path / "ooc")
    model = ThemeModel(3, language="da", random_state=0, n_runs=3).fit(
        segments["text"], groups=segments["response_id"])
    mem = theme_tables(model, segments)
    # match each out-of-core theme to the in-memory theme sharing most of its top-6 terms
    def tops(t):
        return {tid: frozenset(x.strip() for x in terms.split(",")[:6])
                for tid, terms in zip(t["theme_id"], t["top_terms"])}
    a, b = tops(ooc["themes"]), tops(mem["themes"])
    pairs = {ta: max(b, key=lambda tb: len(sa & b[tb])) for ta, sa in a.items()}
    assert all(len(a[ta] & b[tb]) >= 3 for ta, tb in pairs.items())
    assert sorted(pairs.values()) == sorted(b)
    # each response's main theme agrees
    def main(rt):
        return rt.sort_values(["share", "theme_id"], ascending=[False, True]).drop_duplicates("response_id") \
                 .set_index("response_id")["theme_id"]
    m_ooc = main(ooc["response_themes"]).map(pairs)
    m_mem = main(mem["response_themes"])
    agree = (m_ooc.loc[m_mem.index] == m_mem).mean()
    assert agree > 0.95
    sizes = ooc["themes"].set_index("theme_id")["size"].rename(index=pairs).sort_index()
    mem_sizes = mem["themes"].set_index("theme_id")["size"].sort_index()
    assert (abs(sizes - mem_sizes) <= 0.05 * len(segments)).all()


def test_auto_k(corpus, tmp_path):
    path, _, _ = corpus
    themes = run(path, tmp_path / "auto", n_themes="auto")["themes"]
    assert 2 <= len(themes) <= 15
