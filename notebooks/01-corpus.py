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
# # 01 · The corpus
#
# **Question:** what did we receive? How many responses, from which kinds of respondents,
# how long are they, what could not be read, and are there campaigns (near-identical
# responses) that would weigh too much if counted one by one?
#
# The notebook only reads the tables that `analysis run <study>` wrote to the study's
# processed folder; change `study` in the next cell to run it on another consultation.

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
pd.set_option("display.max_colwidth", 80)
cfg, tables = load_study_tables(study, processed_root, report_root)
note = missing_tables(cfg, tables, ["responses", "segments", "ingest_report"])
if note:  # a stage not run yet: say which command makes the tables
    display(Markdown(note))
responses = tables.get("responses", pd.DataFrame())
segments = tables.get("segments", pd.DataFrame())
print(f"{cfg.title} ({cfg.name}, language {cfg.language}): "
      f"{len(responses)} responses, {len(segments)} segments")

# %% [markdown]
# ## What was read, and what was not
#
# Every input file or row appears once in the ingest report. Anything not `ok` says why;
# `attachment_only` means the response only points to an attachment we did not receive.

# %%
ingest = tables.get("ingest_report", pd.DataFrame())
display(ingest.groupby("status").size().rename("files").to_frame() if len(ingest) else ingest)
display(ingest[ingest["status"] != "ok"] if len(ingest) else ingest)

# %% [markdown]
# ## Who responded
#
# Respondent types come from the manifest or are read from the text (`respondent_type_source`
# says which). Lengths are in characters of cleaned text; one row per respondent type.

# %%
if len(responses):
    by_type = (responses.groupby(["respondent_type", "status"], dropna=False)
               .agg(responses=("response_id", "size"), median_chars=("n_chars", "median"),
                    total_chars=("n_chars", "sum"))
               .reset_index())
    display(by_type)
    columns = [c for c in ["response_id", "respondent_type", "respondent_type_source", "language",
                           "n_chars", "status", "duplicate_group"] if c in responses.columns]
    display(responses[columns].head(50))

# %% [markdown]
# ## Segments
#
# Responses are cut into paragraphs and sentences (`segments`); themes and priorities are
# found per segment. The table gives the number of segments per response.

# %%
if len(segments):
    per_response = segments.groupby("response_id").size().rename("segments")
    display(per_response.describe().to_frame().T)

# %% [markdown]
# ## Campaigns and near-duplicates
#
# Groups of near-identical responses (same wording, often a campaign). How to read: each bar
# is one group; a long bar means many responses share one text, so counting them one by one
# would overweight that view. "No duplicate groups found" is the normal case for a small
# consultation.

# %%
campaigns = {f.name: f for f in report_figures(tables, cfg)}["campaign-sizes"]
display(campaigns.table)
ax = campaigns.draw()
