"""One registry for everything language-specific.

A language is one :class:`Language` entry (which lemmatiser, stemmer and stop-word
list serve it; how it writes names and compounds) plus one folder of YAML resources
(``analysis/languages/<code>/``): stop words, sentence-splitting abbreviations,
cleaning word lists, stance cues, negations, redaction and respondent words. Stage
modules look words up here and never hard-code them.

>>> from analysis.languages import get_language, language_codes
>>> language_codes()
('da', 'en', 'de', 'sv')
>>> sorted(get_language("sv").words("negations", "negators"))[:3]
['aldrig', 'ej', 'icke']
"""

from analysis.languages.registry import (
    OPTIONAL_RESOURCES,
    RESOURCES,
    Language,
    LanguageError,
    all_entries,
    all_words,
    get_language,
    language_codes,
    register_language,
    unregister_language,
)

__all__ = [
    "OPTIONAL_RESOURCES",
    "RESOURCES",
    "Language",
    "LanguageError",
    "all_entries",
    "all_words",
    "get_language",
    "language_codes",
    "register_language",
    "unregister_language",
]
