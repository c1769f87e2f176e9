"""Stance quality: precision / recall / F1 per stance on the hand-labelled segments.

Labels: tests/data/stance_labels.csv (184 segments: the seed response and a random
sample of sentences from the Bliv Hørt hearing 190 responses, labelled by reading each
segment; see the table's header in the report). The cues were developed while looking
at errors on the *development* part only; the *held-out* part (every segment whose
CRC32 of the text is divisible by 3, about a third) was not inspected while tuning.

It also times stance + priority matching on 100,000 synthetic segments (pairs of
sentences drawn from the Bliv Hørt responses; skipped when ../shared/data is absent).

Run:  .venv/bin/python benchmarks/stance_quality.py   → writes benchmarks/stance_quality.md
"""

from __future__ import annotations

import sys
import time
import zlib
from pathlib import Path

import pandas as pd

from analysis.alignment.stance import STANCES, segment_stance

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "stance_labels.csv"
OUT = ROOT / "benchmarks" / "stance_quality.md"


def held_out(text: str) -> bool:
    """Deterministic split: about a third of the segments are held out."""
    return zlib.crc32(text.encode("utf-8")) % 3 == 0


def scores(gold: pd.Series, pred: pd.Series) -> pd.DataFrame:
    """Precision, recall, F1 and support per stance, plus macro average."""
    rows = []
    for s in STANCES:
        tp = int(((pred == s) & (gold == s)).sum())
        n_pred, n_gold = int((pred == s).sum()), int((gold == s).sum())
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append((s, p, r, f, n_gold, n_pred))
    t = pd.DataFrame(rows, columns=["stance", "precision", "recall", "f1", "n_gold", "n_pred"])
    macro = pd.DataFrame([("macro", t.precision.mean(), t.recall.mean(), t.f1.mean(), len(gold), len(pred))],
                         columns=t.columns)
    return pd.concat([t, macro], ignore_index=True)


def evaluate(labels: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Scores of the cue classifier and of an all-neutral baseline on all / dev / held-out."""
    labels = labels.reset_index(drop=True).copy()
    labels["segment_id"] = labels.index.astype(str)
    pred = segment_stance(labels, "da")["stance"]
    ho = labels["text"].map(held_out)
    out = {}
    for name, mask in (("all", ho | ~ho), ("development", ~ho), ("held-out", ho)):
        out[name] = scores(labels.label[mask], pred[mask])
        out[name + " (all-neutral baseline)"] = scores(labels.label[mask], pd.Series("neutral", index=labels.index)[mask])
    out["confusion"] = pd.crosstab(labels.label.rename("gold"), pred.rename("predicted"))
    return out


def speed(n: int = 100_000, seed: int = 0) -> pd.DataFrame | None:
    """Seconds for segment_stance and segment_priorities on ``n`` synthetic segments."""
    import numpy as np

    from analysis.config import SHARED_DATA
    from analysis.alignment.priorities import segment_priorities
    from analysis.corpus.segment import segment_responses

    path = SHARED_DATA / "blivhoert-190" / "responses.jsonl"
    if not path.is_file():
        return None
    raw = pd.read_json(path, lines=True)
    resp = pd.DataFrame({"response_id": raw.response_id.astype(str),
                         "text": raw.text.str.replace("\r\n", "\n"), "language": "da"})
    base = segment_responses(resp)["text"].tolist()
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    segs = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)],
                         "text": [base[i] + " " + base[j] for i, j in zip(a, b)]})
    t0 = time.perf_counter()
    st = segment_stance(segs, "da")
    t1 = time.perf_counter()
    sp = segment_priorities(segs, ROOT / "data/raw/blivhoert-190/codebook.yaml", "da", stance=st)
    t2 = time.perf_counter()
    return pd.DataFrame([
        ("segment_stance", n, segs.text.nunique(), round(t1 - t0, 1), len(st)),
        ("segment_priorities (given stance)", n, segs.text.nunique(), round(t2 - t1, 1), len(sp)),
    ], columns=["step", "segments", "distinct texts", "seconds", "rows out"])


def _md(t: pd.DataFrame) -> str:
    t = t.copy()
    for c in ("precision", "recall", "f1"):
        if c in t:
            t[c] = t[c].map(lambda v: f"{v:.2f}")
    cols = [str(c) for c in t.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in t.itertuples(index=False)]
    return "\n".join(lines)


def main() -> int:
    labels = pd.read_csv(LABELS)
    t0 = time.perf_counter()
    res = evaluate(labels)
    secs = time.perf_counter() - t0
    counts = labels.label.value_counts().reindex(list(STANCES), fill_value=0)
    ho = labels.text.map(held_out)
    parts = [
        "## Stance quality (cue-based, Danish)",
        "",
        f"Gold: `tests/data/stance_labels.csv`, {len(labels)} hand-labelled segments "
        f"({', '.join(f'{k} {v}' for k, v in counts.items())}); sources: "
        f"{', '.join(f'{k} {v}' for k, v in labels.source.value_counts().items())}. "
        f"Development part {int((~ho).sum())}, held-out part {int(ho.sum())} (not inspected while writing cues).",
        f"Command: `.venv/bin/python benchmarks/stance_quality.py` ({secs:.1f} s incl. lemmatiser warm-up).",
        "",
    ]
    for name in ("all", "development", "held-out"):
        parts += [f"### {name}", "", _md(res[name]), "",
                  f"All-neutral baseline macro-F1: {res[name + ' (all-neutral baseline)'].f1.iloc[-1]:.2f}", ""]
    conf = res["confusion"].reset_index()
    parts += ["### Confusion (all; rows gold, columns predicted)", "", _md(conf), ""]
    parts += [
        "### Reading the numbers", "",
        "- Before looking at any error the cue list scored macro-F1 0.71 (development) and 0.70 (held-out); "
        "after adding cues for errors seen on the development part only, development rose to the figure above "
        "while held-out stayed at about 0.70: the additions did not generalise, so read held-out as the honest "
        "estimate.",
        "- Concern is precise but has low recall: much criticism in consultation responses is argued "
        "(\"Biomasse forsinker den grønne omstilling ...\") without a cue word; such segments fall to neutral.",
        "- Support has few gold examples (18); its interval is wide.",
        "- One person labelled the segments; there is no second coder, so no agreement figure.",
        "",
    ]
    sp = speed()
    if sp is not None:
        parts += ["### Speed (2-core machine, one process)", "",
                  "100,000 synthetic segments, each two sentences of the Bliv Hørt responses joined:", "",
                  _md(sp), ""]
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
