"""Remove personal data from response texts before anything else sees them.

:func:`redact_text` replaces e-mail addresses (``[EMAIL]``), phone numbers
(``[TLF]``), Danish CPR numbers (``[CPR]``), street addresses and postcode +
town (``[ADRESSE]``) and personal names where a text introduces or signs with
a name (``[NAVN]``). It is rule based and conservative about *numbers*: years,
amounts, dates, percentages and section numbers are left alone. Ingest runs it
on the cleaned text before segmentation, so segment offsets refer to the
redacted text. :func:`redaction_report` counts what was removed per response
(never the values).

Rules for names (the part that needs judgement):

* self-introductions: "Mit navn er …", "Jeg hedder …", "My name is …",
  "Mein Name ist …", "Ich heiße …" followed by capitalised words;
* fields: a line "Navn: …", "Afsender: …", "Kontaktperson: …", "Name: …"
  whose value is only a name;
* signature blocks: after a closing ("Med venlig hilsen", "Venlig hilsen",
  "Mvh", "Kind regards", "Mit freundlichen Grüßen", "På vegne af", …) the
  first lines that look like a name (one to five capitalised words) are names;
  later lines of the block are names only in the form "<name>, <role or
  organisation>" (lists of signatories). A line that contains an organisation
  word (udvalg, forening, forbund, kommune, A/S, netværk, …), an acronym
  (CEPOS) or a role word (formand, forperson, …) is not a name, so
  "Med venlig hilsen\\nValby Lokaludvalg" stays as written.
* ``keep_office_holders=True`` keeps the name of someone signing in office
  ("<name>\\nFormand for Valby Lokaludvalg", "<name>, forperson for …").

Known limits: names in running prose without such cues are not found (a second
signatory on a line of its own after a role line is not either); an
organisation name without any organisation word, placed as the first line
after a closing, is taken for a name (over-redaction, the safe side).

>>> redact_text("Ring på 12 34 56 78 eller skriv til anna@example.dk.")
('Ring på [TLF] eller skriv til [EMAIL].', {'email': 1, 'phone': 1, 'cpr': 0, 'address': 0, 'name': 0})
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

import pandas as pd

from analysis.corpus.redact_names import Redaction, _stop, is_name_like, name_spans
from analysis.languages import all_entries, all_words, get_language, language_codes
from analysis.text import check_language


def _words(key: str) -> tuple[str, ...]:
    """The registry's address and number cues under ``key`` (``languages/<code>/addresses.yaml``)."""
    return all_entries("addresses", key)


KINDS = ("email", "phone", "cpr", "address", "name")
PLACEHOLDERS = {
    "email": "[EMAIL]",
    "phone": "[TLF]",
    "cpr": "[CPR]",
    "address": "[ADRESSE]",
    "name": "[NAVN]",
}
_PRIORITY = {k: i for i, k in enumerate(KINDS)}


# --------------------------------------------------------------------------- e-mail
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+ ?@ ?[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w@])")
_AT_WORD_RE = re.compile(r"[(\[]\s?(?:at|snabel-a)\s?[)\]]", re.IGNORECASE)
_OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s?[(\[]\s?(?:at|snabel-a)\s?[)\]]\s?[\w-]+(?:\s?(?:\.|[(\[]dot[)\]])\s?[\w-]+)+",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- numbers
# Guards: the number must not be glued to letters, other digits, URLs or decimals.
_L = r"(?<![\w/@+\-])(?<!\d[.,])"  # a lookahead for the first character comes before it
_R = r"(?![\w/@\-]|[.,]\d)"
_DK_PREFIX = r"(?:\(\s*\+?45\s*\)|\+45|0045)"
_DK_PHONE_RE = re.compile(
    rf"(?=[(+0-9]){_L}{_DK_PREFIX}[ \-]?(?:\d{{2}}[ .\-]?\d{{2}}[ .\-]?\d{{2}}[ .\-]?\d{{2}}|\d{{4}}[ .\-]?\d{{4}}){_R}"
    rf"|(?=[1-9]){_L}[1-9]\d(?P<sep>[ .\-]?)\d{{2}}(?P=sep)\d{{2}}(?P=sep)\d{{2}}{_R}"
    rf"|(?=[1-9]){_L}[1-9]\d{{3}} \d{{4}}{_R}"
)
_DK_PREFIX_RE = re.compile(_DK_PREFIX)
_INTL_PHONE_RE = re.compile(
    rf"(?=[+0])(?<![\w+.,])(?:\+|00)(?!45\b)[1-9]\d{{0,2}}[ \-]?(?:\(0\)[ \-]?|\(\d{{1,5}}\)[ \-]?)?"
    rf"\d{{1,5}}(?:[ \-]?\d{{2,5}}){{1,4}}{_R}"
)
# National numbers with a trunk 0 (not used in Denmark): "020 7946 0123", "089/98765432", "07700 900123".
_NATIONAL_PHONE_RE = re.compile(
    rf"(?=0)(?<![\w/@+.,\-])0[1-9]\d{{0,3}}(?:[ \t]?/[ \t]?|[ \-])\d{{2,8}}(?:[ \-]\d{{2,4}}){{0,2}}{_R}"
)
_PHONE_CUES = _words("phone_cues")
_CUED_PHONE_RE = re.compile(
    "(?=[" + "".join(sorted({c for e in _PHONE_CUES for c in (e[0].lower(), e[0].upper())})) + "])"
    r"(?i:\b(?:" + "|".join(_PHONE_CUES) + r")\b\.?"
    r"\s*(?:nr\.?|no\.?)?\s*[:.]?\s*)"
    r"(?P<num>\(?\+?\d[\d ()/.\-]{4,18}\d)(?![\w])"
)
_CPR_RE = re.compile(rf"(?=\d){_L}(\d{{2}})(\d{{2}})(\d{{2}})(?:[ \t]?[\-–‑][ \t]?| )?(\d{{4}}){_R}")
_CUED_CPR_RE = re.compile(
    r"(?i:\bcpr[\w.\-]*\s*(?:nummer|nr\.?)?\s*[:.]?\s*)(?P<num>\d{6}\s?[\-–‑]?\s?\d{4})(?!\d)"
)
# What makes a digit run an amount or an identifier, not a phone number.
_NOT_PHONE_BEFORE = re.compile(
    r"(?i)(?:" + "|".join(_words("not_phone_before")) + r"|§)"
    r"[\s.\-]*(?:nr|nummer|no)?[\s.:\-]*$|(?:kr|dkk|eur|€|\$|£)\.?\s*$"
)
_NOT_PHONE_AFTER = re.compile(
    r"(?i)^\s*(?:" + "|".join(_words("not_phone_after")) + ")"
)


_YEAR_BEFORE = re.compile(r"(?i)\b(?:" + "|".join(_words("year_before")) + r")\s+$")
_NOT_POSTCODE_BEFORE = re.compile(r"(?i)\b(?:" + "|".join(_words("not_postcode_before")) + r")\.?\s*$|§\s*$")


def _plausible_date(dd: str, mm: str, yy: str) -> bool:
    d, m, y = int(dd), int(mm), int(yy)
    for century in (1900, 2000):
        try:
            date(century + y, m, d)
            return True
        except ValueError:
            continue
    return False


def _is_year(s: str) -> bool:
    return 1900 <= int(s) <= 2100


# Every match of _CPR_RE, _DK_PHONE_RE, _INTL_PHONE_RE and _NATIONAL_PHONE_RE starts at one of
# "(", "+" or a digit (any Unicode digit: _CPR_RE's \d takes "١٢") that follows neither a word
# character nor "+" (each pattern's own look-ahead and look-behind demand at least that), so
# they are tried only at those places.
_NUMBER_START = re.compile(r"(?<![\w+])[(+\d]")
# With more such places than one per this many characters a plain scan is cheaper.
_SCAN_EVERY = 12


def _matches_at(pattern: re.Pattern, text: str, starts: list[int] | None):
    """``pattern.finditer(text)`` when every match must start at one of ``starts`` (ascending;
    ``None``: scan the whole text). The patterns never match an empty string.

    >>> [m.group() for m in _matches_at(re.compile(r"\\d+"), "a 12 b 345", [2, 7])]
    ['12', '345']
    """
    if starts is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for at in starts:
        if at >= end:
            m = pattern.match(text, at)
            if m:
                yield m
                end = m.end()


def _number_spans(text: str) -> list[Redaction]:
    spans: list[Redaction] = []
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            spans.append(Redaction("email", m.start(), m.end()))
    if _AT_WORD_RE.search(text):
        for m in _OBFUSCATED_EMAIL_RE.finditer(text):
            spans.append(Redaction("email", m.start(), m.end()))
    if not _ANY_DIGIT.search(text):
        return spans
    for m in _CUED_CPR_RE.finditer(text):
        spans.append(Redaction("cpr", m.start("num"), m.end("num")))
    starts = [m.start() for m in _NUMBER_START.finditer(text)]
    starts = None if len(starts) * _SCAN_EVERY > len(text) else starts
    for m in _matches_at(_CPR_RE, text, starts):
        if _plausible_date(m.group(1), m.group(2), m.group(3)):
            spans.append(Redaction("cpr", m.start(), m.end()))
    for m in _matches_at(_DK_PHONE_RE, text, starts):
        s = m.group()
        if not _DK_PREFIX_RE.match(s):
            halves = s.split(" ")
            if len(halves) == 2 and _is_year(halves[0]) and (
                _is_year(halves[1]) or _YEAR_BEFORE.search(text[max(0, m.start() - 8): m.start()])
            ):
                continue  # "2025 2035", "siden 1955 1351"
            if re.sub(r"\D", "", s).endswith("0000"):
                continue  # round numbers: "10000000", "1000 0000"
            if _NOT_PHONE_BEFORE.search(text[max(0, m.start() - 14): m.start()]):
                continue
            if _NOT_PHONE_AFTER.match(text[m.end(): m.end() + 12]):
                continue
        spans.append(Redaction("phone", m.start(), m.end()))
    for m in _matches_at(_INTL_PHONE_RE, text, starts):
        digits = sum(c.isdigit() for c in m.group())
        if 8 <= digits <= 15:
            spans.append(Redaction("phone", m.start(), m.end()))
    for m in _matches_at(_NATIONAL_PHONE_RE, text, starts):
        if 9 <= sum(c.isdigit() for c in m.group()) <= 12:
            spans.append(Redaction("phone", m.start(), m.end()))
    for m in _CUED_PHONE_RE.finditer(text):
        num = m.group("num")
        if sum(c.isdigit() for c in num) >= 6:
            spans.append(Redaction("phone", m.start("num"), m.end("num")))
    return spans


# --------------------------------------------------------------------------- addresses
_STREET_SUFFIX = "|".join(_words("street_suffixes"))
_CAP = r"[A-ZÆØÅÄÖÜ]"
_STREET_RE = re.compile(
    rf"(?={_CAP})(?<![\w.])(?:(?:{_CAP}[\w'’\-]*\.?|(?:{_CAP}\.)+)[ \t]+){{0,3}}"
    rf"(?={_CAP})[\w'’\-]*?(?i:{_STREET_SUFFIX})(?![\w])"
    r"[ \t]+\d{1,3}(?:[A-Za-z]|[ \t][A-Z])?(?![\w])(?![.,]\d)"
    r"(?:,?[ \t]+(?:\d{1,2}\.?|st\.?|kl\.?)[ \t]*(?:sal|th|tv|mf)\b\.?)?"
    rf"(?:,?\s+(?:DK-?\s?|D-?\s?)?\d{{4,5}}[ \t]+{_CAP}[\w\-]+(?:[ \t]+(?:NV|SV|NØ|SØ|[NSØVKC])\b)?)?"
)
# What every street match holds: a street word right before its number. Searched only just
# before each number that follows a space (a full scan of the alternation costs more), when
# the street words are plain words; else over the whole text.
_STREET_NUMBER_RE = re.compile(rf"(?i:{_STREET_SUFFIX})[ \t]+\d")
_SPACED_NUMBER_RE = re.compile(r"[ \t]+\d")
_PLAIN_SUFFIXES = not re.search(r"[\[\](){}*+?|^$]", _STREET_SUFFIX.replace("|", ""))
_LONGEST_SUFFIX = max(len(w.replace("\\", "")) for w in _STREET_SUFFIX.split("|"))


def _has_street_number(text: str) -> bool:
    """Cheap exact pre-test: False only when no street word stands right before a number."""
    if not _PLAIN_SUFFIXES:
        return _STREET_NUMBER_RE.search(text) is not None
    return any(_STREET_NUMBER_RE.search(text, max(0, m.start() - _LONGEST_SUFFIX - 1), m.end())
               for m in _SPACED_NUMBER_RE.finditer(text))


_ANY_DIGIT = re.compile(r"\d")
_POSTCODE_RE = re.compile(
    rf"(?=[1-9D])(?<![\w.,/\-])(?:DK-?\s?)?(?P<code>[1-9]\d{{3}})[ \t]+(?P<city>{_CAP}[a-zæøåäöüé]+(?:-{_CAP}?[a-zæøå]+)*)"
    r"(?:[ \t]+(?:NV|SV|NØ|SØ|[NSØVKC])\b)?(?![\w])"
)
# English order: house number first ("221B Baker Street, London NW1 6XE").
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}"
_EN_STREET_RE = re.compile(
    rf"(?=\d)(?<![\w.,/\-])\d{{1,4}}[A-Z]?[ \t]+(?:{_CAP}[\w'’\-]*[ \t]+){{1,3}}"
    r"(?:" + "|".join(_words("number_first_streets")) + r")\b\.?"
    rf"(?:,?[ \t]+{_CAP}[\w\-]+(?:[ \t]+{_UK_POSTCODE})?(?![\w]))?"
)
_UK_POSTCODE_RE = re.compile(rf"(?<![\w-]){_UK_POSTCODE}(?![\w])")


@lru_cache(maxsize=32)
def _prefix_street_re(language: str) -> re.Pattern | None:
    """Street names without a street word ("Ved Stranden 2", "Gammel Mønt 14") of ``language``."""
    prefixes = get_language(language).entries("addresses", "street_prefixes")
    if not prefixes:
        return None
    return re.compile(
        rf"(?=[A-ZÆØÅ])(?<![\w.])(?:" + "|".join(prefixes) + rf")[ \t]+{_CAP}[\w\-]+(?:[ \t]+{_CAP}[\w\-]+)?"
        r"[ \t]+\d{1,3}[A-Za-z]?(?![\w])(?![.,]\d)"
        r"(?:,?[ \t]+(?:\d{1,2}\.?|st\.?|kl\.?)[ \t]*(?:sal|th|tv|mf)\b\.?)?"
        rf"(?:,?\s+(?:DK-?\s?)?\d{{4}}[ \t]+{_CAP}[\w\-]+)?"
    )


_GENERIC_STREETS = all_words("addresses", "generic_streets")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    before = text[text.rfind("\n", 0, start) + 1: start]
    nl = text.find("\n", end)
    after = text[end: len(text) if nl < 0 else nl]
    return not before.strip() and not after.strip(" \t\r.,")


_NOT_CITY = all_words("addresses", "not_city")


def _valid_postcode(code: str, city: str) -> bool:
    n = int(code)
    if not 1000 <= n <= 9990 or city.lower() in _NOT_CITY or city.lower().endswith(("ere", "erne")):
        return False
    if 2001 <= n <= 2099:  # no Danish postcode; these are years
        return False
    if 1900 <= n <= 2000:  # Frederiksberg C / Frederiksberg, else a year
        return city.startswith("Frederiksberg")
    return True


def _address_spans(text: str, language: str) -> list[Redaction]:
    if not _ANY_DIGIT.search(text):
        return []  # every address pattern holds a number
    stops = _stop(language)
    spans = []
    for m in (_STREET_RE.finditer(text) if _has_street_number(text) else ()):
        start = m.start()
        # trim leading words that are not part of a street name ("Til", "Jeg", "På")
        for w in re.finditer(r"\S+\s+", m.group()):
            if w.group().strip().lower().rstrip(".") in stops:
                start = m.start() + w.end()
            else:
                break
        street = re.match(r"[^\d]*", text[start:m.end()]).group().strip().lower()
        if street in _GENERIC_STREETS:
            continue  # "Landstraße 80" (a speed limit), not an address
        spans.append(Redaction("address", start, m.end()))
    extra = [_EN_STREET_RE, _UK_POSTCODE_RE, _prefix_street_re(language)]
    for rx in filter(None, extra):
        spans.extend(Redaction("address", m.start(), m.end()) for m in rx.finditer(text))
    in_running_text = get_language(language).resource("addresses")["postcodes_in_running_text"]
    for m in _POSTCODE_RE.finditer(text):
        if not in_running_text and not _alone_on_line(text, m.start(), m.end()):
            continue  # German and English capitalise nouns after numbers ("1500 Volllaststunden")
        if _NOT_POSTCODE_BEFORE.search(text[max(0, m.start() - 12): m.start()]):
            continue  # "lokalplan 1119 Dagligvarebutik"
        if _valid_postcode(m.group("code"), m.group("city")):
            spans.append(Redaction("address", m.start(), m.end()))
    return spans


# --------------------------------------------------------------------------- public
def find_personal_data(
    text: str, language: str = "da", keep_office_holders: bool = False
) -> list[Redaction]:
    """Spans of personal data in ``text``, sorted by position and never overlapping.

    >>> find_personal_data("Mit navn er Anna Holm.")
    [Redaction(kind='name', start=12, end=21)]
    """
    check_language(language)
    spans = _number_spans(text) + _address_spans(text, language) + name_spans(text, language, keep_office_holders)
    return _non_overlapping(spans)


def _non_overlapping(spans: list[Redaction]) -> list[Redaction]:
    """Keep spans by kind priority, then position, dropping any that overlap a kept one.

    Kept spans are held sorted by start, so each test is a binary search (n log n overall).
    """
    starts: list[int] = []
    chosen: list[Redaction] = []
    for s in sorted(spans, key=lambda r: (_PRIORITY[r.kind], r.start, -(r.end - r.start))):
        if s.end <= s.start:
            continue
        i = bisect.bisect_left(starts, s.start)
        if i < len(chosen) and chosen[i].start < s.end:
            continue  # the next kept span starts inside this one
        if i > 0 and chosen[i - 1].end > s.start:
            continue  # the previous kept span reaches into this one
        starts.insert(i, s.start)
        chosen.insert(i, s)
    return chosen


def redact_text(
    text: str, language: str = "da", keep_office_holders: bool = False
) -> tuple[str, dict[str, int]]:
    """Replace personal data by placeholders; return the new text and counts per kind.

    Placeholders are the same for every language: ``[EMAIL]``, ``[TLF]``,
    ``[CPR]``, ``[ADRESSE]``, ``[NAVN]``. Placeholders already in the text
    (an export that replaced names) are left alone and not counted.

    >>> redact_text("Med venlig hilsen\\nValby Lokaludvalg")[1]["name"]
    0
    >>> redact_text("Med venlig hilsen\\nJens Hansen")[0]
    'Med venlig hilsen\\n[NAVN]'
    """
    new, counts, _ = redact_and_collect(text, language, keep_office_holders)
    return new, counts


def redact_and_collect(
    text: str, language: str = "da", keep_office_holders: bool = False
) -> tuple[str, dict[str, int], list[str]]:
    r"""Like :func:`redact_text`, and also return the names that were removed.

    The names are for a corpus-wide second pass (a name redacted in one response is
    redacted wherever it recurs); they are never written anywhere.

    >>> redact_and_collect("Mvh\nJens Kvistholm")[2]
    ['Jens Kvistholm']
    """
    counts = dict.fromkeys(KINDS, 0)
    if not isinstance(text, str) or not text:
        return text, counts, []
    spans = find_personal_data(text, language, keep_office_holders)
    out, last, names = [], 0, []
    for s in spans:
        out.append(text[last:s.start])
        out.append(PLACEHOLDERS[s.kind])
        counts[s.kind] += 1
        if s.kind == "name":
            names.append(text[s.start:s.end])
        last = s.end
    out.append(text[last:])
    return "".join(out), counts, names


def redaction_report(
    responses_texts: Mapping[str, str] | pd.DataFrame,
    *,
    language: str = "da",
    keep_office_holders: bool = False,
    text_col: str = "text",
    id_col: str = "response_id",
    language_col: str | None = "language",
) -> pd.DataFrame:
    """Count removed personal data per response and kind (never the values).

    ``responses_texts`` is a mapping ``response_id -> text`` or a DataFrame with
    ``id_col`` and ``text_col`` (and, if present, ``language_col`` per row).
    Returns one row per response and kind, zeros included, so that every
    response is accounted for.

    >>> redaction_report({"r1": "Skriv til a@b.dk"}).query("count > 0")
      response_id   kind  count
    0          r1  email      1
    """
    if isinstance(responses_texts, pd.DataFrame):
        missing = [c for c in (id_col, text_col) if c not in responses_texts.columns]
        if missing:
            raise ValueError(
                f"redaction_report: the table has no column(s) {missing}; "
                f"pass text_col=/id_col= naming the text and id columns."
            )
        ids = responses_texts[id_col].astype(str).tolist()
        texts = responses_texts[text_col].tolist()
        if language_col and language_col in responses_texts.columns:
            langs = [
                x if isinstance(x, str) and x in language_codes() else language
                for x in responses_texts[language_col].tolist()
            ]
        else:
            langs = [language] * len(ids)
    else:
        ids = [str(k) for k in responses_texts]
        texts = list(responses_texts.values())
        langs = [language] * len(ids)
    rows = []
    for rid, text, lang in zip(ids, texts, langs):
        _, counts = redact_text(text if isinstance(text, str) else "", lang, keep_office_holders)
        rows.extend((rid, kind, counts[kind]) for kind in KINDS)
    out = pd.DataFrame(rows, columns=["response_id", "kind", "count"])
    out["count"] = out["count"].astype("int64")
    return out


__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "Redaction",
    "find_personal_data",
    "redact_text",
    "redact_and_collect",
    "redaction_report",
    "is_name_like",
]
