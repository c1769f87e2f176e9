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


@pytest.mark.parametrize("code", ["da", "de", "en", "sv"])
def test_plain_words_tokenise_as_wordfreq_does(code):
    """The shortcut that skips wordfreq's tokeniser gives its tokens for plain words."""
    from analysis.corpus.wordlist import _PLAIN_WORD, _bands, _tokens

    info = wordfreq.get_language_info(code)
    assert info["tokenizer"] == "regex" and not info["remove_marks"] and not info["transliteration"]
    plain = [w for band in _bands(code)[::7] for w in band[::50] if _PLAIN_WORD.fullmatch(w)]
    plain += [f"{a}-{b}" for a, b in zip(plain[::3], plain[1::3])]
    assert len(plain) > 100
    for word in plain:
        assert _tokens(word, code) == wordfreq.lossy_tokenize(word, code), word


@pytest.mark.parametrize("code", ["da", "de", "en", "sv"])
def test_bands_are_wordfreqs_list(code):
    from analysis.corpus.wordlist import _bands

    assert list(_bands(code)) == wordfreq.get_frequency_list(code, "best")
