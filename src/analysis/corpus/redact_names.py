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

from analysis.languages import all_entries, all_words, get_language, language_codes
from analysis.text import check_language, stop_words


class Redaction(NamedTuple):
    """One span of personal data: ``text[start:end]`` is replaced by the placeholder of ``kind``."""

    kind: str
    start: int
    end: int


# --------------------------------------------------------------------------- names
def _alternatives(words) -> str:
    """A regular-expression alternation of literal ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# The word lists live in the language registry (``languages/<code>/redaction.yaml``); every
# response is searched with the cues of every registered language.
_ORG_STEMS = tuple(sorted(all_words("redaction", "organisation_stems")))
_ORG_WORDS = all_words("redaction", "organisation_words")
_ROLE_WORDS = all_words("redaction", "role_words")
_NOT_NAMES = all_words("redaction", "not_names")
_JOINING_PARTICLES = all_words("redaction", "name_particles")
_PARTICLES = _JOINING_PARTICLES | all_words("redaction", "loose_particles")
_LOW = "a-zæøåäöüéèáíóúàçñß"
_UP = "A-ZÆØÅÄÖÜÉ"
# a name word: "Anna", "Møller-Hansen", "O'Connor", "McDonald", or initials "H.C."
_WORD = (
    rf"(?:[{_UP}](?:[{_LOW}]+|['’][{_UP}][{_LOW}]+)(?:[{_UP}][{_LOW}]+)?"
    rf"(?:[-'’][{_UP}]?[{_LOW}]+)*|(?:[{_UP}]\.-?)+)"
)
_NAME_TOKEN = re.compile(_WORD)
_NAME_RUN = rf"{_WORD}(?:[ \t]+(?:(?:{_alternatives(_JOINING_PARTICLES)})[ \t]+)?{_WORD}){{0,4}}"
_INTRODUCTIONS = all_entries("redaction", "introductions")
_INTRO_RE = re.compile(
    "(?=[" + "".join(sorted({c for e in _INTRODUCTIONS for c in (e[0].lower(), e[0].upper())})) + "])"
    r"(?i:\b(?:" + "|".join(_INTRODUCTIONS) + r")[ \t]*,?[ \t]+)"
    rf"(?P<name>{_NAME_RUN})"
)
# Titles before a name ("Dr. Helen Marwick", "Herr Tessmer"); the title itself stays.
TITLES = {code: tuple(get_language(code).entries("redaction", "titles")) for code in language_codes()}
_TITLE_RE = re.compile(
    r"(?<![\w.])(?:" + "|".join(sorted({t for ts in TITLES.values() for t in ts}, key=len, reverse=True)) + r")"
    r"\.?(?:[ \t]+(?:med|phil|rer|nat|jur|dr|h\.c)\.)*[ \t]+"
    rf"(?P<name>{_NAME_RUN})"
)
_FIELD_RE = re.compile(
    r"(?im)^[ \t]*(?:" + "|".join(all_entries("redaction", "fields")) + r")[ \t]*:[ \t]*"
    rf"(?P<name>{_NAME_RUN})[ \t]*(?=,|\r?$)"
)
_CLOSING_RE = re.compile(
    r"(?im)(?:^[ \t]*|(?<=[.!?])[ \t]+)(?:" + "|".join(all_entries("redaction", "closings"))
    + r")\b[ \t]*[,.:!\-–]*[ \t]*"
)
_BLOCK_END = re.compile(r"^\s*(?:[_\-=*•~]{3,}|" + "|".join(all_entries("redaction", "block_ends")) + r")\b", re.I)


@lru_cache(maxsize=8)
def _stop(language: str) -> frozenset[str]:
    # The surface stop words only: their lemmas would load the lemmatiser's dictionary (seconds per
    # language) and add words that are also surnames ("Klein", "Lieb"), which must stay redactable.
    return stop_words(check_language(language), consultation=False, with_lemmas=False)


# Endings of job titles ("Afdelingsleder", "Referatsleiter") and of offices ("Bezirksamt").
_ROLE_ENDINGS = tuple(sorted(all_words("redaction", "role_endings")))


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
_OFFICE_WORDS = all_words("redaction", "office_words")


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


