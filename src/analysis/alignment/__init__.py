"""Alignment: codebook, priorities, stance, alignment tables."""

from analysis.alignment.tables import (  # noqa: F401
    COUNT_CAMPAIGNS,
    ALL,
    BOOT_CHUNK,
    boot_ratio,
    respondent_priority,
    group_priority,
    goal_similarity,
    priority_goal,
    goal_coverage,
    gaps,
    keyness,
    stance_priority,
    alignment_tables,
    write_alignment_tables,
)
