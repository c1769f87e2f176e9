"""Clean raw response text without changing what the respondent wrote.

What cleaning does, in order:

1. line endings → ``\\n``; Unicode → NFC; invisible characters (zero-width
   spaces, BOMs, soft hyphens, control characters) removed; tabs and
   non-breaking spaces → spaces; trailing spaces stripped;
2. hard-wrapped lines rejoined into whole paragraphs. A document printed with
   a blank line after every line ("double spaced", as the bundled seed is) is
   recognised, so its paragraphs come out whole;
3. end-of-line hyphenation repaired (``arbejds-\\nmarkedet`` → ``arbejdsmarkedet``)
   while coordinated compounds stay as written (``Beskæftigelses- og
   Integrationsudvalget``) and real hyphens stay (``CO2-udledning``);
   word breaks left inside a line by copy-paste from PDFs (``strate-giske``)
   are repaired only when the joined word is a known word and the parts are not.

The output has one paragraph per line; blocks that were separated by blank
lines stay separated by one blank line. Page numbers and repeated page headers
and footers are removed by the PDF reader before cleaning.

>>> clean_text("Vi støtter ar-\\nbejdsmarkedsindsatsen.\\r\\n").text
'Vi støtter arbejdsmarkedsindsatsen.'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.corpus.wordlist import zipf
from analysis.languages import get_language

__all__ = ["CleanText", "clean_text", "normalise_characters", "is_list_item"]

# Removed outright: zero-width characters, BOM, soft hyphen, word joiner, bidi marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)
_SPACES = dict.fromkeys(map(ord, "\t\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Terminal escape sequences pasted from a console or a log (colours, titles, cursor moves):
# CSI "ESC [ … final", a terminated OSC "ESC ] … BEL|ESC \\" on one line, and two-character
# escapes. Removed whole, so no "[31m" is left behind when the ESC itself goes with the
# control characters; an unterminated OSC loses only its ESC (no text is swallowed).
_ANSI = re.compile(r"\x1b(?:\[[0-?]{0,32}[ -/]{0,4}[@-~]|\][^\x07\x1b\n]{0,256}(?:\x07|\x1b\\)|[@-Z\\-_])")
# Any character the two tables change (a cheap test before the slower str.translate).
_TRANSLATED = re.compile("[" + re.escape("".join(map(chr, {**_INVISIBLE, **_SPACES}))) + "]")

# A list item: bullet characters, "1.", "1)", "a)", "(a)", "i." at the start of a line.
_LIST_ITEM = re.compile(r"^\s*(?:[-–—•●▪■◦·*‣⁃○]\s|\(?[0-9]{1,2}[.)]\s|\(?[a-zæøå][)]\s|\([ivx]+\)\s)")
_SENTENCE_END = re.compile(r"[.!?:;…\"”’)]\s*$")
_INLINE_BREAK = re.compile(r"\b([a-zæøåäöüß]{3,})-([a-zæøåäöüß]{2,})\b")


@dataclass
class CleanText:
    """Result of :func:`clean_text`.

    ``page_starts`` holds, for paged input, the character offset in ``text``
    where each page begins (``None`` for a page that contributed no text).
    ``dehyphenated`` counts hyphens removed when word breaks were repaired.
    """

    text: str
    page_starts: list[int | None] = field(default_factory=list)
    dehyphenated: int = 0
    joined_lines: int = 0


def normalise_characters(text: str) -> str:
    """Line endings, NFC, invisible and control characters, terminal escapes, odd spaces.

    >>> normalise_characters("a\\r\\nb\\u00a0c\\u200b")
    'a\\nb c'
    >>> normalise_characters("\\x1b[1;31mVigtigt\\x1b[0m")
    'Vigtigt'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _TRANSLATED.search(text):
        text = text.translate(_INVISIBLE).translate(_SPACES)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    return _CONTROL.sub("", text)


def is_list_item(line: str) -> bool:
    """True when ``line`` starts a bullet or numbered list item.

    >>> is_list_item("• mere cykelparkering"), is_list_item("1) IPS Sydhavn"), is_list_item("Vi")
    (True, True, False)
    """
    return bool(_LIST_ITEM.match(line))


@lru_cache(maxsize=32)
def _coordinators(language: str) -> frozenset[str]:
    """Words after the hyphen of a coordinated compound: "Beskæftigelses- og Integrationsudvalget"."""
    return get_language(language).words("cleaning", "coordinators")


@lru_cache(maxsize=32)
def _cannot_end(language: str) -> frozenset[str]:
    """Words a paragraph cannot end on: a line ending in one runs on."""
    lang = get_language(language)
    return lang.words("cleaning", "coordinators") | lang.words("cleaning", "function_words")


@lru_cache(maxsize=50_000)
def _zipf(word: str, language: str) -> float:
    code = get_language(language).wordfreq
    if code is None:
        return 0.0
    try:
        return zipf(word, code)
    except Exception:  # wordfreq missing data for a language: treat as unknown
        return 0.0


def _join_hyphenated(left: str, right: str, language: str) -> bool:
    """Decide whether ``left-`` at a line end and ``right`` form one closed word."""
    lw = re.search(r"([^\W\d_]+)-$", left)
    rw = re.match(r"[^\W_]+", right)
    if not lw or not rw:
        return False
    a, b = lw.group(1), rw.group(0)
    if a.isupper() or not b[:1].islower():  # "CO2-", "EU-", "-Danmark": real hyphens
        return False
    if _zipf((a + b).lower(), language) >= 1.0:
        return True  # "arbejds-" + "markedet" is a known word
    # Unknown to the word list: languages that write compounds closed (Danish, German) join
    # it; the others keep the hyphen ("well-being").
    return get_language(language).closed_compounds


def _repair_inline_breaks(line: str, language: str) -> tuple[str, int]:
    """Repair word breaks copied from PDFs into running text ("indfly-delse")."""
    count = 0

    def fix(m: re.Match) -> str:
        nonlocal count
        a, b = m.group(1), m.group(2)
        joined = (a + b).lower()
        if (_zipf(joined, language) > 1.5 and not _zipf(f"{a}-{b}".lower(), language)
                and _zipf(a.lower(), language) < 2.5 and _zipf(b.lower(), language) < 2.5):
            count += 1
            return a + b
        return m.group(0)

    return _INLINE_BREAK.sub(fix, line), count


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _should_join(line: str, nxt: str, width: int, wrapped_block: bool, language: str) -> bool:
    """Is the break between ``line`` and ``nxt`` a hard wrap inside a paragraph?"""
    if is_list_item(nxt) or not nxt:
        return False
    first = nxt.lstrip()[:1]
    if line.endswith("-") and not line.endswith(" -"):
        return True  # a word or compound broken at the line end
    if _is_caps_heading(line) and _is_caps_heading(nxt):
        return True
    ends_sentence = bool(_SENTENCE_END.search(line))
    if first.islower() and not ends_sentence and not line.endswith(","):
        return True
    if first.islower() and wrapped_block:
        return True
    last_word = line.rsplit(" ", 1)[-1].lower()
    if not ends_sentence and last_word in _cannot_end(language):
        return True  # "… bemærker Beskæftigelses- og" / "Integrationsudvalget, at …"
    if wrapped_block and len(line) >= 0.75 * width:
        return True  # a full line of a hard-wrapped paragraph
    return False


def _rejoin_block(lines: list[str], language: str) -> tuple[list[str], list[tuple[int, int]], int, int]:
    """Join the hard-wrapped lines of one block.

    Returns the paragraphs, where each input line starts in them (paragraph index,
    offset), the number of joins and the number of hyphens removed.
    """
    lengths = sorted(len(s) for s in lines)
    width = lengths[max(0, -(-9 * len(lengths) // 10) - 1)] if lengths else 0  # 90th percentile
    long_lines = sum(1 for n in lengths if n >= 0.75 * width)
    # Hard wrapping shows as several lines of nearly the same, printable width.
    wrapped = len(lines) >= 3 and 30 <= width <= 140 and long_lines >= max(2, len(lines) // 3)
    paragraphs: list[str] = []
    starts = [(0, 0)]
    joins = dehyph = 0
    current = last_line = lines[0]
    for nxt in lines[1:]:
        if _should_join(last_line, nxt, width, wrapped, language):
            joins += 1
            word = re.match(r"\S+", nxt)
            after = word.group(0).lower().strip(".,;:") if word else ""
            if current.endswith("-") and not current.endswith(" -") and after not in _coordinators(language):
                if _join_hyphenated(current, nxt, language):  # else the hyphen stays: "CO2-udledning"
                    current = current[:-1]
                    dehyph += 1
            else:
                current += " "
            starts.append((len(paragraphs), len(current)))
            current += nxt
        else:
            paragraphs.append(current)
            starts.append((len(paragraphs), 0))
            current = nxt
        last_line = nxt
    paragraphs.append(current)
    return paragraphs, starts, joins, dehyph


def _blocks(lines: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """Group (line, page) pairs into blocks separated by blank lines.

    A double-spaced document (a blank line after nearly every printed line)
    uses one blank line as a line break and two or more as a block break.
    """
    gaps: list[int] = []
    run = 0
    seen_text = False
    for text, _ in lines:
        if text:
            if seen_text:
                gaps.append(run)
            run, seen_text = 0, True
        else:
            run += 1
    single = sum(1 for g in gaps if g == 1)
    double_spaced = len(gaps) >= 4 and single >= 0.6 * len(gaps) and sum(1 for g in gaps if g == 0) <= 0.1 * len(gaps)
    threshold = 2 if double_spaced else 1
    blocks: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    run = 0
    for text, page in lines:
        if not text:
            run += 1
            continue
        if current and run >= threshold:
            blocks.append(current)
            current = []
        current.append((text, page))
        run = 0
    if current:
        blocks.append(current)
    return blocks


def clean_text(text: str | None = None, *, pages: list[str] | None = None, language: str = "da") -> CleanText:
    """Clean one response (or the pages of one document) into paragraphs.

    Give either ``text`` or ``pages``. With ``pages``, a paragraph may run on
    across a page break, and ``page_starts`` records where each page begins.

    >>> clean_text("Udvalget støtter\\nmålene.\\n\\nNyt afsnit.").text
    'Udvalget støtter målene.\\n\\nNyt afsnit.'
    """
    if pages is None:
        pages = [text or ""]
    lines: list[tuple[str, int]] = []
    for page_no, page in enumerate(pages):
        page_lines = [ln.strip() for ln in normalise_characters(page).split("\n")]
        while page_lines and not page_lines[-1]:
            page_lines.pop()
        while page_lines and not page_lines[0]:
            page_lines.pop(0)
        lines.extend((ln, page_no) for ln in page_lines)
    out_parts: list[str] = []
    page_starts: list[int | None] = [None] * len(pages)
    joins = dehyph = 0
    offset = 0
    for block in _blocks(lines):
        block_lines = []
        for line, _ in block:
            repaired, n = _repair_inline_breaks(re.sub(r" {2,}", " ", line), language)
            block_lines.append(repaired)
            dehyph += n
        paragraphs, starts, j, d = _rejoin_block(block_lines, language)
        joins += j
        dehyph += d
        if out_parts:
            out_parts.append("\n\n")
            offset += 2
        paragraph_offsets = [0]
        for para in paragraphs[:-1]:
            paragraph_offsets.append(paragraph_offsets[-1] + len(para) + 1)
        for (_, page), (k, pos) in zip(block, starts):
            if page_starts[page] is None:  # the first line of a page
                page_starts[page] = offset + paragraph_offsets[k] + pos
        block_text = "\n".join(paragraphs)
        out_parts.append(block_text)
        offset += len(block_text)
    return CleanText("".join(out_parts), page_starts, dehyph, joins)
