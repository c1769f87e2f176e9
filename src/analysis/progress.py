"""Progress bars for steps that can take more than a few seconds.

One helper for every stage: a tqdm bar on stderr when stderr is a terminal (or
``ANALYSIS_PROGRESS=1``), silent otherwise (CI, notebooks executed for the report, pipes),
and always silent with ``ANALYSIS_PROGRESS=0``.

>>> from analysis.progress import progress
>>> [x * 2 for x in progress(range(3), desc="doubling")]
[0, 2, 4]
"""

from __future__ import annotations

import os
import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def progress_enabled() -> bool:
    """Whether progress bars are shown: ``ANALYSIS_PROGRESS`` wins, else "stderr is a terminal".

    >>> isinstance(progress_enabled(), bool)
    True
    """
    setting = os.environ.get("ANALYSIS_PROGRESS", "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def progress(iterable: Iterable[T], *, desc: str = "", total: int | None = None,
             unit: str = "it", enabled: bool | None = None) -> Iterator[T]:
    """Iterate over ``iterable``, showing a progress bar when :func:`progress_enabled`.

    Parameters
    ----------
    iterable : what to iterate over.
    desc : a few words naming the step ("embedding", "choosing k").
    total : number of items when ``iterable`` has no ``len``.
    unit : what one item is ("segment", "file").
    enabled : force on or off; ``None`` asks :func:`progress_enabled`.

    Returns
    -------
    An iterator over the same items, in the same order.

    Examples
    --------
    >>> list(progress(["a", "b"], desc="files", enabled=False))
    ['a', 'b']
    """
    if not (progress_enabled() if enabled is None else enabled):
        yield from iterable
        return
    from tqdm.auto import tqdm

    yield from tqdm(iterable, desc=desc, total=total, unit=unit, file=sys.stderr,
                    leave=False, dynamic_ncols=True)
