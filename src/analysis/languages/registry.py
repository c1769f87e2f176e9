"""The language registry: one :class:`Language` entry and one resource folder per language.

Every word list and rule that differs between languages is looked up here, never
written into a stage module. An entry says which tools serve the language (the
simplemma code of its lemmatiser, the Snowball stemmer, the stopwords-iso list,
the wordfreq list) and how its writing behaves (does it capitalise every noun,
does it write compounds closed); the folder ``languages/<code>/`` holds the word
lists as YAML files, one per job (see :data:`RESOURCES`). Files are read the
first time they are needed and cached.

A resource file may borrow the lists of other languages with ``also``: either a
list of codes (every key) or a mapping from key to codes. ``also`` is not
transitive: only the named languages' own lists are added.

>>> get_language("da").name
'Danish'
>>> "bl.a" in get_language("da").words("segmentation", "abbreviations")
True
>>> language_codes()[:3]
('da', 'en', 'de')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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

PACKAGE_FOLDER = Path(__file__).resolve().parent

# Each resource file and the keys it must define (lists of strings unless said otherwise).
RESOURCES: dict[str, tuple[str, ...]] = {
    "stop_words": ("consultation",),
    "segmentation": ("abbreviations", "sentence_final", "number_takers", "ordinal_takers"),
    "cleaning": ("coordinators", "function_words", "elision_joiners"),
    "stance": ("support", "concern", "request", "contrast", "concessive", "ignore"),
    "negations": ("negators",),
    "redaction": ("organisation_stems", "organisation_words", "role_words", "role_endings", "office_words",
                  "not_names", "name_particles", "loose_particles", "titles", "introductions", "fields",
                  "closings", "block_ends"),
    "addresses": ("street_suffixes", "generic_streets", "number_first_streets", "street_prefixes", "phone_cues",
                  "not_phone_before", "not_phone_after", "year_before", "not_postcode_before", "not_city",
                  "postcodes_in_running_text"),
    "kinds": ("greetings", "addressees", "closings", "sender_fields", "introduction", "heading_starts"),
    "themes": ("courtesy", "street_words"),
    "respondents": ("organisation_words", "roles", "role_prepositions", "sender_context", "on_behalf",
                    "sender_verbs", "citizen_groups", "first_person", "type_aliases"),
}


# Resources a language may leave out; what needs them falls back to English (the report's words).
OPTIONAL_RESOURCES: dict[str, tuple[str, ...]] = {
    "report": ("strings", "respondent_types", "stances", "figure_terms", "figure_titles",
               "figure_captions", "figure_phrases", "decimal", "thousands"),
}


class LanguageError(ValueError):
    """A language is not registered, or one of its resources is missing or malformed."""


@dataclass(frozen=True)
class Language:
    """One registered language: its tools, its writing conventions and its resource folder.

    Parameters
    ----------
    code : ISO 639-1 code used everywhere (``study.yaml`` ``language``, codebook keys).
    name : English name, for messages and documentation.
    folder : folder of the resource files; default ``analysis/languages/<code>/``.
    lemmatizer : simplemma language code, or ``None`` to use the lower-cased word.
    stemmer : Snowball (PyStemmer) algorithm name, or ``None`` to use the lower-cased word.
    stopwords : stopwords-iso code of the general stop words, or ``None`` (then only the
        ``general`` list of ``stop_words.yaml`` is used).
    wordfreq : wordfreq code used to repair hyphenation, or ``None`` (no word is known).
    capitalises_nouns : the language capitalises every noun (German), so capitalisation
        says nothing about names.
    closed_compounds : an unknown word broken at a line end is joined (Danish, German,
        Swedish write compounds closed); otherwise the hyphen stays.

    Examples
    --------
    >>> lang = Language("xx", "Toy", folder=Path("/tmp/xx"))
    >>> lang.lemmatizer is None and lang.closed_compounds
    True
    """

    code: str
    name: str
    folder: Path | None = None
    lemmatizer: str | None = None
    stemmer: str | None = None
    stopwords: str | None = None
    wordfreq: str | None = None
    capitalises_nouns: bool = False
    closed_compounds: bool = True
    _cache: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    _words: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def resource_folder(self) -> Path:
        """The folder holding this language's resource files."""
        return Path(self.folder) if self.folder is not None else PACKAGE_FOLDER / self.code

    def resource_path(self, resource: str) -> Path:
        """Path of one resource file (``<folder>/<resource>.yaml``)."""
        return self.resource_folder / f"{resource}.yaml"

    def has_resource(self, resource: str) -> bool:
        """Whether the language's folder holds ``resource`` (for optional resources).

        >>> get_language("da").has_resource("report")
        True
        """
        return self.resource_path(resource).is_file()

    def resource(self, resource: str) -> dict[str, Any]:
        """The parsed YAML mapping of ``resource``, checked for its required keys (cached).

        >>> sorted(get_language("en").resource("negations"))
        ['negators']
        """
        hit = self._cache.get(resource)
        if hit is None:
            hit = _read_resource(self, resource)
            self._cache[resource] = hit
        return hit

    def words(self, resource: str, key: str) -> frozenset[str]:
        """The words under ``key`` in ``resource``, lower-cased, with those its ``also`` borrows.

        >>> "og" in get_language("da").words("cleaning", "coordinators")
        True
        """
        hit = self._words.get((resource, key))
        if hit is None:
            data = self.resource(resource)
            words = set(_string_list(self, resource, key, data.get(key)))
            for code in _also(self, resource, data, key):
                other = get_language(code)
                words |= set(_string_list(other, resource, key, other.resource(resource).get(key)))
            hit = frozenset(w.lower() for w in words)
            self._words[(resource, key)] = hit
        return hit

    def entries(self, resource: str, key: str) -> list:
        """The raw list under ``key`` (strings or mappings, as written; no ``also``).

        >>> get_language("de").entries("stance", "contrast")[:2]
        ['aber', 'jedoch']
        """
        value = self.resource(resource).get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise LanguageError(f"{self.resource_path(resource)}: {key!r} must be a list.")
        return list(value)

    @classmethod
    def from_folder(cls, folder: str | Path) -> "Language":
        """A language described by ``<folder>/language.yaml`` whose resources are in ``folder``.

        ``language.yaml`` holds ``code`` and ``name`` and optionally the other fields of
        :class:`Language` (``lemmatizer``, ``stemmer``, ``stopwords``, ``wordfreq``,
        ``capitalises_nouns``, ``closed_compounds``).

        >>> Language.from_folder(PACKAGE_FOLDER / "sv").code  # doctest: +SKIP
        'sv'
        """
        folder = Path(folder)
        path = folder / "language.yaml"
        if not path.is_file():
            raise LanguageError(f"{path}: no such file; a language folder needs language.yaml "
                                "with at least `code:` and `name:`.")
        raw = _load_yaml(path)
        allowed = {"code", "name", "lemmatizer", "stemmer", "stopwords", "wordfreq",
                   "capitalises_nouns", "closed_compounds"}
        unknown = sorted(set(raw) - allowed)
        missing = sorted({"code", "name"} - set(raw))
        if unknown or missing:
            raise LanguageError(f"{path}: " + "; ".join(
                ([f"missing key(s) {missing}"] if missing else [])
                + ([f"unknown key(s) {unknown}; allowed: {sorted(allowed)}"] if unknown else [])))
        return cls(folder=folder, **{k: raw[k] for k in raw})


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe YAML loader (the C parser when PyYAML has it) that refuses a repeated key:
    plain YAML keeps the last one and silently drops the first list."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice; merge the two entries into one",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise LanguageError(f"{path}: not valid YAML ({exc}).") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise LanguageError(f"{path}: expected a mapping of keys to word lists at the top level.")
    return raw


def _read_resource(lang: Language, resource: str) -> dict[str, Any]:
    required = RESOURCES.get(resource, OPTIONAL_RESOURCES.get(resource))
    if required is None:
        raise LanguageError(f"unknown language resource {resource!r}; the resources are "
                            f"{sorted(RESOURCES) + sorted(OPTIONAL_RESOURCES)}.")
    path = lang.resource_path(resource)
    if not path.is_file():
        raise LanguageError(
            f"language {lang.code!r} ({lang.name}) has no {resource!r} resource: create {path} "
            f"with the keys {', '.join(required)} (see the files of 'da' for the format)."
        )
    data = _load_yaml(path)
    missing = [k for k in required if k not in data]
    if missing:
        raise LanguageError(f"{path}: missing key(s) {', '.join(missing)}; add them (an empty list [] is allowed).")
    return data


def _string_list(lang: Language, resource: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise LanguageError(f"{lang.resource_path(resource)}: {key!r} must be a list of words (strings); "
                            "quote words YAML reads as booleans or numbers (\"no\", \"on\", \"1\").")
    return value


def _also(lang: Language, resource: str, data: dict[str, Any], key: str) -> list[str]:
    also = data.get("also") or []
    if isinstance(also, dict):
        also = also.get(key) or []
    if not isinstance(also, list) or not all(isinstance(c, str) for c in also):
        raise LanguageError(f"{lang.resource_path(resource)}: 'also' must be a list of language codes "
                            "or a mapping from key to such a list.")
    return also


_BUILTIN = (
    Language("da", "Danish", lemmatizer="da", stemmer="danish", stopwords="da", wordfreq="da"),
    Language("en", "English", lemmatizer="en", stemmer="english", stopwords="en", wordfreq="en",
             closed_compounds=False),
    Language("de", "German", lemmatizer="de", stemmer="german", stopwords="de", wordfreq="de",
             capitalises_nouns=True),
    Language("sv", "Swedish", lemmatizer="sv", stemmer="swedish", stopwords="sv", wordfreq="sv"),
)
_REGISTRY: dict[str, Language] = {lang.code: lang for lang in _BUILTIN}


def language_codes() -> tuple[str, ...]:
    """Codes of every registered language, built-in ones first, in registration order.

    >>> "sv" in language_codes()
    True
    """
    return tuple(_REGISTRY)


def all_words(resource: str, key: str) -> frozenset[str]:
    """The words under ``key`` in ``resource`` of every registered language, lower-cased.

    For cues looked for in every response whatever its language (a Danish response
    signed "Kind regards").

    >>> {"formand", "chair", "vorsitzende"} <= all_words("redaction", "office_words")
    True
    """
    out: set[str] = set()
    for lang in _REGISTRY.values():
        out |= lang.words(resource, key)
    return frozenset(out)


def all_entries(resource: str, key: str) -> tuple:
    """The entries under ``key`` in ``resource`` of every registered language, as written.

    In registration order, each entry once; for lists whose order matters (the
    alternatives of a regular expression).

    >>> all_entries("redaction", "titles")[:3]
    ('Dr', 'Prof', 'Hr')
    """
    out: list = []
    for lang in _REGISTRY.values():
        out.extend(e for e in lang.entries(resource, key) if e not in out)
    return tuple(out)


def get_language(code: str) -> Language:
    """The registered :class:`Language` of ``code``; a clear error for an unknown code.

    >>> get_language("de").capitalises_nouns
    True
    >>> get_language("xx")
    Traceback (most recent call last):
    ...
    analysis.languages.registry.LanguageError: language 'xx' is not supported; the known languages are da, en, de, sv. To add one, create a folder of resources under src/analysis/languages/ and a Language entry in analysis/languages/registry.py (see README, 'Adding a language').
    """
    lang = _REGISTRY.get(code) if isinstance(code, str) else None
    if lang is None:
        raise LanguageError(
            f"language {code!r} is not supported; the known languages are {', '.join(_REGISTRY)}. "
            "To add one, create a folder of resources under src/analysis/languages/ and a Language "
            "entry in analysis/languages/registry.py (see README, 'Adding a language')."
        )
    return lang


def register_language(language: Language | str | Path, *, replace: bool = False) -> Language:
    """Register a :class:`Language` (or the folder of one, read with :meth:`Language.from_folder`).

    Every resource the stages need is checked at once, so a missing file is reported
    now, not in the middle of a run.

    Parameters
    ----------
    language : the entry, or a folder holding ``language.yaml`` and the resource files.
    replace : allow replacing an already registered code.

    Returns
    -------
    The registered entry.

    Examples
    --------
    >>> register_language(get_language("da")).code  # doctest: +SKIP
    'da'
    """
    lang = language if isinstance(language, Language) else Language.from_folder(language)
    if lang.code in _REGISTRY and not replace and _REGISTRY[lang.code] is not lang:
        raise LanguageError(f"language {lang.code!r} is already registered; pass replace=True to replace it.")
    for resource in RESOURCES:
        lang.resource(resource)
    _REGISTRY[lang.code] = lang
    return lang


def unregister_language(code: str) -> None:
    """Remove a language registered with :func:`register_language` (built-in ones stay).

    >>> unregister_language("xx")  # unknown codes are ignored
    """
    if code in _REGISTRY and all(code != b.code for b in _BUILTIN):
        del _REGISTRY[code]
