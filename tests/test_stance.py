"""Stance cues and the stance evaluation on the hand-labelled segments."""

import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.alignment.stance import STANCES, segment_stance, stance_of_text

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "stance_labels.csv"


@pytest.mark.parametrize("text, expected", [
    ("Udvalget tilslutter sig de overordnede mål.", "support"),
    ("Vi bakker varmt op om planen.", "support"),
    ("Vi støtter ikke forslaget.", "concern"),
    ("Vi er bekymrede for, at kulturen kun spiller en marginal rolle.", "concern"),
    ("Selvom der har været en positiv udvikling, er der stadig mange ledige.", "concern"),
    ("Det er væsentligt, at planen koordineres med nationale tiltag.", "request"),
    ("Udvalget ser frem til, at indsatserne indgår i handleplanen.", "request"),
    ("Indsatsen mod negativ social kontrol i Bispebjerg.", "neutral"),
    ("Planen blev vedtaget i juni.", "neutral"),
])
def test_danish_cues(text, expected):
    assert stance_of_text(text, "da")[0] == expected


@pytest.mark.parametrize("text, language, expected", [
    ("We strongly support the plan.", "en", "support"),
    ("Unfortunately the plan lacks funding.", "en", "concern"),
    ("The council should coordinate with national measures.", "en", "request"),
    ("Wir begrüßen den Entwurf.", "de", "support"),
    ("Leider fehlt ein Finanzierungsplan.", "de", "concern"),
    ("Die Stadt sollte mehr Radwege bauen.", "de", "request"),
])
def test_english_german_cues(text, language, expected):
    assert stance_of_text(text, language)[0] == expected


def test_segment_stance_table():
    segs = pd.DataFrame({"segment_id": [1, 2, 3], "text": ["Vi savner en plan.", None, "Vi savner en plan."]})
    out = segment_stance(segs, "da")
    assert list(out.columns[:3]) == ["segment_id", "stance", "cue"]
    assert out.stance.tolist() == ["concern", "neutral", "concern"]
    assert out.cue.iloc[0] == "savner" and out.segment_id.tolist() == ["1", "2", "3"]
    with pytest.raises(ValueError, match="segment_id and text"):
        segment_stance(pd.DataFrame({"text": ["x"]}))


def test_labels_file_is_clean():
    labels = pd.read_csv(LABELS)
    assert list(labels.columns) == ["source", "response_id", "text", "label"]
    assert len(labels) >= 150
    assert set(labels.label) <= set(STANCES) and labels.label.nunique() == 4
    assert not labels.text.str.contains(r"\[NAVN\]").any()
    assert not labels.duplicated(["source", "response_id", "text"]).any()


def test_stance_evaluation_beats_all_neutral_baseline():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import stance_quality
    finally:
        sys.path.pop(0)
    res = stance_quality.evaluate(pd.read_csv(LABELS))
    ours = res["all"].set_index("stance")
    base = res["all (all-neutral baseline)"].set_index("stance")
    assert ours.loc["macro", "f1"] > base.loc["macro", "f1"]
    # the held-out part was not used for writing cues: it must beat the baseline too
    assert res["held-out"].set_index("stance").loc["macro", "f1"] > \
        res["held-out (all-neutral baseline)"].set_index("stance").loc["macro", "f1"]
    assert set(ours.index) == set(STANCES) | {"macro"}


@pytest.mark.parametrize("text,language,expected", [
    ("Jeg er imod at fjerne parkeringspladser.", "da", "concern"),
    ("Vi er ikke imod planen.", "da", "neutral"),
    ("NO to the Fairness Ordinance", "en", "concern"),
    ("We are against closing the library.", "en", "concern"),
    ("Wir sind gegen den Abriss der Halle.", "de", "concern"),
    ("The budget has to pass before the summer.", "en", "request"),
    ("Kommunen skal sikre flere cykelstier.", "da", "request"),
    ("Die Stadt muss mehr Bäume pflanzen.", "de", "request"),
    ("Det er en positiv udvikling, at ledigheden falder, men der er stadig flere borgere uden beskæftigelse.",
     "da", "concern"),
    ("Det er en positiv udvikling, at stadig flere borgere er i beskæftigelse.", "da", "support"),
    ("The plan is good, but the timeline is far too long and nothing is funded.", "en", "concern"),
    ("Der Plan ist gut, aber es fehlt die Finanzierung.", "de", "concern"),
    ("Vi støtter ikke forslaget.", "da", "concern"),
    ("Udvalget støtter ikke kun planen, men også handleplanen.", "da", "support"),
    ("Vi har ikke behov for flere parkeringspladser.", "da", "neutral"),
    ("Skulle vi så ikke have fået et svar?", "da", "concern"),
])
def test_sentence_reading(text, language, expected):
    assert stance_of_text(text, language)[0] == expected


def test_learned_model_fits_predicts_and_checks_labels(tmp_path):
    from analysis.alignment.learned import StanceModel, cross_validate_stance, load_stance_model, read_labels

    texts = ["Vi støtter planen.", "Vi savner en plan.", "Kommunen bør handle.", "Planen har tre dele."] * 4
    labels = ["support", "concern", "request", "neutral"] * 4
    model = StanceModel().fit(texts, labels)
    assert list(model.predict(["Vi savner en plan for trafikken."])) == ["concern"]
    cv = cross_validate_stance(texts, labels, n_splits=2)
    assert set(cv.model) == {"learned", "cues"} and (cv.fold == "mean").sum() == 2
    with pytest.raises(ValueError, match="unknown stance"):
        StanceModel().fit(texts[:2], ["support", "angry"])
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": texts, "label": labels}).to_csv(path, index=False)
    assert list(load_stance_model(path).predict(["Vi støtter forslaget."])) == ["support"]
    pd.DataFrame({"text": ["x"], "label": ["happy"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="happy"):
        read_labels(tmp_path / "bad.csv")


@pytest.mark.parametrize("text,language,expected", [
    ("Windräder sind keine gute Lösung.", "de", "concern"),            # keine negates gut
    ("Kein Fernbusterminal für Wien.", "de", "concern"),                # opposition by kein at the start
    ("There should never be a leash law in the county.", "en", "concern"),  # opposition beats the modal
    ("More roundabouts for intersections", "en", "request"),            # a bare proposal
    ("Rücksendungen für den Empfänger kostenpflichtig machen", "de", "request"),  # infinitive closing the clause
    ("Det er meget vigtigt, at der arbejdes for en reduktion.", "da", "request"),  # intensifier in the gap
    ("It is really important that the council acts.", "en", "request"),
    ("Wir sind keine Gegner des Plans.", "de", "neutral"),
])
def test_mechanisms_in_three_languages(text, language, expected):
    assert stance_of_text(text, language)[0] == expected


def test_extra_labels_file_is_clean():
    extra = pd.read_csv(ROOT / "tests" / "data" / "stance_labels_extra.csv")
    assert list(extra.columns) == ["source", "response_id", "language", "text", "label"]
    assert set(extra.language) == {"da", "en", "de"} and set(extra.label) <= set(STANCES)
    first = pd.read_csv(LABELS)
    assert not extra.text.isin(first.text).any()  # new segments only
    assert not extra.text.str.contains(r"\[NAVN\]").any()
    held = extra.text.map(lambda t: __import__("zlib").crc32(t.encode("utf-8")) % 3 == 0)
    assert held.groupby(extra.language).sum().min() >= 10  # a held-out part per language


def test_cross_validation_keeps_responses_whole_and_gives_an_interval():
    from analysis.alignment.learned import macro_f1_interval, out_of_fold_stance

    texts = ["Vi støtter planen.", "Vi savner en plan.", "Kommunen bør handle.", "Planen har tre dele.",
             "We support the plan.", "We urge the council to act."] * 4
    labels = ["support", "concern", "request", "neutral", "support", "request"] * 4
    langs = ["da"] * 4 + ["en"] * 2
    groups = [f"r{i // 3}" for i in range(len(texts))]
    oof = out_of_fold_stance(texts, labels, groups=groups, languages=langs * 4, n_splits=4)
    folds = pd.DataFrame({"g": groups, "f": oof.fold})
    assert (folds.groupby("g").f.nunique() == 1).all()  # a response never sits in two folds
    assert (oof.fold >= 0).all() and set(oof.learned) <= set(STANCES)
    value, low, high = macro_f1_interval(oof.label, oof.cues, groups, n_boot=200)
    assert 0 <= low <= value <= high <= 1
    wrong = ["neutral"] * len(labels)
    assert macro_f1_interval(labels, wrong, groups, n_boot=10)[0] < value


@pytest.mark.parametrize("text,language", [
    ("Flere borgere er uden beskæftigelse.", "da"),
    ("More people are out of work than last year.", "en"),
    ("Mehr Menschen sind ohne Arbeit.", "de"),
])
def test_a_description_is_no_bare_proposal(text, language):
    assert stance_of_text(text, language)[0] != "request"
