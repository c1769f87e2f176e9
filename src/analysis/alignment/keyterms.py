"""Keyness: which content words of the corpus language mark a group against the rest.

Terms are lemmas of content words: stop words of the corpus language, numbers, words
of one or two letters and redaction placeholders ("[NAVN]") are left out, and so are
words of another language (:func:`foreign_word`: an English "and" in Danish
responses is a quotation or a name, not a key term of Danish citizens).

>>> foreign_word("and", "da"), foreign_word("klima", "da"), foreign_word("der", "da")
(True, False, False)
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from analysis.alignment.resampling import responses_frame, units
from analysis.text import LANGUAGES, WORD_RE, lemma, stop_words, tokenize

FOREIGN_MARGIN = 1.0      # Zipf points another language must lead by
FOREIGN_COMMON = 4.0      # a word this common elsewhere and rare here is foreign
FOREIGN_RARE_HERE = 2.5


@lru_cache(maxsize=200_000)
def foreign_word(word: str, language: str) -> bool:
    """True when ``word`` belongs to another language rather than ``language``.

    A word is foreign when it is a stop word of another supported language that is at
    least one Zipf point more frequent there than here, or when it is common in another
    language (Zipf ≥ 4) and rare here (Zipf < 2.5). Frequencies come from ``wordfreq``
    (offline data shipped with the package).
    """
    from wordfreq import zipf_frequency

    here = zipf_frequency(word, language)
    for other in LANGUAGES:
        if other == language:
            continue
        there = zipf_frequency(word, other)
        if word in stop_words(other, consultation=False) and there > here + FOREIGN_MARGIN:
            return True
        if there >= FOREIGN_COMMON and here < FOREIGN_RARE_HERE:
            return True
    return False


def content_analyzer(language: str):
    """A function text → content-word lemmas of ``language`` (see the module docs).

    A word is judged alone (stop word, foreign word, lemma: nothing depends on its
    neighbours), so each distinct word is judged once per analyser; only the redaction
    placeholder test looks at the brackets around it.

    >>> content_analyzer("da")("Borgerne i [NAVN] ønsker flere cykelstier.")
    ['borger', 'cykelsti']
    """
    stops = stop_words(language)
    judged: dict[str, str] = {}

    def judge(word: str) -> str:
        low = word.lower()
        if low in stops or foreign_word(low, language):
            return ""
        lem = lemma(word, language)
        return lem if len(lem) > 2 and not lem.isdigit() and lem not in stops and WORD_RE.fullmatch(lem) else ""

    def analyze(text: str) -> list[str]:
        out = []
        for t in tokenize(text):
            if text[t.start - 1:t.start] == "[" and text[t.end:t.end + 1] == "]":
                continue  # redaction placeholders such as [NAVN]
            lem = judged.get(t.text)
            if lem is None:
                lem = judged[t.text] = judge(t.text)
            if lem:
                out.append(lem)
        return out
    return analyze


def keyness(segments: pd.DataFrame, responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
            language: str = "da", min_count: int = 3, min_responses: int = 2,
            count_campaigns: str = "per_response") -> pd.DataFrame:
    """Lemma keyness of each group against all other responses (quanteda-style).

    G² is Dunning's log-likelihood (1 df); ``q_value`` is the Benjamini–Hochberg adjusted
    p-value within each group's comparison; ``value`` is the effect size log2 ratio of
    relative frequencies (0.5 added to both counts) with a normal-approximation 95 %
    interval. ``n`` is the term's count in both parts. With ``count_campaigns="once"``
    only the first member of each duplicate group is counted. Terms occurring fewer than
    ``min_count`` times in total, or in fewer than ``min_responses`` responses (one
    letter's pet word), are left out.
    """
    cols = ["group", "term", "count_target", "count_reference", "g2", "p_value", "q_value", "direction",
            "value", "ci_low", "ci_high", "n"]
    resp = responses_frame(segments, responses)
    if count_campaigns == "once":
        unit, _ = units(resp, "once")
        resp = resp[~pd.Series(unit).duplicated().to_numpy()]
    analyze = content_analyzer(language)
    seg = segments[segments["response_id"].astype(str).isin(set(resp["response_id"]))]
    rtype = dict(zip(resp["response_id"], resp[by] if by in resp else "unknown"))
    counts: dict[str, dict[str, int]] = {}
    seen_in: dict[str, set[str]] = {}
    cache: dict[str, list[str]] = {}
    for rid, text in zip(seg["response_id"].astype(str), seg["text"].fillna("").astype(str)):
        toks = cache.get(text)
        if toks is None:
            toks = analyze(text)
            cache[text] = toks
        d = counts.setdefault(rtype[rid], {})
        for w in toks:
            d[w] = d.get(w, 0) + 1
            seen_in.setdefault(w, set()).add(rid)
    tab = pd.DataFrame(counts).fillna(0).astype(float)
    if tab.shape[1] < 2:
        return pd.DataFrame(columns=cols)
    spread = pd.Series({w: len(r) for w, r in seen_in.items()}).reindex(tab.index).fillna(0)
    tab = tab[(tab.sum(axis=1) >= min_count) & (spread >= min_responses)].sort_index()
    totals = tab.sum(axis=0)
    out = []
    for g in sorted(tab.columns):
        a = tab[g].to_numpy()
        b = tab.drop(columns=g).sum(axis=1).to_numpy()
        c, d = float(totals[g]), float(totals.drop(g).sum())
        if c == 0 or d == 0:
            continue
        e1 = c * (a + b) / (c + d)
        e2 = d * (a + b) / (c + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = 2 * (np.where(a > 0, a * np.log(a / e1), 0) + np.where(b > 0, b * np.log(b / e2), 0))
        p = stats.chi2.sf(g2, 1)
        q = stats.false_discovery_control(p, method="bh") if len(p) else p
        lr = np.log2(((a + 0.5) / c) / ((b + 0.5) / d))
        se = np.sqrt(1 / (a + 0.5) + 1 / (b + 0.5)) / math.log(2)
        part = pd.DataFrame({"group": g, "term": tab.index, "count_target": a.astype("int64"),
                             "count_reference": b.astype("int64"), "g2": g2, "p_value": p, "q_value": q,
                             "direction": np.where(a / c >= b / d, "over", "under"), "value": lr,
                             "ci_low": lr - 1.96 * se, "ci_high": lr + 1.96 * se, "n": (a + b).astype("int64")})
        out.append(part.sort_values(["g2", "term"], ascending=[False, True], kind="stable"))
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)
