"""Stance quality: precision / recall / F1 per stance on the hand-labelled segments.

Labels: tests/data/stance_labels.csv (184 segments: the seed response and a random
sample of sentences from the Bliv Hørt hearing 190 responses, labelled by reading each
segment; see the table's header in the report). The cues were developed while looking
at errors on the *development* part only; the *held-out* part (every segment whose
CRC32 of the text is divisible by 3, about a third) was not inspected while tuning.

The learned model (:class:`analysis.alignment.learned.StanceModel`, fixed settings C=1,
cue_weight=0.5 chosen by 5-fold cross-validation on the development part) is scored by
5-fold cross-validation on the development part, by training on the development part
and scoring the held-out part once, and by 5-fold cross-validation over all segments.

It also times stance + priority matching on 100,000 synthetic segments (pairs of
sentences drawn from the Bliv Hørt responses; skipped when ../shared/data is absent or
with ``--no-speed``).

Run:  .venv/bin/python benchmarks/stance_quality.py   → writes benchmarks/stance_quality.md
"""

from __future__ import annotations

import sys
import time
import zlib
from pathlib import Path

import pandas as pd

from analysis.alignment.learned import StanceModel, cross_validate_stance
from analysis.alignment.stance import STANCES, segment_stance

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "stance_labels.csv"
OUT = ROOT / "benchmarks" / "stance_quality.md"
LEARNED = dict(C=1.0, cue_weight=0.5)
# macro-F1 of the cue lists before the sentence-reading rules (this file at the previous version)
BEFORE = {"all": 0.78, "development": 0.81, "held-out": 0.70}


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
    dev, test = labels[~ho], labels[ho]
    model = StanceModel(**LEARNED).fit(dev.text.tolist(), dev.label.tolist())
    out["learned held-out"] = scores(test.label, pd.Series(model.predict(test.text.tolist()), index=test.index))
    out["cv development"] = cross_validate_stance(dev.text, dev.label, **LEARNED)
    out["cv all"] = cross_validate_stance(labels.text, labels.label, **LEARNED)
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    labels = pd.read_csv(LABELS)
    t0 = time.perf_counter()
    res = evaluate(labels)
    secs = time.perf_counter() - t0
    counts = labels.label.value_counts().reindex(list(STANCES), fill_value=0)
    ho = labels.text.map(held_out)
    parts = [
        "## Stance quality (Danish): cue reader and learned model",
        "",
        f"Gold: `tests/data/stance_labels.csv`, {len(labels)} hand-labelled segments "
        f"({', '.join(f'{k} {v}' for k, v in counts.items())}); sources: "
        f"{', '.join(f'{k} {v}' for k, v in labels.source.value_counts().items())}. "
        f"Development part {int((~ho).sum())}, held-out part {int(ho.sum())} (not inspected while writing cues).",
        f"Command: `.venv/bin/python benchmarks/stance_quality.py` ({secs:.1f} s incl. lemmatiser warm-up "
        "and the cross-validation).",
        "",
        "### Summary: macro-F1, before and after",
        "",
    ]
    cv_dev, cv_all = res["cv development"], res["cv all"]
    mean = lambda t, m: float(t[(t.fold == "mean") & (t.model == m)].macro_f1.iloc[0])
    summary = pd.DataFrame([
        ("cue lists (before: word cues only)", f"{BEFORE['development']:.2f}", f"{BEFORE['held-out']:.2f}", "–"),
        ("cue reader (after: negation/contrast scope, modals, opposition)",
         f"{res['development'].f1.iloc[-1]:.2f}", f"{res['held-out'].f1.iloc[-1]:.2f}", f"{mean(cv_all, 'cues'):.2f}"),
        ("learned (TF-IDF + cue features), trained on development",
         f"{mean(cv_dev, 'learned'):.2f} (5-fold CV)", f"{res['learned held-out'].f1.iloc[-1]:.2f}",
         f"{mean(cv_all, 'learned'):.2f}"),
    ], columns=["model", "development", "held-out", "5-fold CV, all 184"])
    parts += [_md(summary), "",
              "Development scores of the cue reader are optimistic (its cues were written looking at "
              "development errors); the held-out column is the honest one. The 5-fold CV over all "
              "segments scores the cue reader on the same folds (it has nothing to train).", ""]
    for name in ("all", "development", "held-out"):
        parts += [f"### {name}", "", _md(res[name]), "",
                  f"All-neutral baseline macro-F1: {res[name + ' (all-neutral baseline)'].f1.iloc[-1]:.2f}", ""]
    conf = res["confusion"].reset_index()
    parts += ["### Confusion (all; rows gold, columns predicted)", "", _md(conf), ""]
    parts += [
        "### Reading the numbers", "",
        "- Before: the word-cue lists scored macro-F1 0.81 (development) and 0.70 (held-out). After the "
        "sentence-reading rules (scope of negation and contrast, modal requests, opposition, deficits, "
        "rhetorical questions), written looking at development errors only, development rose to 0.85 and "
        "held-out to 0.71: the general rules fix the plain misses (see tests/test_stance.py) but the held-out "
        "gain is small, so read held-out as the honest estimate.",
        "- The learned model, with 126 training segments, mostly follows the cue features and scores the same "
        "as the cue reader on held-out data; it becomes useful with the researcher's own codes "
        "(`analysis agreement STUDY SHEET --retrain`). The 0.80 held-out target is not reached with 184 labels.",
        "- Concern is precise but has low recall: much criticism in consultation responses is argued "
        "(\"Biomasse forsinker den grønne omstilling ...\") without a cue word; such segments fall to neutral.",
        "- Support has few gold examples (18); its interval is wide.",
        "- One person labelled the segments; there is no second coder, so no agreement figure.",
        "",
    ]
    parts += ["### Learned model, held-out part (trained on the development part)", "",
              _md(res["learned held-out"]), ""]
    for name in ("cv development", "cv all"):
        t = res[name].copy()
        t["macro_f1"] = t["macro_f1"].map(lambda v: f"{v:.2f}")
        parts += [f"### Cross-validation folds ({name.split()[1]})", "", _md(t), ""]
    sp = None if "--no-speed" in argv else speed()
    if sp is not None:
        parts += ["### Speed (2-core machine, one process)", "",
                  "100,000 synthetic segments, each two sentences of the Bliv Hørt responses joined:", "",
                  _md(sp), "",
                  "Seconds depend on how busy the machine is: compare segment_stance with "
                  "segment_priorities of the same run (the previous version: 23.9 s and 16.5 s).", ""]
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
