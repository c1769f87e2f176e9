"""Function words of another language never become theme words (an English "and" in Danish)."""

from analysis.text import foreign_stop_word
from analysis.themes.features import TermFeatures


def test_foreign_function_words_are_judged_per_language():
    assert foreign_stop_word("and", "da") and foreign_stop_word("the", "de")
    assert foreign_stop_word("und", "en") and foreign_stop_word("och", "da")
    # words the corpus language uses itself stay
    assert not foreign_stop_word("for", "da") and not foreign_stop_word("man", "de")
    assert not foreign_stop_word("klima", "da") and not foreign_stop_word("energy", "da")


def test_theme_vocabulary_drops_foreign_function_words_only():
    texts = ["Vi ønsker recycle and repair i hele kommunen.",
             "Mere genbrug og færre biler i byen.",
             "Flere cykelstier og mindre biltrafik."] * 3
    vocab = set(TermFeatures(language="da", form="word").fit(texts).get_feature_names_out())
    assert "and" not in vocab
    assert {"recycle", "repair", "cykelstier"} <= vocab  # "and" stands where "recycle" does
