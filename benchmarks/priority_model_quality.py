"""Learned priority model against a keyword codebook, on human codes: FreiRaum Ottensen.

The CIMT project coded each of the 697 contributions of the Hamburg-Altona participation
process "FreiRaum Ottensen" for 12 transport categories (several per contribution). This
benchmark writes a small keyword codebook of those categories (German terms, one line
each, written from the category names, not from errors), matches it with the package's
codebook matcher, and scores per category, cross-validated in 5 folds (one contribution =
one response, so no text sits in both parts):

- ``codebook``: the codebook's hits alone;
- ``learned``: :class:`analysis.alignment.priority_model.PriorityModel` (codebook hits +
  word n-grams), trained on the other folds.

Run:  PYTHONPATH=src .venv/bin/python benchmarks/priority_model_quality.py
→ writes benchmarks/priority_model_quality.md (skips when ../shared/data is absent)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from analysis.alignment.priorities import segment_priorities
from analysis.alignment.priority_model import cross_validate_priorities
from analysis.config import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "priority_model_quality.md"
TERMS = {  # category → German terms (lemma level, "x*" = starts with)
    "motorized transport": ["auto", "autos", "pkw", "kfz", "motor*", "autoverkehr"],
    "non-motorized transport": ["fußgänger", "radfahrer", "fahrrad", "zu fuß"],
    "cycling": ["fahrrad*", "radweg*", "radfahr*", "velo*", "lastenrad", "radverkehr"],
    "walking": ["fußgänger*", "gehweg*", "bürgersteig", "zu fuß", "fußweg*"],
    "scooters": ["scooter*", "roller", "e-roller", "tretroller"],
    "public transport (local)": ["bus", "busse", "buslinie", "haltestelle", "s-bahn", "u-bahn", "hvv", "öpnv"],
    "public transport (long-distance)": ["fernbahn*", "fernbus*", "bahnhof", "fernverkehr", "ice"],
    "commercial transport": ["lieferverkehr", "lieferung*", "lkw", "lieferwagen", "paket*", "gewerbe*"],
    "stationary traffic (parking)": ["parkplatz*", "parken", "parkhaus", "stellplatz*", "parkraum", "falschpark*"],
    "moving traffic": ["durchgangsverkehr", "tempo*", "geschwindigkeit", "verkehrsberuhig*", "einbahnstraße", "ampel*"],
    "inter- and multimodality": ["umsteigen", "mobilitätsstation*", "multimodal*", "intermodal*"],
    "new services": ["carsharing", "sharing", "moia", "shuttle", "app", "ride-sharing"],
}


def ident(category: str) -> str:
    """A priority id for a category name: ``"public transport (local)"`` → ``"public_transport_local"``."""
    return "".join(c if c.isalnum() else "_" for c in category).strip("_").replace("__", "_")


def write_codebook(folder: Path) -> Path:
    """The keyword codebook of the 12 categories as a package codebook file."""
    prios = [{"id": ident(c), "label_en": c, "goals": [], "terms": {"de": [t for t in terms if " " not in t]},
              **({"phrases": {"de": [t for t in terms if " " in t]}} if any(" " in t for t in terms) else {})}
             for c, terms in TERMS.items()]
    path = folder / "codebook.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "priorities": prios}, allow_unicode=True), encoding="utf-8")
    return path


def main() -> int:
    path = SHARED_DATA / "cimt-ottensen" / "contributions.csv"
    if not path.is_file():
        print(f"skipped: {path} is absent")
        return 0
    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(path)
    texts = (df["title"].fillna("").astype(str) + ".\n" + df["text"].fillna("").astype(str)).tolist()
    ids = [ident(c) for c in TERMS]
    gold = [";".join(ident(c) for c in TERMS if row[c] == 1) for _, row in df.iterrows()]
    segs = pd.DataFrame({"segment_id": df["document_id"].astype(str), "text": texts})
    with tempfile.TemporaryDirectory() as tmp:
        sp = segment_priorities(segs, write_codebook(Path(tmp)), "de")
    hits_of = sp.groupby("segment_id")["priority_id"].agg(lambda s: ";".join(sorted(set(s))))
    hits = segs["segment_id"].map(hits_of).fillna("").tolist()
    cv = cross_validate_priorities(texts, hits, gold, ids, groups=segs["segment_id"].tolist(), n_splits=5)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    wide = cv.pivot_table(index=["priority_id", "n_positive"], columns="model", values=["precision", "recall", "f1"],
                          sort=False)
    wide.columns = [f"{m} {k}" for k, m in wide.columns]
    wide = wide[[f"{m} {k}" for m in ("codebook", "learned") for k in ("precision", "recall", "f1")]].reset_index()
    macro = cv.groupby("model")["f1"].mean()
    lines = ["## Learned priority model: FreiRaum Ottensen (697 contributions, 12 human-coded categories)", "",
             f"Command: `PYTHONPATH=src .venv/bin/python benchmarks/priority_model_quality.py` ({secs:.0f} s wall, "
             f"{cpu:.0f} s CPU, shared 2-core machine). 5-fold cross-validation, out-of-fold predictions pooled.", "",
             "| " + " | ".join(wide.columns) + " |", "|" + "---|" * len(wide.columns)]
    for row in wide.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |")
    lines += ["", f"Macro-F1 over the 12 categories: codebook {macro['codebook']:.2f}, learned {macro['learned']:.2f}.", "",
              "The codebook is a one-line keyword list per category, written from the names; the learned model "
              "starts from its hits and learns from the coders' codes of the other folds.", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
