"""The report's words in the study's language: one table per language, plus number formats.

Every string a reader sees in ``report.html``, ``browse.html``, ``report.docx``,
``tables.xlsx`` and the figures comes from :data:`STRINGS` (keys are the same in every
language; ``{placeholders}`` are filled by :func:`text`). :data:`FIGURE_TERMS` maps the
English words the figure functions draw (axis labels, legend titles, notes) to the
study's language. The tables live in the language registry
(``languages/<code>/report.yaml``, an optional resource); a language without one falls
back to English.

>>> text("da", "responses_n", n=3)
'3 svar'
>>> number(0.256, "da", 2), percent(0.256, "de")
('0,26', '26 %')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["STRINGS", "FIGURE_TERMS", "RESPONDENT_TYPES", "STANCES", "text", "number",
           "percent", "interval", "respondent_type", "stance", "language_of", "figure_term",
           "figure_title", "figure_caption", "localise_figure_text", "FIGURE_TITLES", "FIGURE_CAPTIONS"]

from analysis.languages import get_language, language_codes  # noqa: E402


def _report_tables() -> dict[str, dict[str, Any]]:
    """Each registered language's ``report.yaml`` (the optional resource of the report's words)."""
    out = {}
    for code in language_codes():
        lang = get_language(code)
        if lang.has_resource("report"):
            out[code] = lang.resource("report")
    return out


_TABLES = _report_tables()
#: The report's sentences, headings and labels, per language (``languages/<code>/report.yaml``).
STRINGS: dict[str, dict[str, str]] = {c: dict(d["strings"]) for c, d in _TABLES.items()}
RESPONDENT_TYPES: dict[str, dict[str, str]] = {c: dict(d["respondent_types"]) for c, d in _TABLES.items()}
STANCES: dict[str, dict[str, str]] = {c: dict(d["stances"]) for c, d in _TABLES.items()}
#: The English words the figure functions draw, in each language.
FIGURE_TERMS: dict[str, dict[str, str]] = {c: dict(d["figure_terms"]) for c, d in _TABLES.items() if d["figure_terms"]}
#: Figure titles, by figure name (the start of the name is enough: "priority-goal-codebook").
FIGURE_TITLES: dict[str, dict[str, str]] = {c: dict(d["figure_titles"]) for c, d in _TABLES.items()}
#: How to read each figure (caption), by figure name prefix.
FIGURE_CAPTIONS: dict[str, dict[str, str]] = {c: dict(d["figure_captions"]) for c, d in _TABLES.items()}
#: Parts of longer figure texts ("chosen k = 3", "not raised · …"), replaced wherever they occur.
FIGURE_PHRASES: dict[str, tuple[tuple[str, str], ...]] = {
    c: tuple((str(a), str(b)) for a, b in d["figure_phrases"]) for c, d in _TABLES.items() if d["figure_phrases"]}
#: Ingest statuses and the English reasons written at ingest, in each language.
INGEST_STATUSES: dict[str, dict[str, str]] = {c: dict(d.get("ingest_statuses") or {}) for c, d in _TABLES.items()}
INGEST_REASONS: dict[str, tuple[tuple[re.Pattern, str], ...]] = {
    c: tuple((re.compile(str(a)), str(b)) for a, b in (d.get("ingest_reasons") or ())) for c, d in _TABLES.items()}
_DECIMAL = {c: str(d["decimal"]) for c, d in _TABLES.items() if str(d["decimal"]) != "."}
_THOUSANDS = {c: str(d["thousands"]) for c, d in _TABLES.items()}







def language_of(language: str | None) -> str:
    """The language whose table is used: ``language`` if there is one, else English.

    >>> language_of("da"), language_of("fr")
    ('da', 'en')
    """
    return language if language in STRINGS else "en"


def text(language: str | None, key: str, **values: Any) -> str:
    """The string ``key`` in ``language`` (English when missing), placeholders filled.

    >>> text("en", "segments_n", n=2)
    '2 sentences'
    """
    table = STRINGS[language_of(language)]
    template = table.get(key, STRINGS["en"].get(key))
    if template is None:
        raise KeyError(f"report.i18n: no string {key!r}; add it to STRINGS['en'] and the others.")
    return template.format(**values) if values else template


def _by_prefix(table: dict[str, dict[str, str]], language: str | None, name: str) -> str:
    own, english = table.get(language_of(language), {}), table["en"]
    for source in (own, english):
        best = max((k for k in source if name == k or name.startswith(k + "-")), key=len,
                   default=None)
        if best is not None:
            return source[best]
    return name


def figure_title(language: str | None, name: str) -> str:
    """A figure's title in ``language``.

    >>> figure_title("da", "theme-sizes")
    'Temaer efter størrelse'
    """
    return _by_prefix(FIGURE_TITLES, language, name)


def figure_caption(language: str | None, name: str) -> str:
    """How to read figure ``name``, in ``language``.

    >>> figure_caption("en", "campaign-sizes")
    'Responses per group of near-identical responses.'
    """
    return _by_prefix(FIGURE_CAPTIONS, language, name)


def figure_term(language: str | None, term: str) -> str:
    """An English figure word in ``language`` (unchanged when unknown).

    >>> figure_term("da", "segments")
    'sætninger'
    """
    return FIGURE_TERMS.get(language_of(language), {}).get(term, term)


def respondent_type(language: str | None, value: Any) -> str:
    """A respondent type id as a word in ``language``.

    >>> respondent_type("da", "local_council")
    'lokaludvalg'
    """
    key = str(value)
    names = RESPONDENT_TYPES.get(language_of(language), RESPONDENT_TYPES["en"])
    return names.get(key, key.replace("_", " "))


def ingest_status(language: str | None, value: Any) -> str:
    """An ingest status (``attachment_only``) as words in ``language``.

    >>> ingest_status("da", "attachment_only"), ingest_status("en", "attachment_only")
    ('kun bilag', 'attachment_only')
    """
    key = str(value)
    return INGEST_STATUSES.get(language_of(language), {}).get(key, key)


def ingest_reason(language: str | None, value: Any) -> str:
    """An ingest reason in ``language``: each known English sentence replaced, the rest kept.

    Numbers in the sentence ("8,000 characters") are written as numbers of the language.

    >>> ingest_reason("da", "a.txt: exactly 8,000 characters, a known export limit; the text was probably "
    ...               "cut off. Get the full text from the platform if you can.")[:32]
    'a.txt: præcis 8.000 tegn, en ken'
    """
    lang = language_of(language)
    out = str(value)
    for pattern, template in INGEST_REASONS.get(lang, ()):
        def fill(m: re.Match, template: str = template) -> str:
            parts = {k: (number(int(v.replace(",", "")), lang) if k in ("n", "limit") else v)
                     for k, v in m.groupdict().items()}
            return template.format(**parts)
        out = pattern.sub(fill, out)
    return out


def stance(language: str | None, value: Any) -> str:
    """A stance id as a word in ``language``.

    >>> stance("da", "concern")
    'bekymring'
    """
    key = str(value)
    return STANCES.get(language_of(language), STANCES["en"]).get(key, key)




def number(value: Any, language: str | None, decimals: int = 0) -> str:
    """``value`` formatted for ``language`` (decimal comma in da/de); "–" for missing.

    >>> number(1234.5, "da", 1), number(1234.5, "en", 1), number(None, "en")
    ('1.234,5', '1,234.5', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(value):
        return "–"
    lang = language_of(language)
    raw = f"{value:,.{decimals}f}"
    return raw.replace(",", "\0").replace(".", _DECIMAL.get(lang, ".")).replace(
        "\0", _THOUSANDS.get(lang, ","))


def percent(value: Any, language: str | None, decimals: int = 0) -> str:
    """A share (0–1) as a percentage for ``language`` ("26 %"; English "26%").

    >>> percent(0.5, "en"), percent(0.5, "da")
    ('50%', '50 %')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    body = number(float(value) * 100, language, decimals)
    return body + ("%" if language_of(language) == "en" else " %")


def interval(low: Any, high: Any, language: str | None, decimals: int = 0) -> str:
    """A 95 % interval of shares, e.g. ``"21–79 %"``.

    >>> interval(0.2, 0.8, "da")
    '20–80 %'
    """
    lo, hi = percent(low, language, decimals), percent(high, language, decimals)
    if lo == "–" or hi == "–":
        return "–"
    unit = "%" if language_of(language) == "en" else " %"
    return f"{lo[:-len(unit)]}–{hi}"


_NUMBER_TEXT = re.compile(r"^-?\d+\.\d+$")


def localise_number_text(value: str, language: str | None) -> str:
    """A plain decimal drawn on a figure ("0.25") with the language's decimal mark.

    >>> localise_number_text("0.25", "da"), localise_number_text("0.25", "en")
    ('0,25', '0.25')
    """
    if _NUMBER_TEXT.match(value) and language_of(language) in _DECIMAL:
        return value.replace(".", _DECIMAL[language_of(language)])
    return value




def localise_figure_text(value: str, language: str | None) -> str:
    """One text drawn on a figure, in ``language``: whole words, phrases, numbers, types.

    >>> localise_figure_text("chosen k = 3", "da"), localise_figure_text("citizen", "de")
    ('valgt k = 3', 'Bürger/in')
    """
    lang = language_of(language)
    if lang == "en" or not value:
        return value
    if "\n" in value:  # an axis label with a note below it: each line on its own
        return "\n".join(localise_figure_text(line, lang) for line in value.split("\n"))
    stripped = value.strip()
    terms = FIGURE_TERMS.get(lang, {})
    if stripped in terms:
        return terms[stripped]
    kinds = {**{k.replace("_", " "): v for k, v in RESPONDENT_TYPES[lang].items()},
             **RESPONDENT_TYPES[lang], **STANCES[lang]}
    if stripped in kinds:
        return kinds[stripped]
    out = localise_number_text(value, lang)
    for english, own in FIGURE_PHRASES.get(lang, ()):
        out = out.replace(english, own)
    if out.startswith("responses in group"):
        out = out.replace("responses in group", terms.get("responses in group", "responses in group"), 1)
    return _type_words(out, lang)


def _type_words(value: str, language: str) -> str:
    """Respondent types named inside a longer text ("citizen (n=18)", "3 · local council").

    >>> _type_words("local council (n=7)", "da"), _type_words("3 · citizen", "de")
    ('lokaludvalg (n=7)', '3 · Bürger/in')
    """
    for key, own in RESPONDENT_TYPES.get(language, {}).items():
        english = key.replace("_", " ")
        if len(english) >= 5 and english in value:
            value = re.sub(rf"(?<![\w-]){re.escape(english)}(?![\w-])", own, value)
        elif value.startswith(english + " (n="):  # short names ("all") only as a legend entry
            value = own + value[len(english):]
    return value
