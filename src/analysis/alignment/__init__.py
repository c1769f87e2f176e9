"""Alignment: codebook, priorities, stance, intervals, group tables, effects, coding.

The names below are imported on first use, so ``import analysis.alignment.<module>`` (as
the command line does) does not load every alignment module and scipy.stats.
"""

from importlib import import_module

_EXPORTS = {
    "analysis.alignment.groups": ("goal_coverage", "group_priority", "group_theme", "respondent_priority",
                                  "stance_priority"),
    "analysis.alignment.intervals": ("INTERVALS", "MIN_GROUP_N", "proportion_interval"),
    "analysis.alignment.keyterms": ("keyness",),
    "analysis.alignment.resampling": ("ALL", "BOOT_CHUNK", "COUNT_CAMPAIGNS", "UNITS", "boot_ratio"),
    "analysis.alignment.tables": ("alignment_tables", "gaps", "goal_similarity", "priority_goal",
                                  "write_alignment_tables"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis.alignment' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
