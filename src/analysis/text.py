"""Language-aware words: tokens with offsets, lemmas, stop words.

Cleaning and segmentation live in :mod:`analysis.corpus.cleaning` and
:mod:`analysis.corpus.segment`; this module turns a cleaned segment into words.

>>> [t.text for t in tokenize("Negativ social kontrol i Bispebjerg.")]
['Negativ', 'social', 'kontrol', 'i', 'Bispebjerg']
>>> lemma("beskæftigelsen", "da")
'beskæftigelse'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from analysis.languages import LanguageError, get_language, language_codes

LANGUAGES = language_codes()  # the registered languages (see analysis.languages)

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
    """Return ``language`` if it is registered, else raise a clear ``ValueError``.

    >>> check_language("da")
    'da'
    """
    get_language(language)
    return language


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str = "da") -> str:
    """Lower-cased dictionary form of ``word`` (simplemma; compounds handled).

    >>> lemma("byområder", "da")
    'byområde'
    """
    code = get_language(language).lemmatizer
    low = word.lower()
    if low.isdigit() or code is None:
        return low
    import simplemma

    try:
        out = simplemma.lemmatize(low, lang=code)
    except ValueError:
        raise
    except Exception:  # simplemma has no entry: keep the word as written
        out = low
    return out.lower()


@lru_cache(maxsize=16)
def _stemmer(language: str):
    name = get_language(language).stemmer
    if name is None:
        return None
    import Stemmer

    return Stemmer.Stemmer(name)


def stem(word: str, language: str = "da") -> str:
    """Snowball stem of the lower-cased ``word`` (PyStemmer; the word itself without a stemmer).

    >>> stem("uddannelsen", "da")
    'uddan'
    """
    stemmer = _stemmer(language)
    return word.lower() if stemmer is None else stemmer.stemWord(word.lower())


class _ConsultationStopWords(Mapping):
    """Read-only view ``{language: frozenset}`` of the ``consultation`` stop words in the registry."""

    def __getitem__(self, language: str) -> frozenset[str]:
        try:
            return get_language(language).words("stop_words", "consultation")
        except LanguageError as exc:
            raise KeyError(language) from exc

    def __iter__(self):
        return iter(language_codes())

    def __len__(self) -> int:
        return len(language_codes())


# Words every consultation uses that say nothing about its themes: the genre's own
# vocabulary, salutations and signature lines (``languages/<code>/stop_words.yaml``).
# Extend per study in study.yaml.
CONSULTATION_STOP_WORDS: Mapping[str, frozenset[str]] = _ConsultationStopWords()


@lru_cache(maxsize=32)
def _general_stop_words(language: str) -> frozenset[str]:
    lang = get_language(language)
    words = set(lang.words("stop_words", "general"))
    if lang.stopwords is not None:
        import stopwordsiso

        words |= {w.lower() for w in stopwordsiso.stopwords(lang.stopwords)}
    return frozenset(words)


#: Zipf points by which another language must lead for one of its stop words to count
#: as foreign here (see :func:`foreign_stop_word`).
FOREIGN_MARGIN = 1.0


@lru_cache(maxsize=32)
def _foreign_stop_candidates(language: str) -> frozenset[str]:
    """Stop words of the other registered languages that are not stop words here (cheap pre-check).

    >>> "and" in _foreign_stop_candidates("da"), "og" in _foreign_stop_candidates("da")
    (True, False)
    """
    own = _general_stop_words(language)
    return frozenset(w for other in LANGUAGES if other != language
                     for w in _general_stop_words(other) if w.isalpha() and w not in own)


FOREIGN_COMMON = 4.0      # a word this common in another language ...
FOREIGN_RARE_HERE = 2.5   # ... and this rare here is foreign (keyness)
_MISSING = 1e-9           # wordfreq's frequency floor for ``minimum=0``: Zipf 0


def _zipf_of(freqs: Iterable[float]) -> float:
    """The Zipf frequency wordfreq gives a word whose tokens have these frequencies.

    ``zipf_frequency``'s arithmetic (``1/f = 1/f1 + 1/f2 + ...``, three significant digits,
    then two decimals); no token: Zipf 0.

    >>> _zipf_of([1e-5]), _zipf_of([1e-5, 1e-5]), _zipf_of([])
    (4.0, 3.7, 0.0)
    """
    one_over = 0.0
    for freq in freqs:
        one_over += 1.0 / freq
    if not one_over:
        return round(math.log(_MISSING, 10) + 9, 2)
    unrounded = max(1.0 / one_over, _MISSING)
    rounded = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(math.log(rounded, 10) + 9, 2)


_REGEX_TOKENISED: set[str] = set()  # wordfreq languages known to tokenise by regex


def _word_tokens(word: str, code: str) -> list[str] | None:
    """wordfreq's tokens of ``word`` in ``code`` (``lossy_tokenize``), or None for a
    language wordfreq tokenises with a dictionary (it must judge those words itself).

    >>> _word_tokens("cykel-sti", "da"), _word_tokens("co2-udledning", "da")
    (['cykel', 'sti'], ['co2', 'udledning'])
    """
    from analysis.corpus.wordlist import _tokens

    if code not in _REGEX_TOKENISED:
        from wordfreq import get_language_info

        if get_language_info(code)["tokenizer"] != "regex":
            return None
        _REGEX_TOKENISED.add(code)
    return _tokens(word, code)


@lru_cache(maxsize=1)
def _stop_tokens() -> frozenset[str]:
    """Every token of every registered language's stop words, in every registered language."""
    return frozenset(tok for word in set().union(*map(_general_stop_words, LANGUAGES))
                     for code in LANGUAGES for tok in (_word_tokens(word, code) or ()))


@lru_cache(maxsize=16)
def _band_index(code: str) -> dict[str, int]:
    """Token → frequency band (``-band`` centibels) of wordfreq's list for ``code``, for the
    tokens at Zipf ≥ :data:`FOREIGN_RARE_HERE` and the stop-word tokens (:func:`_stop_tokens`).

    One pass over the packed list, which is not kept (the German one holds 634,502 words;
    wordfreq's own dictionary of it costs 0.6 s and ~70 MB).

    >>> _band_index("en")["the"] < _band_index("en")["energy"]
    True
    """
    from analysis.corpus.wordlist import _bands

    stops, out = _stop_tokens(), {}
    for band, words in enumerate(_bands.__wrapped__(code)):
        if _zipf_of([10 ** (-band / 100)]) >= FOREIGN_RARE_HERE:
            out.update(dict.fromkeys(words, band))
        else:
            out.update((w, band) for w in stops.intersection(words))
    return out


def _zipf_bound(word: str, code: str) -> float | None:
    """wordfreq's ``zipf_frequency(word, code)`` when it is at least :data:`FOREIGN_RARE_HERE`
    or every token of ``word`` is a stop-word token; otherwise some value below
    :data:`FOREIGN_RARE_HERE` (a token's band is below it, and the word is no more common
    than any of its tokens). None: wordfreq must judge the word (:func:`_word_tokens`).

    >>> _zipf_bound("the", "en") > 7, _zipf_bound("qqqxxzz", "en")
    (True, 0.0)
    """
    tokens = _word_tokens(word, code)
    if tokens is None:
        return None
    from wordfreq.numbers import digit_freq, smash_numbers

    bands, freqs = _band_index(code), []
    for token in tokens:
        # wordfreq's lists keep digit runs as zeros, priced by digit_freq
        key = smash_numbers(token) if any(ch.isdigit() for ch in token) else token
        band = bands.get(key)
        if band is None:
            return 0.0
        freqs.append(10 ** (-band / 100) * (digit_freq(token) if key != token else 1.0))
    return _zipf_of(freqs)


def _zipf_at_least(word: str, code: str, threshold: float) -> bool:
    """``zipf_frequency(word, code) >= threshold`` for ``threshold >= FOREIGN_RARE_HERE``.

    >>> _zipf_at_least("energy", "en", 4.0), _zipf_at_least("energi", "en", 4.0)
    (True, False)
    """
    zipf = _zipf_bound(word, code)
    if zipf is None:
        from wordfreq import zipf_frequency

        zipf = zipf_frequency(word, code)
    return zipf >= threshold


@lru_cache(maxsize=32)
def _foreign_stop_words(language: str) -> frozenset[str]:
    """Every foreign stop word of ``language`` (:func:`foreign_stop_word`): from the stored
    verdicts (:func:`stored_foreign_stop_words`) when they were judged from the same lists,
    else judged now (:func:`judge_foreign_stop_words`; ~1 s for the registered languages).

    >>> "and" in _foreign_stop_words("da"), "for" in _foreign_stop_words("da")
    (True, False)
    """
    stored = stored_foreign_stop_words()
    if stored is not None and language in stored:
        return stored[language]
    return judge_foreign_stop_words(language)


#: The stored verdicts of :func:`judge_foreign_stop_words` for the registered languages,
#: with the fingerprint of the lists they were judged from (see :func:`foreign_lists_fingerprint`).
FOREIGN_STOP_WORDS_FILE = Path(__file__).parent / "resources" / "foreign_stop_words.json"


def foreign_lists_fingerprint() -> str:
    """SHA-256 of what the foreign stop words follow from: every registered language's
    general stop words, wordfreq's packed frequency lists (their bytes), the margins.

    >>> len(foreign_lists_fingerprint())
    64
    """
    import hashlib

    digest = hashlib.sha256(repr((FOREIGN_MARGIN, FOREIGN_RARE_HERE, LANGUAGES)).encode())
    for code in LANGUAGES:
        digest.update("\n".join(sorted(_general_stop_words(code))).encode())
        path = wordfreq_packed_list(code)
        digest.update(path.name.encode() + path.read_bytes() if path is not None else b"-")
    return digest.hexdigest()


def wordfreq_packed_list(code: str) -> Path | None:
    """wordfreq's own file for ``code`` (its "best" list: large, else small), if installed.

    Found without importing wordfreq; :mod:`analysis.corpus.wordlist` reads its bands.

    >>> wordfreq_packed_list("da").name.endswith("_da.msgpack.gz")
    True
    """
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return next((p for p in (data / f"large_{code}.msgpack.gz", data / f"small_{code}.msgpack.gz")
                 if p.is_file()), None)


@lru_cache(maxsize=1)
def stored_foreign_stop_words() -> dict[str, frozenset[str]] | None:
    """``{language: foreign stop words}`` from :data:`FOREIGN_STOP_WORDS_FILE`, or None when
    the file is missing or was judged from other lists (another wordfreq or stop-word list).

    >>> "and" in (stored_foreign_stop_words() or {"da": {"and"}})["da"]
    True
    """
    import json

    try:
        stored = json.loads(FOREIGN_STOP_WORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("fingerprint") != foreign_lists_fingerprint():
        return None
    return {code: frozenset(words) for code, words in stored["words"].items()}


def write_foreign_stop_words(path: Path = FOREIGN_STOP_WORDS_FILE) -> Path:
    """Judge the foreign stop words of every registered language and store them in ``path``
    (run after changing a stop-word list or upgrading wordfreq:
    ``python -c "from analysis.text import write_foreign_stop_words; write_foreign_stop_words()"``).
    """
    import json

    words = {code: sorted(judge_foreign_stop_words(code)) for code in LANGUAGES}
    text = json.dumps({"fingerprint": foreign_lists_fingerprint(), "words": words},
                      ensure_ascii=False, indent=0, sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)


def judge_foreign_stop_words(language: str) -> frozenset[str]:
    """Every foreign stop word of ``language``, judged from wordfreq's lists now.

    >>> "and" in judge_foreign_stop_words("da"), "for" in judge_foreign_stop_words("da")
    (True, False)
    """
    def zipf(word: str, code: str) -> float:
        value = _zipf_bound(word, code)  # exact: every token of a stop word is a stop-word token
        if value is None:
            from analysis.corpus.wordlist import zipf as zipf_by_bisection

            value = zipf_by_bisection(word, code)
        return value

    out = set()
    for word in _foreign_stop_candidates(language):
        here = zipf(word, language)
        if any(word in _general_stop_words(other) and zipf(word, other) > here + FOREIGN_MARGIN
               for other in LANGUAGES if other != language):
            out.add(word)
    return frozenset(out)


def foreign_stop_word(word: str, language: str) -> bool:
    """True when ``word`` is a stop word of another registered language, far more common there.

    An English "and" in Danish responses is a quotation or a name, never a theme word or a
    key term; a word the corpus language uses about as often ("for", "der" in Danish) stays.
    Frequencies are wordfreq's (offline data): Zipf here + :data:`FOREIGN_MARGIN` <
    Zipf there, every candidate judged at once (:func:`_foreign_stop_words`).

    >>> foreign_stop_word("and", "da"), foreign_stop_word("for", "da"), foreign_stop_word("klima", "da")
    (True, False, False)
    """
    return word in _foreign_stop_words(language)


@lru_cache(maxsize=200_000)
def foreign_word(word: str, language: str) -> bool:
    """True when ``word`` belongs to another language rather than ``language``.

    A foreign stop word (:func:`foreign_stop_word`), or a word common in another registered
    language (Zipf ≥ 4) and rare here (Zipf < 2.5). Keyness leaves such words out; theme
    features leave out only the foreign stop words (an English "repair" in a Danish
    response about repair cafés is a theme word). Every distinct word of a corpus comes
    here: the frequencies are looked up among the common words of each list
    (:func:`_zipf_at_least`), not in wordfreq's whole dictionaries.

    >>> foreign_word("and", "da"), foreign_word("klima", "da"), foreign_word("der", "da")
    (True, False, False)
    """
    if foreign_stop_word(word, language):
        return True
    if _zipf_at_least(word, language, FOREIGN_RARE_HERE):
        return False
    return any(_zipf_at_least(word, other, FOREIGN_COMMON) for other in LANGUAGES if other != language)


def stop_words(language: str = "da", extra: Iterable[str] = (), consultation: bool = True,
               with_lemmas: bool = True) -> frozenset[str]:
    """General stop words (stopwords-iso and the language's ``general`` list), the
    consultation list and ``extra``.

    Both the words and their lemmas are included so that lemma-level features
    are filtered the same way as surface forms; ``with_lemmas=False`` gives the
    words as listed (no lemmatiser is loaded).

    >>> "og" in stop_words("da") and "høringssvar" in stop_words("da")
    True
    """
    return _stop_words(language, tuple(sorted({w.lower() for w in extra})), consultation, with_lemmas)


@lru_cache(maxsize=64)
def _stop_words(language: str, extra: tuple[str, ...], consultation: bool, with_lemmas: bool) -> frozenset[str]:
    words = set(_general_stop_words(language))
    if consultation:
        words |= get_language(language).words("stop_words", "consultation")
    words |= set(extra)
    if with_lemmas:
        words |= {lemma(w, language) for w in list(words) if WORD_RE.fullmatch(w)}
    return frozenset(words)


def proper_names(texts: Iterable[str], language: str = "da", min_count: int = 2,
                 min_share: float = 0.9) -> frozenset[str]:
    """Words that are almost always capitalised where a sentence does not begin: names.

    Names of senders, places and people ("Miljøpunkt Amager", "Valby Lokaludvalg") say
    who wrote, not what about; a theme model drops them so that signatures do not form
    themes. Acronyms (``CO2``, ``CCS``) are kept. For a language that capitalises every
    noun (German: ``capitalises_nouns`` in the registry) nothing is returned.

    >>> sorted(proper_names(["Vi bor i Valby.", "Valby Lokaludvalg mener noget.", "Også i Valby er der grønt."]))
    ['valby']
    """
    if get_language(language).capitalises_nouns:
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
