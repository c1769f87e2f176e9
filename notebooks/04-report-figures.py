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
# # 04 · Report figures
#
# **Question:** what are the figures of the report, and where does each come from?
#
# Every figure is saved by `analysis.report.save_figure` to `reports/<study>/figures/` as
# PNG and SVG, with a JSON sidecar that records the source table, a hash of every input
# table, the study configuration, the random seed and the package version. Rerunning this
# notebook on the same tables rewrites byte-identical files.

# %% tags=["parameters"]
study = "udsatte-byomraader-2025"  # a study name under data/raw/, or a path to its study.yaml
processed_root = None  # None: data/processed/ ; tests pass a temporary folder
report_root = None  # None: reports/

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Image, Markdown, display

from analysis.report import plots
from analysis.report import write_figures
from analysis.report.notebooks import missing_tables
from analysis.tables import load_study_tables

plots.use_style()
cfg, tables = load_study_tables(study, processed_root, report_root)
note = missing_tables(cfg, tables, ["themes", "alignment_type_priority"])
if note:  # a stage not run yet: say which command makes the tables
    display(Markdown(note))

# %% [markdown] tags=["remove-from-report"]
# ## The figures
#
# Each figure is shown with its title and how to read it. A figure that says "no data"
# means the stage that makes its table produced nothing for this consultation. (The
# combined `report.html` leaves this cell out: notebooks 01–03 already show every figure.)

# %% tags=["remove-from-report"]
saved = []
# write_figures draws every figure of report_figures() and saves it with save_figure(), exactly
# as build_report does (same bytes), then we show it with its title and how to read it
for figure, png, paths in write_figures(tables, cfg):
    display(Markdown(f"### {figure.title}\n\n{figure.caption}"))
    display(Image(data=png))
    saved.append({"figure": figure.name, "source_table": figure.source_table,
                  "rows": len(figure.table), "files": ", ".join(p.name for p in paths)})

# %% [markdown]
# ## Files written
#
# Paths are relative to the study's figures folder.

# %%
display(pd.DataFrame(saved))
