"""Cleaning keeps the respondent's words: whole paragraphs, repaired hyphenation, nothing lost."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.corpus.cleaning import clean_text, is_list_item, normalise_characters
from analysis.corpus.segment import segment_text


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def test_seed_paragraphs_come_out_whole(seed_text):
    cleaned = clean_text(seed_text).text
    paragraphs = _paragraphs(cleaned)
    # The seed prints a blank line after every line; a paragraph must not be cut at those.
    first = next(p for p in paragraphs if p.startswith("Først og fremmest"))
    assert first.endswith("for alle københavnere.")
    last = paragraphs[-1]
    assert last.startswith("Beskæftigelses- og Integrationsudvalget bemærker, at der under")
    assert last.endswith("koordineres med nationale tiltag på området.")
    assert "\n\n\n" not in cleaned and " \n" not in cleaned
    assert len(paragraphs) <= 6


def test_coordinated_compounds_stay_as_written(seed_text):
    cleaned = clean_text(seed_text).text
    assert cleaned.count("Beskæftigelses- og Integrationsudvalget") == 5
    assert "Beskæftigelsesog" not in cleaned and "Beskæftigelses-og" not in cleaned
    assert "BESKÆFTIGELSES- OG INTEGRATIONSUDVALGETS" in cleaned


def test_end_of_line_hyphenation_is_repaired_but_real_hyphens_stay():
    text = ("Vi ønsker flere borgere på arbejds-\nmarkedet og en lavere CO2-\nudledning i de ud-\n"
            "satte byområder, og vi støtter Sundheds- og\nOmsorgsudvalget i det.")
    cleaned = clean_text(text)
    assert "arbejdsmarkedet" in cleaned.text
    assert "CO2-udledning" in cleaned.text
    assert "udsatte byområder" in cleaned.text
    assert "Sundheds- og Omsorgsudvalget" in cleaned.text
    assert cleaned.dehyphenated == 2


def test_line_endings_unicode_and_invisible_characters():
    decomposed = "Ka\u0308re bo\u0301rn"  # combining marks
    text = f"Første linje\r\nanden linje\u00a0her\u200b.\r\n\r\n{decomposed}"
    cleaned = clean_text(text).text
    assert "\r" not in cleaned and "\u200b" not in cleaned and "\u00a0" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned.startswith("Første linje anden linje her.")


def test_web_form_lines_stay_separate_paragraphs():
    text = ("Høringssvar til Klimahandleplan 2026-2028\r\nTil Københavns Kommune,\r\n"
            "Jeg støtter planen, men den bør være mere ambitiøs på biomasse.\r\n"
            "Med venlig hilsen\r\n[NAVN]")
    assert _paragraphs(clean_text(text).text) == [
        "Høringssvar til Klimahandleplan 2026-2028", "Til Københavns Kommune,",
        "Jeg støtter planen, men den bør være mere ambitiøs på biomasse.", "Med venlig hilsen", "[NAVN]"]


def test_bullet_items_stay_separate_and_wrapped_items_are_joined():
    text = ("Vi foreslår:\n• flere cykelstier i\n  hele byen\n• bedre busser\n1) grønne tage\n2) mindre asfalt")
    paragraphs = _paragraphs(clean_text(text).text)
    assert paragraphs == ["Vi foreslår:", "• flere cykelstier i hele byen", "• bedre busser", "1) grønne tage",
                          "2) mindre asfalt"]
    assert is_list_item("– punkt") and not is_list_item("-5 grader")


def test_hard_wrapped_paragraphs_are_rejoined():
    text = ("Udvalget bemærker, at der under udvalgets ressort er en lang række\n"
            "yderligere indsatser, som medvirker til mere trygge og attraktive\n"
            "byområder. Udvalget ser frem til, at disse evt. kan indgå i en\n"
            "kommende handleplan.\n"
            "Nyt afsnit begynder her med en kort linje.")
    paragraphs = _paragraphs(clean_text(text).text)
    assert len(paragraphs) == 2
    assert paragraphs[0].endswith("kommende handleplan.")


def test_pages_are_joined_and_their_starts_recorded():
    pages = ["Side et slutter midt i en\nsætning som", "fortsætter på side to.\n\nNyt afsnit."]
    cleaned = clean_text(pages=pages)
    assert "en sætning som fortsætter på side to." in cleaned.text
    assert cleaned.page_starts[0] == 0
    start = cleaned.page_starts[1]
    assert cleaned.text[start:].startswith("fortsætter")


ALPHABET = st.sampled_from(list("abcæøåABCÆØÅ019 .,-!?:;()'\"\n\n\r\t•") + ["bl.a. ", "pkt. 4. ", "d. 1. januar "])


def _no_space(s: str) -> str:
    return re.sub(r"\s", "", s)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=200).map("".join))
def test_no_visible_character_is_lost_except_repaired_hyphens(raw):
    cleaned = clean_text(raw)
    before, after = _no_space(normalise_characters(raw)), _no_space(cleaned.text)
    assert before.replace("-", "") == after.replace("-", "")
    assert before.count("-") - after.count("-") == cleaned.dehyphenated


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=200).map("".join), st.sampled_from(["da", "en", "de"]))
def test_segment_offsets_always_point_at_the_segment_text(raw, language):
    text = clean_text(raw, language=language).text
    spans = segment_text(text, language)
    for _, _, span in spans:
        assert text[span.start:span.end] == span.text
        assert span.text == span.text.strip() and span.text
    # Segments cover every visible character of the cleaned text, in order.
    assert "".join(_no_space(s.text) for _, _, s in spans) == _no_space(text)


def test_page_starts_point_at_the_first_line_of_each_page_even_when_it_repeats_earlier_text():
    pages = ["Vi støtter planen.\n\nVi støtter planen for cykelstier i hele", "byen. Vi støtter planen.",
             "", "Vi støtter planen."]
    cleaned = clean_text(pages=pages)
    text = cleaned.text
    assert cleaned.page_starts[0] == 0
    assert text[cleaned.page_starts[1]:].startswith("byen. Vi støtter")
    assert cleaned.page_starts[2] is None  # an empty page contributes no text
    start = cleaned.page_starts[3]
    assert text[start:] == "Vi støtter planen." and start > text.index("byen.")


def test_terminal_escape_sequences_are_removed_whole_and_swallow_no_text():
    pasted = ("Vi \x1b[1;31mstøtter\x1b[0m planen.\x1b[2K\n"
              "\x1b]0;terminal title\x07Trafikken er \x1b[mfarlig.\n"
              "\x1b]2;no terminator Parkering mangler.")
    text = clean_text(pasted).text
    assert "[31m" not in text and "[0m" not in text and "[2K" not in text and "terminal title" not in text
    assert "Vi støtter planen." in text and "Trafikken er farlig." in text
    assert "Parkering mangler." in text  # an unterminated OSC loses its ESC, not the rest of the text
    assert "\x1b" not in text
