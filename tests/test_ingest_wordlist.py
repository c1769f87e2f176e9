"""The bisecting word-list lookup gives exactly wordfreq's Zipf frequencies."""

import pytest

wordfreq = pytest.importorskip("wordfreq")

from analysis.corpus.wordlist import zipf  # noqa: E402

WORDS = {
    "de": ["klimaschutz", "klima-schutz", "energie", "wende", "energiewende", "straße", "über",
           "co2", "qqqxxzz", "maßnahmen", "fahr-rad", "a-b-c", "", "-", "Klima", "öffentlichen"],
    "da": ["arbejdsmarkedet", "arbejds-markedet", "indflydelse", "strategiske", "æblegrød",
           "byområder", "qqqxxzz", "co2-udledning", "velfærd"],
    "en": ["well-being", "wellbeing", "the", "qqqxxzz", "covid19", "policy"],
    "sv": ["kommunen", "miljö", "qqqxxzz", "bostads-område"],
}


@pytest.mark.parametrize("code", sorted(WORDS))
def test_zipf_equals_wordfreq(code):
    for word in WORDS[code]:
        assert zipf(word, code) == wordfreq.zipf_frequency(word, code), word


def test_zipf_covers_every_band():
    """Words from the top, middle and bottom band are all found with their own value."""
    bands = wordfreq.get_frequency_list("de", "best")
    filled = [i for i, band in enumerate(bands) if band]
    for index in (filled[0], filled[len(filled) // 2], filled[-1]):
        band = bands[index]
        for word in (band[0], band[len(band) // 2], band[-1]):
            assert zipf(word, "de") == wordfreq.zipf_frequency(word, "de"), (index, word)
