"""The benchmark corpus variants: texts, gold labels (if any), language and k.

Read from ``../shared/data`` (override with ``ANALYSIS_SHARED_DATA``); nothing is copied.
One document = one comment, agenda title, contribution, response or sentence, as the
variant says. Shared by ``themes_quality.py``, ``peers.py`` and ``speed_vs_bertopic.py``.

>>> sorted(VARIANTS)[:2]
['austria-climate', 'austria-climate-accepted']
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("ANALYSIS_SHARED_DATA", HERE.parent.parent / "shared" / "data"))

CIMT_CATEGORIES = ("motorized transport", "non-motorized transport", "cycling", "walking",
                   "scooters", "public transport (local)", "public transport (long-distance)",
                   "commercial transport", "stationary traffic (parking)", "moving traffic",
                   "inter- and multimodality", "new services")


@dataclass(frozen=True)
class Variant:
    """One benchmark corpus variant.

    ``labels`` is ``single`` (one gold class per document), ``multi`` (several 0/1 gold
    columns) or ``none``; ``k`` is the number of gold classes, or for unlabelled variants
    a nominal k given to the methods that need one.
    """

    name: str
    language: str
    labels: str
    k: int
    unit: str
    description: str


VARIANTS = {v.name: v for v in (
    Variant("scoop-hivemind", "en", "single", 5, "comment",
            "five Scoop HiveMind Polis conversations; gold = conversation"),
    Variant("austria-climate", "de", "single", 5, "comment",
            "Austrian climate council, five Polis conversations; noisy gold = conversation"),
    Variant("cap-dk-major", "da", "single", 20, "agenda title",
            "Danish municipal agenda titles; gold = CAP major topic"),
    Variant("cap-dk-subtopic", "da", "single", 0, "agenda title",
            "the same titles; gold = CAP subtopic (`coding`), k = number of subtopics"),
    Variant("cimt-ottensen", "de", "multi", 12, "contribution",
            "FreiRaum Ottensen contributions (title + text); 12 multi-label categories"),
    Variant("austria-climate-accepted", "de", "single", 5, "comment",
            "austria-climate, only the comments its moderators accepted (`moderated` = 1)"),
    Variant("bowling-green", "en", "none", 10, "comment",
            "Bowling Green / Warren County Polis comments; no labels (nominal k = 10)"),
    Variant("blivhoert-190", "da", "none", 5, "response",
            "Bliv Hørt hearing 190 (climate plan), whole responses; no labels (nominal k = 5)"),
    Variant("blivhoert-190-sentences", "da", "none", 10, "sentence",
            "the same responses split into sentences by the package's segmenter; "
            "no labels (nominal k = 10)"),
)}


@dataclass
class Corpus:
    """Loaded texts of a variant; ``gold`` (n,) for single-label, ``gold_multi`` (n, c)."""

    variant: Variant
    texts: list[str]
    k: int
    gold: np.ndarray | None = None
    gold_multi: np.ndarray | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sha(self) -> str:
        """Fingerprint of the texts (cached peer results are valid only for the same texts)."""
        h = hashlib.sha256()
        for t in self.texts:
            h.update(t.encode("utf-8") + b"\0")
        return h.hexdigest()[:16]


def _need(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path}: reference corpus missing (expected ../shared/data "
                                "beside the project, or set ANALYSIS_SHARED_DATA)")
    return path


def _polis(prefix: str):
    import pandas as pd

    files = sorted(glob.glob(str(_need(SHARED / "polis") / f"{prefix}*" / "comments.csv")))
    if not files:
        raise FileNotFoundError(f"{SHARED / 'polis'}: no {prefix}*/comments.csv")
    frames = [pd.read_csv(f).assign(conversation=Path(f).parent.name) for f in files]
    df = pd.concat(frames, ignore_index=True)
    return df[df["comment-body"].notna()].reset_index(drop=True)


def _blivhoert() -> list[str]:
    path = _need(SHARED / "blivhoert-190" / "responses.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [str(r["text"]).replace("\r\n", "\n").strip() for r in rows]


def _int_labels(values) -> np.ndarray:
    return np.unique(np.asarray(values).astype(str), return_inverse=True)[1]


def load(name: str) -> Corpus:
    """Load one variant by name.

    >>> c = load("scoop-hivemind")  # doctest: +SKIP
    >>> len(c.texts), c.k           # doctest: +SKIP
    (780, 5)
    """
    import pandas as pd

    if name not in VARIANTS:
        raise ValueError(f"unknown corpus variant {name!r}; choose from {sorted(VARIANTS)}")
    v = VARIANTS[name]
    if name in ("scoop-hivemind", "austria-climate", "austria-climate-accepted", "bowling-green"):
        prefix = {"bowling-green": "american-assembly.bowling-green",
                  "austria-climate-accepted": "austria-climate."}.get(name, name + ".")
        df = _polis(prefix)
        if name == "austria-climate-accepted":
            df = df[df["moderated"] == 1].reset_index(drop=True)
        texts = df["comment-body"].astype(str).tolist()
        gold = _int_labels(df["conversation"]) if v.labels == "single" else None
        return Corpus(v, texts, v.k, gold=gold)
    if name.startswith("cap-dk"):
        df = pd.read_csv(_need(SHARED / "cap-dk" / "agendas_dev.csv"))
        col = "major_topic" if name == "cap-dk-major" else "coding"
        gold = _int_labels(df[col])
        return Corpus(v, df["text"].astype(str).tolist(), int(gold.max() + 1), gold=gold)
    if name == "cimt-ottensen":
        df = pd.read_csv(_need(SHARED / "cimt-ottensen" / "contributions.csv"))
        texts = (df["title"].fillna("").astype(str) + ".\n" + df["text"].fillna("").astype(str)).tolist()
        Y = df[list(CIMT_CATEGORIES)].fillna(0).to_numpy().astype(int)
        return Corpus(v, texts, v.k, gold_multi=Y, categories=CIMT_CATEGORIES)
    responses = _blivhoert()
    if name == "blivhoert-190":
        return Corpus(v, responses, v.k)
    from analysis.corpus.segment import segment_text

    sentences = [text[s.start:s.end] if hasattr(s, "start") else text[s[0]:s[1]]
                 for text in responses for *_, s in segment_text(text, "da")]
    return Corpus(v, [s for s in sentences if s.strip()], v.k)
