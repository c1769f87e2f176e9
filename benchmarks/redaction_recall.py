"""Redaction recall and false positives on planted personal data (da, en, de).

The planted cases live in ``tests/data/redaction_planted.json`` (invented people,
numbers and addresses). A planted value counts as caught when the redacted text
no longer contains it and a placeholder stands where it was; a ``keep`` string
or a negative text (ordinary numbers, offices, organisations) that is changed is
a false positive. The time per 100,000 segments of ordinary prose with a
signature block is measured too.

Run:  PYTHONPATH=src .venv/bin/python benchmarks/redaction_recall.py  → prints a Markdown table
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from analysis.corpus.redact import KINDS, find_personal_data

ROOT = Path(__file__).resolve().parents[1]
PLANTED = ROOT / "tests" / "data" / "redaction_planted.json"


def _covered(spans, start: int, end: int) -> bool:
    """Is ``[start, end)`` inside the union of the redacted spans?"""
    pos = start
    for s in spans:
        if s.start <= pos < s.end:
            pos = s.end
        if pos >= end:
            return True
    return pos >= end


def _touches(spans, start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def measure(path: Path = PLANTED) -> dict:
    """Recall per (kind, language), false positives and the misses, as a dict."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    misses, false_positives = [], []
    for case in data["cases"]:
        text, lang = case["text"], case["lang"]
        spans = find_personal_data(text, lang)
        for kind, value in case["pii"]:
            start = text.index(value)
            hit = _covered(spans, start, start + len(value))
            found[(kind, lang)][0] += hit
            found[(kind, lang)][1] += 1
            if not hit:
                misses.append((lang, kind, value))
        for keep in case["keep"]:
            start = text.index(keep)
            if _touches(spans, start, start + len(keep)):
                false_positives.append((lang, keep))
    n_negative = 0
    for case in data["negatives"]:
        n_negative += 1
        for s in find_personal_data(case["text"], case["lang"]):
            false_positives.append((case["lang"], f"{s.kind}: {case['text'][s.start:s.end]!r}"))
    return {"found": dict(found), "misses": misses, "false_positives": false_positives,
            "n_negative": n_negative, "n_keep": sum(len(c["keep"]) for c in data["cases"])}


def speed(n_segments: int = 100_000) -> float:
    """Seconds to search 100,000 segments' worth of text (200 segments per response)."""
    from analysis.corpus.redact import redact_text

    body = ("Vi støtter planen for 2025-2035, men budgettet på 12,5 mio. kr. er for lille. "
            "Se § 12 og pkt. 4. Flere træer i Sydhavn, tak! ") * 100
    letter = body + "\n\nMed venlig hilsen\nAnna Vestergaard\nTlf. 40 50 60 70\nanna@example.dk"
    t = time.perf_counter()
    for _ in range(n_segments // 200):
        redact_text(letter, "da")
    return time.perf_counter() - t


def main() -> int:
    result = measure()
    print("| kind | da | en | de | all |\n|---|---|---|---|---|")
    for kind in KINDS:
        cells, tot = [], [0, 0]
        for lang in ("da", "en", "de"):
            hit, n = result["found"].get((kind, lang), (0, 0))
            tot[0] += hit
            tot[1] += n
            cells.append(f"{hit}/{n}" if n else "–")
        print(f"| {kind} | " + " | ".join(cells) + f" | {tot[0]}/{tot[1]} ({100 * tot[0] / max(tot[1], 1):.0f} %) |")
    print(f"\nFalse positives: {len(result['false_positives'])} "
          f"(on {result['n_negative']} negative texts and {result['n_keep']} kept strings)")
    for lang, what in result["false_positives"]:
        print(f"  - [{lang}] {what}")
    for lang, kind, value in result["misses"]:
        print(f"  - missed [{lang}] {kind}: {value!r}")
    if "--no-speed" not in sys.argv:
        print(f"\nSpan search on 100,000 segments: {speed():.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
