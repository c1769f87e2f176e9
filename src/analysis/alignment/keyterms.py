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
import re

import numpy as np
import pandas as pd
from scipy import stats

from analysis.alignment.resampling import responses_frame, units
from analysis.text import WORD_RE, foreign_word, lemma, stop_words

# A word token standing alone in brackets ("[NAVN]"): the same tokens WORD_RE finds there.
PLACEHOLDER_RE = re.compile(r"\[(?:" + WORD_RE.pattern + r")\]", re.UNICODE)


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
        if "[" in text:
            text = PLACEHOLDER_RE.sub(" ", text)  # redaction placeholders such as [NAVN]
        out = []
        for word in WORD_RE.findall(text):
            lem = judged.get(word)
            if lem is None:
                lem = judged[word] = judge(word)
            if lem:
                out.append(lem)
        return out
    return analyze


class AnalysedTexts:
    """Content lemmas (:func:`content_analyzer`) of a column of texts, each distinct text analysed once.

    ``codes[i]`` is the distinct text of row ``i``; ``lemmas[c]`` the lemmas of distinct text
    ``c``. Keyness and goal similarity share one analysis (form letters repeat).

    >>> a = AnalysedTexts(pd.Series(["Flere cykelstier.", "Flere cykelstier.", None]), "da")
    >>> a.codes.tolist(), a.lemmas
    ([0, 0, 1], [['cykelsti'], []])
    """

    def __init__(self, texts: pd.Series, language: str = "da"):
        self.language = language
        self.analyze = content_analyzer(language)
        codes, distinct = pd.factorize(texts.fillna("").astype(str))
        self.codes = np.asarray(codes, dtype=np.int64)
        self.lemmas = [self.analyze(t) for t in distinct]

    def __len__(self) -> int:
        return len(self.codes)


def _identity(tokens):
    return tokens


def lemma_counts(token_lists, vocabulary=None):
    """Sparse counts (rows × sorted lemmas, float64) of lists of lemmas, and the lemmas.

    >>> X, terms = lemma_counts([["by", "by"], ["sti"]])
    >>> X.toarray().tolist(), list(terms)
    ([[2.0, 0.0], [0.0, 1.0]], ['by', 'sti'])
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    if vocabulary is None and not any(len(t) for t in token_lists):
        return sparse.csr_matrix((len(token_lists), 0)), np.array([], dtype=object)
    vec = CountVectorizer(analyzer=_identity, min_df=1, dtype=np.float64, vocabulary=vocabulary)
    X = vec.fit_transform(token_lists)
    return X, vec.get_feature_names_out()


def _term_table(seg: pd.DataFrame, rtype: dict, analysed: AnalysedTexts, rows: np.ndarray
                ) -> tuple[pd.DataFrame, pd.Series]:
    """Lemma counts by group (terms × groups, float; groups in order of first appearance)
    and the number of distinct responses each term occurs in."""
    from scipy import sparse

    codes = analysed.codes[rows]
    used, local = np.unique(codes, return_inverse=True)
    X, terms = lemma_counts([analysed.lemmas[c] for c in used])
    X = X[local]  # one row per segment
    rids = seg["response_id"].astype(str).to_numpy()
    g_codes, g_names = pd.factorize(pd.Series(rids).map(rtype), sort=False)
    G = sparse.csr_matrix((np.ones(len(rids)), (g_codes, np.arange(len(rids)))), shape=(len(g_names), len(rids)))
    by_group = np.asarray((G @ X).toarray().T)
    r_codes, r_names = pd.factorize(pd.Series(rids), sort=False)
    R = sparse.csr_matrix((np.ones(len(rids)), (r_codes, np.arange(len(rids)))), shape=(len(r_names), len(rids)))
    spread = np.diff((R @ X).tocsc().indptr)  # responses per term
    seen = by_group.sum(axis=1) > 0
    index = pd.Index(terms[seen].tolist())
    tab = pd.DataFrame(by_group[seen], index=index, columns=list(g_names))
    return tab, pd.Series(spread[seen], index=index)


def keyness(segments: pd.DataFrame, responses: pd.DataFrame | None = None, *, by: str = "respondent_type",
            language: str = "da", min_count: int = 3, min_responses: int = 2,
            count_campaigns: str = "per_response", analysed: AnalysedTexts | None = None) -> pd.DataFrame:
    """Lemma keyness of each group against all other responses (quanteda-style).

    G² is Dunning's log-likelihood (1 df); ``q_value`` is the Benjamini–Hochberg adjusted
    p-value within each group's comparison; ``value`` is the effect size log2 ratio of
    relative frequencies (0.5 added to both counts) with a normal-approximation 95 %
    interval. ``n`` is the term's count in both parts. With ``count_campaigns="once"``
    only the first member of each duplicate group is counted. Terms occurring fewer than
    ``min_count`` times in total, or in fewer than ``min_responses`` responses (one
    letter's pet word), are left out. ``analysed``: the :class:`AnalysedTexts` of
    ``segments["text"]`` (row for row) when the caller has it already.
    """
    cols = ["group", "term", "count_target", "count_reference", "g2", "p_value", "q_value", "direction",
            "value", "ci_low", "ci_high", "n"]
    resp = responses_frame(segments, responses)
    if count_campaigns == "once":
        unit, _ = units(resp, "once")
        resp = resp[~pd.Series(unit).duplicated().to_numpy()]
    if analysed is None:
        analysed = AnalysedTexts(segments["text"], language)
    elif len(analysed) != len(segments):
        raise ValueError(f"keyness: analysed texts ({len(analysed)}) do not match the segments ({len(segments)}).")
    rows = np.flatnonzero(segments["response_id"].astype(str).isin(set(resp["response_id"])).to_numpy())
    seg = segments.iloc[rows]
    rtype = dict(zip(resp["response_id"], resp[by] if by in resp else "unknown"))
    tab, spread = _term_table(seg, rtype, analysed, rows)
    if tab.shape[1] < 2:
        return pd.DataFrame(columns=cols)
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
