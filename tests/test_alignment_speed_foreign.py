"""The bulk foreign-word judgement (packed wordfreq lists) equals the per-word wordfreq rule."""

import pytest
from wordfreq import top_n_list, zipf_frequency

from analysis.text import (FOREIGN_COMMON, FOREIGN_MARGIN, FOREIGN_RARE_HERE, LANGUAGES, _foreign_stop_candidates,
                           _general_stop_words, foreign_stop_word, foreign_word)


def _plain_foreign_stop_word(word: str, language: str) -> bool:
    """The rule with wordfreq's own zipf_frequency, one word at a time."""
    if word not in _foreign_stop_candidates(language):
        return False
    here = zipf_frequency(word, language)
    return any(word in _general_stop_words(other) and zipf_frequency(word, other) > here + FOREIGN_MARGIN
               for other in LANGUAGES if other != language)


def _plain_foreign_word(word: str, language: str) -> bool:
    """foreign_word's rule with wordfreq's own zipf_frequency."""
    if _plain_foreign_stop_word(word, language):
        return True
    if zipf_frequency(word, language) >= FOREIGN_RARE_HERE:
        return False
    return any(zipf_frequency(word, other) >= FOREIGN_COMMON for other in LANGUAGES if other != language)


WORDS = sorted({w for code in LANGUAGES for w in top_n_list(code, 400)}
               | {"co2", "co2-udledning", "2025", "12,5", "cykel-sti", "don't", "über", "straße", "a1b2",
                  "qqqxxzz", "energy", "energi", "and", "for", "der", "klima", "the", "und", "och"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_bulk_foreign_verdicts_equal_per_word_wordfreq(language):
    bulk = {w for w in WORDS if foreign_word(w, language)}
    plain = {w for w in WORDS if _plain_foreign_word(w, language)}
    assert bulk == plain
    assert bulk  # the sample holds foreign words for every language


@pytest.mark.parametrize("language", LANGUAGES)
def test_bulk_foreign_stop_verdicts_equal_per_word_wordfreq(language):
    bulk = {w for w in WORDS if foreign_stop_word(w, language)}
    assert bulk == {w for w in WORDS if _plain_foreign_stop_word(w, language)}
