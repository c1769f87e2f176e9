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

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from analysis.languages import language_codes
from analysis.text import check_language, stop_words

KINDS = ("email", "phone", "cpr", "address", "name")
PLACEHOLDERS = {
    "email": "[EMAIL]",
    "phone": "[TLF]",
    "cpr": "[CPR]",
    "address": "[ADRESSE]",
    "name": "[NAVN]",
}
_PRIORITY = {k: i for i, k in enumerate(KINDS)}


class Redaction(NamedTuple):
    """One span of personal data: ``text[start:end]`` is replaced by the placeholder of ``kind``."""

    kind: str
    start: int
    end: int


# --------------------------------------------------------------------------- e-mail
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w@])")
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
    rf"|(?=[1-9]){_L}[1-9]\d(?P<sep>[ \-]?)\d{{2}}(?P=sep)\d{{2}}(?P=sep)\d{{2}}{_R}"
    rf"|(?=[1-9]){_L}[1-9]\d{{3}} \d{{4}}{_R}"
)
_DK_PREFIX_RE = re.compile(_DK_PREFIX)
_INTL_PHONE_RE = re.compile(
    rf"(?=[+0])(?<![\w+.,])(?:\+|00)(?!45\b)[1-9]\d{{0,2}}[ \-]?(?:\(0\)[ \-]?)?\d{{1,5}}(?:[ \-]?\d{{2,5}}){{1,4}}{_R}"
)
_CUED_PHONE_RE = re.compile(
    r"(?=[tTmMpPfFhHrR])(?i:\b(?:tlf|telefon(?:nummer|nr)?|tel|mobil(?:nummer|nr)?|mob|phone|mobile|fax|handy|ruf)\b\.?"
    r"\s*(?:nr\.?|no\.?)?\s*[:.]?\s*)"
    r"(?P<num>\(?\+?\d[\d ()/.\-]{4,18}\d)(?![\w])"
)
_CPR_RE = re.compile(rf"(?=\d){_L}(\d{{2}})(\d{{2}})(\d{{2}})-?(\d{{4}}){_R}")
_CUED_CPR_RE = re.compile(
    r"(?i:\bcpr[\w.\-]*\s*(?:nummer|nr\.?)?\s*[:.]?\s*)(?P<num>\d{6}\s?-?\s?\d{4})(?!\d)"
)
# What makes a digit run an amount or an identifier, not a phone number.
_NOT_PHONE_BEFORE = re.compile(
    r"(?i)(?:cvr|se|p|ean|reg|konto|kontonr|isbn|issn|j|sags?|journal|faktura|ordre|bilag|lov|§)"
    r"[\s.\-]*(?:nr|nummer|no)?[\s.:\-]*$|(?:kr|dkk|eur|€|\$|£)\.?\s*$"
)
_NOT_PHONE_AFTER = re.compile(
    r"(?i)^\s*(?:kr\b|kroner|dkk|mio|mia|%|procent|pct|ton|tons|kwh|mwh|gwh|m2|m²|m3|km|kg|"
    r"stk|euro|€|\$|borgere|indbyggere|boliger|personer|kvm)"
)


_YEAR_BEFORE = re.compile(r"(?i)\b(?:i|af|fra|siden|til|år|in|im|seit|since|from|of|ca\.?)\s+$")
_NOT_POSTCODE_BEFORE = re.compile(
    r"(?i)\b(?:lokalplan|plan|nr|nummer|sag|kapitel|afsnit|side|punkt|år|kl|bilag|pkt)\.?\s*$|§\s*$"
)


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


def _number_spans(text: str) -> list[Redaction]:
    spans: list[Redaction] = []
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            spans.append(Redaction("email", m.start(), m.end()))
    if _AT_WORD_RE.search(text):
        for m in _OBFUSCATED_EMAIL_RE.finditer(text):
            spans.append(Redaction("email", m.start(), m.end()))
    if not any(c.isdigit() for c in text):
        return spans
    for m in _CUED_CPR_RE.finditer(text):
        spans.append(Redaction("cpr", m.start("num"), m.end("num")))
    for m in _CPR_RE.finditer(text):
        if _plausible_date(m.group(1), m.group(2), m.group(3)):
            spans.append(Redaction("cpr", m.start(), m.end()))
    for m in _DK_PHONE_RE.finditer(text):
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
    for m in _INTL_PHONE_RE.finditer(text):
        digits = sum(c.isdigit() for c in m.group())
        if 8 <= digits <= 15:
            spans.append(Redaction("phone", m.start(), m.end()))
    for m in _CUED_PHONE_RE.finditer(text):
        num = m.group("num")
        if sum(c.isdigit() for c in num) >= 6:
            spans.append(Redaction("phone", m.start("num"), m.end("num")))
    return spans


# --------------------------------------------------------------------------- addresses
_STREET_SUFFIX = (
    r"vej|vejen|gade|gaden|allé|alle|alléen|boulevard|vænge|vænget|stræde|strædet|plads|pladsen|"
    r"torv|torvet|have|haven|park|parken|vang|vangen|bakke|bakken|høj|højen|sti|stien|kaj|kajen|"
    r"brygge|bryggen|passage|dige|diget|toft|toften|mark|marken|eng|engen|hegn|hegnet|lund|lunden|"
    r"road|street|avenue|lane|drive|straße|strasse|str\.|weg|platz|allee|gasse"
)
_CAP = r"[A-ZÆØÅÄÖÜ]"
_STREET_RE = re.compile(
    rf"(?={_CAP})(?<![\w.])(?:(?:{_CAP}[\w'’\-]*\.?|(?:{_CAP}\.)+)[ \t]+){{0,3}}"
    rf"(?={_CAP})[\w'’\-]*?(?i:{_STREET_SUFFIX})(?![\w])"
    r"[ \t]+\d{1,3}(?:[A-Za-z]|[ \t][A-Z])?(?![\w])(?![.,]\d)"
    r"(?:,?[ \t]+(?:\d{1,2}\.?|st\.?|kl\.?)[ \t]*(?:sal|th|tv|mf)\b\.?)?"
    rf"(?:,?\s+(?:DK-?\s?|D-?\s?)?\d{{4,5}}[ \t]+{_CAP}[\w\-]+(?:[ \t]+(?:NV|SV|NØ|SØ|[NSØVKC])\b)?)?"
)
_POSTCODE_RE = re.compile(
    rf"(?=[1-9D])(?<![\w.,/\-])(?:DK-?\s?)?(?P<code>[1-9]\d{{3}})[ \t]+(?P<city>{_CAP}[a-zæøåäöüé]+(?:-{_CAP}?[a-zæøå]+)*)"
    r"(?:[ \t]+(?:NV|SV|NØ|SØ|[NSØVKC])\b)?(?![\w])"
)
_GENERIC_STREETS = {
    "landstraße", "landstrasse", "landstr.", "bundesstraße", "bundesstrasse", "bundesstr.",
    "schnellstraße", "kreisstraße", "straße", "strasse", "weg", "platz", "ring", "vej", "gade",
    "plads", "torv", "park", "have", "høj", "sti", "road", "street", "lane", "avenue", "drive",
    "motorvej", "landevej", "cykelsti", "parkvej",
}


def _alone_on_line(text: str, start: int, end: int) -> bool:
    before = text[text.rfind("\n", 0, start) + 1: start]
    nl = text.find("\n", end)
    after = text[end: len(text) if nl < 0 else nl]
    return not before.strip() and not after.strip(" \t\r.,")


_NOT_CITY = {"kr", "mio", "mia", "ton", "procent", "kroner", "euro", "nye", "flere", "andre"}


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
    stops = _stop(language)
    spans = []
    for m in _STREET_RE.finditer(text):
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
    for m in _POSTCODE_RE.finditer(text):
        if language != "da" and not _alone_on_line(text, m.start(), m.end()):
            continue  # German and English capitalise nouns after numbers ("1500 Volllaststunden")
        if _NOT_POSTCODE_BEFORE.search(text[max(0, m.start() - 12): m.start()]):
            continue  # "lokalplan 1119 Dagligvarebutik"
        if _valid_postcode(m.group("code"), m.group("city")):
            spans.append(Redaction("address", m.start(), m.end()))
    return spans


# --------------------------------------------------------------------------- names
_ORG_STEMS = (
    "udvalg", "forening", "forbund", "kommune", "organisation", "selskab", "netværk", "bevægelse",
    "fællesskab", "institut", "universitet", "bestyrelse", "sekretariat", "forvaltning", "styrelse",
    "ministeri", "kooperativ", "tænketank", "fonden", "miljøpunkt", "gruppe", "laug", "komit",
    "repræsentation", "boligorganisation", "sammenslutning", "alliance", "akademi", "centret",
    "association", "council", "committee", "society", "foundation", "university", "network",
    "movement", "company", "verein", "verband", "stiftung", "ausschuss", "initiative", "gesellschaft",
)
_ORG_WORDS = {
    "a/s", "aps", "i/s", "k/s", "p/s", "amba", "råd", "rådet", "center", "fond", "parti", "partiet",
    "klub", "klubben", "skole", "skolen", "gymnasium", "danmark", "københavn", "københavns", "dk",
    "group", "ltd", "inc", "llc", "plc", "gmbh", "e.v.", "ev", "ag", "rat", "trust", "institute",
    "team", "teamet", "holdet", "projekt", "projektet", "cafe", "café", "lab", "hus", "huset",
}
_ROLE_WORDS = {
    "formand", "forperson", "forkvinde", "næstformand", "næstforperson", "direktør", "borgmester",
    "rådmand", "leder", "sekretær", "kasserer", "chef", "analysechef", "konsulent", "medlem",
    "stifter", "medstifter", "founder", "co-founder", "chair", "chairman", "chairwoman",
    "chairperson", "president", "director", "ceo", "secretary", "vorsitzende", "vorsitzender",
    "geschäftsführer", "geschäftsführerin", "bürgermeister", "sprecher", "sprecherin",
    "adjunkt", "lektor", "professor", "projektleder", "talsperson", "koordinator",
}
_NOT_NAMES = {
    "tak", "hej", "kære", "hilsen", "hilsner", "mvh", "vh", "venlig", "venlige", "med", "alle",
    "vi", "jeg", "dear", "thanks", "regards", "best", "grüße", "danke", "liebe", "lieber",
    "borger", "borgere", "beboer", "beboerne", "københavner", "københavnere", "bilag", "referencer",
    "kommentar", "kommentarer", "navn", "dato", "emne", "høringssvar", "ps", "p.s.",
}
_PARTICLES = {"von", "van", "de", "der", "den", "af", "zu", "la", "le", "da", "di"}
_LOW = "a-zæøåäöüéèáíóúàçñß"
_UP = "A-ZÆØÅÄÖÜÉ"
# a name word: "Anna", "Møller-Hansen", "O'Connor", "McDonald", or initials "H.C."
_WORD = (
    rf"(?:[{_UP}](?:[{_LOW}]+|['’][{_UP}][{_LOW}]+)(?:[{_UP}][{_LOW}]+)?"
    rf"(?:[-'’][{_UP}]?[{_LOW}]+)*|(?:[{_UP}]\.-?)+)"
)
_NAME_TOKEN = re.compile(_WORD)
_NAME_RUN = rf"{_WORD}(?:[ \t]+(?:(?:von|van|de|der|den|af|zu|la|le)[ \t]+)?{_WORD}){{0,4}}"
_INTRO_RE = re.compile(
    r"(?=[mMjJuUiI])(?i:\b(?:mit\s+navn\s+er|jeg\s+hedder|undertegnede|my\s+name\s+is|i\s+am\s+called|"
    r"mein\s+name\s+ist|ich\s+hei(?:ß|ss)e)[ \t]+)"
    rf"(?P<name>{_NAME_RUN})"
)
_FIELD_RE = re.compile(
    r"(?im)^[ \t]*(?:navn|name|afsender|kontaktperson|kontakt|underskrevet\s+af|signed|"
    r"absender|ansprechpartner(?:in)?)[ \t]*:[ \t]*"
    rf"(?P<name>{_NAME_RUN})[ \t]*(?=,|\r?$)"
)
_CLOSING_RE = re.compile(
    r"(?im)(?:^[ \t]*|(?<=[.!?])[ \t]+)(?:"
    r"(?:med[ \t]+)?(?:de[ \t]+)?(?:venlig(?:st|e)?|mange|kærlig(?:e)?|bedste|varme|god|grøn(?:ne)?)[ \t]+hilsen(?:er)?"
    r"|mvh\.?|vh\.?|hilsen|hilsner|på[ \t]+vegne[ \t]+af(?=[ \t]*[,:]?[ \t]*\r?$)|underskrevet[ \t]+af|underskrivere"
    r"|kind[ \t]+regards|best[ \t]+regards|warm[ \t]+regards|regards|best[ \t]+wishes|yours[ \t]+(?:sincerely|faithfully)"
    r"|sincerely|signed|signatories"
    r"|mit[ \t]+freundlichen[ \t]+gr(?:üß|ue?ss)en|(?:freundliche|viele|beste|liebe|herzliche)[ \t]+gr(?:üß|ue?ss)e|mfg|lg"
    r")\b[ \t]*[,.:!\-–]*[ \t]*"
)
_BLOCK_END = re.compile(r"^\s*(?:[_\-=*•~]{3,}|referencer|references|bilag|literatur|kilder)\b", re.I)


@lru_cache(maxsize=8)
def _stop(language: str) -> frozenset[str]:
    return stop_words(check_language(language), consultation=False)


def _org_or_role(words: list[str]) -> bool:
    for w in words:
        low = w.lower().strip(".,;:()")
        if low in _ORG_WORDS or low in _ROLE_WORDS or any(s in low for s in _ORG_STEMS):
            return True
        if low.endswith("råd") or low.endswith("rådet"):
            return True
    return False


# Offices whose holders sign for a committee or organisation (kept with keep_office_holders).
_OFFICE_WORDS = {
    "formand", "forperson", "forkvinde", "næstformand", "næstforperson", "borgmester", "rådmand",
    "direktør", "talsperson", "chair", "chairman", "chairwoman", "chairperson", "president",
    "director", "ceo", "vorsitzende", "vorsitzender", "geschäftsführer", "geschäftsführerin",
    "bürgermeister", "sprecher", "sprecherin",
}


def _has_role(line: str) -> bool:
    """True if ``line`` names an office (formand, forperson, …) held for a body."""
    return any(w.lower().strip(".,;:()") in _OFFICE_WORDS for w in line.split())


def is_name_like(s: str, language: str = "da") -> bool:
    """True if ``s`` looks like a personal name: 1-5 capitalised words, no organisation word.

    >>> is_name_like("Anna Sofie Jørgensen"), is_name_like("Valby Lokaludvalg"), is_name_like("CEPOS")
    (True, False, False)
    """
    s = s.strip().rstrip(".,;:").strip()
    words = s.split()
    if not 1 <= len(words) <= 5 or "[" in s:
        return False
    if words[0].lower() in _PARTICLES or words[-1].lower() in _PARTICLES:
        return False
    for w in words:
        if w.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.fullmatch(w):
            return False
    low = [w.lower() for w in words]
    if any(w in _NOT_NAMES for w in low) or _org_or_role(words):
        return False
    stops = _stop(language)
    if all(w in stops for w in low):
        return False
    return any(len(w) >= 2 and not w.endswith(".") for w in words)


_AND_RE = re.compile(r"\s+(?:og|and|und|&)\s+")
_SPLIT_RE = re.compile(r"\s*(?:,|\s[–—-]\s|\()\s*")


def _signature_spans(text: str, language: str, keep_office_holders: bool) -> list[Redaction]:
    spans: list[Redaction] = []
    for m in _CLOSING_RE.finditer(text):
        # lines of the block: the closing line's remainder, then the following lines
        lines: list[tuple[int, str]] = []
        eol = text.find("\n", m.end())
        eol = len(text) if eol < 0 else eol
        lines.append((m.end(), text[m.end():eol]))
        pos = eol + 1
        while pos <= len(text) and len(lines) < 30:
            nxt = text.find("\n", pos)
            nxt = len(text) if nxt < 0 else nxt
            lines.append((pos, text[pos:nxt]))
            pos = nxt + 1
        content_seen = False
        block: list[tuple[int, str]] = []
        for start, line in lines:
            raw = line.rstrip("\r")
            if not raw.strip():
                if content_seen:
                    break
                continue
            if _BLOCK_END.match(raw) or len(raw) > 150 or len(raw.split()) > 16:
                break
            if _CLOSING_RE.match(raw) and content_seen:
                break
            content_seen = True
            block.append((start, raw))
        names_phase = True
        for k, (start, raw) in enumerate(block):
            stripped = raw.strip()
            lead = start + (len(raw) - len(raw.lstrip()))
            if stripped.lstrip("-–• ").startswith("[NAVN]"):
                continue  # already redacted upstream
            nxt = block[k + 1][1] if k + 1 < len(block) else ""
            if names_phase and is_name_like(stripped.lstrip("-–• "), language):
                if keep_office_holders and _has_role(nxt):
                    continue
                body = stripped.lstrip("-–• ")
                s0 = lead + (len(stripped) - len(body))
                name = body.rstrip().rstrip(".,;:")
                spans.append(Redaction("name", s0, s0 + len(name)))
                continue
            body = stripped.lstrip("-–• ").rstrip(".,;:")
            pair = _AND_RE.split(body)
            if names_phase and len(pair) == 2 and all(is_name_like(x, language) for x in pair):
                if keep_office_holders and _has_role(nxt):
                    continue
                s0 = lead + (len(stripped) - len(stripped.lstrip("-–• ")))
                second = body.index(pair[1], len(pair[0]))
                spans.append(Redaction("name", s0, s0 + len(pair[0])))
                spans.append(Redaction("name", s0 + second, s0 + second + len(pair[1])))
                continue
            parts = _SPLIT_RE.split(stripped.lstrip("-–• "), maxsplit=1)
            if len(parts) == 2 and parts[1] and is_name_like(parts[0], language):
                if keep_office_holders and _has_role(parts[1]):
                    continue
                body = stripped.lstrip("-–• ")
                s0 = lead + (len(stripped) - len(body))
                spans.append(Redaction("name", s0, s0 + len(parts[0])))
                continue
            names_phase = False
    return spans


def _name_spans(text: str, language: str, keep_office_holders: bool) -> list[Redaction]:
    spans = []
    for rx in (_INTRO_RE, _FIELD_RE):
        for m in rx.finditer(text):
            name = m.group("name")
            words = name.split()
            # drop trailing words that are clearly not part of the name
            while words and (words[-1].lower() in _PARTICLES or _org_or_role(words[-1:])):
                words.pop()
            if words and is_name_like(" ".join(words), language):
                end = m.start("name")  # walk the words: the name may hold tabs or double spaces
                for w in words:
                    end = text.index(w, end) + len(w)
                spans.append(Redaction("name", m.start("name"), end))
    spans.extend(_signature_spans(text, language, keep_office_holders))
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
    spans = _number_spans(text) + _address_spans(text, language) + _name_spans(text, language, keep_office_holders)
    chosen: list[Redaction] = []
    for s in sorted(spans, key=lambda r: (_PRIORITY[r.kind], r.start, -(r.end - r.start))):
        if s.end <= s.start:
            continue
        if all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda r: r.start)


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
    counts = dict.fromkeys(KINDS, 0)
    if not isinstance(text, str) or not text:
        return text, counts
    spans = find_personal_data(text, language, keep_office_holders)
    out, last = [], 0
    for s in spans:
        out.append(text[last:s.start])
        out.append(PLACEHOLDERS[s.kind])
        counts[s.kind] += 1
        last = s.end
    out.append(text[last:])
    return "".join(out), counts


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
    "redaction_report",
    "is_name_like",
]
