"""Alignment: codebook, priorities, stance, intervals, group tables, effects, coding."""

from analysis.alignment.groups import (  # noqa: F401
    goal_coverage,
    group_priority,
    group_theme,
    respondent_priority,
    stance_priority,
)
from analysis.alignment.intervals import INTERVALS, MIN_GROUP_N, proportion_interval  # noqa: F401
from analysis.alignment.keyness import keyness  # noqa: F401
from analysis.alignment.resampling import ALL, BOOT_CHUNK, COUNT_CAMPAIGNS, UNITS, boot_ratio  # noqa: F401
from analysis.alignment.tables import (  # noqa: F401
    alignment_tables,
    gaps,
    goal_similarity,
    priority_goal,
    write_alignment_tables,
)
