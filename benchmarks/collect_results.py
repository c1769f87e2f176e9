"""Assemble benchmarks/results.md from the fragment each benchmark writes.

    python benchmarks/collect_results.py

Each benchmark script writes its own ``<name>.md`` table (with machine details and the
command that reproduces it); this script only concatenates them in a fixed order.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["themes_quality.md", "speed_vs_bertopic.md", "stance_quality.md", "scaling.md"]


def collect(folder: Path = HERE) -> str:
    """The text of results.md: a header, then every fragment that exists, in ``ORDER``."""
    parts = ["# Benchmark results\n",
             "Assembled by `python benchmarks/collect_results.py` from the fragments below; each section "
             "names the command that reproduces it and the machine it ran on.\n"]
    for name in ORDER:
        path = folder / name
        if path.is_file():
            parts.append(f"<!-- from benchmarks/{name} -->\n" + path.read_text(encoding="utf-8").strip() + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    (HERE / "results.md").write_text(collect(), encoding="utf-8")
    print(f"wrote {HERE / 'results.md'}")
