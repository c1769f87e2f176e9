"""Zipf frequencies from wordfreq without building its whole lookup dictionary.

``wordfreq.zipf_frequency`` turns the language's packed list (634,502 German words in
800 frequency bands) into one dictionary on first use, which costs about 0.6 s of CPU.
Cleaning looks up a few dozen words per corpus, so this module searches the packed list
instead: each band is sorted, so a word is found by bisection in every band. The result
equals ``zipf_frequency(word, code)`` (tested); words with digits, and languages wordfreq
tokenises with a dictionary (Chinese), go to wordfreq itself. Plain lower-case words (and
hyphenated pairs of them) in the languages of :data:`_PLAIN_CODES` are looked up without
importing wordfreq at all (0.3 s): wordfreq splits them at the hyphens and changes nothing else.

>>> zipf("arbejdsmarkedet", "da") > 3
True
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache

from analysis.text import wordfreq_packed_list

__all__ = ["zipf"]

_MISSING = 1e-9  # wordfreq's floor for ``minimum=0``: Zipf 0
# wordfreq codes whose tokeniser neither folds, transliterates nor strips marks from the
# letters of _PLAIN_WORD (tested against wordfreq.lossy_tokenize).
_PLAIN_CODES = frozenset({"da", "de", "en", "sv"})
_PLAIN_WORD = re.compile(r"[a-zäöüæøå]+(?:-[a-zäöüæøå]+)*")


@lru_cache(maxsize=8)
def _bands(code: str) -> tuple[list[str], ...]:
    """The sorted frequency bands of one language (band i holds words at -i centibels)."""
    path = wordfreq_packed_list(code)
    if path is not None:
        import gzip

        import msgpack

        with gzip.open(path, "rb") as fh:
            pack = msgpack.load(fh, raw=False)
        if pack and pack[0] == {"format": "cB", "version": 1}:
            return tuple(pack[1:])
    from wordfreq import get_frequency_list

    return tuple(get_frequency_list(code, "best"))


def _tokens(word: str, code: str) -> list[str]:
    """wordfreq's ``lossy_tokenize(word, code)``, without wordfreq for plain words."""
    if code in _PLAIN_CODES and _PLAIN_WORD.fullmatch(word):
        return word.split("-")
    from wordfreq import lossy_tokenize

    return lossy_tokenize(word, code)


def _token_frequency(token: str, code: str) -> float | None:
    """Frequency of one token, or ``None`` when the list lacks it.

    >>> _token_frequency("qqqxxzz", "en") is None
    True
    """
    for index, band in enumerate(_bands(code)):
        at = bisect_left(band, token)
        if at < len(band) and band[at] == token:
            return 10 ** (-index / 100)  # wordfreq.cB_to_freq(-index)
    return None


def _rounded_frequency(word: str, code: str) -> float:
    """wordfreq's ``word_frequency(word, code, minimum=1e-9)`` for digit-free words."""
    one_over = 0.0
    for token in _tokens(word, code):
        freq = _token_frequency(token, code)
        if freq is None:
            return _MISSING
        one_over += 1.0 / freq
    if not one_over:
        return _MISSING
    unrounded = max(1.0 / one_over, _MISSING)
    return round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)


@lru_cache(maxsize=50_000)
def zipf(word: str, code: str) -> float:
    """Zipf frequency of ``word`` in wordfreq language ``code`` (0.0 when unknown).

    >>> zipf("qqqxxzz", "de")
    0.0
    """
    if not (code in _PLAIN_CODES and _PLAIN_WORD.fullmatch(word)):
        from wordfreq import get_language_info, zipf_frequency

        if any(ch.isdigit() for ch in word) or get_language_info(code)["tokenizer"] != "regex":
            return zipf_frequency(word, code)
    return round(math.log(_rounded_frequency(word, code), 10) + 9, 2)
