"""Features for theme discovery: tokens, lemmas, stop words, multi-word terms, TF-IDF."""

from __future__ import annotations

import pytest

from analysis.text import (
    CONSULTATION_STOP_WORDS,
    Token,
    lemma,
    lemmas,
    stem,
    stop_words,
    tokenize,
)
from analysis.themes.features import (
    TermFeatures,
    document_frequency_limits,
    find_multiword_terms,
    join_multiword_terms,
    normalize_terms,
)

AEOEAA = "Børnene på Østerbro får æbler, søer og åer; Ærø og Ålborg i Århus."


def test_existing_api_still_works():
    assert tokenize("Negativ social kontrol")[0] == Token("Negativ", 0, 7)
    assert lemma("byområder", "da") == "byområde"
    assert stem("uddannelsen", "da") == "uddan"
    assert "og" in stop_words("da")
    assert lemmas("De udsatte byområder", "da")[-1] == "byområde"
    assert "høringssvar" in CONSULTATION_STOP_WORDS["da"]


@pytest.mark.parametrize("form", ["lemma", "stem", "lemma+stem", "word"])
def test_danish_letters_survive_every_form(form):
    terms = [t for t in normalize_terms([AEOEAA], "da", form=form)[0] if t]
    joined = " ".join(terms)
    for ch in "æøå":
        assert ch in joined, (form, terms)
    assert not any("ae" in t or "oe" in t or "aa" in t for t in terms if t in ("aebler",))


def test_danish_letters_survive_features_and_labels():
    texts = ["Grønne områder på Østerbro", "Grønne områder og søer", "Søer og åer på Østerbro"]
    tf = TermFeatures("da", min_df=1, max_df=1.0).fit(texts)
    names = " ".join(tf.get_feature_names_out())
    assert "ø" in names and "å" in names
    assert any("ø" in s for s in tf.surface_.values())


def test_stop_words_and_breaks_become_none():
    out = normalize_terms(["Negativ social kontrol, og tryghed"], "da")[0]
    assert out[:3] == ["negativ", "social", "kontrol"]
    assert out[3] is None and out[4] is None  # break at the comma, then the stop word
    assert out[5] == "tryghed"


def test_extra_and_consultation_stop_words_are_configurable():
    plain = normalize_terms(["høringssvar om cykelstier"], "da",
                            stop=stop_words("da", consultation=False))[0]
    assert "høringssvar" in plain
    extra = normalize_terms(["høringssvar om cykelstier"], "da",
                            stop=stop_words("da", extra=["cykelsti"]))[0]
    assert extra == [None, None, None]


@pytest.mark.parametrize("language,word,expected", [("en", "houses", "house"),
                                                    ("de", "Wohnungen", "wohnung")])
def test_other_languages(language, word, expected):
    assert normalize_terms([word], language)[0] == [expected]


def test_multiword_terms_found_and_joined():
    texts = ["Negativ social kontrol i Bispebjerg", "Forebyggelse af negativ social kontrol",
             "Social kontrol rammer unge", "Negativ social kontrol. Tryghed"]
    docs = normalize_terms(texts, "da")
    table = find_multiword_terms(docs)
    assert {"social kontrol", "negativ social kontrol"} <= set(table["term"])
    assert (table["npmi"] <= 1).all()
    joined = join_multiword_terms(docs, table["term"])
    assert "negativ social kontrol" in joined[0]


def test_multiword_terms_do_not_cross_punctuation():
    docs = normalize_terms(["vi vil have mål. Social indsats"] * 5, "da")
    terms = set(find_multiword_terms(docs)["term"])
    assert "mål social" not in terms


def test_document_frequency_limits_adapt():
    tiny_min, tiny_max = document_frequency_limits(3)
    big_min, big_max = document_frequency_limits(10_000)
    assert tiny_min == 1 and tiny_max == 1.0
    assert big_min >= 2 and big_max < 1.0


def test_term_features_on_tiny_corpus_keeps_terms():
    tf = TermFeatures("da")
    X = tf.fit_transform(["Trygge byområder", "Job og uddannelse"])
    assert X.shape[0] == 2 and X.shape[1] >= 4


def test_term_features_transform_matches_fit():
    texts = ["cykelstier og busser", "busser og metro", "parker og træer"] * 5
    tf = TermFeatures("da")
    X = tf.fit_transform(texts)
    assert abs(X - tf.transform(texts)).sum() < 1e-9


def test_term_features_rejects_text_without_content_words():
    with pytest.raises(ValueError, match="No content words"):
        TermFeatures("da").fit_transform(["og i på", "det er"])


@pytest.mark.slow
def test_lemmatisation_is_cached_per_unique_token(monkeypatch):
    import analysis.themes.features as text

    stop = stop_words("da")
    calls = []
    real = text.lemma

    def counting(word, language="da"):
        calls.append(word)
        return real(word, language)

    monkeypatch.setattr(text, "lemma", counting)
    words = ("borgerne ønsker flere cykelstier og grønne områder i de udsatte byområder "
             "hvor tryghed og fællesskab styrkes gennem lokale indsatser").split()
    segments = [" ".join(words[(i % 7):] + [f"sted{i % 500}"]) for i in range(100_000)]
    out = normalize_terms(segments, "da", stop=stop)
    assert len(out) == 100_000
    unique = {w.lower() for s in segments[:5000] for w in s.split()}
    assert len(calls) <= len(unique)  # each unique token is lemmatised at most once
