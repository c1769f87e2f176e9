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
# # 02 · Themes
#
# **Question:** which themes do the respondents raise, how large is each, who raises
# them, and how confident can we be about the number of themes?
#
# Themes are found by the theme model (`analysis.themes`) on the segments; each theme is
# named by its top terms. The number of themes k is chosen from stability (do the same
# themes come back when the data are resampled?) and coherence (do the top terms occur
# together?).

# %% tags=["parameters"]
study = "udsatte-byomraader-2025"  # a study name under data/raw/, or a path to its study.yaml
processed_root = None  # None: data/processed/ ; tests pass a temporary folder
report_root = None  # None: reports/

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from analysis.report import plots
from analysis.report import report_figures
from analysis.report.notebooks import missing_tables
from analysis.tables import load_study_tables

plots.use_style()
pd.set_option("display.max_colwidth", 100)
cfg, tables = load_study_tables(study, processed_root, report_root)
note = missing_tables(cfg, tables, ["themes", "response_themes", "segment_themes", "k_diagnostics"])
if note:  # a stage not run yet: say which command makes the tables
    display(Markdown(note))
themes = tables.get("themes", pd.DataFrame())
figures = {f.name: f for f in report_figures(tables, cfg)}
print(f"{cfg.title}: {len(themes)} themes")

# %% [markdown]
# ## The themes
#
# One row per theme: its label (top terms), size (segments), share of all segments,
# coherence and stability.

# %%
display(themes)

# %% [markdown]
# ## Theme sizes
#
# How to read: bars are segments per theme, largest first; the share of all segments is in
# brackets. A theme with few segments may still matter: read its quotes below.

# %%
ax = figures["theme-sizes"].draw()

# %% [markdown]
# ## How many themes?
#
# How to read: the blue line is stability (higher = the themes recur when the corpus is
# resampled), the orange dashed line coherence (higher = top terms co-occur). The dotted line
# marks the k the model chose. With a single short response only few values of k are possible.

# %%
display(tables.get("k_diagnostics", pd.DataFrame()))
ax = figures["k-diagnostics"].draw()

# %% [markdown]
# ## What the themes say: quotes
#
# The most typical segments of each theme, quoted verbatim from the responses (with their
# segment id, so each can be traced back to the source file).

# %%
quotes = tables.get("theme_quotes", pd.DataFrame())
if len(quotes) and "theme_id" in quotes.columns:
    display(quotes.groupby("theme_id", sort=True).head(3))
else:
    display(quotes)

# %% [markdown]
# ## How the themes relate, and what was left out
#
# The tree joins the most similar themes first (`distance` = how different the two merged
# branches are); two themes joined at a small distance may be one theme to a reader. The
# second table counts segments the model could not use (too few content words), by reason.

# %%
display(tables.get("theme_tree", pd.DataFrame()))
skipped = tables.get("theme_skipped", pd.DataFrame())
display(skipped.groupby("reason").size().rename("segments").to_frame() if len(skipped) else skipped)

# %% [markdown]
# ## Map of segments
#
# How to read: each dot is a segment placed so that segments with similar words are close;
# colour is the segment's main theme. Overlapping clouds mean themes that share vocabulary.

# %%
ax = figures["segment-map"].draw()

# %% [markdown]
# ## Who raises which theme
#
# How to read: each row is a respondent type (first figure) or one response (second figure);
# each cell the mean share of that row's text given to the theme. Rows sum to about 1.

# %%
ax = figures["themes-by-respondent-type"].draw()

# %%
ax = figures["themes-by-response"].draw()
