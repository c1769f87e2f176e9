# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Priorities, stance and the policy's goals
#
# **Question:** which of the priorities in the codebook do the respondents raise, with
# what stance, do respondent types differ, and how do the priorities line up with the
# policy's own goals — which goals do the responses leave uncovered (gaps)?
#
# Priorities are matched per segment from the codebook with the matched words kept as
# evidence (`segment_priorities`); the alignment tables summarise them by group with
# bootstrap confidence intervals.

# %% tags=["parameters"]
study = "udsatte-byomraader-2025"  # a study name under data/raw/, or a path to its study.yaml
processed_root = None  # None: data/processed/ ; tests pass a temporary folder
report_root = None  # None: reports/

# %%
# %matplotlib inline
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from analysis import plots
from analysis.config import load_study
from analysis.report import report_figures
from analysis.tables import load_tables

plots.use_style()
pd.set_option("display.max_colwidth", 100)
cfg = load_study(study, processed_root=Path(processed_root) if processed_root else None,
                 report_root=Path(report_root) if report_root else None)
tables = load_tables(cfg.processed_dir)
figures = report_figures(tables)
by_name = {f.name: f for f in figures}
segment_priorities = tables.get("segment_priorities", pd.DataFrame())
print(f"{cfg.title}: {len(segment_priorities)} segment × priority matches")

# %% [markdown]
# ## Evidence
#
# Each match names the words that triggered it, so a reader can check it. First rows:

# %%
display(segment_priorities.head(20))

# %% [markdown]
# ## Stance by priority
#
# How to read: each bar is one priority; colours split its segments by stance (support,
# neutral, oppose, …); `n` is the number of segments. Priorities with few segments give
# unstable shares.

# %%
ax = by_name["stance-by-priority"].draw()

# %% [markdown]
# ## Do respondent types differ?
#
# How to read: each point is the estimate for one respondent type, the bar its 95 %
# bootstrap confidence interval. Overlapping bars mean the data cannot tell the groups apart.

# %%
comparison = by_name["priorities-by-respondent-type"]
display(comparison.table)
ax = comparison.draw()

# %% [markdown]
# ## Priorities × policy goals
#
# How to read: rows are priorities, columns the policy's goals; a darker-to-brighter cell
# means a stronger link. When two methods are available they are drawn side by side —
# agreement between them makes a link more credible.

# %%
goal_maps = [f for f in figures if f.name.startswith("priority-goal")]
fig, axes = plt.subplots(1, len(goal_maps), figsize=(6.5 * len(goal_maps), 1.9 + 0.34 * max(
    [len(f.table) for f in goal_maps] + [6]) / max(1, len(goal_maps))), layout="constrained",
    squeeze=False)
for f, ax in zip(goal_maps, axes[0]):
    f.draw(ax=ax)

# %% [markdown]
# ## Goal coverage and gaps
#
# How to read: bars are the share of responses that address each goal, with a 95 %
# interval; hatched orange bars are gaps — goals the responses hardly touch.

# %%
coverage = by_name["goal-coverage"]
display(coverage.table)
ax = coverage.draw()
