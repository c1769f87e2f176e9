"""Rules that find personal names: introductions, fields, titles, signature blocks.

Used by :mod:`analysis.corpus.redact`; see its docstring for the policy. A name
is looked for only where the text gives a cue (a closing such as "Med venlig
hilsen", a field "Navn:", a title "Dr.", an introduction "Mit navn er"), in
the writer's capitalisation, all capitals or all lower case.

>>> [text[s.start:s.end] for text in ["mvh jens kvistholm"] for s in name_spans(text)]
['jens kvistholm']
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from analysis.text import check_language, stop_words


class Redaction(NamedTuple):
    """One span of personal data: ``text[start:end]`` is replaced by the placeholder of ``kind``."""

    kind: str
    start: int
    end: int


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
    r"(?=[mMjJuUiItTdD])(?i:\b(?:mit\s+navn\s+er|jeg\s+hedder|undertegnede|my\s+name\s+is|i\s+am\s+called|"
    r"the\s+undersigned|mein\s+name\s+ist|ich\s+hei(?:ß|ss)e|(?:der|die)\s+unterzeichnende|"
    r"(?:der|die)\s+unterzeichner(?:in)?)[ \t]*,?[ \t]+)"
    rf"(?P<name>{_NAME_RUN})"
)
# Titles before a name ("Dr. Helen Marwick", "Herr Tessmer"); the title itself stays.
TITLES = {
    "da": ("Dr", "Prof", "Hr", "Fru", "Frk", "Cand"),
    "en": ("Dr", "Prof", "Mr", "Mrs", "Ms", "Mx", "Miss", "Sir", "Dame"),
    "de": ("Dr", "Prof", "Herr", "Frau", "Hr", "Fr"),
}
_TITLE_RE = re.compile(
    r"(?<![\w.])(?:" + "|".join(sorted({t for ts in TITLES.values() for t in ts}, key=len, reverse=True)) + r")"
    r"\.?(?:[ \t]+(?:med|phil|rer|nat|jur|dr|h\.c)\.)*[ \t]+"
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


# Endings of job titles ("Afdelingsleder", "Referatsleiter") and of offices ("Bezirksamt").
_ROLE_ENDINGS = (
    "leder", "chef", "direktør", "konsulent", "sekretær", "medarbejder", "koordinator", "rådgiver",
    "formand", "forperson", "fuldmægtig", "planlægger", "ansvarlig", "specialist", "leiter", "leiterin",
    "referent", "referentin", "beauftragte", "beauftragter", "manager", "officer", "advisor", "adviser",
    "amt", "behörde", "verwaltung", "kontor", "afdeling", "department", "agency",
)


def _org_or_role(words: list[str]) -> bool:
    for w in words:
        low = w.lower().strip(".,;:()")
        if low in _ORG_WORDS or low in _ROLE_WORDS or any(s in low for s in _ORG_STEMS):
            return True
        if len(low) > 6 and low.endswith(_ROLE_ENDINGS):
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


def looks_like_name(s: str, language: str = "da") -> bool:
    """A name as written, or a name of two to four words in all capitals or all lower case.

    >>> looks_like_name("LARS BONDESEN", "da"), looks_like_name("jens kvistholm", "da"), looks_like_name("vi ses", "da")
    (True, True, False)
    """
    if is_name_like(s, language):
        return True
    words = s.strip().rstrip(".,;:").split()
    if not 2 <= len(words) <= 4 or not all(w.isalpha() or "-" in w for w in words):
        return False
    if not (s.isupper() or s.islower()):
        return False
    stops = _stop(language)
    if any(w.lower() in stops or w.lower() in _PARTICLES for w in words):
        return False
    return is_name_like(" ".join(w.capitalize() for w in words), language)


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
            if names_phase and looks_like_name(stripped.lstrip("-–• "), language):
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


def name_spans(text: str, language: str = "da", keep_office_holders: bool = False) -> list[Redaction]:
    spans = []
    for rx in (_INTRO_RE, _FIELD_RE, _TITLE_RE):
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


