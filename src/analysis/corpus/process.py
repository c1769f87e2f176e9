r"""One response on its way through ingest: read → redact → clean → redact again → describe.

Redaction runs on the text as the reader gave it, line by line, *before*
cleaning rejoins hard-wrapped lines (so a signature name and the e-mail line
under it are still two lines when the name rules look at them), and once more
on the cleaned text (a phone number broken over two lines). A text longer than
``max_chars`` after reading (a small file that expands, a 10 MB line) is not
cleaned at all and is reported as ``too_large``.

>>> item = Item("svar.txt", "svar", {}, Document("Med venlig hilsen\nAnna Vestergaard\nanna.v@mail.dk"))
>>> row, _, counts, names = process(item, "da", "h", redact=True, keep_office_holders=False)
>>> row["text"], names
('Med venlig hilsen\n[NAVN] [EMAIL]', ['Anna Vestergaard'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from analysis.corpus.cleaning import clean_text, normalise_characters
from analysis.corpus.readers import Document
from analysis.corpus.redact import KINDS, redact_and_collect
from analysis.corpus.respondents import infer_respondent_type, normalise_respondent_type
from analysis.languages import get_language, language_codes
from analysis.text import WORD_RE

__all__ = ["Item", "process", "classify_attachment_only", "parse_date", "DEFAULT_MAX_CHARS",
           "ANALYSABLE_STATUSES"]

# Responses with these statuses are segmented and analysed.
ANALYSABLE_STATUSES = ("ok", "warning")
# Export limits known to cut texts: a text of exactly this length was probably truncated.
KNOWN_EXPORT_LIMITS = (8000, 32767)
# Longest text (characters, after reading) that is cleaned and analysed: about 1,000 pages.
DEFAULT_MAX_CHARS = 3_000_000

# A sentence that names an attachment is a mere reference with at most this many words
# besides the cue (numbers not counted); what remains outside such sentences and
# courtesy lines must be shorter than _ATTACHMENT_REST_CHARS.
_ATTACHMENT_MAX_WORDS = 8
_ATTACHMENT_REST_CHARS = 40
_PLACEHOLDER_LINE = r"\[NAVN\].*"  # a line that is only the redacted signature (any language)


@lru_cache(maxsize=8)
def _attachment_patterns(codes: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """Cue pattern and courtesy-line pattern over the languages ``codes`` (registry)."""
    cues = [c for code in codes for c in get_language(code).entries("kinds", "attachment_cues")]
    courtesy = [c for code in codes for c in get_language(code).entries("kinds", "courtesy_lines")]
    cue = re.compile(r"(?<!\w)(?:" + "|".join(cues or [r"(?!x)x"]) + ")", re.IGNORECASE)
    polite = re.compile(r"^(?:" + "|".join(courtesy + [_PLACEHOLDER_LINE]) + r")$", re.IGNORECASE)
    return cue, polite


def _words_besides_numbers(sentence: str) -> int:
    return sum(1 for m in WORD_RE.finditer(sentence) if not m.group().isdigit())


@dataclass
class Item:
    """One response on its way through ingest."""

    source: str
    response_id: str
    meta: dict[str, str]
    document: Document | None = None
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    from_file_name: bool = False  # the id is still to be made from the file name

    def flag(self, status: str, reason: str) -> None:
        # A failure status outranks "warning", which outranks "ok".
        if status != "warning" or self.status == "ok":
            self.status = status
        self.reasons.append(reason)


def classify_attachment_only(text: str, language: str = "da") -> bool:
    """True when a response only says that the real answer is in an attachment.

    The attachment cues and courtesy lines of every registered language are used
    (``kinds.yaml``: ``attachment_cues``, ``courtesy_lines``). A sentence with a cue
    must itself be a short reference, and little may remain besides such sentences
    and courtesy lines: "Siehe Anhang." is attachment-only, "PV-Anlagen auf jedes
    Dach" is not (an "Anlage" is also an installation).

    >>> classify_attachment_only("Se vedhæftet høringssvar.")
    True
    >>> classify_attachment_only("Mit høringssvar er vedhæftet. Hovedpunkterne er: mere cykelsti og "
    ...                          "et gennemsigtigt CO2-regnskab for biomasse i fjernvarmen.")
    False
    """
    codes = (language,) + tuple(c for c in language_codes() if c != language) if language in language_codes() \
        else language_codes()
    cue, polite = _attachment_patterns(codes)
    if not text or not cue.search(text):
        return False
    rest, referred = [], False
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            if not sentence:
                continue
            if cue.search(sentence):
                if _words_besides_numbers(cue.sub(" ", sentence)) > _ATTACHMENT_MAX_WORDS:
                    return False  # the cue sits in a sentence that says something itself
                referred = True
            elif not polite.match(sentence):
                rest.append(sentence)
    return referred and len(" ".join(rest)) < _ATTACHMENT_REST_CHARS


_POLIS_DATE = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2})")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y",
                 "%d.%m.%y", "%m/%d/%Y", "%b %d %Y %H:%M:%S", "%Y/%m/%d")


def parse_date(value: str) -> str | None:
    """An ISO date (``YYYY-MM-DD``) for the date forms exports use; ``None`` if not a date.

    Epoch times (seconds or milliseconds, as Polis writes them), ISO forms,
    ``15.05.2025``, ``15/05/2025`` (day first) and the JavaScript form Polis
    writes (``Tue Jan 29 2019 16:16:41 GMT-0800 (…)``) are read.

    >>> parse_date("Tue Jan 29 2019 16:16:41 GMT-0800 (PST)"), parse_date("1548807401000"), parse_date("15.05.2025")
    ('2019-01-29', '2019-01-30', '2025-05-15')
    """
    s = str(value).strip()
    if not s:
        return None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", s):
        seconds = float(s) / (1000 if len(s.split(".")[0]) > 11 else 1)
        return datetime.utcfromtimestamp(seconds).date().isoformat()
    m = _POLIS_DATE.match(s)
    if m:
        s = m.group(1)
    s = re.sub(r"(?:Z|[+-]\d{2}:?\d{2})$", "", s.split(".")[0] if re.match(r"\d{4}-", s) else s)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _redact_pages(pages: list[str], lang: str, keep: bool, counts: dict, names: list) -> list[str]:
    out = []
    for page in pages:
        text, c, found = redact_and_collect(normalise_characters(page), lang, keep)
        out.append(text)
        names.extend(found)
        for k, n in c.items():
            counts[k] += n
    return out


def _text_of(item: Item, lang: str, redact: bool, keep: bool, max_chars: int):
    """Redacted, cleaned text of an item's document, its page starts, counts and names."""
    doc = item.document
    counts, names = dict.fromkeys(KINDS, 0), []
    if doc is None:
        return "", [], counts, names
    for w in doc.warnings:
        item.flag("warning", w)
    pages = doc.pages if doc.pages is not None else [doc.text or ""]
    size = sum(len(p) for p in pages)
    if max_chars and size > max_chars:
        item.flag("too_large", f"{item.source}: {size:,} characters of text, more than the {max_chars:,} limit "
                               "for one response; not analysed. Split it into one file per response, or raise "
                               "the limit (ingest(..., max_chars=…)).")
        return "", [], counts, names
    clean = _clean_and_redact_copies if size <= _CACHED_CHARS else _clean_and_redact
    text, page_starts, counted, found = clean(tuple(pages), doc.pages is not None, lang, redact, keep)
    counts.update(counted)
    return text, list(page_starts), counts, list(found)


def _clean_and_redact(pages: tuple[str, ...], paged: bool, lang: str, redact: bool, keep: bool):
    """Text, page starts, redaction counts and names of one document's pages (all immutable)."""
    counts, names = dict.fromkeys(KINDS, 0), []
    if redact:
        pages = _redact_pages(list(pages), lang, keep, counts, names)
    cleaned = clean_text(None, pages=list(pages), language=lang) if paged else clean_text(pages[0], language=lang)
    text = cleaned.text
    if redact and text:
        text, c, found = redact_and_collect(text, lang, keep)
        names.extend(found)
        for k, n in c.items():
            counts[k] += n
    return text, tuple(cleaned.page_starts), tuple(counts.items()), tuple(names)


# Exact copies (form letters) of documents up to this size are cleaned and redacted once and
# the result reused for every copy; ingest clears the cache when it starts.
_CACHED_CHARS = 50_000
_clean_and_redact_copies = lru_cache(maxsize=4096)(_clean_and_redact)


def forget_copies() -> None:
    """Empty the cache of cleaned and redacted copies (at the start of an ingest)."""
    _clean_and_redact_copies.cache_clear()


def process(item: Item, language: str, hearing: str, redact: bool, keep_office_holders: bool,
            max_chars: int = DEFAULT_MAX_CHARS) -> tuple[dict, list[int | None], dict[str, int], list[str]]:
    """Redact, clean and describe one item; return its responses row, page starts, redactions, names."""
    lang = item.meta.get("language") or language
    if lang not in language_codes():
        item.flag("warning", f"{item.source}: language {lang!r} is not supported; analysed as {language!r}.")
        lang = language
    text, page_starts, counts, names = _text_of(item, lang, redact, keep_office_holders, max_chars)
    doc = item.document
    if doc is not None and item.status != "too_large":
        if not text.strip():
            item.flag("empty", f"{item.source}: no text after cleaning. Check that the file or cell holds the "
                               "response; an empty answer is kept as an empty response.")
        elif classify_attachment_only(text, lang):
            item.flag("attachment_only", f"{item.source}: only says the answer is in an attachment that is not "
                                         "in the input. Add the attachment as its own file to analyse it.")
        elif len(text) in KNOWN_EXPORT_LIMITS or (doc.text and len(doc.text) in KNOWN_EXPORT_LIMITS):
            item.flag("warning", f"{item.source}: exactly {len(doc.text):,} characters, a known export limit; the "
                                 "text was probably cut off. Get the full text from the platform if you can.")
    date = item.meta.get("date", "")
    if date:
        iso = parse_date(date)
        if iso is None:
            item.flag("warning", f"{item.source}: date {date!r} is not a date this package reads; it is left "
                                 "empty. Write dates as YYYY-MM-DD.")
        date = iso or ""
    manifest_type = normalise_respondent_type(item.meta.get("respondent_type"))
    platform_type = normalise_respondent_type(item.meta.get("platform_type"))
    inferred, org_name, rule = infer_respondent_type(text, item.meta.get("respondent", ""))
    if manifest_type:
        rtype, source = manifest_type, "manifest"
    elif platform_type:  # a platform category we can map ("Organization", "Individual")
        rtype, source = platform_type, f"platform category {item.meta['platform_type']!r}"
    else:
        rtype, source = inferred, f"inferred: {rule}"
        if item.status in ("attachment_only", "empty") and rule.startswith(("writes in", "names no", "too little")):
            rtype, source = "unknown", "inferred: too little text to tell who answered"
        given = item.meta.get("respondent_type") or item.meta.get("platform_type")
        if given:
            source += f" (the source said {given!r}, which is not used)"
    respondent = item.meta.get("respondent") or org_name or f"{rtype.replace('_', ' ')} {item.response_id}"
    row = {
        "response_id": item.response_id,
        "respondent": respondent,
        "respondent_type": rtype,
        "respondent_type_source": source,
        "hearing": item.meta.get("hearing") or hearing,
        "language": lang,
        "date": date,
        "source": item.source,
        "text": text,
        "n_chars": len(text),
        "status": item.status,
    }
    return row, page_starts, counts, names
