"""What counts as theme evidence: segment kinds, sender names, hearing-title words.

The policy belongs to :class:`analysis.themes.ThemeModel`, so every door (a notebook,
:func:`analysis.themes.write_theme_tables`, the CLI) gives the same themes:

* a segment that is not ``content`` (or ``heading``) — a greeting, a sender line, a
  signature, page furniture — is skipped with its reason. The ``kind`` column of the
  segments says so when ingest wrote it; otherwise :func:`segment_kind` recognises the
  common cases from the text;
* names of **senders** (words that are written with a capital letter and stand in such
  lines, or in a self-introduction) are stop words; proper nouns a respondent writes
  *about* ("Brexit", "Canada", "Biogasanlæg") stay;
* German addresses ("Venloer Straße 12", "53111 Bonn") give their name words to the
  same list, since German capitalises every noun and capitals tell no name apart;
* the words of the hearing's own title are in every response's scope and tell no theme
  apart.

>>> segment_kind("Med venlig hilsen", "da"), segment_kind("Vi vil have flere træer.", "da")
('signature', 'content')
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from analysis.languages import get_language
from analysis.text import WORD_RE, stop_words

# Kinds that carry what a respondent says (see the segments' data contract).
CONTENT_KINDS = ("content", "heading")
KINDS = ("content", "heading", "greeting", "sender", "signature", "furniture")

# The cues are language data: greetings, closings and sender fields come from the
# registry's ``kinds`` resource (as ingest reads them), courtesy lines and street words
# from its ``themes`` resource.


def _cues(language: str, resource: str, key: str) -> tuple[str, ...]:
    from analysis.languages import get_language

    try:
        return tuple(sorted(get_language(language).words(resource, key)))
    except ValueError:
        return ()


_PLACEHOLDER_RE = re.compile(r"\[(?:NAVN|ADRESSE|EMAIL|TLF|CPR)\]")
_FURNITURE_RE = re.compile(r"^[\s\W\d_]*$|^\s*(?:side|page|seite)\s+\d+(?:\s*(?:af|of|von)\s*\d+)?\s*$",
                           re.IGNORECASE)
_POSTCODE_RE = re.compile(r"\b\d{4,5}\s+([A-ZÆØÅÄÖÜ][^\W\d_]+)")


def _starts_with(low: str, cues: Sequence[str]) -> bool:
    for cue in cues:
        if low.startswith(cue) and (len(low) == len(cue) or not low[len(cue)].isalnum()):
            return True
    return False


def segment_kind(text: str, language: str = "da") -> str:
    """The kind of a segment read from its text (used when ingest wrote no ``kind``).

    ``furniture`` (no letters, page numbers), ``signature`` (a sign-off, or a line that
    names a redacted person and says little else), ``sender`` ("Afsender: …"),
    ``greeting`` ("Kære …", and courtesy or cover lines such as "Tak for muligheden for
    at afgive høringssvar"), otherwise ``content``.

    Parameters
    ----------
    text : str
        One segment.
    language : str
        "da", "en" or "de".

    Returns
    -------
    str
        One of :data:`KINDS`.

    Examples
    --------
    >>> segment_kind("Afsender: [NAVN]", "da"), segment_kind("4.2", "da")
    ('sender', 'furniture')
    >>> segment_kind("Vi takker for muligheden for at afgive høringssvar til planen.", "da")
    'greeting'

    """
    return _kind_with(text, _kind_cues(language))


def _kind_cues(language: str) -> tuple[tuple[str, ...], ...]:
    """The cue lists :func:`segment_kind` reads: closings, sender fields (with their
    colon), greetings, courtesy lines (read once per call of :func:`segment_kinds`).

    >>> "afsender:" in _kind_cues("da")[1]
    True
    """
    return (_cues(language, "kinds", "closings"),
            tuple(lab + ":" for lab in _cues(language, "kinds", "sender_fields")),
            _cues(language, "kinds", "greetings"), _cues(language, "themes", "courtesy"))


def _kind_with(text: str, cues: tuple[tuple[str, ...], ...]) -> str:
    """:func:`segment_kind` with its cue lists given (:func:`_kind_cues`)."""
    closings, sender_fields, greetings, courtesy = cues
    t = " ".join(str(text or "").split())
    low = t.lower()
    if not t or _FURNITURE_RE.match(t):
        return "furniture"
    words = WORD_RE.findall(t)
    short = len(words) <= 12
    if low.startswith(closings) and _starts_with(low, closings):  # (a quick test first)
        return "signature"
    if short and low.startswith(sender_fields):
        return "sender"
    if short and low.startswith(greetings) and _starts_with(low, greetings) and t.rstrip().endswith((",", "!", ":")):
        return "greeting"
    if len(words) <= 30 and any(c in low[:90] for c in courtesy):
        return "greeting"
    if _PLACEHOLDER_RE.search(t) and len([w for w in words if w.upper() not in
                                          ("NAVN", "ADRESSE", "EMAIL", "TLF", "CPR")]) < 6:
        return "signature"
    return "content"


def segment_kinds(texts: Sequence[str], kind: Sequence[str] | None, language: str) -> list[str]:
    """The kind of every segment: the given ``kind`` where known, else :func:`segment_kind`.

    Parameters
    ----------
    texts : sequence of str
    kind : sequence of str or None
        The segments' ``kind`` column, if ingest wrote one.
    language : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> segment_kinds(["Kære udvalg,", "Flere træer."], None, "da")
    ['greeting', 'content']
    """
    cues = _kind_cues(language)
    if kind is None:
        return [_kind_with(t, cues) for t in texts]
    kind = list(kind)
    if len(kind) != len(texts):
        raise ValueError(f"kind has {len(kind)} entries but X has {len(texts)}; pass the "
                         "segments' own 'kind' column.")
    out = []
    for t, k in zip(texts, kind):
        k = "" if k is None or (isinstance(k, float) and k != k) else str(k)
        if k and k not in KINDS:
            raise ValueError(f"unknown segment kind {k!r}; the kinds are {KINDS}.")
        # A content segment that is in fact a sign-off or a bare number is still not evidence.
        guess = _kind_with(t, cues)
        out.append(guess if (not k or (k == "content" and guess != "content")) else k)
    return out


def sender_names(texts: Sequence[str], kinds: Sequence[str], language: str = "da") -> frozenset[str]:
    """Lower-cased name words of senders: capitalised words in non-content segments.

    Also the capitalised words right after a redacted name ("[NAVN], Valby Lokaludvalg"),
    the name before a street word ("Venloer Straße") and the town after a postcode
    ("53111 Bonn"), wherever they stand. Words also written in lower case elsewhere in
    the corpus are ordinary words and stay, except in German, where nouns are
    capitalised anyway (there only the address and non-content rules apply).

    Parameters
    ----------
    texts, kinds : sequences of str (same length)
    language : str

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(sender_names(["Med venlig hilsen Miljøpunkt Amager", "Amager er grøn."],
    ...                     ["signature", "content"], "da"))
    ['amager', 'miljøpunkt']
    """
    lower_seen: set[str] = set()
    candidates: set[str] = set()
    streets = _cues(language, "themes", "street_words")
    capitalises_nouns = get_language(language).capitalises_nouns  # German: every noun
    for text, kind in zip(texts, kinds):
        text = str(text or "")
        words = WORD_RE.findall(text)
        if not capitalises_nouns:
            lower_seen.update(w.lower() for w in words if w[:1].islower())
        if kind not in CONTENT_KINDS:
            candidates.update(w.lower() for w in words if w[:1].isupper() and not w.isupper())
        if capitalises_nouns:
            candidates.update(w.lower() for w, nxt in zip(words, words[1:])
                              if w[:1].isupper() and nxt.lower() in streets)
        for m in _POSTCODE_RE.finditer(text):
            candidates.add(m.group(1).lower())
        for m in _PLACEHOLDER_RE.finditer(text):
            rest = text[m.end():m.end() + 60]
            for w in WORD_RE.findall(rest)[:3]:
                if w[:1].isupper() and not w.isupper():
                    candidates.add(w.lower())
    candidates -= stop_words(language, with_lemmas=False)  # candidates are written forms
    if capitalises_nouns:
        # Nouns are capitalised: a candidate is a name only when it is not a common word
        # of the content (it is rarer in content segments than in the lines that named it).
        return frozenset(c for c in candidates if len(c) > 1)
    return frozenset(c for c in candidates if c not in lower_seen and len(c) > 1)


def title_words(titles: str | Iterable[str] | None) -> tuple[str, ...]:
    """Lower-cased words of the hearing title(s), sorted.

    Parameters
    ----------
    titles : str, iterable of str, or None

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> title_words("Klimastrategi og Klimahandleplan")
    ('klimahandleplan', 'klimastrategi', 'og')
    """
    if titles is None:
        return ()
    if isinstance(titles, str):
        titles = [titles]
    words = {m.group().lower() for t in titles if isinstance(t, str) for m in WORD_RE.finditer(t)}
    return tuple(sorted(words))
