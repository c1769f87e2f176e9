"""Cut cleaned text into paragraphs and sentences with exact character offsets.

Every span satisfies ``text[start:end] == span_text``. A paragraph is one line
of cleaned text (see :mod:`analysis.corpus.cleaning`), so each bullet-list item is a
paragraph of its own. Sentences end at ``.``, ``!``, ``?`` or ``…`` followed by
space and a capital or digit, except after abbreviations (``bl.a.``, ``f.eks.``,
``jf.``, ``ca.``, ``nr.``, ``pkt.``, ``kl.``, ``pct.``, ``d.``, ``Dr.``, …)
and ordinals (``d. 1. januar``, ``pkt. 4. Mødet``, ``den 3. juni``). The word lists
of each language are in the language registry (``languages/<code>/segmentation.yaml``).

>>> [s.text for s in split_sentences("Vi støtter bl.a. job. Mødet d. 1. januar kl. 10 gik godt!")]
['Vi støtter bl.a. job.', 'Mødet d. 1. januar kl. 10 gik godt!']
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from analysis.corpus.kinds import kind_cues, paragraph_kinds_with, sentence_kind_with
from analysis.languages import get_language

__all__ = ["Span", "split_paragraphs", "split_sentences", "segment_text", "segment_responses"]


class Span(NamedTuple):
    """A piece of a text with its character offsets."""

    text: str
    start: int
    end: int


class _Rules(NamedTuple):
    """The sentence-splitting word lists of one language (``languages/<code>/segmentation.yaml``)."""

    abbreviations: frozenset[str]  # a full stop after these never ends a sentence (lower-cased)
    sentence_final: frozenset[str]  # ... unless one of these is followed by a capital
    number_takers: frozenset[str]  # "pkt. 4. Mødet": the number is a reference
    ordinal_takers: frozenset[str]  # "den 3. juni": a day or ordinal (1–2 digits)


@lru_cache(maxsize=32)
def _rules(language: str) -> _Rules:
    lang = get_language(language)
    return _Rules(*(lang.words("segmentation", key) for key in _Rules._fields))


_BOUNDARY = re.compile(r"([.!?…]+)([\"”’')\]]*)(\s+)(?=\S)")
_WORD_BEFORE = re.compile(r"([^\s(\[\"“”'’]*)$")
# How far back a token before a full stop is looked for (longer tokens are not abbreviations).
_LOOKBACK = 64


def _word_before(text: str, end: int) -> str:
    """The token ending at ``end``; looks back a bounded window, so splitting stays linear."""
    return _WORD_BEFORE.search(text, max(0, end - _LOOKBACK), end).group(1)


def split_paragraphs(text: str) -> list[Span]:
    """Each non-blank line of cleaned text as a :class:`Span` (stripped).

    >>> split_paragraphs("Et afsnit.\\n\\n• punkt ét\\n• punkt to")
    [Span(text='Et afsnit.', start=0, end=10), Span(text='• punkt ét', start=12, end=22), Span(text='• punkt to', start=23, end=33)]
    """
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        left = len(line) - len(line.lstrip())
        right = len(line.rstrip())
        if right > left:
            spans.append(Span(line[left:right], m.start() + left, m.start() + right))
    return spans


def _is_boundary(text: str, match: re.Match, language: str) -> bool:
    """Decide whether the punctuation in ``match`` ends a sentence."""
    punct = match.group(1)
    nxt = text[match.end():match.end() + 1]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"“”'’(•–-"):
        return False  # "bl.a. job", "d. 1. januar": lower case continues the sentence
    if punct != ".":
        return True  # !, ?, … and ".." / "..." before a capital
    before = _word_before(text, match.start())
    token = before.lower()
    rules = _rules(language)
    if token in rules.abbreviations or token.rstrip(".") in rules.abbreviations:
        return token in rules.sentence_final and nxt.isupper()
    if len(before) == 1 and before.isalpha() and before.isupper():
        return False  # an initial: "H. C. Andersen"
    if before.isdigit():
        if nxt.isdigit():
            return False  # "kl. 10. 30" or enumerations of numbers
        prev = _word_before(text, max(0, match.start() - len(before) - 1))
        prev = prev.lower().rstrip(".")
        if (prev in rules.number_takers and len(before) <= 3) or (prev in rules.ordinal_takers and len(before) <= 2):
            return False  # "pkt. 4. Mødet", "den 3. Juni"; not "i 2025. Det"
        if match.start() - len(before) == 0:
            return False  # a numbered heading at the start: "1. Indledning"
    return True


def split_sentences(text: str, language: str = "da", offset: int = 0) -> list[Span]:
    """Split one paragraph into sentences; offsets are shifted by ``offset``.

    >>> [s.text for s in split_sentences("Se pkt. 4. Mødet sluttede. Ny sætning.")]
    ['Se pkt. 4. Mødet sluttede.', 'Ny sætning.']
    """
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _is_boundary(text, m, language):
            end = m.end(2)
            piece = text[start:end]
            if piece.strip():
                left = len(piece) - len(piece.lstrip())
                spans.append(Span(piece.strip(), offset + start + left, offset + start + len(piece.rstrip())))
            start = m.end()
    piece = text[start:]
    if piece.strip():
        left = len(piece) - len(piece.lstrip())
        spans.append(Span(piece.strip(), offset + start + left, offset + start + len(piece.rstrip())))
    if any(len(s.text) > MAX_SENTENCE_CHARS for s in spans):
        spans = [part for s in spans for part in _split_long(s)]
    return spans


#: A "sentence" longer than this (text without sentence ends: a PDF without punctuation, a
#: pasted list) is cut into pieces of at most this many characters, at a clause mark or space.
MAX_SENTENCE_CHARS = 1200
_CLAUSE_MARK = re.compile(r"[;:,–—)](?=\s)")
_SPACE = re.compile(r"\s")


def _cut_point(window: str, limit: int) -> int:
    """Where a piece of ``window`` ends: after the last clause mark in its second half, else
    at its last space, else at ``limit``.

    >>> _cut_point("aa bb cc, dd ee", 12), _cut_point("aa bb cc dd ee", 12), _cut_point("x" * 20, 12)
    (9, 11, 12)
    """
    marks = [m.end() for m in _CLAUSE_MARK.finditer(window, limit // 2) if m.end() <= limit]
    if marks:
        return marks[-1]
    spaces = [m.start() for m in _SPACE.finditer(window) if 0 < m.start() <= limit]
    return spaces[-1] if spaces else limit


def _split_long(span: Span, limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """``span`` in pieces of at most ``limit`` characters (see :func:`_cut_point`); offsets stay exact.

    >>> [len(s.text) for s in _split_long(Span("ord " * 600, 0, 2399), 1000)]
    [999, 999, 399]
    """
    out, text, base = [], span.text, span.start
    start = 0  # always at a non-space: the span is stripped, and each cut skips the spaces after it
    while len(text) - start > limit:
        cut = _cut_point(text[start:start + limit + 1], limit)
        piece = text[start:start + cut].rstrip()
        out.append(Span(piece, base + start, base + start + len(piece)))
        start += cut
        while start < len(text) and text[start].isspace():
            start += 1
    piece = text[start:]
    if piece.strip():
        out.append(Span(piece.strip(), base + start, base + start + len(piece.rstrip())))
    return out


def segment_text(text: str, language: str = "da") -> list[tuple[int, int, Span]]:
    """All sentences of a cleaned text as ``(paragraph, sentence, span)``.

    >>> [(p, s, x.text) for p, s, x in segment_text("Et. To.\\nTre.")]
    [(0, 0, 'Et.'), (0, 1, 'To.'), (1, 0, 'Tre.')]
    """
    out = []
    for p, para in enumerate(split_paragraphs(text)):
        for s, sent in enumerate(split_sentences(para.text, language, offset=para.start)):
            out.append((p, s, sent))
    return out


SEGMENT_COLUMNS = ["segment_id", "response_id", "paragraph", "sentence", "start", "end", "page", "text", "kind"]


def segment_responses(responses: pd.DataFrame, page_starts: dict[str, list[int | None]] | None = None) -> pd.DataFrame:
    """Segments of every response as a tidy table (the data contract's ``segments``).

    ``responses`` needs ``response_id``, ``text`` and ``language``;
    ``page_starts`` maps a response id to the offsets where its pages begin.
    ``kind`` says what a segment is (content, heading, greeting, sender,
    signature, furniture; see :mod:`analysis.corpus.kinds`).

    >>> r = pd.DataFrame({"response_id": ["a"], "text": ["Ja. Nej.\\n\\nMvh\\n[NAVN]"], "language": ["da"]})
    >>> segment_responses(r)[["segment_id", "start", "end", "text", "kind"]].values.tolist()
    [['a:0:0', 0, 3, 'Ja.', 'content'], ['a:0:1', 4, 8, 'Nej.', 'content'], ['a:1:0', 10, 13, 'Mvh', 'signature'], ['a:2:0', 14, 20, '[NAVN]', 'signature']]
    """
    rows = []
    page_starts = page_starts or {}
    cues_of: dict[str, object] = {}
    for rid, text, language in zip(responses["response_id"], responses["text"], responses["language"]):
        starts = sorted((o, i + 1) for i, o in enumerate(page_starts.get(rid) or []) if o is not None)
        offsets = [o for o, _ in starts]
        paragraphs = split_paragraphs(text or "")
        cues = cues_of.get(language)
        if cues is None:  # compiled once per language of the table
            cues = cues_of[language] = kind_cues(language)
        kinds = paragraph_kinds_with([p.text for p in paragraphs], cues)
        for p, (para, para_kind) in enumerate(zip(paragraphs, kinds)):
            for s, span in enumerate(split_sentences(para.text, language, offset=para.start)):
                k = bisect.bisect_right(offsets, span.start)
                page = starts[k - 1][1] if k else None
                kind = sentence_kind_with(span.text, para_kind, s, cues)
                rows.append((f"{rid}:{p}:{s}", rid, p, s, span.start, span.end, page, span.text, kind))
    table = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    return table.astype({"segment_id": "string", "response_id": "string", "paragraph": "int64",
                         "sentence": "int64", "start": "int64", "end": "int64", "page": "Int64",
                         "text": "string", "kind": "string"})
