"""Language-aware words: tokens with offsets, lemmas, stop words.

Cleaning and segmentation live in :mod:`analysis.cleaning` and
:mod:`analysis.segment`; this module turns a cleaned segment into words.

>>> [t.text for t in tokenize("Negativ social kontrol i Bispebjerg.")]
['Negativ', 'social', 'kontrol', 'i', 'Bispebjerg']
>>> lemma("beskæftigelsen", "da")
'beskæftigelse'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

LANGUAGES = ("da", "en", "de")

# A word: letters (æ, ø, å, ä, ö, ü, ß included) or digits, with inner hyphens or
# apostrophes ("CO2-udledning", "don't"). No character class strips diacritics.
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


class Token(NamedTuple):
    """One word of a text with its character offsets: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into word tokens with character offsets.

    >>> tokenize("Københavns Kommune")[0]
    Token(text='Københavns', start=0, end=10)
    """
    return [Token(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def check_language(language: str) -> str:
    """Return ``language`` if supported, else raise a clear ``ValueError``."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not supported; use one of {LANGUAGES}")
    return language


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str = "da") -> str:
    """Lower-cased dictionary form of ``word`` (simplemma; compounds handled).

    >>> lemma("byområder", "da")
    'byområde'
    """
    import simplemma

    low = word.lower()
    if low.isdigit():
        return low
    try:
        out = simplemma.lemmatize(low, lang=check_language(language))
    except ValueError:
        raise
    except Exception:  # simplemma has no entry: keep the word as written
        out = low
    return out.lower()


@lru_cache(maxsize=16)
def _stemmer(language: str):
    import Stemmer

    names = {"da": "danish", "en": "english", "de": "german"}
    return Stemmer.Stemmer(names[check_language(language)])


def stem(word: str, language: str = "da") -> str:
    """Snowball stem of the lower-cased ``word`` (PyStemmer).

    >>> stem("uddannelsen", "da")
    'uddan'
    """
    return _stemmer(language).stemWord(word.lower())


# Words every consultation uses that say nothing about its themes: the genre's own
# vocabulary, salutations and signature lines. Extend per study in study.yaml.
CONSULTATION_STOP_WORDS: dict[str, frozenset[str]] = {
    "da": frozenset(
        """
        høringssvar høringssvaret høringssvarene høring høringen høringsperiode høringsmateriale
        udvalg udvalget udvalgets kommune kommunen kommunens københavns københavn
        udkast udkastet bemærke bemærker bemærkning bemærkninger
        venlig venlige hilsen hilsner mvh kære tak takke takker muligheden mulighed
        vedhæftet vedlagt hermed bilag afsender vedr vedrørende
        side pkt nr bl.a f.eks ca jf evt mv osv
        se fx samt mm
        """.split()
    ),
    "en": frozenset(
        """
        consultation response responses comment comments council committee draft
        dear regards sincerely thanks thank kind attached attachment
        page re e.g i.e etc
        """.split()
    ),
    "de": frozenset(
        """
        stellungnahme konsultation anhang anbei entwurf gemeinde ausschuss
        freundlichen grüßen grüße sehr geehrte geehrter danke dank
        seite bzw z.b usw
        """.split()
    ),
}


@lru_cache(maxsize=32)
def _general_stop_words(language: str) -> frozenset[str]:
    import stopwordsiso

    return frozenset(w.lower() for w in stopwordsiso.stopwords(check_language(language)))


def stop_words(language: str = "da", extra: Iterable[str] = (), consultation: bool = True) -> frozenset[str]:
    """General stop words (stopwords-iso) plus the consultation list plus ``extra``.

    Both the words and their lemmas are included so that lemma-level features
    are filtered the same way as surface forms.

    >>> "og" in stop_words("da") and "høringssvar" in stop_words("da")
    True
    """
    words = set(_general_stop_words(language))
    if consultation:
        words |= CONSULTATION_STOP_WORDS[language]
    words |= {w.lower() for w in extra}
    words |= {lemma(w, language) for w in list(words) if WORD_RE.fullmatch(w)}
    return frozenset(words)


def lemmas(text: str, language: str = "da") -> list[str]:
    """Lemmas of every word token in ``text``, in order.

    >>> lemmas("De udsatte byområder", "da")
    ['den', 'udsætte', 'byområde']
    """
    return [lemma(t.text, language) for t in tokenize(text)]
