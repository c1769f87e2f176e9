"""Sentence splitting: Danish abbreviations, ordinals, bullet lists, exact offsets."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.cleaning import clean_text
from analysis.corpus.segment import segment_responses, segment_text, split_sentences


def _sentences(text: str, language: str = "da") -> list[str]:
    return [s.text for s in split_sentences(text, language)]


@pytest.mark.parametrize("text", [
    "Vi støtter bl.a. job og uddannelse i området.",
    "Der er f.eks. flere borgere uden job.",
    "Se jf. politikkens afsnit om tryghed.",
    "Det koster ca. 30 mio. kr. om året.",
    "Sagen behandles under nr. 7 på dagsordenen.",
    "Punktet blev behandlet under pkt. 4. Mødet sluttede sent.",
    "Mødet starter kl. 17 i salen.",
    "Ledigheden er 5 pct. højere i området.",
    "Planen gælder fra d. 1. januar 2026 og frem.",
    "Vi mødtes den 3. juni på Rådhuset.",
    "Han hed H. C. Andersen og boede på Nyhavn.",
])
def test_abbreviations_and_ordinals_do_not_end_a_sentence(text):
    assert _sentences(text) == [text]


def test_real_sentence_ends_are_split():
    text = ("Udvalget støtter målene. Derudover bakker udvalget op om eksemplerne! Hvad med "
            "finansieringen? Målet er 2035. Det står i pkt. 4. Vi ser frem til handleplanen mv. Tak.")
    assert _sentences(text) == [
        "Udvalget støtter målene.", "Derudover bakker udvalget op om eksemplerne!", "Hvad med finansieringen?",
        "Målet er 2035.", "Det står i pkt. 4. Vi ser frem til handleplanen mv.", "Tak."]


def test_english_and_german_abbreviations():
    assert _sentences("We need e.g. more buses. Fares should fall.", "en") == [
        "We need e.g. more buses.", "Fares should fall."]
    assert _sentences("Wir brauchen z.B. mehr Busse. Die Preise sollen sinken.", "de") == [
        "Wir brauchen z.B. mehr Busse.", "Die Preise sollen sinken."]


def test_bullet_items_are_their_own_segments():
    text = clean_text("Vi foreslår:\n• flere cykelstier. Og bredere.\n• bedre busser\n- grønne tage").text
    rows = [(p, s, span.text) for p, s, span in segment_text(text)]
    assert rows == [(0, 0, "Vi foreslår:"), (1, 0, "• flere cykelstier."), (1, 1, "Og bredere."),
                    (2, 0, "• bedre busser"), (3, 0, "- grønne tage")]


def test_seed_segments_hold_the_offset_invariant(seed_text):
    text = clean_text(seed_text).text
    spans = segment_text(text)
    assert 8 <= len(spans) <= 20
    assert all(text[s.start:s.end] == s.text for _, _, s in spans)
    assert any("bl.a. job og uddannelse" in s.text for _, _, s in spans)


def test_segment_table_follows_the_contract():
    responses = pd.DataFrame({"response_id": ["r1", "r2"], "text": ["Ja. Nej.\nMåske.", ""], "language": ["da", "da"]})
    segments = segment_responses(responses, {"r1": [0, 9]})
    assert list(segments.columns) == ["segment_id", "response_id", "paragraph", "sentence", "start", "end", "page", "text",
                                     "kind"]
    assert segments["segment_id"].tolist() == ["r1:0:0", "r1:0:1", "r1:1:0"]
    assert segments["page"].tolist() == [1, 1, 2]
    assert segments["segment_id"].is_unique


def test_splitting_a_two_megabyte_line_is_linear():
    import time

    from analysis.corpus.segment import segment_text

    line = "Vi støtter planen bl.a. fordi den er god. Se pkt. 4. Mødet var kort! " * 30_000
    t = time.perf_counter()
    spans = segment_text(line)
    assert time.perf_counter() - t < 20  # quadratic code takes minutes here
    assert len(spans) >= 60_000


def test_letter_parts_get_their_kind():
    from analysis.corpus.kinds import paragraph_kinds

    kinds = paragraph_kinds(["Kære udvalg", "Jeg er cand.-studerende og medlem af Valby Lokaludvalg.",
                             "Vi ønsker flere træer.", "3", "Med venlig hilsen", "[NAVN]",
                             "Afdelingsleder, Teknik- og Miljøforvaltningen"], "da")
    assert kinds == ["greeting", "sender", "content", "furniture", "signature", "signature", "signature"]


def test_a_stance_sentence_before_an_inline_signature_stays_content():
    # a one-line web-form answer: "Jeg er imod …" states a position, it does not introduce the writer
    r = pd.DataFrame({"response_id": ["a"], "language": ["da"],
                      "text": ["Jeg er imod at fjerne parkeringspladser. Mvh [NAVN]"]})
    seg = segment_responses(r)
    assert seg["kind"].tolist() == ["content", "signature"]
    r = pd.DataFrame({"response_id": ["b"], "language": ["da"],
                      "text": ["Jeg er studerende og medlem af foreningen. Vi vil have flere cykelstier."]})
    assert segment_responses(r)["kind"].tolist() == ["sender", "content"]


@pytest.mark.parametrize("language, line", [
    ("da", "Hej, jeg er imod forslaget."),
    ("da", "Hej! Jeg synes, det er en god plan"),
    ("en", "Dear Sir or Madam, I oppose the plan."),
    ("de", "Sehr geehrte Damen und Herren, ich lehne das ab."),
])
def test_a_salutation_followed_by_a_sentence_is_content(language, line):
    from analysis.corpus.kinds import paragraph_kinds

    assert paragraph_kinds([line, "Vi mener, planen bør vedtages."], language)[0] == "content"


@pytest.mark.parametrize("language, line", [
    ("da", "Kære udvalg,"), ("da", "Kære borgerrepræsentation, kære udvalg"),
    ("en", "Dear Sir or Madam,"), ("de", "Sehr geehrte Damen und Herren,"),
])
def test_a_salutation_alone_is_a_greeting(language, line):
    from analysis.corpus.kinds import paragraph_kinds

    assert paragraph_kinds([line, "Vi mener, planen bør vedtages."], language)[0] == "greeting"


def test_a_sentence_without_ends_is_cut_into_pieces_with_exact_offsets():
    from analysis.corpus.segment import MAX_SENTENCE_CHARS

    text = ("ord og flere ord, " * 4000) + "slut"
    spans = split_sentences(text, "da")
    assert len(spans) > 1 and max(len(s.text) for s in spans) <= MAX_SENTENCE_CHARS
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert "".join(s.text for s in spans).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert all(s.text.endswith(",") for s in spans[:-1])  # cut at a clause mark where there is one
    unbroken = "x" * (2 * MAX_SENTENCE_CHARS + 5)
    assert [len(s.text) for s in split_sentences(unbroken, "da")] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 5]
