"""The faster ingest and alignment paths give exactly what the plain ones gave.

Each test compares a fast path with a straightforward reference written here (the code
it replaced), on inputs chosen to reach the edge cases.
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats

from analysis.alignment.keyterms import AnalysedTexts, content_analyzer, keyness
from analysis.alignment.tables import _spearman, goal_similarity
from analysis.corpus import respondents as R
from analysis.text import tokenize


def _reference_analyze(language: str):
    """The token-by-token analyser the findall version replaced."""
    judge = content_analyzer(language)

    def analyze(text: str) -> list[str]:
        out = []
        for t in tokenize(text):
            if text[t.start - 1:t.start] == "[" and text[t.end:t.end + 1] == "]":
                continue
            out += judge(t.text)
        return out
    return analyze


@pytest.mark.parametrize("text", [
    "Borgerne i [NAVN] ønsker flere cykelstier.", "x[cykelsti]y [a-b] [[NAVN]] [a[cykelsti] [byer']",
    "[NAVN][CPR-NR] cykelstier]", "Cykelstier [ cykelstier ] [Cykelstier", "", "[]",
])
def test_content_analyzer_skips_exactly_the_bracketed_words(text):
    assert content_analyzer("da")(text) == _reference_analyze("da")(text)


def _reference_term_counts(seg: pd.DataFrame, rtype: dict, analyze) -> tuple[pd.DataFrame, pd.Series]:
    """The counting loop keyness used before the sparse products."""
    counts: dict[str, dict[str, int]] = {}
    seen_in: dict[str, set[str]] = {}
    for rid, text in zip(seg["response_id"].astype(str), seg["text"].fillna("").astype(str)):
        d = counts.setdefault(rtype[rid], {})
        for w in analyze(text):
            d[w] = d.get(w, 0) + 1
            seen_in.setdefault(w, set()).add(rid)
    tab = pd.DataFrame(counts).fillna(0).astype(float)
    spread = pd.Series({w: len(r) for w, r in seen_in.items()}).reindex(tab.index).fillna(0)
    return tab, spread


@pytest.fixture
def corpus():
    rng = random.Random(1)
    words = ["cykelsti", "byområde", "tryghed", "skole", "grønne", "områder", "og", "ikke", "[NAVN]", "2025"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(300)]
    texts[:40] = ["Flere cykelstier og grønne områder."] * 40  # a form letter
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(300)],
                        "response_id": [f"r{i // 3:03d}" for i in range(300)], "text": texts})
    seg.loc[5, "text"] = None
    resp = pd.DataFrame({"response_id": [f"r{i:03d}" for i in range(100)],
                         "respondent_type": [("citizen", "organisation", "committee")[i % 3] for i in range(100)]})
    resp.loc[99, "respondent_type"] = "local_council"  # one group whose segments may hold no terms
    seg.loc[297:, "text"] = "og ikke"
    return seg, resp


def test_term_table_equals_the_counting_loop(corpus):
    from analysis.alignment.keyterms import _term_table

    seg, resp = corpus
    rtype = dict(zip(resp["response_id"], resp["respondent_type"]))
    analysed = AnalysedTexts(seg["text"], "da")
    tab, spread = _term_table(seg, rtype, analysed, np.arange(len(seg)))
    ref_tab, ref_spread = _reference_term_counts(seg, rtype, content_analyzer("da"))
    assert list(tab.columns) == list(ref_tab.columns)  # groups in order of first appearance, empty ones too
    assert_frame_equal(tab, ref_tab.sort_index(), check_exact=True)
    assert (spread.to_numpy() == ref_spread.sort_index().to_numpy()).all()


@pytest.mark.parametrize("campaigns", ["per_response", "once"])
def test_keyness_with_shared_analysis_equals_its_own(corpus, campaigns):
    seg, resp = corpus
    resp = resp.assign(duplicate_group=[("g1" if i < 14 else None) for i in range(100)])
    own = keyness(seg, resp, min_count=1, min_responses=1, count_campaigns=campaigns)
    shared = keyness(seg, resp, min_count=1, min_responses=1, count_campaigns=campaigns,
                     analysed=AnalysedTexts(seg["text"], "da"))
    assert len(own) > 0
    assert_frame_equal(own, shared, check_exact=True)
    with pytest.raises(ValueError, match="do not match"):
        keyness(seg, resp, analysed=AnalysedTexts(seg["text"].iloc[:3], "da"))


def test_goal_similarity_with_shared_analysis_equals_its_own(corpus):
    from analysis.alignment.codebook import Goal, GoalSet

    seg, _ = corpus
    goals = GoalSet((Goal("green", "strategic", "Grønne områder", "Green", "More green areas"),
                     Goal("safe", "strategic", "Tryghed i byområder", "Safety", "Safe areas")), "1")
    own = goal_similarity(seg, goals)
    shared = goal_similarity(seg, goals, analysed=AnalysedTexts(seg["text"], "da"))
    assert own.to_numpy().max() > 0
    assert_frame_equal(own, shared, check_exact=True)


def test_spearman_equals_scipy():
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(500):
            n = int(rng.integers(1, 40))
            x = (rng.random(n) < 0.4).astype(float)
            y = np.round(rng.random(n), 1) if i % 2 else rng.random(n)
            if i % 25 == 0:
                y[:] = 0.3
            want, got = stats.spearmanr(x, y).statistic, _spearman(x, y)
            assert (np.isnan(want) and np.isnan(got)) or want == got


@pytest.mark.parametrize("part", [
    "Hilsen Miljøpunkt Amager", "Vi i Den Lille Grønne Forening og Danmarks Naturfredningsforening mener",
    "İFORENING  forening Forening-Forening x.Forening\nMed venlig hilsen\nBorgerforeningen i Valby",
    "ingen organisation her", "Foreningen " * 30, "Grundejerforeningen Søholm, Lokaludvalget og Klimabevægelsen",
])
def test_org_names_equal_finditer(part):
    want = [(m.span(), m.group(1)) for m in R._ORG_NAME.finditer(part)]
    assert [(m.span(), m.group(1)) for m in R._org_names(part)] == want


def test_org_names_equal_finditer_on_random_text():
    rng = random.Random(3)
    pieces = ["Forening", "foreningen", "Miljøpunkt", "Amager", " i ", " og ", "-", "\n", "  ", ". ", "Råd",
              "Selskab", "x", "İ", *list(R._ORG_LITERALS)[:30]]
    for _ in range(2000):
        part = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 20)))
        assert ([m.span() for m in R._org_names(part)] == [m.span() for m in R._ORG_NAME.finditer(part)]), part
