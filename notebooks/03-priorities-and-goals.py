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
# evidence (`segment_priorities`); the alignment tables summarise them by group with 95 %
# intervals: Wilson score intervals by default (study setting `alignment.interval`:
# `wilson`, `jeffreys` or `bootstrap`), which stay honest at small n — at n = 1 a share of 1
# gets about [0.21, 1], a group of 7 that all raise a priority about [0.65, 1].

# %% tags=["parameters"]
study = "udsatte-byomraader-2025"  # a study name under data/raw/, or a path to its study.yaml
processed_root = None  # None: data/processed/ ; tests pass a temporary folder
report_root = None  # None: reports/

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.report import plots
from analysis.report import report_figures
from analysis.report.notebooks import missing_tables
from analysis.tables import load_study_tables

plots.use_style()
pd.set_option("display.max_colwidth", 100)
cfg, tables = load_study_tables(study, processed_root, report_root)
note = missing_tables(cfg, tables, ["segment_priorities", "alignment_type_priority", "alignment_goal_coverage"])
if note:  # a stage not run yet: say which command makes the tables
    display(Markdown(note))
figures = report_figures(tables, cfg)
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
# request, concern, neutral); `n` is the number of segments raising the priority.
# Priorities with few segments give unstable shares.

# %%
ax = by_name["stance-by-priority"].draw()

# %% [markdown]
# ## Do respondent types differ?
#
# Two measures per priority: **mention** — the share of responses that raise it at least
# once — and **salience** — the mean share of a response's segments that raise it. How to
# read: each point is the estimate for one respondent type (`all` = every response), the
# bar its 95 % interval (Wilson by default; for salience, a mean of shares in [0, 1], the same
# score interval with the group's n, which is conservative). Overlapping bars mean the data
# cannot tell the groups apart. With one response a share of 1 gets about [0.21, 1], not
# [1, 1]; groups below the minimum n are flagged `small_group` and hatched: read them as anecdotes.

# %%
display(tables.get("alignment_type_priority", pd.DataFrame()).head(20))
ax = by_name["priorities-by-respondent-type-mention"].draw()

# %%
ax = by_name["priorities-by-respondent-type-salience"].draw()

# %% [markdown]
# ## Priorities × policy goals
#
# Two methods, side by side: `codebook` (the segments that raise the priority, in the
# column of each goal the codebook says it serves) and `similarity` (mean text similarity
# of the priority's segments to the goal's text). How to read: rows are priorities, columns goals; brighter = stronger link. Where
# the two methods agree, the link is more credible; the agreement table quantifies it.

# %%
goal_maps = [f for f in figures if f.name.startswith("priority-goal")]
n_rows = max([f.table["priority_id"].nunique() for f in goal_maps if len(f.table)] + [4])
fig, axes = plt.subplots(1, len(goal_maps), figsize=(6.5 * len(goal_maps), 2.6 + 0.34 * n_rows),
                         layout="constrained", squeeze=False)
for f, ax in zip(goal_maps, axes[0]):
    f.draw(ax=ax)
display(tables.get("alignment_method_agreement", pd.DataFrame()))

# %% [markdown]
# ## Goal coverage and gaps
#
# How to read: bars are the share of responses that raise at least one priority mapped to
# each goal, with a 95 % interval; hatched orange bars are goals no response touches. The
# second table lists *priority* gaps: priorities respondents raise that serve no strategic
# goal of the policy.

# %%
coverage = by_name["goal-coverage"]
display(coverage.table)
ax = coverage.draw()

# %%
gaps = by_name["priority-gaps"]
display(gaps.table)
ax = gaps.draw()
