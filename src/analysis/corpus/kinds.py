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

from analysis.languages import all_entries, get_language, language_codes

__all__ = ["KINDS", "paragraph_kinds", "sentence_kind"]

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


def _langs(language: str) -> tuple[str, ...]:
    return (language,) + tuple(k for k in language_codes() if k != language)


def _starts_with(text: str, phrases) -> bool:
    low = text.lower()
    return any(low == p or (low.startswith(p) and not low[len(p)].isalnum()) for p in phrases)


def _is_closing(text: str, language: str) -> bool:
    t = text.strip().rstrip(",.!:;- ").lower()
    return any(_starts_with(t, _cues(lang, "closings")) and len(t.split()) <= 8 for lang in _langs(language))


def _is_greeting(text: str, language: str) -> bool:
    t = text.strip()
    if len(t) > 90 or len(t.split()) > 10:
        return False
    for lang in _langs(language):
        for g in _cues(lang, "greetings"):
            if _starts_with(t, (g,)):
                if g in _cues(lang, "addressees"):  # "Til Teknik- og Miljøudvalget"
                    return not re.search(r"[.!?]\s*\S", t) and t[:1].isupper() and len(t.split()) <= 8 \
                        and not re.search(r"[.!?]$", t)
                return True
    return False


def _is_sender(text: str, language: str) -> bool:
    t = text.strip()
    if _PLACEHOLDER_LINE.match(t):
        return True
    field = re.match(r"^([\w\- ]{2,25}?)\s*:", t)
    if field and any(field.group(1).strip().lower() in _cues(lang, "sender_fields") for lang in _langs(language)) \
            and len(t) <= 160:
        return True
    return _is_introduction(t, language)


def _is_introduction(text: str, language: str) -> bool:
    # One sentence introduces the writer; in a longer paragraph only its first sentence may
    # ("Jeg er imod …. Mvh [NAVN]" is not an introduction; see sentence_kind).
    if len(re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)) > 1:
        return False
    if len(text) > 220:
        return False
    for lang in _langs(language):
        lead, cue = _cues(lang, "introduction")["lead"], _cues(lang, "introduction")["cue"]
        if re.match(rf"^(?:{lead})\b", text, re.IGNORECASE) and re.search(cue, text, re.IGNORECASE):
            return True
    return False


def _is_heading(text: str, is_last: bool, following: str = "") -> bool:
    t = text.strip()
    if is_last or not t or len(t) > 100 or len(t.split()) > 12 or _LIST_ITEM.match(t):
        return False
    if _HEADING_START.match(t) and not re.search(r"[.!?]\s+\S", t):
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
    body_follows = len(following) > max(80, 2 * len(t)) or bool(re.search(r"[.!?]\s+\S.*[.!?]$", following))
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
        elif near_end and _is_closing(t, language):
            in_signature = True
            kinds.append("signature")
        elif i <= 2 and _is_greeting(t, language):
            kinds.append("greeting")
        elif _is_sender(t, language):
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
    if paragraph_kind != "content":
        return paragraph_kind
    t = sentence.strip()
    if index == 0 and _is_greeting(t.rstrip(",.!:"), language):
        return "greeting"
    if _is_introduction(t, language) or _PLACEHOLDER_LINE.match(t):
        return "sender"
    if _is_closing(t, language):
        return "signature"
    return "content"
