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
