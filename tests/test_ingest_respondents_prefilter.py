"""The literal pre-checks of the respondent rules never change a verdict."""

import pytest

from analysis.corpus import respondents
from analysis.corpus.respondents import _literal_prefix, infer_respondent_type


def test_literal_prefix_reads_the_plain_start_of_a_cue():
    assert _literal_prefix(r"\bpå vegne af\s+([A-Z]\w*)") == "på vegne af"
    assert _literal_prefix(r"co-?\s?founder") == "co"
    assert _literal_prefix(r"vorsitzende[r]?") == "vorsitzende"
    assert _literal_prefix(r"(?:a|b)c") == ""


@pytest.mark.parametrize("text", [
    "Formand for SAB\nHans", "FORMAND FOR SAB", "på vegne af Danske Byer er vi imod.",
    "Co-founder of Repair Cafe Danmark", "GESCHÄFTSFÜHRER DER KLIMA GMBH", "Adm. direktør i CEPOS",
    "ſtifter af Foo Bar", "Jeg synes planen er god.", "Østerbro Lokaludvalg fastholder svaret.",
])
def test_prefilters_agree_with_the_plain_patterns(text, monkeypatch):
    """With every pre-check switched off the verdict is the same."""
    fast = infer_respondent_type(text)
    monkeypatch.setattr(respondents, "_ROLE_TEXTS", None)
    monkeypatch.setattr(respondents, "_ON_BEHALF_TEXTS", None)
    monkeypatch.setattr(respondents, "_SENDER_REACH", 10**9)
    assert infer_respondent_type(text) == fast
