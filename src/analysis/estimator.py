"""A scikit-learn-style estimator base without importing scikit-learn (its import costs ~2 s).

:class:`Estimator` gives ``get_params``/``set_params`` (parameters are the ``__init__``
arguments, as in scikit-learn's ``BaseEstimator``), so ``sklearn.base.clone``,
pipelines and grid searches work on the models as before; :class:`Transformer` adds
``fit_transform``.

>>> class Scale(Transformer):
...     def __init__(self, factor=2.0):
...         self.factor = factor
...     def fit(self, X, y=None):
...         return self
...     def transform(self, X):
...         return [x * self.factor for x in X]
>>> Scale().set_params(factor=3.0).fit_transform([1.0])
[3.0]
>>> Scale(factor=3.0)
Scale(factor=3.0)
"""

from __future__ import annotations

import inspect

__all__ = ["Estimator", "Transformer"]


class Estimator:
    """Parameters from ``__init__``'s signature, read and set by name (scikit-learn's rules)."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The ``__init__`` parameter names, sorted (no ``*args`` allowed)."""
        init = getattr(cls.__init__, "deprecated_original", cls.__init__)
        if init is object.__init__:
            return []
        params = [p for p in inspect.signature(init).parameters.values()
                  if p.name != "self" and p.kind != p.VAR_KEYWORD]
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            raise RuntimeError(f"{cls.__name__} must not take *args in __init__ (parameters "
                               "are named so that get_params and clone can find them).")
        return sorted(p.name for p in params)

    def get_params(self, deep: bool = True) -> dict:
        """Parameter name → value (``deep``: nested estimators' as ``name__param``).

        >>> Estimator().get_params()
        {}
        """
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{key}__{k}", v) for k, v in value.get_params().items())
            out[key] = value
        return out

    def set_params(self, **params) -> "Estimator":
        """Set parameters by name (``name__param`` for nested ones); unknown names raise
        ``ValueError``. Returns self.

        >>> Estimator().set_params() is not None
        True
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict] = {}
        for key, value in params.items():
            key, delim, sub_key = key.partition("__")
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}. "
                                 f"Valid parameters are: {self._get_param_names()!r}.")
            if delim:
                nested.setdefault(key, {})[sub_key] = value
            else:
                setattr(self, key, value)
                valid[key] = value
        for key, sub_params in nested.items():
            valid[key].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        """``Name(param=value, ...)`` with the parameters that differ from their defaults."""
        init = inspect.signature(type(self).__init__).parameters
        shown = []
        for key in self._get_param_names():
            value = getattr(self, key, None)
            default = init[key].default if key in init else inspect.Parameter.empty
            try:
                same = default is not inspect.Parameter.empty and bool(value == default)
            except Exception:  # arrays and the like: shown
                same = False
            if not same:
                shown.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class Transformer(Estimator):
    """An estimator with ``fit`` and ``transform``: ``fit_transform`` is their chain."""

    def fit_transform(self, X, y=None, **fit_params):
        """``fit(X, y, **fit_params).transform(X)``."""
        return self.fit(X, y, **fit_params).transform(X)
