"""Exact copies (form letters) are cleaned and redacted once; the tables are as if each were processed."""

from __future__ import annotations

import pandas as pd

import analysis.corpus.process as process_module
from analysis.corpus import ingest

LETTER = ("Kære Teknik- og Miljøudvalg\n\nVi ønsker flere træer og trygge cykel-\nstier på Amager.\n\n"
          "Med venlig hilsen\nJens Kvistholm\njens@example.dk, tlf. 12 34 56 78")


def _table(tmp_path):
    texts = [LETTER, "Se vedhæftet høringssvar.", LETTER, "Vi vil have en ny skole i Valby.", LETTER]
    path = tmp_path / "svar.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts}).to_csv(path, index=False)
    return path


def test_copies_give_the_same_tables_as_processing_each(tmp_path, monkeypatch):
    path = _table(tmp_path)
    cached = ingest(path, language="da", text_col="text", id_col="id")
    monkeypatch.setattr(process_module, "_CACHED_CHARS", -1)  # no document is cached
    each = ingest(path, language="da", text_col="text", id_col="id")
    for table in ("responses", "segments", "ingest_report", "redaction_report"):
        pd.testing.assert_frame_equal(getattr(cached, table), getattr(each, table))
    copies = cached.responses.set_index("response_id").loc[["r0", "r2", "r4"], "text"]
    assert copies.nunique() == 1 and "Kvistholm" not in copies.iloc[0] and "[EMAIL]" in copies.iloc[0]


def test_a_copy_changed_by_the_caller_does_not_change_the_cache(tmp_path):
    path = _table(tmp_path)
    first = ingest(path, language="da", text_col="text", id_col="id")
    first.page_starts["r0"].append(999)
    again = ingest(path, language="da", text_col="text", id_col="id")
    assert again.page_starts["r0"] == again.page_starts["r2"] != first.page_starts["r0"]
