"""Figures: one function per figure, each ``(table, ax=None, **style) -> Axes``.

Every function takes a tidy table (the stage's output, unchanged), draws on ``ax``
(or on a new figure sized to the data when ``ax`` is None) and returns the Axes.
Functions never save, never print and never change global settings; the look lives
in the package style sheet (``analysis.mplstyle``), applied with :func:`use_style`.
An empty table gives an Axes that says "no data" instead of an error.

>>> import pandas as pd
>>> from analysis.report import plots
>>> themes = pd.DataFrame({"theme_id": [0, 1], "label": ["bolig, tryghed", "job, uddannelse"],
...                        "size": [12, 7], "share": [0.63, 0.37]})
>>> with plots.use_style():
...     ax = plots.theme_sizes(themes)
>>> [t.get_text() for t in ax.get_yticklabels()]
['bolig, tryghed', 'job, uddannelse']
"""

from analysis.report.plots.alignment import (  # noqa: F401
    goal_coverage,
    group_effects,
    priority_gaps,
    priority_goal_heatmap,
    respondent_comparison,
    stance_by_priority,
)
from analysis.report.plots.base import PALETTE, STANCE_COLOURS, STYLE_PATH, natural_key, shorten, use_style  # noqa: F401
from analysis.report.plots.themes import (  # noqa: F401
    campaign_sizes,
    k_diagnostics,
    segment_map,
    theme_heatmap,
    theme_sizes,
    themes_over_time,
)

__all__ = [
    "STYLE_PATH", "PALETTE", "STANCE_COLOURS", "use_style", "theme_sizes", "theme_heatmap",
    "priority_goal_heatmap", "respondent_comparison", "stance_by_priority", "goal_coverage",
    "segment_map", "k_diagnostics", "campaign_sizes", "themes_over_time", "group_effects",
]
