"""The unit of analysis: whole responses (short, single-topic answers) or segments.

Fitting on sentences and averaging to the response loses to fitting on whole responses
when responses are short (Polis comments, web-form answers); long letters raise several
themes and are better fitted sentence by sentence, each response then a mixture.

>>> choose_unit("auto", list("abcdef"), ["r1", "r2", "r3", "r4", "r5", "r6"], {})
('response', 'auto: responses are short (median 1 content segment per response, at most 3); each response is one document')
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

#: A response with at most this many content segments (median) counts as short.
SHORT_RESPONSE_SEGMENTS = 3


def choose_unit(unit: str, texts: Sequence[str], groups: Sequence[str] | None,
                skipped: dict[int, str]) -> tuple[str, str]:
    """The unit to fit on and the reason (written to ``k_diagnostics``).

    Parameters
    ----------
    unit : {"auto", "segment", "response"}
    texts : sequence of str
    groups : sequence of str or None
        Response id of each segment.
    skipped : dict
        Positions of segments that are not evidence.

    Returns
    -------
    (str, str)

    Examples
    --------
    >>> choose_unit("auto", ["a", "b"], None, {})[0]
    'segment'
    """
    if groups is None:
        if unit == "response":
            raise ValueError("unit='response' needs groups (the response id of each segment), "
                             "e.g. fit(segments['text'], groups=segments['response_id']).")
        return "segment", f"{unit}: no groups given, each text is one document"
    if unit == "segment":
        return "segment", "set: unit='segment'"
    if unit == "response":
        return "response", "set: unit='response'"
    counts: dict[str, int] = {}
    for i, g in enumerate(groups):
        if i not in skipped:
            counts[g] = counts.get(g, 0) + 1
    if not counts:
        return "segment", "auto: no content segments"
    med = float(np.median(list(counts.values())))
    if len(counts) < 6:
        return "segment", f"auto: only {len(counts)} responses, too few to fit as documents"
    if med <= SHORT_RESPONSE_SEGMENTS:
        return "response", (f"auto: responses are short (median {med:g} content segment"
                            f"{'s' if med != 1 else ''} per response, at most "
                            f"{SHORT_RESPONSE_SEGMENTS}); each response is one document")
    return "segment", (f"auto: responses are long (median {med:g} content segments per response, "
                       f"more than {SHORT_RESPONSE_SEGMENTS}); themes per segment, each response a mixture")


def join_by_group(texts: Sequence[str], groups: Sequence[str], kept: np.ndarray):
    """One document per response: its kept segments joined in order.

    Parameters
    ----------
    texts : sequence of str
    groups : sequence of str
    kept : ndarray of int (positions of evidence segments)

    Returns
    -------
    (list of str, ndarray, list of str)
        Documents (sorted by group), the document of each kept segment, the group of
        each document.

    Examples
    --------
    >>> join_by_group(["a", "b", "c"], ["r2", "r1", "r2"], np.array([0, 1, 2]))
    (['b', 'a\\nc'], array([1, 0, 1]), ['r1', 'r2'])
    """
    order = sorted({groups[i] for i in kept})
    pos = {g: j for j, g in enumerate(order)}
    parts: list[list[str]] = [[] for _ in order]
    for i in kept:
        parts[pos[groups[i]]].append(texts[i])
    doc_of = np.array([pos[groups[i]] for i in kept], dtype=int)
    return ["\n".join(p) for p in parts], doc_of, order


def join_walks(walked: Sequence[list], kept: np.ndarray, doc_of: np.ndarray, n_docs: int) -> list[list]:
    """The walks (see ``TermFeatures.walk_texts``) of :func:`join_by_group`'s documents,
    from the walks of their segments: the same as walking the joined texts, since the
    line break between two segments is a punctuation break ``(None, None)``.

    Examples
    --------
    >>> join_walks([[("a", "a")], [("b", "b")], [("c", "c")]], np.array([0, 1, 2]),
    ...            np.array([1, 0, 1]), 2)
    [[('b', 'b')], [('a', 'a'), (None, None), ('c', 'c')]]
    """
    docs: list[list] = [[] for _ in range(n_docs)]
    for i, d in zip(kept, doc_of):
        row = walked[int(i)]
        if docs[d] and row:
            docs[d].append((None, None))
        docs[d].extend(row)
    return docs
