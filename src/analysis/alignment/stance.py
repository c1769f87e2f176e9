"""Stance of a segment: support, concern, request or neutral, from cue words.

The cues of each language live in the language registry, ``languages/<code>/stance.yaml``
(the negators in ``negations.yaml``); the file documents the cue syntax. On top of the word cues the sentence is read for:

- **scope of negation**: a negator ("ikke", "not", "nicht", ...) reaches a cue up to
  three words later within the same clause, or the word right before it (V2 order:
  "støtter ikke", "unterstützen nicht"); clause breaks (punctuation, contrast words)
  end its scope; "ikke kun", "not only", "nicht nur" are not negations. A negated
  support cue counts for concern, a negated concern cue is dropped.
- **scope of contrast**: after "men", "dog", "but", "however", "aber", "jedoch", ... the
  tail carries the main point (its cues weigh 1.5). A tail without cues
  of its own after a support cue in the head states what is still wrong: concern
  ("en positiv udvikling ..., men der er stadig flere uden beskæftigelse"). "stadig",
  "still", "immer noch" open such a tail only after a support cue and before a negator
  ("stadig flere uden beskæftigelse"); "men også", "but also" add, they do not contrast.
- **requests by modal verbs** in the present tense: "skal", "bør", "has to", "must",
  "should", "muss", "soll" ask for something (weight 0.6, so an explicit cue wins),
  also when negated after the verb ("bør ikke"); not in a question, and not with a
  negator right before a request cue ("ikke behov for").
- **deficits**: "ikke en gang", "uden at", "not even", "nicht einmal" are concern.
- **questions** without any cue are read as rhetorical criticism: concern (weight 0.5).
- **opposition**: "er imod", "stemmer imod", "nej til", "be against", "no to",
  "oppose", "sind gegen", "nein zu", "lehnen ... ab" are concern (weight 1.5).

Stance is a property of the segment, not of a priority: :mod:`analysis.alignment.priorities`
copies it onto every priority the segment raises.

>>> import pandas as pd
>>> segs = pd.DataFrame({"segment_id": ["a", "b"],
...                      "text": ["Udvalget støtter politikkens mål.",
...                               "Det er væsentligt, at planen koordineres med nationale tiltag."]})
>>> segment_stance(segs, "da")[["segment_id", "stance"]].values.tolist()
[['a', 'support'], ['b', 'request']]
>>> stance_of_text("Jeg er imod at fjerne parkeringspladser.")[0]
'concern'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.alignment.codebook import CodebookError, PhraseSet
from analysis.text import WORD_RE, check_language, lemma, tokenize
from analysis.languages import get_language

STANCES = ("support", "concern", "request", "neutral")
CUE_CLASSES = ("support", "concern", "request")
TIE_ORDER = ("request", "concern", "support")  # who wins a tie
CONTRAST_WEIGHT = 1.5
CONCESSIVE_WEIGHT = 0.5
NEGATION_WINDOW = 3        # words a negator reaches forward, within its clause
HEAD_WEIGHT = 1.0          # cues before a contrast word
MODAL_WEIGHT = 0.6
OPPOSITION_WEIGHT = 1.5
QUESTION_WEIGHT = 0.5
CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]–—]")

# Sentence-reading cue lists, per language in the registry (languages/<code>/stance.yaml).
SENTENCE_KEYS = ("modals", "opposition", "deficit", "contrast_after_support", "not_negation", "additive")


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
    modals: PhraseSet | None = None
    opposition: PhraseSet | None = None
    after_support: PhraseSet | None = None
    not_negation: PhraseSet | None = None
    combined: PhraseSet | None = None
    additive: frozenset[str] = frozenset()
    words: dict = field(default_factory=dict)  # lower-cased word → (lemma, phrases it can start)


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
    lists = {k: [str(w) for w in (block.get(k) or [])] for k in SENTENCE_KEYS}
    for cls in CUE_CLASSES:
        for cue, weight in _cue_entries(p, language, cls, block.get(cls, [])):
            if cue.startswith("re:"):
                try:
                    regexes.append((cls, weight, re.compile(cue[3:])))
                except re.error as exc:
                    raise CodebookError(f"{p}: {language}.{cls}: bad regular expression {cue!r} ({exc}).") from exc
            else:
                phrases.append(((cls, weight, cue), cue))
    cues = StanceCues(
        language=language,
        phrases=PhraseSet(phrases, language, lemmatize_words=False),
        regexes=regexes,
        negators=frozenset(str(w).lower() for w in block.get("negators", [])),
        contrast=PhraseSet([(w, w) for w in block.get("contrast", [])], language, lemmatize_words=False),
        concessive=PhraseSet([(w, w) for w in block.get("concessive", [])], language, lemmatize_words=False),
        ignore=PhraseSet([(w, w) for w in block.get("ignore", [])], language, lemmatize_words=False),
        version=str(raw.get("version", "")),
        modals=PhraseSet([((MODAL_WEIGHT, c), c) for c in lists["modals"]], language, lemmatize_words=False),
        opposition=PhraseSet([((OPPOSITION_WEIGHT, c), c) for c in lists["opposition"]]
                             + [((1.0, c), c) for c in lists["deficit"]], language, lemmatize_words=False),
        after_support=PhraseSet([(c, c) for c in lists["contrast_after_support"]], language, lemmatize_words=False),
        not_negation=PhraseSet([(c, c) for c in lists["not_negation"]], language, lemmatize_words=False),
        additive=frozenset(w.lower() for w in lists["additive"]),
    )
    cues.combined = _combine({k: getattr(cues, k) for k in PHRASE_KINDS}, language)
    cues.combined._first_filter()
    return cues


PHRASE_KINDS = ("phrases", "ignore", "not_negation", "contrast", "concessive", "modals", "opposition",
                "after_support")


def _combine(sets: dict[str, PhraseSet], language: str) -> PhraseSet:
    """One PhraseSet holding every kind's phrases (keys ``(kind, key)``): one pass per text."""
    out = PhraseSet([], language, lemmatize_words=False)
    out.items = [((kind, key), text, seq) for kind, ps in sets.items() for key, text, seq in ps.items]
    return out


def _by_kind(matches) -> dict[str, list]:
    out: dict[str, list] = {k: [] for k in PHRASE_KINDS}
    for (kind, key), s, e in matches:
        out[kind].append((key, s, e))
    return out


def _hits_by_kind(cues: StanceCues, lows, lems) -> dict[str, list]:
    return _by_kind(cues.combined.find(lows, lems))


def _word_info(cues: StanceCues, low: str) -> tuple[str, tuple[int, ...]]:
    """``(lemma, indices of the combined phrases it can start)`` of a lower-cased word, cached per cue set."""
    lem = lemma(low, cues.language)
    info = cues.words[low] = (lem, cues.combined._first_hits(low, lem))
    return info


def _hits_from_firsts(cues: StanceCues, lows, lems, firsts) -> dict[str, list]:
    """:func:`_hits_by_kind` given each token's first-word hits (cached per word in ``cues.words``)."""
    return _by_kind(cues.combined.matches(firsts, lows, lems))


def _is_negator(low: str, negators: frozenset[str]) -> bool:
    return low in negators or ("n't" in negators and low.endswith("n't"))


def _clause_ids(text: str, toks) -> list[int]:
    """Clause number of every token: a new clause after each punctuation break."""
    out, c = [], 0
    for i, t in enumerate(toks):
        if i and CLAUSE_BREAK.search(text, toks[i - 1].end, t.start):
            c += 1
        out.append(c)
    return out


def _negation_scope(lows, clause, cues: StanceCues, blocked: set[int]) -> set[int]:
    """Tokens inside the scope of a negator (see the module docs)."""
    inside: set[int] = set()
    for i, low in enumerate(lows):
        if i in blocked or not _is_negator(low, cues.negators):
            continue
        for j in range(i + 1, min(len(lows), i + 1 + NEGATION_WINDOW)):
            if clause[j] != clause[i] or j in blocked:
                break
            inside.add(j)
        if i > 0 and clause[i - 1] == clause[i]:
            inside.add(i - 1)  # V2: "støtter ikke"
    return inside


def stance_of_text(text: str, language: str = "da", cues: StanceCues | None = None) -> tuple[str, str, dict[str, float]]:
    """``(stance, cue evidence, scores)`` of one text. See the module docs for the rules.

    A text none of whose words starts a cue phrase, with no regex cue and no question mark,
    is neutral at once (the fast path; the full reading would give the same).

    >>> stance_of_text("Vi savner en plan for trafikken.")[:2]
    ('concern', 'savner')
    >>> stance_of_text("NO to the Fairness Ordinance", "en")[0]
    'concern'
    >>> stance_of_text("The budget has to pass before the summer.", "en")[0]
    'request'
    >>> stance_of_text("Det er en positiv udvikling, at ledigheden falder, men der er stadig "
    ...                "flere borgere uden beskæftigelse.")[0]
    'concern'
    """
    cues = cues or load_cues(language)
    lows = [w.lower() for w in WORD_RE.findall(text)]  # the words of tokenize(text), lower-cased
    words = cues.words
    infos = [words.get(w) or _word_info(cues, w) for w in lows]
    firsts = [f for _, f in infos]
    question = text.rstrip().endswith("?")
    low_text = text.lower().strip()
    regex_hits = [(cls, weight, m) for cls, weight, rx in cues.regexes if (m := rx.search(low_text))]
    hits = _hits_from_firsts(cues, lows, [lem for lem, _ in infos], firsts) if any(firsts) else None
    if not (question or regex_hits or (hits and (hits["phrases"] or hits["modals"] or hits["opposition"]))):
        return "neutral", "", {c: 0.0 for c in CUE_CLASSES}  # fast path: no cue of any kind
    hits = hits or {k: [] for k in PHRASE_KINDS}
    return _read_sentence(text, lows, hits, question, regex_hits, cues)


def _read_sentence(text: str, lows: list[str], hits: dict[str, list], question: bool, regex_hits: list,
                   cues: StanceCues) -> tuple[str, str, dict[str, float]]:
    """Scope of negation, contrast, modals and questions over the cue hits of one text."""
    toks = tokenize(text)
    ignored: set[int] = set()
    for _, s, e in hits["ignore"]:
        ignored.update(range(s, e))
    clause = _clause_ids(text, toks)
    not_neg: set[int] = set()
    for _, s, e in hits["not_negation"]:
        not_neg.update(range(s, e))
    # "men også", "but also", "sondern auch" add rather than contrast
    contrast_hits = sorted(s for _, s, e in hits["contrast"]
                           if not (e < len(lows) and lows[e] in cues.additive))
    contrast_set = set(contrast_hits)
    clause = [c + sum(1 for h in contrast_hits if h <= i) * 1000 for i, c in enumerate(clause)]
    negated_at = _negation_scope(lows, clause, cues, not_neg | contrast_set)
    concessive_spans = []
    for _, s, e in hits["concessive"]:
        comma = text.find(",", toks[e - 1].end)
        stop = len(toks) if comma < 0 else next((j for j, t in enumerate(toks) if t.start > comma), len(toks))
        concessive_spans.append((s, stop))

    found: list[tuple[str, float, int, int]] = []  # class, weight, start, end
    for (cls, weight, _cue), s, e in hits["phrases"]:
        found.append((cls, weight, s, e, _cue))
    for (weight, _cue), s, e in ([] if question else hits["modals"]):
        found.append(("request", weight, s, e, _cue))
    for (weight, _cue), s, e in hits["opposition"]:
        found.append(("concern", weight, s, e, _cue))
    # longest span first; on the same span the more specific cue ("bakke ikke op" before "bakke ~ op")
    found.sort(key=lambda m: (m[2], -(m[3] - m[2]), -len(m[4].replace("~", " ").split()), CUE_CLASSES.index(m[0])))
    kept: list[tuple[str, float, int, int]] = []
    taken: list[tuple[int, int]] = []
    for cls, weight, s, e, _cue in found:
        span = range(s, e)
        if any(i in ignored for i in span):
            continue
        if any(a <= s and e <= b for a, b in taken):
            continue  # inside (or the same as) a longer cue already counted
        taken.append((s, e))
        negated = any(i in negated_at for i in span) or (e < len(lows) and e in negated_at
                                                          and _is_negator(lows[e], cues.negators))
        own = set(_cue.lower().split())  # a cue may hold a negator itself ("ikke tilstrækkelig")
        negated = (negated and not own & cues.negators) or any(
            _is_negator(lows[i], cues.negators) and lows[i] not in own for i in span)
        if negated and cls == "support":
            cls = "concern"
        elif negated and cls == "concern":
            continue
        elif cls == "request" and s > 0 and _is_negator(lows[s - 1], cues.negators) and s - 1 not in not_neg:
            continue  # "ikke behov for", "not important that": no request
        if any(a <= s < b for a, b in concessive_spans):
            if cls == "support":
                cls = "concern"
            else:
                weight *= CONCESSIVE_WEIGHT
        kept.append((cls, weight, s, e))

    # contrast: the first contrast word (or "stadig" after a support cue) opens the tail
    first_support = min((s for c, _, s, _ in kept if c == "support"), default=None)
    pivots = list(contrast_hits)
    if first_support is not None and cues.after_support is not None:
        pivots += [s for _, s, _ in hits["after_support"]  # "stadig ... uden", "still no"
                   if s > first_support and any(_is_negator(w, cues.negators) for w in lows[s + 1:])]
    pivot = min((p for p in pivots if p > 0 or first_support is None), default=None)
    scores = {c: 0.0 for c in CUE_CLASSES}
    evidence: dict[str, list[str]] = {c: [] for c in CUE_CLASSES}
    tail_has_cue = pivot is not None and any(s > pivot for _, _, s, _ in kept)
    for cls, weight, s, e in kept:
        if pivot is not None and tail_has_cue:
            weight *= CONTRAST_WEIGHT if s > pivot else HEAD_WEIGHT
        scores[cls] += weight
        evidence[cls].append(text[toks[s].start:toks[e - 1].end])
    if pivot is not None and not tail_has_cue and first_support is not None and first_support < pivot \
            and pivot < len(toks) - 2:
        scores["concern"] += max(scores["support"], 1.0) * CONTRAST_WEIGHT
        evidence["concern"].append(text[toks[pivot].start:toks[pivot].end] + " …")
    if question and max(scores.values()) <= 0:
        scores["concern"] += QUESTION_WEIGHT  # a question with no cue is mostly rhetorical criticism
        evidence["concern"].append("?")
    for cls, weight, m in regex_hits:
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
    texts = np.asarray(segments["text"].fillna("").astype(str).tolist(), dtype=object)
    codes, uniq = pd.factorize(texts)  # each distinct text is read once
    res = [stance_of_text(t, language, cues) for t in uniq]
    out = pd.DataFrame({
        "segment_id": segments["segment_id"].astype(str).to_numpy(),
        "stance": np.asarray([r[0] for r in res], dtype=object)[codes],
        "cue": np.asarray([r[1] for r in res], dtype=object)[codes],
    })
    for c in CUE_CLASSES:
        out[f"score_{c}"] = np.asarray([r[2][c] for r in res], dtype=float)[codes]
    return out
