"""The report's words in the study's language: one table per language, plus number formats.

Every string a reader sees in ``report.html``, ``browse.html``, ``report.docx``,
``tables.xlsx`` and the figures comes from :data:`STRINGS` (keys are the same in every
language; ``{placeholders}`` are filled by :func:`text`). :data:`FIGURE_TERMS` maps the
English words the figure functions draw (axis labels, legend titles, notes) to the
study's language. A language without a table falls back to English.

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

from analysis.report.strings import STRINGS  # noqa: E402  (the sentences, per language)

RESPONDENT_TYPES: dict[str, dict[str, str]] = {
    "en": {"citizen": "citizen", "organisation": "organisation", "local_council": "local council",
           "committee": "committee", "company": "company", "authority": "public authority",
           "unknown": "unknown", "all": "all"},
    "da": {"citizen": "borger", "organisation": "organisation", "local_council": "lokaludvalg",
           "committee": "udvalg", "company": "virksomhed", "authority": "myndighed",
           "unknown": "ukendt", "all": "alle"},
    "de": {"citizen": "Bürger/in", "organisation": "Organisation", "local_council": "Ortsbeirat",
           "committee": "Ausschuss", "company": "Unternehmen", "authority": "Behörde",
           "unknown": "unbekannt", "all": "alle"},
}

STANCES: dict[str, dict[str, str]] = {
    "en": {"support": "support", "concern": "concern", "request": "request",
           "neutral": "neutral", "oppose": "opposition", "mixed": "mixed"},
    "da": {"support": "støtte", "concern": "bekymring", "request": "ønske",
           "neutral": "neutral", "oppose": "modstand", "mixed": "blandet"},
    "de": {"support": "Zustimmung", "concern": "Sorge", "request": "Forderung",
           "neutral": "neutral", "oppose": "Ablehnung", "mixed": "gemischt"},
}

#: Words the figure functions draw in English, in the study's language (exact whole texts).
FIGURE_TERMS: dict[str, dict[str, str]] = {
    "da": {
        "segments": "sætninger", "theme": "tema", "respondent type": "respondenttype",
        "response": "svar", "share of segments": "andel af sætninger", "stance": "holdning",
        "number of themes k": "antal temaer k", "stability": "stabilitet",
        "coherence": "sammenhæng", "± stability_sd": "± stabilitetens sd",
        "map dimension 1": "kortets 1. akse", "map dimension 2": "kortets 2. akse",
        "responses in group": "svar i gruppen", "no data": "ingen data",
        "no duplicate groups found": "ingen grupper af næsten ens svar",
        "share of responses raising the priority": "andel af svar, der rejser prioriteten",
        "share of responses raising it": "andel af svar, der rejser den",
        "share of responses addressing the goal": "andel af svar, der berører målet",
        "policy goal": "politikkens mål", "priority": "prioritet", "group": "gruppe",
        "gap": "hul", "no theme": "intet tema", "share (mean)": "andel (gennemsnit)",
        "segments (mean)": "sætninger (gennemsnit)", "similarity": "lighed",
        "no segment raises a priority": "ingen sætning rejser en prioritet",
        "month": "måned", "week": "uge", "day": "dag", "share of sentences": "andel af sætninger",
    },
    "de": {
        "segments": "Sätze", "theme": "Thema", "respondent type": "Art der Absender",
        "response": "Stellungnahme", "share of segments": "Anteil der Sätze", "stance": "Haltung",
        "number of themes k": "Zahl der Themen k", "stability": "Stabilität",
        "coherence": "Kohärenz", "± stability_sd": "± Standardabweichung",
        "map dimension 1": "Kartenachse 1", "map dimension 2": "Kartenachse 2",
        "responses in group": "Stellungnahmen in der Gruppe", "no data": "keine Daten",
        "no duplicate groups found": "keine Gruppen fast gleicher Stellungnahmen",
        "share of responses raising the priority": "Anteil der Stellungnahmen mit dem Anliegen",
        "share of responses raising it": "Anteil der Stellungnahmen mit dem Anliegen",
        "share of responses addressing the goal": "Anteil der Stellungnahmen zum Ziel",
        "policy goal": "Ziel", "priority": "Anliegen", "group": "Gruppe", "gap": "Lücke",
        "no theme": "kein Thema", "share (mean)": "Anteil (Mittel)",
        "segments (mean)": "Sätze (Mittel)", "similarity": "Ähnlichkeit",
        "no segment raises a priority": "kein Satz nennt ein Anliegen",
        "month": "Monat", "week": "Woche", "day": "Tag", "share of sentences": "Anteil der Sätze",
    },
}

#: Figure titles, by figure name (the start of the name is enough: "priority-goal-codebook").
FIGURE_TITLES: dict[str, dict[str, str]] = {
    "en": {"theme-sizes": "Themes by size", "k-diagnostics": "Choosing the number of themes",
           "segment-map": "Map of sentences by theme",
           "themes-by-respondent-type": "Themes by respondent type",
           "themes-by-response": "Themes by response", "stance-by-priority": "Stance by priority",
           "priorities-by-respondent-type-mention": "Priorities by respondent type (mention)",
           "priorities-by-respondent-type-salience": "Priorities by respondent type (salience)",
           "priority-goal": "Priorities × policy goals", "goal-coverage": "Goal coverage and gaps",
           "group-effects": "Effects of respondent type",
           "priority-gaps": "Priorities no strategic goal covers",
           "campaign-sizes": "Campaigns and near-duplicates",
           "themes-over-time": "Themes over time"},
    "da": {"theme-sizes": "Temaer efter størrelse", "k-diagnostics": "Valg af antal temaer",
           "segment-map": "Kort over sætninger efter tema",
           "themes-by-respondent-type": "Temaer efter respondenttype",
           "themes-by-response": "Temaer efter svar", "stance-by-priority": "Holdning efter prioritet",
           "priorities-by-respondent-type-mention": "Prioriteter efter respondenttype (nævnt)",
           "priorities-by-respondent-type-salience": "Prioriteter efter respondenttype (vægt)",
           "priority-goal": "Prioriteter × politikkens mål",
           "goal-coverage": "Målenes dækning og huller",
           "group-effects": "Respondenttypens betydning",
           "priority-gaps": "Prioriteter, som intet strategisk mål dækker",
           "campaign-sizes": "Kampagner og næsten ens svar",
           "themes-over-time": "Temaer over tid"},
    "de": {"theme-sizes": "Themen nach Größe", "k-diagnostics": "Wahl der Zahl der Themen",
           "segment-map": "Karte der Sätze nach Thema",
           "themes-by-respondent-type": "Themen nach Art der Absender",
           "themes-by-response": "Themen nach Stellungnahme",
           "stance-by-priority": "Haltung nach Anliegen",
           "priorities-by-respondent-type-mention": "Anliegen nach Art der Absender (genannt)",
           "priorities-by-respondent-type-salience": "Anliegen nach Art der Absender (Gewicht)",
           "priority-goal": "Anliegen × Ziele der Politik",
           "goal-coverage": "Abdeckung der Ziele und Lücken",
           "group-effects": "Einfluss der Art der Absender",
           "priority-gaps": "Anliegen, die kein strategisches Ziel abdeckt",
           "campaign-sizes": "Kampagnen und fast gleiche Stellungnahmen",
           "themes-over-time": "Themen im Zeitverlauf"},
}

#: How to read each figure (caption), by figure name prefix; ``{n}`` is filled in.
FIGURE_CAPTIONS: dict[str, dict[str, str]] = {
    "en": {"theme-sizes": "Sentences per theme, the share of all sentences in brackets; longer bars: themes more respondents wrote about.",
           "k-diagnostics": "Stability and coherence for each candidate number of themes k; the dotted line marks the chosen k.",
           "segment-map": "Each dot is a sentence; nearby dots use similar words; the colour is the sentence's theme.",
           "themes-by-respondent-type": "Mean share of a response's text given to each theme, per respondent type (zeros included; a row sums to about 1).",
           "themes-by-response": "Share of each response's text given to each theme (a row sums to about 1).",
           "stance-by-priority": "Stance of the sentences that raise each priority; a longer blue part: more support.",
           "priorities-by-respondent-type-mention": "Share of responses that raise each priority at least once; points: estimate, bars: 95 % interval; 'all' is every response.",
           "priorities-by-respondent-type-salience": "Mean share of a response's sentences that raise the priority; bars: 95 % interval.",
           "priority-goal-codebook": "Sentences that raise a priority, in the column of each goal the codebook says it serves (0: not mapped; grey: not raised).",
           "priority-goal-similarity": "Mean text similarity between the sentences that raise a priority and the goal's description.",
           "goal-coverage": "Share of responses that raise a priority mapped to each goal, with 95 % interval; hatched: no response touches it.",
           "group-effects": "Odds ratio of raising each priority against the largest respondent type, adjusted for response length (Firth logistic regression), with 95 % interval; 1 = no difference.",
           "priority-gaps": "Share of responses that raise a priority no strategic goal covers, with 95 % interval and the reason.",
           "campaign-sizes": "Responses per group of near-identical responses.",
           "themes-over-time": "Share of each period's sentences given to each theme; n = sentences with a date."},
    "da": {"theme-sizes": "Sætninger per tema, andelen af alle sætninger i parentes; længere søjler: temaer, flere skrev om.",
           "k-diagnostics": "Stabilitet og sammenhæng for hvert muligt antal temaer k; den prikkede linje viser det valgte k.",
           "segment-map": "Hver prik er en sætning; prikker tæt på hinanden bruger lignende ord; farven er sætningens tema.",
           "themes-by-respondent-type": "Gennemsnitlig andel af et svars tekst, der handler om hvert tema, per respondenttype (nuller medregnet; en række summer til ca. 1).",
           "themes-by-response": "Andel af hvert svars tekst, der handler om hvert tema (en række summer til ca. 1).",
           "stance-by-priority": "Holdningen i de sætninger, der rejser hver prioritet; en længere blå del: mere støtte.",
           "priorities-by-respondent-type-mention": "Andel af svar, der rejser hver prioritet mindst én gang; punkter: skøn, streger: 95 %-interval; 'alle' er alle svar.",
           "priorities-by-respondent-type-salience": "Gennemsnitlig andel af et svars sætninger, der rejser prioriteten; streger: 95 %-interval.",
           "priority-goal-codebook": "Sætninger, der rejser en prioritet, i kolonnen for hvert mål, kodebogen knytter den til (0: ikke knyttet; grå: ikke rejst).",
           "priority-goal-similarity": "Gennemsnitlig tekstlighed mellem de sætninger, der rejser en prioritet, og målets beskrivelse.",
           "goal-coverage": "Andel af svar, der rejser en prioritet knyttet til hvert mål, med 95 %-interval; skraveret: intet svar berører det.",
           "group-effects": "Odds for at rejse hver prioritet i forhold til den største respondenttype, justeret for svarets længde (Firth logistisk regression), med 95 %-interval; 1 = ingen forskel.",
           "priority-gaps": "Andel af svar, der rejser en prioritet, som intet strategisk mål dækker, med 95 %-interval og begrundelse.",
           "campaign-sizes": "Svar per gruppe af næsten ens svar.",
           "themes-over-time": "Andel af hver periodes sætninger, der handler om hvert tema; n = sætninger med dato."},
    "de": {"theme-sizes": "Sätze je Thema, der Anteil an allen Sätzen in Klammern.",
           "k-diagnostics": "Stabilität und Kohärenz für jede mögliche Themenzahl k; die gepunktete Linie zeigt das gewählte k.",
           "segment-map": "Jeder Punkt ist ein Satz; nahe Punkte verwenden ähnliche Wörter; die Farbe ist das Thema.",
           "themes-by-respondent-type": "Mittlerer Anteil des Textes einer Stellungnahme je Thema, nach Art der Absender (Nullen eingerechnet; eine Zeile ergibt etwa 1).",
           "themes-by-response": "Anteil des Textes jeder Stellungnahme je Thema (eine Zeile ergibt etwa 1).",
           "stance-by-priority": "Haltung der Sätze, die ein Anliegen nennen.",
           "priorities-by-respondent-type-mention": "Anteil der Stellungnahmen, die ein Anliegen mindestens einmal nennen; Punkte: Schätzung, Striche: 95-%-Intervall.",
           "priorities-by-respondent-type-salience": "Mittlerer Anteil der Sätze einer Stellungnahme, die das Anliegen nennen; Striche: 95-%-Intervall.",
           "priority-goal-codebook": "Sätze, die ein Anliegen nennen, in der Spalte jedes Ziels, dem das Codebuch es zuordnet.",
           "priority-goal-similarity": "Mittlere Textähnlichkeit zwischen den Sätzen eines Anliegens und der Beschreibung des Ziels.",
           "goal-coverage": "Anteil der Stellungnahmen, die ein dem Ziel zugeordnetes Anliegen nennen, mit 95-%-Intervall; schraffiert: keine.",
           "priority-gaps": "Anteil der Stellungnahmen mit einem Anliegen, das kein strategisches Ziel abdeckt, mit 95-%-Intervall und Grund.",
           "campaign-sizes": "Stellungnahmen je Gruppe fast gleicher Stellungnahmen.",
           "themes-over-time": "Anteil der Sätze jedes Zeitraums je Thema; n = Sätze mit Datum.",
           "group-effects": "Odds Ratio, ein Anliegen zu nennen, gegenüber der größten Absendergruppe, bereinigt um die Länge (Firth-logistische Regression), mit 95-%-Intervall; 1 = kein Unterschied."},
}


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


def stance(language: str | None, value: Any) -> str:
    """A stance id as a word in ``language``.

    >>> stance("da", "concern")
    'bekymring'
    """
    key = str(value)
    return STANCES.get(language_of(language), STANCES["en"]).get(key, key)


_DECIMAL = {"da": ",", "de": ","}
_THOUSANDS = {"da": ".", "de": ".", "en": ","}


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


#: Parts of longer figure texts ("chosen k = 3", "not raised · …"), replaced wherever they occur.
FIGURE_PHRASES: dict[str, tuple[tuple[str, str], ...]] = {
    "da": (("chosen k", "valgt k"), ("not raised", "ikke rejst"),
           ("no goal in the policy", "intet mål i politikken"),
           ("delivery only", "kun gennemførelse"), ("smaller groups not shown", "mindre grupper ikke vist"),
           ("no rows for", "ingen rækker for")),
    "de": (("chosen k", "gewähltes k"), ("not raised", "nicht genannt"),
           ("no goal in the policy", "kein Ziel in der Politik"),
           ("delivery only", "nur Umsetzung"), ("smaller groups not shown", "kleinere Gruppen nicht gezeigt"),
           ("no rows for", "keine Zeilen für")),
}


def localise_figure_text(value: str, language: str | None) -> str:
    """One text drawn on a figure, in ``language``: whole words, phrases, numbers, types.

    >>> localise_figure_text("chosen k = 3", "da"), localise_figure_text("citizen", "de")
    ('valgt k = 3', 'Bürger/in')
    """
    lang = language_of(language)
    if lang == "en" or not value:
        return value
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
    return out
