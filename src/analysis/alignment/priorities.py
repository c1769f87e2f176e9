"""Priorities raised in each segment: codebook matching with evidence, negation and stance.

Rules (the codebook file documents the term syntax):

1. Words are compared at lemma level (:func:`analysis.text.lemma`) and as written
   (lower-cased), so "beskæftigelsen" and "beskæftigelsesindsatsen" both meet the term
   ``beskæftigelse`` (the second as a compound modifier), "ungdomsuddannelse" meets
   ``uddannelse`` (compound head).
2. Phrases first, longest first: the tokens of "negativ social kontrol" are claimed by
   that phrase and cannot also fire a single-word term of any priority. ``ignore``
   phrases (e.g. the policy's own title) and a priority's ``exclude`` phrases ("sund
   fornuft") block their tokens the same way. An elided compound modifier
   ("Beskæftigelses- og Integrationsudvalget") follows the word it shares a head with.
3. Negation does not remove a priority: "ikke tryg" and "uden beskæftigelse" still raise
   safety and employment. A match with a negator (ikke, ingen, uden, aldrig, ... ; not,
   no, without; nicht, kein, ohne) among the three words before it, in the same clause,
   is flagged ``negated``. A negated priority in a segment whose cue stance is neutral
   states a deficit, so that row's stance is ``concern``; explicit cues win otherwise.
4. Evidence comes only from ``content`` segments (:func:`evidence_segments`): headings,
   greetings, sender lines, signatures and page furniture never count, and the
   respondent's own name is blanked out of its segments ("Cyklistforbundet mener ..."
   does not raise cycling).
5. Stance comes from :func:`analysis.alignment.stance.segment_stance` (one per segment) and is
   copied to each priority row (with rule 3).

Speed: each distinct word form is lemmatised and matched once (cached), so work grows
with the vocabulary, not with the corpus; phrases are looked up by their first word.

>>> import pandas as pd
>>> from analysis.alignment.codebook import Codebook, Priority
>>> cb = Codebook((Priority("employment", "Employment", (), terms={"da": ("beskæftigelse",)}),), "1")
>>> segs = pd.DataFrame({"segment_id": ["s1"], "text": ["Flere borgere er uden beskæftigelse."]})
>>> segment_priorities(segs, cb)[["priority_id", "evidence", "negated", "stance"]].values.tolist()
[['employment', 'beskæftigelse', True, 'concern']]
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.alignment.codebook import Codebook, PhraseSet, load_codebook, word_regex
from analysis.alignment.stance import segment_stance
from analysis.languages import get_language
from analysis.text import check_language, lemma, tokenize

NEGATION_WINDOW = 3
CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]–—]")
ELIDED_HYPHEN = re.compile(r"-\s")
COLUMNS = ["segment_id", "priority_id", "evidence", "n_matches", "negated", "stance", "cue"]


class PriorityMatcher:
    """A codebook compiled for one language; call :meth:`match` on a text.

    >>> from analysis.alignment.codebook import Codebook, Priority
    >>> cb = Codebook((Priority("edu", "Education", (), terms={"da": ("uddannelse",)}),), "1")
    >>> [(m[0], m[3]) for m in PriorityMatcher(cb, "da").match("Flere ungdomsuddannelser")]
    [('edu', 'ungdomsuddannelser')]
    """

    def __init__(self, codebook: Codebook, language: str = "da"):
        self.codebook = codebook
        self.language = check_language(language)
        self.ids = codebook.ids
        self._term_rx: dict[str, re.Pattern] = {}
        for p in codebook:
            parts = [word_regex(t) for t in p.terms.get(language, ())]
            parts += [f"(?:{rx})" for rx in p.patterns.get(language, ())]
            if parts:
                self._term_rx[p.id] = re.compile("|".join(parts))
        # phrases of priorities, longest first; ignore and exclude phrases
        items = [((p.id, "phrase"), ph) for p in codebook for ph in p.phrases.get(language, ())]
        items += [((None, "ignore"), ph) for ph in codebook.ignore.get(language, ())]
        items += [((p.id, "exclude"), ph) for p in codebook for ph in p.exclude.get(language, ())]
        self._phrases = PhraseSet(items, language)
        lang = get_language(language)
        self._negators = lang.words("negations", "negators")
        self._joiners = lang.words("cleaning", "elision_joiners")
        self._word_cache: dict[str, tuple[str, tuple[str, ...]]] = {}

    def _word(self, low: str) -> tuple[str, tuple[str, ...]]:
        hit = self._word_cache.get(low)
        if hit is None:
            lem = lemma(low, self.language)
            prios = tuple(pid for pid, rx in self._term_rx.items() if rx.fullmatch(lem) or rx.fullmatch(low))
            hit = (lem, prios)
            self._word_cache[low] = hit
        return hit

    def _negated(self, text: str, toks, lows, start: int) -> bool:
        for j in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
            if CLAUSE_BREAK.search(text, toks[j].end, toks[j + 1].start):
                return False
            low = lows[j]
            if low in self._negators or ("n't" in self._negators and low.endswith("n't")):
                return True
        return False

    def match(self, text: str) -> list[tuple[str, int, int, str, bool]]:
        """Matches in ``text``: ``(priority_id, char_start, char_end, words as written, negated)``."""
        toks = tokenize(text)
        if not toks:
            return []
        lows = [t.text.lower() for t in toks]
        info = [self._word(w) for w in lows]
        lems = [i[0] for i in info]
        claimed: dict[int, str | None] = {}  # token -> priority (None: ignored)
        blocked: dict[int, set[str]] = {}
        found: list[tuple[str, int, int]] = []
        phrase_hits = self._phrases.find(lows, lems)
        for (pid, kind), s, e in sorted(phrase_hits, key=lambda m: (-(m[2] - m[1]), m[1])):
            span = range(s, e)
            if kind == "exclude":
                for i in span:
                    blocked.setdefault(i, set()).add(pid)
                continue
            if any(i in claimed for i in span):
                continue
            for i in span:
                claimed[i] = pid if kind == "phrase" else None
            if kind == "phrase":
                found.append((pid, s, e))
        # Elided compounds: in "Beskæftigelses- og Integrationsudvalget" the first word
        # shares the head of the last one; when that one is ignored, so is the first.
        for i in range(len(toks) - 2, -1, -1):
            if (claimed.get(i + 2, "") is None and lows[i + 1] in self._joiners
                    and ELIDED_HYPHEN.match(text, toks[i].end)):
                claimed[i] = None
        for i, (_, prios) in enumerate(info):
            if not prios or i in claimed:
                continue
            for pid in prios:
                if pid not in blocked.get(i, ()):
                    found.append((pid, i, i + 1))
        found.sort(key=lambda m: (m[1], self.ids.index(m[0])))
        return [
            (pid, toks[s].start, toks[e - 1].end, text[toks[s].start:toks[e - 1].end],
             self._negated(text, toks, lows, s))
            for pid, s, e in found
        ]


MIN_NAME_CHARS = 3


def evidence_segments(segments: pd.DataFrame, responses: pd.DataFrame | None = None) -> pd.DataFrame:
    """The segments that may count as evidence, with the respondent's own name blanked.

    Keeps ``kind == "content"`` segments (all segments when there is no ``kind``
    column). When ``responses`` has ``respondent``, every occurrence of that name in the
    response's segments (case-insensitive) is replaced by spaces of the same length, so
    character offsets stay valid.

    >>> seg = pd.DataFrame({"segment_id": ["a", "b"], "response_id": ["r", "r"],
    ...                     "kind": ["content", "signature"],
    ...                     "text": ["Cyklistforbundet ønsker flere cykelstier.", "Cyklistforbundet"]})
    >>> resp = pd.DataFrame({"response_id": ["r"], "respondent": ["Cyklistforbundet"]})
    >>> evidence_segments(seg, resp)["text"].tolist()
    ['                 ønsker flere cykelstier.']
    """
    from analysis.alignment.resampling import content_segments

    out = content_segments(segments).copy()
    if responses is None or "respondent" not in responses.columns or not len(out):
        return out
    names = dict(zip(responses["response_id"].astype(str), responses["respondent"].fillna("").astype(str)))
    texts = out["text"].fillna("").astype(str).to_numpy().copy()
    for i, rid in enumerate(out["response_id"].astype(str).to_numpy()):
        name = names.get(rid, "").strip()
        if len(name) >= MIN_NAME_CHARS and name.lower() in texts[i].lower():
            rx = re.compile(re.escape(name), re.IGNORECASE)
            texts[i] = rx.sub(lambda m: " " * len(m.group(0)), texts[i])
    out["text"] = texts
    return out


def segment_priorities(segments: pd.DataFrame, codebook: Codebook | str | Path, language: str = "da",
                       *, stance: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (segment, priority raised): evidence, negation and stance.

    Parameters
    ----------
    segments : DataFrame with ``segment_id`` and ``text``.
    codebook : a :class:`~analysis.alignment.codebook.Codebook` or the path of a codebook YAML.
    language : "da", "en" or "de".
    stance : optional precomputed :func:`analysis.alignment.stance.segment_stance` table.

    Returns
    -------
    DataFrame ``segment_id, priority_id, evidence, n_matches, negated, stance, cue``:
    ``evidence`` is the matched words as written, joined by " | " (distinct, in order);
    ``negated`` is true when any match is negated; ``cue`` the stance cue(s).
    """
    missing = {"segment_id", "text"} - set(segments.columns)
    if missing:
        raise ValueError(f"segments table lacks column(s) {sorted(missing)}; it needs segment_id and text.")
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    matcher = PriorityMatcher(cb, language)
    ids = segments["segment_id"].astype(str).to_numpy()
    texts = segments["text"].fillna("").astype(str).to_numpy()
    by_text: dict[str, list[tuple[str, str, int, bool]]] = {}
    rows = []
    for sid, text in zip(ids, texts):
        agg = by_text.get(text)
        if agg is None:
            per: dict[str, list] = {}
            for pid, _, _, words, neg in matcher.match(text):
                ev = per.setdefault(pid, [[], 0, False])
                if words not in ev[0]:
                    ev[0].append(words)
                ev[1] += 1
                ev[2] = ev[2] or neg
            agg = [(pid, " | ".join(v[0]), v[1], v[2]) for pid, v in per.items()]
            by_text[text] = agg
        rows.extend((sid, pid, ev, n, neg) for pid, ev, n, neg in agg)
    out = pd.DataFrame(rows, columns=["segment_id", "priority_id", "evidence", "n_matches", "negated"])
    if stance is None:
        hit_ids = set(out["segment_id"])
        stance = segment_stance(segments[segments["segment_id"].astype(str).isin(hit_ids)], language)
    st = stance[["segment_id", "stance", "cue"]].copy()
    st["segment_id"] = st["segment_id"].astype(str)
    out = out.merge(st, on="segment_id", how="left")
    out["stance"] = out["stance"].fillna("neutral")
    out["cue"] = out["cue"].fillna("")
    out.loc[out["negated"] & (out["stance"] == "neutral"), "stance"] = "concern"
    out["n_matches"] = out["n_matches"].astype("int64")
    out["negated"] = out["negated"].astype(bool)
    return out[COLUMNS].reset_index(drop=True)
