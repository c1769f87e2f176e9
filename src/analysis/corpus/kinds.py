"""What each segment is: content, or a letter's furniture around it.

Every segment gets a ``kind``:

``content``    an ordinary sentence of the response;
``heading``    a short title line ("Høringssvar vedr. …", "1. Indledning", all capitals);
``greeting``   the salutation ("Kære udvalg", "Dear Sir or Madam", "Sehr geehrte Damen und Herren");
``sender``     who writes ("Afsender: …", "Fra: …", a self-introduction such as
               "Jeg er cand.scient.-studerende og medlem af …", a line of placeholders);
``signature``  the closing ("Med venlig hilsen") and the names, roles and addresses after it;
``furniture``  page numbers and list numbers standing alone, lone bullets.

Only ``content`` (and, if a consumer wishes, ``heading``) is evidence or a quote.
The rules look at one paragraph at a time and at its place in the response
(a closing near the end turns what follows into signature), so the cost is
linear in the text.

>>> paragraph_kinds(["Kære udvalg", "Vi støtter planen.", "Med venlig hilsen", "[NAVN]", "Formand"], "da")
['greeting', 'content', 'signature', 'signature', 'signature']
"""

from __future__ import annotations

import re
from typing import NamedTuple

from analysis.languages import Language, all_entries, get_language, language_codes

__all__ = ["KINDS", "kind_cues", "paragraph_kinds", "paragraph_kinds_with", "sentence_kind",
           "sentence_kind_with"]

KINDS = ("content", "heading", "greeting", "sender", "signature", "furniture")

# The cues of each language live in the language registry (``languages/<code>/kinds.yaml``).
def _cues(language: str, key: str):
    return get_language(language).resource("kinds")[key]


_PLACEHOLDER_LINE = re.compile(r"^(?:\s*(?:\[(?:NAVN|EMAIL|TLF|CPR|ADRESSE)\]|[,.;:|/&()\-–]|og|and|und))+\s*$")
_FURNITURE = re.compile(
    r"^\s*(?:(?:side|page|seite|s\.|p\.)\s*)?\(?\d{1,4}[.)]?(?:\s*(?:/|af|of|von)\s*\d{1,4})?\s*$"
    r"|^\s*\(?(?:[a-zæøå]|[ivx]{1,4})[.)]\s*$|^\s*[-–—•●▪■◦·*‣⁃○]+\s*$|^\s*[\W_]*\s*$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-–—•●▪■◦·*‣⁃○]\s|\(?[0-9]{1,2}[.)]\s+[a-zæøå]|\(?[a-zæøå][)]\s)")
_NUMBERED_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+[A-ZÆØÅÄÖÜ]")
_HEADING_START = re.compile("^(?:" + "|".join(all_entries("kinds", "heading_starts")) + ")", re.IGNORECASE)
_FIRST_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s*\S")
_ENDS_SENTENCE = re.compile(r"[.!?]$")
_FIELD_LABEL = re.compile(r"^([\w\- ]{2,25}?)\s*:")
_FULL_STOP_INSIDE = re.compile(r"[.!?]\s+\S")
_BODY_SENTENCES = re.compile(r"[.!?]\s+\S.*[.!?]$")


def _langs(language: str) -> tuple[str, ...]:
    return (language,) + tuple(k for k in language_codes() if k != language)


def _phrase_start(phrases) -> re.Pattern:
    """A pattern matching a lower-cased text that starts with one of ``phrases`` as whole words.

    The alternatives keep the order of ``phrases``, so the match is the first phrase that fits.
    """
    alternatives = "|".join(re.escape(p) for p in phrases) or r"(?!x)x"
    return re.compile(r"(?:" + alternatives + r")(?![^\W_])")


class _KindCues(NamedTuple):
    closing: re.Pattern
    greeting: re.Pattern
    greeting_addresses: dict[str, bool]  # first occurrence of each greeting: is it an addressee?
    sender_fields: frozenset[str]
    introductions: tuple[tuple[re.Pattern, re.Pattern], ...]


_COMPILED: dict[tuple[str, ...], tuple[tuple[Language, ...], _KindCues]] = {}


def _compile_cues(languages: tuple[Language, ...]) -> _KindCues:
    closings = [c for lang in languages for c in lang.resource("kinds")["closings"]]
    greetings, addresses = [], {}
    for lang in languages:
        for g in lang.resource("kinds")["greetings"]:
            greetings.append(g)
            addresses.setdefault(g, g in lang.resource("kinds")["addressees"])
    fields = frozenset(f for lang in languages for f in lang.resource("kinds")["sender_fields"])
    intros = tuple((re.compile(rf"^(?:{i['lead']})\b", re.IGNORECASE), re.compile(i["cue"], re.IGNORECASE))
                   for i in (lang.resource("kinds")["introduction"] for lang in languages))
    return _KindCues(_phrase_start(closings), _phrase_start(greetings), addresses, fields, intros)


def kind_cues(language: str) -> _KindCues:
    """The compiled cues of ``language`` first, then of the other registered languages (cached
    while the same entries are registered)."""
    codes = _langs(language)
    languages = tuple(get_language(code) for code in codes)
    hit = _COMPILED.get(codes)
    if hit is None or any(a is not b for a, b in zip(hit[0], languages)):
        hit = _COMPILED[codes] = (languages, _compile_cues(languages))
    return hit[1]


def _is_closing(text: str, cues: _KindCues) -> bool:
    t = text.strip().rstrip(",.!:;- ").lower()
    return len(t.split()) <= 8 and cues.closing.match(t) is not None


_AFTER_SALUTATION = re.compile(r"[,!:]\s+|\.\s+(?=\w)")


def _is_greeting(text: str, cues: _KindCues) -> bool:
    t = text.strip()
    if len(t) > 90 or len(t.split()) > 10:
        return False
    m = cues.greeting.match(t.lower())
    if m is None:
        return False
    parts = _AFTER_SALUTATION.split(t, maxsplit=1)
    if len(parts) == 2 and len(parts[1].split()) >= 3:
        return False  # "Hej, jeg er imod forslaget.": a sentence follows the salutation
    if cues.greeting_addresses[m.group()]:  # "Til Teknik- og Miljøudvalget"
        return not _SENTENCE_INSIDE.search(t) and t[:1].isupper() and len(t.split()) <= 8 \
            and not _ENDS_SENTENCE.search(t)
    return True


def _is_sender(text: str, cues: _KindCues) -> bool:
    t = text.strip()
    if _PLACEHOLDER_LINE.match(t):
        return True
    field = _FIELD_LABEL.match(t)
    if field and field.group(1).strip().lower() in cues.sender_fields and len(t) <= 160:
        return True
    return _is_introduction(t, cues)


def _is_introduction(text: str, cues: _KindCues) -> bool:
    # One sentence introduces the writer; in a longer paragraph only its first sentence may
    # ("Jeg er imod …. Mvh [NAVN]" is not an introduction; see sentence_kind).
    if len(text) > 220 or len(_FIRST_SENTENCE_END.split(text.strip(), maxsplit=1)) > 1:
        return False
    return any(lead.match(text) and cue.search(text) for lead, cue in cues.introductions)


def _is_heading(text: str, is_last: bool, following: str = "") -> bool:
    t = text.strip()
    if is_last or not t or len(t) > 100 or len(t.split()) > 12 or _LIST_ITEM.match(t):
        return False
    if _HEADING_START.match(t) and not _FULL_STOP_INSIDE.search(t):
        return True
    if t.endswith((".", "!", "?", ":", ";", ",", "…")) and not _NUMBERED_HEADING.match(t):
        return False
    letters = [c for c in t if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return True
    if _NUMBERED_HEADING.match(t):
        return True
    # A short line without a full stop is a title only when body text follows it
    # (not when the next line is another short line: then it is a list).
    body_follows = len(following) > max(80, 2 * len(t)) or bool(_BODY_SENTENCES.search(following))
    return t[:1].isupper() and len(t.split()) <= 8 and body_follows


def paragraph_kinds(paragraphs: list[str], language: str = "da") -> list[str]:
    """The kind of each paragraph of one response (see the module docstring).

    A closing counts only in the last third of the response or within its last
    eight paragraphs; from it on, every short paragraph is ``signature``.

    >>> paragraph_kinds(["HØRINGSSVAR", "Jeg er medlem af Valby Lokaludvalg.", "Vi ønsker træer.", "2"], "da")
    ['heading', 'sender', 'content', 'furniture']
    >>> paragraph_kinds(["Vi ønsker:", "Flere træer", "Bedre cykelstier", "Tak."], "da")
    ['content', 'content', 'content', 'content']
    """
    return paragraph_kinds_with(paragraphs, kind_cues(language))


def paragraph_kinds_with(paragraphs: list[str], cues: _KindCues) -> list[str]:
    """:func:`paragraph_kinds` with the cues of :func:`kind_cues` looked up once by the caller."""
    n = len(paragraphs)
    kinds: list[str] = []
    in_signature = False
    for i, para in enumerate(paragraphs):
        t = para.strip()
        near_end = i >= n - 8 or i >= 2 * n / 3
        if _FURNITURE.match(t):
            kinds.append("furniture")
        elif in_signature and len(t) <= 200:
            kinds.append("signature")
        elif near_end and _is_closing(t, cues):
            in_signature = True
            kinds.append("signature")
        elif i <= 2 and _is_greeting(t, cues):
            kinds.append("greeting")
        elif _is_sender(t, cues):
            kinds.append("sender")
        elif _is_heading(t, is_last=(i == n - 1), following=paragraphs[i + 1].strip() if i + 1 < n else ""):
            kinds.append("heading")
        else:
            in_signature = False
            kinds.append("content")
    return kinds


def sentence_kind(sentence: str, paragraph_kind: str, index: int, language: str = "da") -> str:
    """Refine a paragraph's kind for one of its sentences (a greeting or introduction may open a paragraph).

    >>> sentence_kind("Kære udvalg.", "content", 0), sentence_kind("Jeg er studerende på KU.", "content", 1)
    ('greeting', 'sender')
    """
    return sentence_kind_with(sentence, paragraph_kind, index, kind_cues(language))


def sentence_kind_with(sentence: str, paragraph_kind: str, index: int, cues: _KindCues) -> str:
    """:func:`sentence_kind` with the cues of :func:`kind_cues` looked up once by the caller."""
    if paragraph_kind != "content":
        return paragraph_kind
    t = sentence.strip()
    if index == 0 and _is_greeting(t.rstrip(",.!:"), cues):
        return "greeting"
    if _is_introduction(t, cues) or _PLACEHOLDER_LINE.match(t):
        return "sender"
    if _is_closing(t, cues):
        return "signature"
    return "content"
