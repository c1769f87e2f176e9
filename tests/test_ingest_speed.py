"""The cheap pre-checks that spare ingest a regular-expression scan never change a result.

Each pre-check claims "every match of pattern P contains one of these plain texts"; the
tests try the patterns on texts made to hit them (capitals, case folding, ſ, İ, Kelvin K).
"""

import random

import pytest

from analysis.corpus import respondents
from analysis.corpus.respondents import _required_literal, infer_respondent_type

PIECES = ["ſtifter af Foo Bar", "Co-founder of Repair Cafe", "CO FOUNDER OF X", "co\u2011founder", "İnstitut for Y",
          "Formand for SAB", "FORMAND FOR SAB", "på vegne af Danske Byer", "ADM. DIREKTØR I CEPOS",
          "adm.direktør Hans", "SEKRETARIATSCHEF", "Sekretariatsche\u212a", "Forening", "FORENING", "Miljøpunkt Amager",
          "Valby Lokaludvalg", "Teknik- og Miljøudvalget", "TEKNIK- OG MILJØUDVALGET", "Økonomiudvalgets",
          "fra SAB", "From DN", "von BUND", "CEPOS mener", "CEPOSs høringssvar", "Vorsitzender der Klima",
          "GESCHÄFTSFÜHRER DER X", "jeg", "\n", ". ", "Fond", "ſelſkab", "A/S", "ı/s", "Hilsen", "udvalg"]


def _texts(n=3000, seed=0):
    rng = random.Random(seed)
    return [" ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 10))) for _ in range(n)]


def test_required_literal_is_a_plain_run_every_match_holds():
    assert _required_literal(r"co-?\s?founder") == "founder"
    assert _required_literal(r"adm\.\s*direktør") == "direktør"
    assert _required_literal(r"vorsitzende[r]?") == "vorsitzende"
    assert _required_literal(r"geschäftsführer\w*") == "geschäftsführer"
    assert _required_literal(r"\bpå vegne af\s+([A-Z]\w*)") == "på vegne af"
    assert _required_literal(r"abc{1,2}de") == "ab"
    assert _required_literal(r"(?:a|b)c") == ""


@pytest.mark.parametrize("pattern, texts, lower", [
    (respondents._ROLE, respondents._ROLE_TEXTS, True),
    (respondents._ON_BEHALF, respondents._ON_BEHALF_TEXTS, False),
    (respondents._COMMITTEE, ("udvalg", "UDVALG"), False),
    (respondents._FROM_ACRONYM, respondents._FROM_ACRONYM_TEXTS, False),
])
def test_every_match_holds_one_of_the_pre_check_texts(pattern, texts, lower):
    hits = 0
    for text in _texts():
        where = respondents._folded_lower(text) if lower else text
        if pattern.search(text):
            hits += 1
            assert any(t in where for t in texts), text
    assert hits > 100  # the texts do reach the pattern


def test_organisation_word_check_agrees_with_the_literal_pattern():
    for text in _texts():
        low = respondents._folded_lower(text)
        assert respondents._may_name_organisation(text) == (respondents._ORG_LITERAL_RE.search(low) is not None)


def test_verdicts_are_those_without_pre_checks(monkeypatch):
    texts = _texts(600, seed=1)
    fast = [infer_respondent_type(t) for t in texts]
    monkeypatch.setattr(respondents, "_ROLE_TEXTS", None)
    monkeypatch.setattr(respondents, "_ON_BEHALF_TEXTS", None)
    monkeypatch.setattr(respondents, "_FROM_ACRONYM_TEXTS", ("",))
    assert [infer_respondent_type(t) for t in texts] == fast
    assert {v[0] for v in fast} >= {"organisation", "committee", "local_council", "citizen"}


NUMBER_BITS = ["+45 12 34 56 78", "(+45) 1234 5678", "0045 12345678", "12 34 56 78", "12345678", "1234 5678",
               "+49 30 1234567", "030 1234567", "089/98765432", "07700 900123", "010203-1234", "0102031234",
               "-12345678", "a12345678", "+12345678", "((45)12345678", "/0045 12345678", "@+4930123456",
               ".0301234567", "١٢٠٣٤٥-١٢٣٤", "٠١٠٢٠٣١٢٣٤", "x١٢٣٤٥٦٧٨٩٠", "０１０２０３-１２３４", " ", "\n", "x", "5", "("]


@pytest.mark.parametrize("name", ["_CPR_RE", "_DK_PHONE_RE", "_INTL_PHONE_RE", "_NATIONAL_PHONE_RE"])
def test_number_patterns_tried_only_at_number_starts_find_what_a_scan_finds(name):
    from analysis.corpus import redact

    pattern, rng, hits = getattr(redact, name), random.Random(2), 0
    for _ in range(2000):
        text = "".join(rng.choice(NUMBER_BITS) + rng.choice(["", " ", ", "]) for _ in range(rng.randint(1, 12)))
        starts = [m.start() for m in redact._NUMBER_START.finditer(text)]
        found = [m.span() for m in redact._matches_at(pattern, text, starts)]
        assert found == [m.span() for m in pattern.finditer(text)], text
        hits += len(found)
    assert hits > 200


def test_a_cpr_number_in_other_digits_is_still_found():
    from analysis.corpus.redact import _number_spans

    assert [(r.kind, r.start, r.end) for r in _number_spans("ring ١٢٠٣٤٥-١٢٣٤ nu")] == [("cpr", 5, 16)]


def test_ingest_on_two_workers_gives_the_tables_of_one(tmp_path, monkeypatch):
    import pandas as pd

    from analysis.corpus import ingest, workers

    rows = [{"id": f"r{k}", "text": f"Jeg er imod forslag {k}. Ring på 12 34 56 {k % 90 + 10:02d}.\n\n"
             f"Med venlig hilsen\nAnna Vestergaard{'' if k % 3 else ', formand for Valby Lokaludvalg'}"}
            for k in range(60)]
    path = tmp_path / "svar.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    monkeypatch.setattr(workers, "MIN_PER_WORKER", 5)
    assert workers.worker_count(2, 60) == 2
    one, two = ingest(path, text_col="text", id_col="id", workers=1), ingest(path, text_col="text", id_col="id", workers=2)
    for name in ("responses", "segments", "ingest_report", "redaction_report"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), check_exact=True)
    assert one.page_starts == two.page_starts
    assert "[NAVN]" in one.responses["text"].iloc[0] and len(one.segments) > 120


def test_worker_count_refuses_a_nonsense_number_and_stays_serial_for_little_work():
    from analysis.corpus.workers import map_in_order, worker_count

    with pytest.raises(ValueError):
        worker_count(0, 10)
    assert worker_count("auto", 10) == 1
    assert map_in_order(lambda x: x * 2, list(range(7)), workers=2, min_per_worker=1) == [0, 2, 4, 6, 8, 10, 12]
