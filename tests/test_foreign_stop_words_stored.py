"""The stored foreign stop words equal the ones judged from the installed lists."""

import json

from analysis import text


def test_stored_verdicts_are_current_and_equal_the_judged_ones():
    stored = text.stored_foreign_stop_words()
    assert stored is not None, (
        "src/analysis/resources/foreign_stop_words.json is stale (a stop-word list or wordfreq "
        "changed): run python -c \"from analysis.text import write_foreign_stop_words; "
        "write_foreign_stop_words()\"")
    assert set(stored) == set(text.LANGUAGES)
    for code in text.LANGUAGES:
        assert stored[code] == text.judge_foreign_stop_words(code), code


def test_a_stale_file_is_ignored(tmp_path, monkeypatch):
    stale = tmp_path / "foreign.json"
    stale.write_text(json.dumps({"fingerprint": "0" * 64, "words": {"da": ["klima"]}}))
    monkeypatch.setattr(text, "FOREIGN_STOP_WORDS_FILE", stale)
    text.stored_foreign_stop_words.cache_clear()
    text._foreign_stop_words.cache_clear()
    try:
        assert text.stored_foreign_stop_words() is None
        assert not text.foreign_stop_word("klima", "da") and text.foreign_stop_word("and", "da")
    finally:
        text.stored_foreign_stop_words.cache_clear()
        text._foreign_stop_words.cache_clear()


def test_write_gives_the_stored_file(tmp_path):
    out = text.write_foreign_stop_words(tmp_path / "f.json")
    assert out.read_text(encoding="utf-8") == text.FOREIGN_STOP_WORDS_FILE.read_text(encoding="utf-8")


def test_the_fingerprint_reads_the_lists_the_verdicts_come_from():
    from analysis.corpus.wordlist import _bands

    for code in text.LANGUAGES:
        path = text.wordfreq_packed_list(code)
        assert path is not None and path.name.endswith(f"_{code}.msgpack.gz")
        assert len(_bands(code)) > 100  # the bands the verdicts are judged from are read from this file
