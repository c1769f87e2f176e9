"""Near-duplicate groups and campaign table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.config import SHARED_DATA
from analysis.corpus.duplicates import campaign_table, near_duplicate_groups, near_duplicate_pairs, shingles

BLIVHOERT = SHARED_DATA / "blivhoert-190" / "responses.jsonl"

TEMPLATE = (
    "Kære politikere i Københavns Borgerrepræsentation. Vi skriver til jer, fordi vi er dybt bekymrede "
    "for planerne om at bygge boliger på den grønne kile ved Amager Fælled. Området er levested for "
    "sjældne padder, fugle og insekter, og det bruges hver dag af tusindvis af borgere til gåture, løb og "
    "leg. Naturen kan ikke flyttes, og de grønne områder i byen bliver færre år for år. Vi opfordrer "
    "derfor til, at planen ændres, så hele fælleden bevares som natur, og at nye boliger i stedet "
    "placeres på arealer, der allerede er bebygget. Klimastrategien siger selv, at biodiversitet og "
    "grønne områder skal styrkes frem mod 2035, og det bør også gælde her. Tak fordi I lytter til os."
)

VOCAB = (
    "trafik cykelsti skole børn ældre bolig leje husleje parkering bus metro støj luft træ park bænk lys "
    "tryghed politi ungdom klub idræt hal bibliotek kultur musik teater kunst borger kommune plan mål "
    "økonomi skat budget penge investering energi varme solcelle vind biomasse affald genbrug sortering "
    "vand regn skybrud kloak havn bro vej gade fortov belysning hund kat have kolonihave fællesskab "
    "forening frivillig nabo gård udsigt byggeri højhus etage facade tag altan vindue dør trappe elevator "
    "handicap adgang rampe sundhed læge sygehus apotek butik marked café restaurant natteliv fest ro søvn "
    "arbejde job uddannelse praktik lærling virksomhed iværksætter kontor værksted lager levering cykel "
    "bil elbil ladestander benzin diesel hastighed fartbump lyskryds fodgænger overgang sikkerhed ulykke"
).split()


def _campaign_letter(rng: np.random.Generator, k: int) -> str:
    words = TEMPLATE.split()
    # small edits: change one or two words, sometimes add a closing sentence
    for _ in range(int(rng.integers(1, 3))):
        words[int(rng.integers(5, len(words)))] = str(rng.choice(VOCAB))
    text = " ".join(words)
    if k % 3 == 0:
        text += " Med venlig hilsen en bekymret nabo."
    if k % 4 == 1:
        text = "Til Teknik- og Miljøudvalget. " + text
    return text


def _unrelated(rng: np.random.Generator, n_words: int = 90) -> str:
    return " ".join(str(w) for w in rng.choice(VOCAB, size=n_words)) + "."


@pytest.fixture
def responses():
    rng = np.random.default_rng(7)
    rows = [(f"c{k:02d}", _campaign_letter(rng, k)) for k in range(20)]
    rows += [(f"u{k:02d}", _unrelated(rng)) for k in range(60)]
    # hard negatives: same opening as the campaign, then a different letter
    opening = " ".join(TEMPLATE.split()[:25])
    rows += [(f"h{k:02d}", opening + " " + _unrelated(rng, 80)) for k in range(5)]
    rows += [(f"n{k:02d}", note) for k, note in enumerate(
        ["Se vedhæftet høringssvar."] * 6 + ["Høringssvaret er vedhæftet."] * 6)]
    order = rng.permutation(len(rows))
    return pd.DataFrame([rows[i] for i in order], columns=["response_id", "text"])


def test_campaign_of_twenty_found_and_nothing_else(responses):
    groups = near_duplicate_groups(responses)
    assert list(groups.columns) == ["response_id", "duplicate_group", "duplicate_group_size"]
    assert groups["response_id"].tolist() == responses["response_id"].tolist()
    grouped = groups[groups["duplicate_group"].notna()]
    assert set(grouped["response_id"]) == {f"c{k:02d}" for k in range(20)}
    assert grouped["duplicate_group"].nunique() == 1
    assert grouped["duplicate_group"].iloc[0] == "dup-001"
    assert (grouped["duplicate_group_size"] == 20).all()
    assert groups["duplicate_group_size"].dtype == "Int64"
    assert groups.loc[groups["duplicate_group"].isna(), "duplicate_group_size"].isna().all()


def test_attachment_notes_are_not_a_campaign(responses):
    groups = near_duplicate_groups(responses)
    notes = groups[groups["response_id"].str.startswith("n")]
    assert notes["duplicate_group"].isna().all()
    # the length rule is what keeps them out: without it the identical notes group up
    loose = near_duplicate_groups(responses, min_chars=0, min_shingles=1)
    loose_notes = loose[loose["response_id"].str.startswith("n")]
    assert loose_notes["duplicate_group"].nunique() == 2


def test_deterministic_and_ordered_ids(responses):
    a = near_duplicate_groups(responses)
    b = near_duplicate_groups(responses)
    pd.testing.assert_frame_equal(a, b)
    # two groups: ids follow the order of each group's first response in the input
    extra = pd.DataFrame({"response_id": ["x1", "x2"], "text": [TEMPLATE.replace("Fælled", "Strand")] * 2})
    twin = pd.DataFrame({"response_id": ["t1", "t2"], "text": [_unrelated(np.random.default_rng(1), 60)] * 2})
    df = pd.concat([twin, responses, extra], ignore_index=True)
    g = near_duplicate_groups(df).set_index("response_id")["duplicate_group"]
    assert g["t1"] == g["t2"] == "dup-001"
    assert g["x1"] == g["c00"] == "dup-002"


def test_pairs_similarity_and_threshold():
    base = TEMPLATE
    edited = base.replace("sjældne padder", "mange padder")
    df = pd.DataFrame({"response_id": ["a", "b"], "text": [base, edited]})
    pairs = near_duplicate_pairs(df)
    assert len(pairs) == 1
    exact = len(shingles(base) & shingles(edited)) / len(shingles(base) | shingles(edited))
    assert pairs["similarity"].item() == pytest.approx(exact)
    assert near_duplicate_pairs(df, threshold=min(1.0, exact + 0.01)).empty


def test_campaign_table(responses):
    table = campaign_table(responses)
    assert list(table.columns) == ["duplicate_group", "size", "example_response_id", "n_chars"]
    assert len(table) == 1
    row = table.iloc[0]
    assert row["size"] == 20 and row["example_response_id"].startswith("c")
    first_c = responses[responses["response_id"].str.startswith("c")].iloc[0]
    assert row["example_response_id"] == first_c["response_id"]
    assert row["n_chars"] == len(first_c["text"])
    # from an already grouped table (as ingest writes it)
    merged = responses.merge(near_duplicate_groups(responses), on="response_id")
    pd.testing.assert_frame_equal(campaign_table(merged), table)


def test_bad_input_messages():
    df = pd.DataFrame({"id": ["a", "a"], "body": ["x", "y"]})
    with pytest.raises(ValueError, match="text_col"):
        near_duplicate_groups(df)
    with pytest.raises(ValueError, match="unique"):
        near_duplicate_groups(df, text_col="body", id_col="id")


def test_empty_and_missing_texts():
    df = pd.DataFrame({"response_id": ["a", "b", "c"], "text": [None, "", TEMPLATE]})
    g = near_duplicate_groups(df)
    assert g["duplicate_group"].isna().all()
    assert campaign_table(df).empty


@pytest.mark.shared
def test_blivhoert_pair_found():
    if not BLIVHOERT.exists():
        pytest.skip(f"{BLIVHOERT} is absent (../shared/data not laid out)")
    df = pd.read_json(BLIVHOERT, lines=True, dtype={"response_id": str})
    groups = near_duplicate_groups(df)
    g = groups.set_index("response_id")["duplicate_group"]
    assert pd.notna(g["14"]) and g["14"] == g["23"]
    # the short attachment notes stay out
    for rid in ("16", "17", "29", "32", "37"):
        assert pd.isna(g[rid])
    table = campaign_table(df)
    assert table["size"].sum() == groups["duplicate_group"].notna().sum()
