"""Validation of :class:`~analysis.themes.ThemeModel` parameters and input texts.

Every parameter is checked in ``fit`` (scikit-learn style: ``__init__`` only stores), and
all problems are reported at once with what to write instead.

>>> check_texts(["a", None, float("nan")], "X")
['a', '', '']
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.text import LANGUAGES
from analysis.themes.features import TERM_FORMS
from analysis.themes.vectors import BACKENDS

UNITS = ("auto", "segment", "response")


def check_texts(X: Any, name: str = "X") -> list[str]:
    """``X`` as a list of str; refuse what is not a sequence of texts.

    ``None`` and NaN become "" (an empty segment, listed as skipped).

    Parameters
    ----------
    X : list, tuple, ndarray or Series of str
    name : str
        The argument's name in messages.

    Returns
    -------
    list of str

    Examples
    --------
    >>> check_texts(("bus", "metro"))
    ['bus', 'metro']
    """
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        raise TypeError(f"{name} is a DataFrame (columns {list(X.columns)[:6]}); pass its text "
                        f"column instead, e.g. segments['text'].")
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} is a single string; pass a list of texts, e.g. [{str(X)[:30]!r}].")
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise TypeError(f"{name} is an array of shape {X.shape}; pass a 1-d sequence of texts.")
    if isinstance(X, Mapping) or not hasattr(X, "__iter__"):
        raise TypeError(f"{name} must be a sequence of texts (list or Series of str), "
                        f"not {type(X).__name__}.")
    out = []
    for i, t in enumerate(X):
        if t is None or (isinstance(t, float) and t != t):
            out.append("")
        elif isinstance(t, str):
            out.append(t)
        else:
            raise TypeError(f"{name}[{i}] is {type(t).__name__} ({str(t)[:40]!r}), not a text; "
                            f"every entry of {name} must be a str (or None for a missing text).")
    return out


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v


def check_model_params(model) -> None:
    """Raise one ``ValueError`` listing every invalid parameter of ``model``.

    Parameters
    ----------
    model : ThemeModel

    Examples
    --------
    >>> from analysis.themes import ThemeModel
    >>> check_model_params(ThemeModel(n_runs=0))
    Traceback (most recent call last):
    ...
    ValueError: ThemeModel: n_runs must be an integer >= 1, not 0
    """
    from analysis.themes.choose_k import CRITERIA

    p = model.get_params()
    bad: list[str] = []
    if p["language"] not in LANGUAGES:
        bad.append(f"language {p['language']!r} is not supported; use one of {LANGUAGES}")
    if p["backend"] not in BACKENDS:
        bad.append(f"backend {p['backend']!r} is not supported; use one of {BACKENDS}")
    if p["form"] not in TERM_FORMS:
        bad.append(f"form {p['form']!r} is not supported; use one of {TERM_FORMS}")
    if p["unit"] not in UNITS:
        bad.append(f"unit {p['unit']!r} is not supported; use one of {UNITS}")
    if p["k_criterion"] not in CRITERIA:
        bad.append(f"k_criterion {p['k_criterion']!r} is not supported; use one of {CRITERIA}")
    if p["n_themes"] != "auto" and not (_is_int(p["n_themes"]) and p["n_themes"] >= 1):
        bad.append(f"n_themes must be 'auto' or a positive integer, not {p['n_themes']!r}")
    for name, low in (("n_runs", 1), ("n_top_terms", 1), ("max_iter", 1), ("min_terms", 0)):
        if not (_is_int(p[name]) and p[name] >= low):
            bad.append(f"{name} must be an integer >= {low}, not {p[name]!r}")
    if p["smoothing_terms"] is not None and not (_is_int(p["smoothing_terms"]) and p["smoothing_terms"] >= 1):
        bad.append(f"smoothing_terms must be None or an integer >= 1, not {p['smoothing_terms']!r}")
    if not (_is_num(p["smoothing"]) and p["smoothing"] >= 0):
        bad.append(f"smoothing must be a number >= 0 (0 switches it off), not {p['smoothing']!r}")
    for name in ("threshold", "min_fit"):
        if not (_is_num(p[name]) and 0 <= p[name] <= 1):
            bad.append(f"{name} must lie in [0, 1], not {p[name]!r}")
    for name in ("multiword", "drop_names"):
        if not isinstance(p[name], (bool, np.bool_)):
            bad.append(f"{name} must be True or False, not {p[name]!r}")
    if not _is_int(p["random_state"]):
        bad.append(f"random_state must be an integer (every random step derives from it), "
                   f"not {p['random_state']!r}")
    if isinstance(p["extra_stop_words"], str) or not all(
            isinstance(w, str) for w in (p["extra_stop_words"] or ())):
        bad.append("extra_stop_words must be a list of words, e.g. ['kommune', 'plan'], "
                   f"not {p['extra_stop_words']!r}")
    tw = p["title_words"]
    if tw is not None and not isinstance(tw, str) and not all(isinstance(w, str) for w in tw):
        bad.append(f"title_words must be a title or a list of titles (str), not {tw!r}")
    kr = p["k_range"]
    if kr is not None:
        vals = list(kr) if not isinstance(kr, (str, bytes)) and hasattr(kr, "__iter__") else None
        if not vals or not all(_is_int(k) and k >= 2 for k in vals):
            bad.append(f"k_range must be a non-empty list of integers >= 2 (e.g. range(3, 13)), not {kr!r}")
    seeds = p["seed_terms"]
    if seeds:
        if not isinstance(seeds, Mapping):
            bad.append(f"seed_terms must be a mapping {{seed_id: [terms]}}, not {type(seeds).__name__}")
        elif p["backend"] != "nmf":
            bad.append("seed_terms needs backend='nmf' (seeded themes start NMF components); "
                       f"got backend={p['backend']!r}.")
    if bad:
        raise ValueError("ThemeModel: " + "; ".join(bad))
