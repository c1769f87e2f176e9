"""Texts drawn on figures are in the report's language, also inside longer labels."""

import pytest

from analysis.report.i18n import localise_figure_text


@pytest.mark.parametrize("english, danish", [
    ("citizen (n=18)", "borger (n=18)"),
    ("all (n=35)", "alle (n=35)"),
    ("all (n=1) · small group", "alle (n=1) · lille gruppe"),
    ("12 · local council (n=1)", "12 · lokaludvalg (n=1)"),
    ("share of segments\n(unit: segment · interval: wilson)", "andel af sætninger\n(enhed: sætning · interval: Wilson)"),
    ("odds ratio of raising the priority vs citizen\n(logistic regression, adjusted for response length, "
     "n=35 responses; unit: response)",
     "oddsratio for at rejse prioriteten i forhold til borger\n(logistisk regression, justeret for svarets "
     "længde, n=35 svar; enhed: svar)"),
])
def test_danish_figure_texts(english, danish):
    assert localise_figure_text(english, "da") == danish


def test_german_unit_note_and_types():
    out = localise_figure_text("share of responses raising it\n(unit: response · interval: jeffreys)", "de")
    assert "unit" not in out and "Einheit: Stellungnahme" in out and "Intervall: Jeffreys" in out
    assert localise_figure_text("citizen (n=3)", "de").startswith("Bürger")


def test_type_words_only_as_whole_words():
    # "organisations" is not the type "organisation"; English texts are left alone
    assert localise_figure_text("organisationscitizenry", "da") == "organisationscitizenry"
    assert localise_figure_text("citizen (n=18)", "en") == "citizen (n=18)"
