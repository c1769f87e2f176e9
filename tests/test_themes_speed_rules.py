"""The rules behind the faster theme fit and the "no clear theme" group."""

import numpy as np
import pytest

from analysis.text import stop_words
from analysis.themes.describe import EVEN_SHARE_MARGIN, no_clear_theme, theme_fit
from analysis.themes.features import uses_lemmas

LANGUAGES = ("da", "en", "de", "sv")


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_words_without_lemmatising_are_the_same_set(language):
    # stop_words.yaml's `general` list holds the lemmas, so stem features need no
    # lemma dictionary and still drop the same words.
    assert stop_words(language, with_lemmas=False) == stop_words(language)


def test_only_lemma_forms_need_lemmas():
    assert [uses_lemmas(f) for f in ("lemma", "lemma+stem", "stem", "word")] == \
        [True, True, False, False]


def test_evenly_spread_weight_has_no_clear_theme():
    k = 4
    even = np.full(k, 1.0 / k)
    peaked = np.array([0.7, 0.1, 0.1, 0.1])
    almost_even = np.full(k, 1.0)
    almost_even[0] = EVEN_SHARE_MARGIN * 0.99 * (k - 1) / (k - EVEN_SHARE_MARGIN * 0.99)
    W = np.vstack([even, peaked, almost_even, peaked])
    none, _ = no_clear_theme(W, np.ones(4), 0.5)
    assert none.tolist() == [True, False, True, False]


def test_tiny_fit_is_judged_relative_to_the_corpus():
    W = np.tile([0.9, 0.1], (5, 1))
    short_texts = np.array([0.02, 0.03, 0.025, 0.03, 0.001])  # all small in absolute terms
    none, cut = no_clear_theme(W, short_texts, 0.1)
    assert none.tolist() == [False, False, False, False, True]
    assert cut == pytest.approx(0.1 * np.median(short_texts))
    off, _ = no_clear_theme(W, short_texts, 0.0)
    assert not off.any()


def test_documents_without_weight_are_not_in_the_group():
    W = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    fit = theme_fit(W, np.eye(3, 2) + 0.1)
    assert fit[0] == 0.0 and (fit[1:] > 0.9).all()
    none, _ = no_clear_theme(W, fit, 1.0)
    assert not none[0]
