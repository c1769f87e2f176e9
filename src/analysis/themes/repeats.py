"""Repeated texts (form letters, campaigns) are handled once: shared walks, kinds judged once.

Half the segments of a consultation with campaigns can be copies. Work that depends on a
text alone is done once per distinct text and shared; counts over documents weigh each
distinct row by its copies, so every result is the same as doing it copy by copy.

>>> distinct_rows([["a"], ["b"]])[1]
[1, 1]
"""

from __future__ import annotations

from typing import Sequence


def distinct_rows(rows: Sequence[Sequence]) -> tuple[list, list[int], list[int]]:
    """The distinct row objects of ``rows`` (by identity: repeated texts share one walk),
    how often each occurs, and the position in the distinct list of every row.

    >>> a, b = ["x"], ["y"]
    >>> distinct_rows([a, b, a])
    ([['x'], ['y']], [2, 1], [0, 1, 0])
    """
    where: dict[int, int] = {}
    uniq: list = []
    counts: list[int] = []
    pos = []
    for row in rows:
        j = where.setdefault(id(row), len(uniq))
        if j == len(uniq):
            uniq.append(row)
            counts.append(0)
        counts[j] += 1
        pos.append(j)
    return uniq, counts, pos


def shared_rows(rows: Sequence[Sequence], make) -> list:
    """``[make(row) for row in rows]``, computed once per distinct row object (shared).

    >>> a = ["x"]
    >>> out = shared_rows([a, a], lambda r: r + ["!"])
    >>> out, out[0] is out[1]
    ([['x', '!'], ['x', '!']], True)
    """
    uniq, _, pos = distinct_rows(rows)
    made = [make(row) for row in uniq]
    return [made[j] for j in pos]


def kinds_once(texts, kind, language: str) -> list[str]:
    """:func:`~analysis.themes.policy.segment_kinds`, judged once per distinct (text, kind).

    >>> kinds_once(["Kære udvalg,", "Flere træer.", "Kære udvalg,"], None, "da")
    ['greeting', 'content', 'greeting']
    """
    from analysis.themes.policy import segment_kinds

    given = [None] * len(texts) if kind is None else list(kind)
    if len(given) != len(texts):
        return segment_kinds(texts, given, language)  # its message
    given = [None if k is None or (isinstance(k, float) and k != k) else str(k) for k in given]
    where: dict = {}
    pos = [where.setdefault(pair, len(where)) for pair in zip(texts, given)]
    pairs = list(where)
    out = segment_kinds([t for t, _ in pairs], None if kind is None else [k for _, k in pairs], language)
    return [out[j] for j in pos]


# Fewest distinct texts for which half of them are walked in a forked process (the fork and
# the walks' way back cost a few hundredths of a second).
FORK_MIN_TEXTS = 2000


def walk_once(features, texts: Sequence[str], workers: int | str = "auto") -> list:
    """``features.walk_texts(texts)``: each distinct text walked once, its walk shared by its
    copies, and on two cores (``workers`` 2 or ``"auto"``, Linux) the second half of the
    distinct texts walked in a forked process. The walks are the same either way (a walk
    depends on its text alone).

    >>> from analysis.themes.features import TermFeatures
    >>> tf = TermFeatures("da")
    >>> walk_once(tf, ["bus, metro", "tog"], workers=1) == tf.walk_texts(["bus, metro", "tog"])
    True
    """
    keys = ["" if t is None else str(t) for t in texts]
    distinct = list(dict.fromkeys(keys))
    if len(distinct) < FORK_MIN_TEXTS or not _may_fork(workers):
        return features.walk_texts(texts)
    features.walk_texts([])  # the normaliser (stop words, stemmer) is built before the fork
    half = len(distinct) // 2
    first, second = distinct[:half], distinct[half:]
    walks = _with_fork(features.walk_texts, first, second)
    row_of = dict(zip(distinct, walks))
    return [row_of[k] for k in keys]


def _may_fork(workers: int | str) -> bool:
    """Whether a second process may be forked here: two usable cores asked for, Linux, and
    not inside a daemonic worker (Dask, a ``multiprocessing`` pool)."""
    import os
    import sys

    from analysis.linalg import usable_cores

    wanted = usable_cores() if workers == "auto" else int(workers)
    mp = sys.modules.get("multiprocessing")
    daemon = mp is not None and mp.current_process().daemon
    return wanted >= 2 and sys.platform.startswith("linux") and hasattr(os, "fork") and not daemon


def _with_fork(function, here: list, there: list) -> list:
    """``function(here) + function(there)``, ``function(there)`` computed in a forked child
    while this process computes ``function(here)``; the child's result comes back pickled,
    an error in it is raised here."""
    import os
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
        code = 0
        try:
            os.close(read)
            try:
                payload = pickle.dumps((True, function(there)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # handed to the parent
                try:
                    payload = pickle.dumps((False, exc))
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    try:
        mine = function(here)
    finally:
        with os.fdopen(read, "rb") as inp:
            payload = inp.read()
        os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError("the forked process walking half of the texts ended without a result")
    ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return mine + value
