"""Stance of a segment: support, concern, request or neutral, from cue words.

The cues of each language live in the language registry, ``languages/<code>/stance.yaml``
(the negators in ``negations.yaml``); the file documents the cue syntax and the rules
(negation, concession, contrast, ties).
Stance is a property of the segment, not of a priority: :mod:`analysis.alignment.priorities`
copies it onto every priority the segment raises.

>>> import pandas as pd
>>> segs = pd.DataFrame({"segment_id": ["a", "b"],
...                      "text": ["Udvalget støtter politikkens mål.",
...                               "Det er væsentligt, at planen koordineres med nationale tiltag."]})
>>> segment_stance(segs, "da")[["segment_id", "stance"]].values.tolist()
[['a', 'support'], ['b', 'request']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.alignment.codebook import CodebookError, PhraseSet
from analysis.languages import get_language
from analysis.text import check_language, lemma, tokenize

STANCES = ("support", "concern", "request", "neutral")
CUE_CLASSES = ("support", "concern", "request")
TIE_ORDER = ("request", "concern", "support")  # who wins a tie
CONTRAST_WEIGHT = 1.5
CONCESSIVE_WEIGHT = 0.5
NEGATION_WINDOW = 2


def default_cues_path(language: str = "da") -> Path:
    """Path of the registry's cue file of ``language``.

    >>> default_cues_path("da").name
    'stance.yaml'
    """
    return get_language(language).resource_path("stance")


@dataclass
class StanceCues:
    """Compiled cues of one language."""

    language: str
    phrases: PhraseSet  # keys: (class, weight, cue text)
    regexes: list[tuple[str, float, re.Pattern]]
    negators: frozenset[str]
    contrast: PhraseSet
    concessive: PhraseSet
    ignore: PhraseSet
    version: str


def _cue_entries(path: Path, lang: str, cls: str, items: Any) -> list[tuple[str, float]]:
    if not isinstance(items, list):
        raise CodebookError(f"{path}: {lang}.{cls} must be a list of cues.")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            cue, weight = item.get("cue"), item.get("weight", 1.0)
        else:
            cue, weight = item, 1.0
        if not isinstance(cue, str) or not cue.strip():
            raise CodebookError(f"{path}: {lang}.{cls}[{i}] is empty; write the cue or remove it.")
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise CodebookError(f"{path}: {lang}.{cls}[{i}] weight {weight!r} is not a number.") from None
        out.append((cue.strip(), weight))
    return out


@lru_cache(maxsize=16)
def load_cues(language: str = "da", path: str | None = None) -> StanceCues:
    """Read and compile the stance cues of ``language`` (cached).

    Without ``path`` the cues come from the language registry (``stance.yaml`` and the
    negators of ``negations.yaml``); a ``path`` names a cue file with one block per
    language (``da:``, ``en:``, …), each holding the keys of ``stance.yaml`` and ``negators``.

    >>> load_cues("da").language
    'da'
    """
    check_language(language)
    if path:
        p = Path(path)
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CodebookError(f"{p}: cannot read stance cues ({exc}).") from exc
        if not isinstance(raw, dict) or language not in raw:
            raise CodebookError(f"{p}: no cues for language {language!r}; add a `{language}:` block.")
        block = raw[language]
    else:
        lang = get_language(language)
        p = lang.resource_path("stance")
        raw = lang.resource("stance")
        block = {**raw, "negators": sorted(lang.words("negations", "negators"))}
    phrases, regexes = [], []
    for cls in CUE_CLASSES:
        for cue, weight in _cue_entries(p, language, cls, block.get(cls, [])):
            if cue.startswith("re:"):
                try:
                    regexes.append((cls, weight, re.compile(cue[3:])))
                except re.error as exc:
                    raise CodebookError(f"{p}: {language}.{cls}: bad regular expression {cue!r} ({exc}).") from exc
            else:
                phrases.append(((cls, weight, cue), cue))
    return StanceCues(
        language=language,
        phrases=PhraseSet(phrases, language, lemmatize_words=False),
        regexes=regexes,
        negators=frozenset(str(w).lower() for w in block.get("negators", [])),
        contrast=PhraseSet([(w, w) for w in block.get("contrast", [])], language, lemmatize_words=False),
        concessive=PhraseSet([(w, w) for w in block.get("concessive", [])], language, lemmatize_words=False),
        ignore=PhraseSet([(w, w) for w in block.get("ignore", [])], language, lemmatize_words=False),
        version=str(raw.get("version", "")),
    )


def _is_negator(low: str, negators: frozenset[str]) -> bool:
    return low in negators or ("n't" in negators and low.endswith("n't"))


def stance_of_text(text: str, language: str = "da", cues: StanceCues | None = None) -> tuple[str, str, dict[str, float]]:
    """``(stance, cue evidence, scores)`` of one text. See the module docs for the rules.

    >>> stance_of_text("Vi savner en plan for trafikken.")[:2]
    ('concern', 'savner')
    """
    cues = cues or load_cues(language)
    toks = tokenize(text)
    lows = [t.text.lower() for t in toks]
    lems = [lemma(w, language) for w in lows]
    ignored: set[int] = set()
    for _, s, e in cues.ignore.find(lows, lems):
        ignored.update(range(s, e))
    # clause structure
    contrast_from = min((s for _, s, _ in cues.contrast.find(lows, lems)), default=None)
    concessive_spans = []
    for _, s, e in cues.concessive.find(lows, lems):
        comma = text.find(",", toks[e - 1].end)
        stop = len(toks) if comma < 0 else next((j for j, t in enumerate(toks) if t.start > comma), len(toks))
        concessive_spans.append((s, stop))

    scores = {c: 0.0 for c in CUE_CLASSES}
    evidence: dict[str, list[str]] = {c: [] for c in CUE_CLASSES}
    taken: set[tuple[int, int]] = set()
    matches = sorted(cues.phrases.find(lows, lems), key=lambda m: (m[1], -(m[2] - m[1])))
    for (cls, weight, _cue), s, e in matches:
        span = range(s, e)
        if any(i in ignored for i in span):
            continue
        if any(a <= s and e <= b and (a, b) != (s, e) for a, b in taken):
            continue  # inside a longer cue already counted ("ikke tilstrækkelig" vs "tilstrækkelig")
        taken.add((s, e))
        own = set(span)
        window = [i for i in range(max(0, s - NEGATION_WINDOW), min(len(lows), e + 1)) if i not in own]
        negated = any(_is_negator(lows[i], cues.negators) for i in window)
        if negated and cls == "support":
            cls = "concern"
        elif negated and cls == "concern":
            continue
        elif cls == "request" and s > 0 and _is_negator(lows[s - 1], cues.negators) and (s - 1) not in own:
            continue  # "ikke behov for", "not important that": no request
        if any(a <= s < b for a, b in concessive_spans):
            if cls == "support":
                cls = "concern"
            else:
                weight *= CONCESSIVE_WEIGHT
        elif contrast_from is not None and s > contrast_from:
            weight *= CONTRAST_WEIGHT
        scores[cls] += weight
        evidence[cls].append(text[toks[s].start:toks[e - 1].end])
    low_text = text.lower().strip()
    for cls, weight, rx in cues.regexes:
        m = rx.search(low_text)
        if m:
            scores[cls] += weight
            evidence[cls].append(m.group(0).strip()[:60])
    best = max(scores.values())
    if best <= 0:
        return "neutral", "", scores
    stance = next(c for c in TIE_ORDER if scores[c] == best)
    return stance, "; ".join(evidence[stance]), scores


def segment_stance(segments: pd.DataFrame, language: str = "da", *, cues_path: str | Path | None = None) -> pd.DataFrame:
    """Stance of every segment: ``segment_id, stance, cue, score_support, score_concern, score_request``.

    ``segments`` needs ``segment_id`` and ``text``. Identical texts are scored once.

    >>> import pandas as pd
    >>> segment_stance(pd.DataFrame({"segment_id": ["x"], "text": ["We urge the council to act."]}), "en").stance[0]
    'request'
    """
    missing = {"segment_id", "text"} - set(segments.columns)
    if missing:
        raise ValueError(f"segments table lacks column(s) {sorted(missing)}; it needs segment_id and text.")
    cues = load_cues(check_language(language), str(cues_path) if cues_path else None)
    texts = segments["text"].fillna("").astype(str)
    uniq = pd.unique(texts)
    res = {t: stance_of_text(t, language, cues) for t in uniq}
    out = pd.DataFrame({
        "segment_id": segments["segment_id"].astype(str).to_numpy(),
        "stance": [res[t][0] for t in texts],
        "cue": [res[t][1] for t in texts],
    })
    for c in CUE_CLASSES:
        out[f"score_{c}"] = np.array([res[t][2][c] for t in texts], dtype=float)
    return out
