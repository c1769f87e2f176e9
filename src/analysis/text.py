"""Language-aware words: tokens with offsets, lemmas, stop words.

Cleaning and segmentation live in :mod:`analysis.corpus.cleaning` and
:mod:`analysis.corpus.segment`; this module turns a cleaned segment into words.

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
        bør foreslå foreslår foreslås forslag forslaget forslagene ønske ønsker ønskes
        opfordre opfordrer anbefale anbefaler anbefales mene mener finde finder vigtig vigtigt
        vigtige desuden herunder derudover endvidere fremadrettet gerne ift ifm iht
        kommentar kommentarer kommentere svar svare
        formand forperson næstformand næstforperson konsulent projektleder direktør medstifter
        sekretariatschef medlem bestyrelse bestyrelsesmedlem
        lokaludvalg lokaludvalget lokaludvalgets lokaludvalgsmøde lokaludvalgsmødet
        """.split()
    ),
    "en": frozenset(
        """
        consultation response responses comment comments council committee draft
        should would suggest suggests suggestion recommend recommends think believe important
        dear regards sincerely thanks thank kind attached attachment
        page re e.g i.e etc
        """.split()
    ),
    "de": frozenset(
        """
        stellungnahme konsultation anhang anbei entwurf gemeinde ausschuss
        sollte sollten vorschlag vorschläge empfehlen wichtig finde meiner meinung
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
    return _stop_words(language, tuple(sorted({w.lower() for w in extra})), consultation)


@lru_cache(maxsize=64)
def _stop_words(language: str, extra: tuple[str, ...], consultation: bool) -> frozenset[str]:
    words = set(_general_stop_words(language))
    if consultation:
        words |= CONSULTATION_STOP_WORDS[language]
    words |= set(extra)
    words |= {lemma(w, language) for w in list(words) if WORD_RE.fullmatch(w)}
    return frozenset(words)


def proper_names(texts: Iterable[str], language: str = "da", min_count: int = 2,
                 min_share: float = 0.9) -> frozenset[str]:
    """Words that are almost always capitalised where a sentence does not begin: names.

    Names of senders, places and people ("Miljøpunkt Amager", "Valby Lokaludvalg") say
    who wrote, not what about; a theme model drops them so that signatures do not form
    themes. Acronyms (``CO2``, ``CCS``) are kept. German capitalises every noun, so for
    ``de`` nothing is returned.

    >>> sorted(proper_names(["Vi bor i Valby.", "Valby Lokaludvalg mener noget.", "Også i Valby er der grønt."]))
    ['valby']
    """
    check_language(language)
    if language == "de":
        return frozenset()
    capital: dict[str, int] = {}
    total: dict[str, int] = {}
    for text in texts:
        for sentence in re.split(r"(?<=[.!?:])\s+|\n", text or ""):
            for i, m in enumerate(WORD_RE.finditer(sentence)):
                word = m.group()
                if i == 0 or not word[:1].isalpha() or word.isupper() or any(c.isdigit() for c in word):
                    continue
                low = word.lower()
                total[low] = total.get(low, 0) + 1
                if word[:1].isupper():
                    capital[low] = capital.get(low, 0) + 1
    return frozenset(w for w, n in capital.items()
                     if n >= min_count and n / total[w] >= min_share and len(w) > 1)


def lemmas(text: str, language: str = "da") -> list[str]:
    """Lemmas of every word token in ``text``, in order.

    >>> lemmas("De udsatte byområder", "da")
    ['den', 'udsætte', 'byområde']
    """
    return [lemma(t.text, language) for t in tokenize(text)]
