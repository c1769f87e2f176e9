"""Personal data beyond one text: names that recur across responses, and file names.

Two corpus-level safeguards complete :mod:`analysis.corpus.redact`:

* :func:`redact_recurring_names`: a name found (by a cue) in one response is
  redacted wherever it recurs in any response, so a person named in many
  responses never becomes a key term, a theme label or a quote. Full names are
  replaced in any capitalisation; single name words only where written with a
  capital (a surname such as "Skov" or "Sommer" is also an ordinary word).
* :func:`file_name_is_safe` / :func:`neutral_id`: an id or ``source`` made
  from a file name keeps the name only when it holds no personal data (no
  e-mail, number or name-like pair of words); otherwise a neutral id derived
  from a hash of the name is used.

>>> texts, n = redact_recurring_names({"a": "Mvh [NAVN]", "b": "Som Jens Kvistholm skrev."}, ["Jens Kvistholm"])
>>> texts["b"], n["b"]
('Som [NAVN] skrev.', 1)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from analysis.corpus.redact import find_personal_data
from analysis.corpus.redact_names import _NOT_NAMES, _org_or_role, _stop, looks_like_name

__all__ = ["redact_recurring_names", "recurring_name_pattern", "file_name_is_safe", "neutral_id",
           "mask_file_name"]

_PLACEHOLDER = "[NAVN]"


def _name_words(names: Iterable[str], languages: Iterable[str]) -> tuple[set[str], set[str]]:
    """Full names (lower-cased) and single name words (as capitalised) worth searching for."""
    stops: set[str] = set()
    for lang in set(languages):
        stops |= _stop(lang)
    full, words = set(), set()
    for name in names:
        parts = [w.strip(".,;:()") for w in name.split()]
        parts = [w for w in parts if w]
        if len(parts) >= 2:
            full.add(" ".join(parts).lower())
        for w in parts:
            low = w.lower()
            if len(low) >= 3 and w.replace("-", "").isalpha() and low not in stops and low not in _NOT_NAMES \
                    and not _org_or_role([w]):
                words.add(w[:1].upper() + w[1:].lower())
    return full, words


def recurring_name_pattern(names: Iterable[str], languages: Iterable[str] = ("da",)) -> re.Pattern | None:
    """One regular expression matching every full name (any case) and name word (capitalised).

    >>> bool(recurring_name_pattern(["Jens Kvistholm"]).search("ifølge KVISTHOLM"))
    True
    """
    full, words = _name_words(names, languages)
    if not full and not words:
        return None
    alts = [r"(?i:" + r"\s+".join(map(re.escape, f.split())) + r")" for f in sorted(full, key=len, reverse=True)]
    alts += [re.escape(w) + "|" + re.escape(w.upper()) for w in sorted(words, key=len, reverse=True)]
    return re.compile(r"(?<![\w\[])(?:" + "|".join(alts) + r")(?![\w\]])")


def redact_recurring_names(texts: Mapping[str, str], names: Iterable[str],
                           languages: Iterable[str] = ("da",)) -> tuple[dict[str, str], dict[str, int]]:
    """Replace every recurrence of ``names`` in ``texts`` by ``[NAVN]``; return texts and counts per key.

    One pass over each text with a single compiled pattern (linear in the text).
    """
    pattern = recurring_name_pattern(names, languages)
    out, counts = dict(texts), dict.fromkeys(texts, 0)
    if pattern is None:
        return out, counts
    for key, text in texts.items():
        if text:
            new, n = pattern.subn(_PLACEHOLDER, text)
            out[key], counts[key] = new, n
    return out, counts


def _words_of(stem: str) -> str:
    spaced = re.sub(r"[_\-.+,;~()\[\]]+", " ", stem)
    return re.sub(r"(?<=[a-zæøåäöüß])(?=[A-ZÆØÅÄÖÜ])", " ", spaced).strip()


def file_name_is_safe(name: str, language: str = "da", known_names: Iterable[str] = ()) -> bool:
    """True when a (relative) file name holds no personal data and can be shown.

    >>> file_name_is_safe("svar_07.pdf"), file_name_is_safe("anna_holm.txt"), file_name_is_safe("x@y.dk.txt")
    (True, False, False)
    """
    known = {w.lower() for n in known_names for w in n.split()}
    for part in PurePosixPath(name.split("#", 1)[0]).parts:
        stem = part.rsplit(".", 1)[0] if "." in part else part
        if "@" in stem or re.search(r"\d(?:[\s_\-.]?\d){5,}", stem):
            return False
        words = _words_of(stem)
        if find_personal_data(words, language) or find_personal_data("Mvh\n" + words, language):
            return False
        tokens = words.split()
        if any(t.lower() in known for t in tokens if len(t) >= 3):
            return False
        stops = _stop("da") | _stop("en") | _stop("de")  # file names mix languages
        for size in (2, 3):
            for i in range(len(tokens) - size + 1):
                window = tokens[i:i + size]
                if any(t.lower() in stops for t in window):
                    continue
                if looks_like_name(" ".join(window).lower(), language):
                    return False
    return True


def neutral_id(name: str) -> str:
    """A stable id for a file whose name may hold personal data.

    >>> neutral_id("anna_holm.txt")
    'f-690229e4'
    """
    return "f-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def mask_file_name(name: str) -> str:
    """The neutral form of a file name: its id with the original extension.

    >>> mask_file_name("sub/anna_holm.txt")
    'f-1ce24600.txt'
    """
    path = name.split("#", 1)[0]
    suffix = PurePosixPath(path).suffix
    return neutral_id(path) + suffix
