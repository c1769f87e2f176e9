"""The language registry: every language has every resource; Swedish works end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.alignment.stance import segment_stance, stance_of_text
from analysis.corpus.cleaning import clean_text
from analysis.corpus.segment import split_sentences
from analysis.languages import (
    RESOURCES,
    Language,
    LanguageError,
    get_language,
    language_codes,
    register_language,
    unregister_language,
)
from analysis.languages.registry import PACKAGE_FOLDER
from analysis.text import stop_words


def test_registry_lists_the_languages():
    assert language_codes()[:4] == ("da", "en", "de", "sv")
    assert get_language("sv").name == "Swedish"


@pytest.mark.parametrize("code", ["da", "en", "de", "sv"])
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_language_has_every_resource(code, resource):
    data = get_language(code).resource(resource)
    for key in RESOURCES[resource]:
        assert key in data
    assert get_language(code).resource_path(resource).is_file()


def test_config_cli_and_codebook_languages_come_from_the_registry():
    from analysis import cli, config, text
    from analysis.alignment import codebook

    assert config.LANGUAGES == text.LANGUAGES == language_codes()
    assert codebook.LANGUAGES == language_codes()
    args = cli.build_parser().parse_args(["ingest", "somewhere", "--out", "x", "--language", "sv"])
    assert args.language == "sv"


def test_unknown_code_names_the_known_ones():
    with pytest.raises(LanguageError, match=r"'xx' is not supported; the known languages are da, en, de, sv"):
        get_language("xx")
    with pytest.raises(ValueError):
        stop_words("xx")


def test_missing_resource_names_language_resource_and_path(tmp_path):
    lang = Language("xx", "Toy", folder=tmp_path)
    with pytest.raises(LanguageError) as err:
        lang.resource("negations")
    msg = str(err.value)
    assert "'xx'" in msg and "'negations'" in msg and str(tmp_path / "negations.yaml") in msg


def test_missing_key_and_bad_words_are_reported(tmp_path):
    (tmp_path / "negations.yaml").write_text("nix: []\n", encoding="utf-8")
    (tmp_path / "cleaning.yaml").write_text(
        "coordinators: [and, no]\nfunction_words: []\nelision_joiners: []\n", encoding="utf-8")
    lang = Language("xx", "Toy", folder=tmp_path)
    with pytest.raises(LanguageError, match="missing key.*negators"):
        lang.resource("negations")
    with pytest.raises(LanguageError, match="quote words"):
        lang.words("cleaning", "coordinators")  # YAML reads an unquoted no as false


def test_swedish_stop_words():
    words = stop_words("sv")
    assert {"och", "att", "inte"} <= words  # general (stopwords-iso)
    assert {"remissvar", "synpunkter", "hälsningar"} <= words  # consultation
    assert "bostäder" not in words
    assert "remissvar" not in stop_words("sv", consultation=False)


def test_swedish_sentences_split_around_abbreviations():
    text = ("Vi vill bl.a. se fler cykelbanor, t.ex. längs Storgatan. Det s.k. trygghetsarbetet "
            "behöver resurser, dvs. mer personal m.m. Enligt avsnitt 4. Trafik ska ändras. "
            "Mötet hölls kl. 10 i aulan osv. Nästa möte är i maj.")
    assert [s.text for s in split_sentences(text, "sv")] == [
        "Vi vill bl.a. se fler cykelbanor, t.ex. längs Storgatan.",
        "Det s.k. trygghetsarbetet behöver resurser, dvs. mer personal m.m.",
        "Enligt avsnitt 4. Trafik ska ändras.",
        "Mötet hölls kl. 10 i aulan osv.",
        "Nästa möte är i maj.",
    ]


def test_swedish_is_not_split_with_danish_rules():
    # "jf." is Danish, not Swedish: a Swedish text does not borrow the Danish list
    assert len(split_sentences("Det gäller jf. Nästa punkt.", "sv")) == 2
    assert len(split_sentences("Det gælder jf. Næste punkt.", "da")) == 1


@pytest.mark.parametrize("text, stance", [
    ("Vi stöder förslaget.", "support"),
    ("Föreningen ställer sig bakom planen.", "support"),
    ("Vi är oroade över trafiken.", "concern"),
    ("Tyvärr saknas en plan för skolorna.", "concern"),
    ("Vi stöder inte förslaget.", "concern"),
    ("Kommunen bör bygga fler bostäder.", "request"),
    ("Vi föreslår att parken bevaras.", "request"),
    ("Det är viktigt att cykelbanorna byggs.", "request"),
    ("Tack för möjligheten att lämna synpunkter.", "neutral"),
    ("Parken ligger vid ån.", "neutral"),
])
def test_swedish_stance_cues(text, stance):
    assert stance_of_text(text, "sv")[0] == stance


def test_swedish_cleaning_keeps_coordinated_compounds():
    out = clean_text("Vi skriver till Miljö-\noch hälsoskyddsnämnden om bostads-\nområdet.", language="sv").text
    assert out == "Vi skriver till Miljö- och hälsoskyddsnämnden om bostadsområdet."


def test_theme_model_fits_a_small_swedish_corpus():
    from analysis.themes import ThemeModel

    topics = [
        "Fler cykelbanor och säkra cykelvägar behövs längs gatan till skolan.",
        "Cykelbanorna måste breddas och cykelparkering byggas vid stationen.",
        "Parken behöver fler träd, gröna ytor och bänkar för de äldre.",
        "Gröna ytor och träd i parken gör området tryggare och trevligare.",
        "Bostäderna är för dyra och fler hyresrätter behöver byggas i området.",
        "Hyresrätter till rimliga hyror saknas, och bostäderna blir dyrare.",
    ]
    texts = [f"{t} {extra}" for t in topics for extra in ("", "Det gäller hela staden.", "Vi har skrivit förut.")]
    model = ThemeModel(n_themes=3, language="sv", random_state=0).fit(texts)
    assert model.n_themes_ == 3
    terms = {t for top in model.top_terms_ for t in top}
    assert not terms & stop_words("sv")
    assert model.transform(texts).shape == (len(texts), 3)


TOY = {
    "language.yaml": "code: xt\nname: Toy\ncapitalises_nouns: false\nclosed_compounds: true\n",
    "stop_words.yaml": "general: [ba, ko]\nconsultation: [zork]\n",
    "segmentation.yaml": "abbreviations: [qq]\nsentence_final: []\nnumber_takers: []\nordinal_takers: []\n",
    "cleaning.yaml": "coordinators: [ba]\nfunction_words: [ko]\nelision_joiners: [ba]\n",
    "stance.yaml": "version: 1\nsupport: [yay]\nconcern: [boo]\nrequest: [pls]\ncontrast: []\n"
                   "concessive: []\nignore: []\n",
    "negations.yaml": "negators: [nah]\n",
    "themes.yaml": "courtesy: []\nstreet_words: []\n",
    "kinds.yaml": "greetings: [halo]\naddressees: []\nclosings: [bye bye]\nsender_fields: []\n"
                  "introduction: {lead: 'mi\\s+es', cue: zork}\nheading_starts: []\n",
    "addresses.yaml": "".join(f"{k}: []\n" for k in RESOURCES["addresses"] if k != "postcodes_in_running_text")
                      + "postcodes_in_running_text: false\n",
    "redaction.yaml": "".join(f"{k}: []\n" for k in RESOURCES["redaction"]),
    "respondents.yaml": "".join(f"{k}: []\n" for k in RESOURCES["respondents"] if k != "type_aliases")
                        + "type_aliases: {}\n",
}


@pytest.fixture
def toy_language(tmp_path):
    folder = tmp_path / "xt"
    folder.mkdir()
    for name, text in TOY.items():
        (folder / name).write_text(text, encoding="utf-8")
    yield folder
    unregister_language("xt")


def test_toy_language_from_a_folder_segments_and_scores_stance(toy_language):
    lang = register_language(toy_language)
    assert lang.code == "xt" and "xt" in language_codes()
    assert [s.text for s in split_sentences("Mu qq. Zu la. Pa yay.", "xt")] == ["Mu qq. Zu la.", "Pa yay."]
    segs = pd.DataFrame({"segment_id": ["a", "b", "c", "d"], "text": ["Mu yay.", "Mu boo.", "Pls mu.", "Nah yay."]})
    assert segment_stance(segs, "xt")["stance"].tolist() == ["support", "concern", "request", "concern"]
    assert {"ba", "ko", "zork"} <= stop_words("xt")


def test_registering_a_folder_checks_every_resource(toy_language):
    (toy_language / "negations.yaml").unlink()
    with pytest.raises(LanguageError, match=r"'xt'.*'negations'.*negations\.yaml"):
        register_language(toy_language)
    assert "xt" not in language_codes()


def test_builtin_folders_hold_only_known_resources():
    from analysis.languages import OPTIONAL_RESOURCES

    for code in ("da", "en", "de", "sv"):
        names = {p.stem for p in (PACKAGE_FOLDER / code).glob("*.yaml")}
        assert set(RESOURCES) <= names <= set(RESOURCES) | set(OPTIONAL_RESOURCES), code


def test_report_words_are_an_optional_resource_with_an_english_fallback():
    from analysis.report import i18n

    assert get_language("da").has_resource("report") and not get_language("sv").has_resource("report")
    assert i18n.text("da", "responses_n", n=3) == "3 svar"
    assert i18n.text("sv", "responses_n", n=3) == i18n.text("en", "responses_n", n=3)
    assert i18n.number(0.256, "da", 2) == "0,26" and i18n.number(1234.5, "en", 1) == "1,234.5"


def test_swedish_signature_and_sender_are_recognised():
    from analysis.corpus.redact import redact_text
    from analysis.corpus.respondents import infer_respondent_type

    text, counts = redact_text("Vi stöder förslaget.\nMed vänliga hälsningar\nAnna Lindqvist", language="sv")
    assert text.endswith("Med vänliga hälsningar\n[NAVN]") and counts["name"] == 1
    kept, _ = redact_text("Med vänliga hälsningar\nHyresgästföreningen Västra", language="sv")
    assert kept.endswith("Hyresgästföreningen Västra")
    kind, name, _ = infer_respondent_type("Hyresgästföreningen Västra anser att parken ska bevaras.")
    assert (kind, name) == ("organisation", "Hyresgästföreningen Västra")


def test_swedish_paragraph_kinds():
    from analysis.corpus.kinds import paragraph_kinds

    paras = ["Hej!", "Jag är boende i området och vill lämna synpunkter.", "Vi stöder planen.",
             "Med vänliga hälsningar", "[NAVN]"]
    assert paragraph_kinds(paras, "sv") == ["greeting", "sender", "content", "signature", "signature"]


def test_toy_language_paragraph_kinds(toy_language):
    from analysis.corpus.kinds import paragraph_kinds

    register_language(toy_language)
    assert paragraph_kinds(["Halo ko", "Mu yay pa.", "Mi es zork.", "Bye bye", "Ko"], "xt") == [
        "greeting", "content", "sender", "signature", "signature"]


def test_a_repeated_key_in_a_language_file_is_refused(tmp_path):
    """YAML keeps the last of two equal keys; the registry names the file and the key instead."""
    from analysis.languages.registry import LanguageError, _load_yaml

    path = tmp_path / "stop_words.yaml"
    path.write_text("general: [a, b]\nconsultation: []\ngeneral: [c]\n", encoding="utf-8")
    with pytest.raises(LanguageError, match=r"stop_words\.yaml.*'general' appears twice"):
        _load_yaml(path)
