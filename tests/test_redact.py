"""Personal-data redaction: recall on planted data, precision on ordinary numbers, real corpora."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.config import SHARED_DATA
from analysis.corpus.redact import KINDS, PLACEHOLDERS, find_personal_data, redact_text, redaction_report

SEED = SHARED_DATA / "seed" / "000_31c7afb107f199fb.txt"
BLIVHOERT = SHARED_DATA / "blivhoert-190" / "responses.jsonl"

PLANTED_EMAILS = [
    "anna.holm@example.dk",
    "k.ørsted+høring@post.tele.dk",
    "jens_jensen@firma-navn.com",
    "m.mueller@beispiel.de",
]
PLANTED_PHONES = [
    "+45 12 34 56 78",
    "(+45) 87 65 43 21",
    "+4522334455",
    "0045 31 22 45 67",
    "12345678",
    "28 91 04 66",
    "4070 1122",
    "22-33-44-55",
    "+44 20 7946 0958",
    "+49 30 12345678",
]
PLANTED_CPRS = ["010190-1234", "3112851234", "290200-4321", "150475-0987"]

# Numbers that are not personal and must come through unchanged.
ORDINARY = [
    "2025-2035",
    "2025",
    "2035",
    "30 %",
    "1.000 kr.",
    "26. juni 2025",
    "16.06.2025",
    "§ 12",
    "stk. 2",
    "10.000 almene boliger",
    "12.500.000 kr.",
    "5 ton",
    "side 14-15",
    "CVR-nr. 12345679",
    "2026-2028",
    "2029–2031",
    "kl. 19.30",
    "1,5 mio. kr.",
    "3213851234",  # not a date, so not a CPR number
    "doi.org/10.1088/1748-9326/aaac88",
    "Klimastrategi 2035 og Klimahandleplan 2026-2028",
    "mellem 2025 og 2030",
    "12 %",
    "100.000 indbyggere",
]


def _planted_letter() -> str:
    e, p, c = PLANTED_EMAILS, PLANTED_PHONES, PLANTED_CPRS
    return (
        "Høringssvar om grønne områder i Valby\n\n"
        f"Mit navn er Karin Ørsted, og jeg kan kontaktes på {e[0]} eller tlf. {p[0]}.\n"
        f"Min nabo ({e[1]}) har telefon {p[1]} og mobil {p[2]}; ring også {p[3]}.\n"
        f"Sekretariatet: {p[4]}, vagt {p[5]}, kontor {p[6]}, fax {p[7]}.\n"
        f"Vores britiske partner ({e[2]}, {p[8]}) og den tyske ({e[3]}, {p[9]}) er enige.\n"
        f"CPR {c[0]} og {c[1]} blev ved en fejl sendt med; også {c[2]} og cpr-nr. {c[3]}.\n\n"
        "Vi bemærker, at " + "; ".join(ORDINARY) + ".\n\n"
        "Med venlig hilsen\nJens Peter Hansen\nVesterbrogade 12, 1620 København V\n"
    )


def test_planted_recall_is_complete():
    text = _planted_letter()
    out, counts = redact_text(text)
    for value in PLANTED_EMAILS + PLANTED_PHONES + PLANTED_CPRS:
        assert value not in out, value
    assert counts["email"] == len(PLANTED_EMAILS)
    assert counts["phone"] == len(PLANTED_PHONES)
    assert counts["cpr"] == len(PLANTED_CPRS)
    assert out.count("[EMAIL]") == len(PLANTED_EMAILS)
    assert out.count("[TLF]") == len(PLANTED_PHONES)
    assert out.count("[CPR]") == len(PLANTED_CPRS)
    for name in ("Karin", "Ørsted", "Jens Peter Hansen", "Vesterbrogade 12", "1620"):
        assert name not in out
    assert counts["name"] == 2 and counts["address"] == 1


def test_ordinary_numbers_survive():
    out, _ = redact_text(_planted_letter())
    for value in ORDINARY:
        assert value in out, value
    alone, counts = redact_text("; ".join(ORDINARY))
    assert alone == "; ".join(ORDINARY)
    assert sum(counts.values()) == 0


@pytest.mark.parametrize("language", ["da", "en", "de"])
def test_ordinary_numbers_survive_in_every_language(language):
    text = "; ".join(ORDINARY)
    assert redact_text(text, language=language)[0] == text


def test_committee_signature_kept_person_signature_removed():
    kept = "Med venlig hilsen\nValby Lokaludvalg"
    assert redact_text(kept) == (kept, dict.fromkeys(KINDS, 0))
    text, counts = redact_text("Med venlig hilsen\n\nAnne Marie Holm\nFormand for Valby Lokaludvalg")
    assert text == "Med venlig hilsen\n\n[NAVN]\nFormand for Valby Lokaludvalg" and counts["name"] == 1
    same = "Med venlig hilsen\n\nAnne Marie Holm\nFormand for Valby Lokaludvalg"
    assert redact_text(same, keep_office_holders=True)[0] == same
    for org in ("CEPOS", "Bestyrelsen i Andelsboligforeningen Solbakken", "Københavns Kommune",
                "Beskæftigelses- og Integrationsudvalget", "Danmarks Naturfredningsforening"):
        letter = f"Venlig hilsen\n{org}"
        assert redact_text(letter)[0] == letter, org


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mit navn er Anna Sofie Jørgensen, og jeg bor i Valby.", "Mit navn er [NAVN], og jeg bor i Valby."),
        ("Jeg hedder Peter Møller-Hansen. Jeg er 45 år.", "Jeg hedder [NAVN]. Jeg er 45 år."),
        ("Mvh Lars Holm", "Mvh [NAVN]"),
        ("Venlig hilsen\nMette Dahl, forperson for Billedkunstnernes Forbund",
         "Venlig hilsen\n[NAVN], forperson for Billedkunstnernes Forbund"),
        ("Med venlig hilsen:\nAnne Holm, Grønne Nabofællesskaber\nBo Ib, Grønne lys\nKim Lund, filminstruktør",
         "Med venlig hilsen:\n[NAVN], Grønne Nabofællesskaber\n[NAVN], Grønne lys\n[NAVN], filminstruktør"),
        ("Hilsen\nAnna og Peter Jensen", "Hilsen\n[NAVN] og [NAVN]"),
        ("Tak for ordet. Med venlig hilsen Anna Holm", "Tak for ordet. Med venlig hilsen [NAVN]"),
        ("Navn: Jens Jensen\r\nAfsender: Deltagere i høringsmødet\r\n",
         "Navn: [NAVN]\r\nAfsender: Deltagere i høringsmødet\r\n"),
        ("My name is Sarah O'Connor and I live in Leeds.", "My name is [NAVN] and I live in Leeds."),
        ("Kind regards,\nJohn Smith\nGreen Alliance", "Kind regards,\n[NAVN]\nGreen Alliance"),
        ("Mein Name ist Jürgen Weiß. Wir danken.", "Mein Name ist [NAVN]. Wir danken."),
        ("Mit freundlichen Grüßen\nHans-Peter Müller\nVorsitzender, Verein für Stadtgrün e.V.",
         "Mit freundlichen Grüßen\n[NAVN]\nVorsitzender, Verein für Stadtgrün e.V."),
        ("Jeg bor på Nørre Allé 7 2. th. og arbejder på H.C. Andersens Boulevard 27, 1553 København V.",
         "Jeg bor på [ADRESSE] og arbejder på [ADRESSE]."),
        ("Med venlig hilsen,\n[NAVN]\n3600 Frederikssund", "Med venlig hilsen,\n[NAVN]\n[ADRESSE]"),
    ],
)
def test_names_and_addresses(text, expected):
    assert redact_text(text)[0] == expected


def test_existing_placeholders_untouched_and_idempotent():
    text = _planted_letter() + "\nMit navn er [NAVN].\n"
    once, _ = redact_text(text)
    twice, counts = redact_text(once)
    assert twice == once and sum(counts.values()) == 0


def test_spans_do_not_overlap_and_match_text():
    text = _planted_letter()
    spans = find_personal_data(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    out, _ = redact_text(text)
    rebuilt, last = [], 0
    for s in spans:
        rebuilt += [text[last:s.start], PLACEHOLDERS[s.kind]]
        last = s.end
    assert "".join(rebuilt) + text[last:] == out


def test_report_counts_never_values():
    report = redaction_report({"a": _planted_letter(), "b": "Intet personligt her, kun 2035."})
    assert list(report.columns) == ["response_id", "kind", "count"]
    assert len(report) == 2 * len(KINDS)
    got = report.set_index(["response_id", "kind"])["count"]
    assert got[("a", "email")] == len(PLANTED_EMAILS) and got[("a", "cpr")] == len(PLANTED_CPRS)
    assert got.loc["b"].sum() == 0
    flat = report.astype(str).to_csv()
    assert not any(v in flat for v in PLANTED_EMAILS + PLANTED_CPRS)


def test_report_from_dataframe_and_bad_columns():
    df = pd.DataFrame({"rid": ["x"], "body": ["skriv til a@b.dk"]})
    rep = redaction_report(df, text_col="body", id_col="rid")
    assert rep.loc[rep.kind == "email", "count"].item() == 1
    with pytest.raises(ValueError, match="text_col"):
        redaction_report(df)


def test_language_checked():
    with pytest.raises(ValueError):
        redact_text("tekst", language="xx")


@pytest.mark.shared
def test_seed_response_unchanged():
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent (../shared/data not laid out)")
    text = SEED.read_text(encoding="utf-8")
    out, counts = redact_text(text)
    assert out == text
    assert sum(counts.values()) == 0
    assert "Beskæftigelses- og Integrationsudvalget" in out


EMAIL_PAT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE_PAT = re.compile(r"(?<![\d.,])(?:\+45\s?)?(?:\d{2}\s?){3}\d{2}(?![\d.,])|(?<!\d)\d{4} \d{4}(?!\d)")
CPR_PAT = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-?\d{4}(?!\d)")


@pytest.mark.shared
def test_blivhoert_no_contact_pattern_survives():
    if not BLIVHOERT.exists():
        pytest.skip(f"{BLIVHOERT} is absent (../shared/data not laid out)")
    df = pd.read_json(BLIVHOERT, lines=True, dtype={"response_id": str})
    report = redaction_report(df)
    assert set(report.response_id) == set(df.response_id)
    for rid, text in zip(df.response_id, df.text):
        out, _ = redact_text(text)
        for pat in (EMAIL_PAT, CPR_PAT):
            assert not pat.search(out), (rid, pat.pattern)
        for m in PHONE_PAT.finditer(out):
            # a survivor must be a year pair or a round amount, never a phone number
            digits = re.sub(r"\D", "", m.group())
            assert digits[:2] in {"19", "20"} or digits.endswith("000"), (rid, m.group())
        # the committees and organisations that signed stay visible
        assert out.count("Lokaludvalg") == text.count("Lokaludvalg")
    total = report.groupby("kind")["count"].sum()
    assert (total >= 0).all()


def test_keep_office_holders_only_for_offices():
    office = "Venlig hilsen\nMette Dahl, forperson for Østerbro Lokaludvalg"
    assert redact_text(office, keep_office_holders=True)[0] == office
    staff = "Mvh\nMette Dahl\nAdjunkt, Københavns Universitet"
    assert redact_text(staff, keep_office_holders=True)[0] == "Mvh\n[NAVN]\nAdjunkt, Københavns Universitet"


def test_planted_personal_data_is_all_found_without_false_positives():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "redaction_recall.py"
    spec = importlib.util.spec_from_file_location("redaction_recall", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure()
    assert result["misses"] == []
    assert result["false_positives"] == []
    assert sum(n for _, n in result["found"].values()) >= 40
