"""Describing themes to a reader: distinctive terms, labels, representative quotes.

* **Terms** are ranked by class-based TF-IDF: a term's weight in the theme times the
  share of its weight that the theme holds against the other themes (so a term all
  themes use ranks low everywhere).
* **Labels** put a distinctive multi-word key phrase first where one exists, then
  single terms that are not part of a chosen phrase; never a stop word of the corpus
  language, a bare number or a one- or two-letter fragment.
* **Quotes** are complete content sentences (see :func:`quotable`), ranked by how
  typical they are of the theme (cosine to its term vector × theme weight) with no ties,
  at most two per response, in full.

>>> theme_label(["kunst", "kunst og kultur", "og", "kultur"], "da")
'kunst og kultur'
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from analysis.text import WORD_RE, stop_words

NO_THEME_ID = 0
NO_THEME_LABEL = {"da": "intet klart tema", "en": "no clear theme", "de": "kein klares Thema"}

_SENTENCE_END = (".", "!", "?", "…", ".\"", ".”", "!\"", "?\"", ")")


#: A document whose main theme has less than this multiple of an even share (1/k) of its
#: weight is spread evenly over the themes: it has no clear theme.
EVEN_SHARE_MARGIN = 1.25


def theme_vectors(W: np.ndarray, Xs) -> np.ndarray:
    """Unit vector of each theme: the weighted mean of its documents' unit rows of ``Xs``.

    >>> theme_vectors(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[3.0, 0.0], [0.0, 2.0]])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    from analysis.linalg import normalize_rows

    return normalize_rows(theme_sums(W, Xs))


def theme_sums(W: np.ndarray, Xs) -> np.ndarray:
    """Themes × terms sums of the documents' unit rows of ``Xs``, each weighted by the
    document's share of weight in the theme (:func:`theme_vectors` before normalising;
    linear in ``W``, so merged themes' sums are the sums of their sums).

    >>> theme_sums(np.array([[1.0, 1.0], [0.0, 2.0]]), np.array([[3.0, 0.0], [0.0, 2.0]])).tolist()
    [[0.5, 0.0], [0.5, 1.0]]
    """
    import scipy.sparse as sp

    from analysis.linalg import normalize_rows

    W = np.clip(np.asarray(W, dtype=float), 0, None)
    tot = W.sum(axis=1)
    Wn = np.divide(W, tot[:, None], out=np.zeros_like(W), where=tot[:, None] > 0)
    return np.asarray((normalize_rows(sp.csr_matrix(Xs, dtype=np.float64)).T @ Wn).T)


def main_theme_fit(W: np.ndarray, Xs, C: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``Xs`` with the vector (row of ``C``) of its main theme in ``W``;
    0 for a row without theme weight.

    >>> main_theme_fit(np.array([[0.2, 0.8], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]), np.eye(2)).round(3).tolist()
    [0.707, 0.0]
    """
    import scipy.sparse as sp

    from analysis.linalg import normalize_rows

    W = np.asarray(W, dtype=float)
    cos = np.asarray(normalize_rows(sp.csr_matrix(Xs, dtype=np.float64)) @ C.T)
    out = cos[np.arange(len(W)), W.argmax(axis=1)] if len(W) else np.zeros(0)
    return np.where(np.clip(W, 0, None).sum(axis=1) > 0, out, 0.0)


def theme_fit(W: np.ndarray, Xs) -> np.ndarray:
    """Cosine of each document with its main theme, in the space the themes were fitted in.

    ``Xs`` is the (smoothed) documents × terms matrix the backend saw and ``W`` the
    documents' theme weights; a theme's vector is the weighted mean of its documents
    (:func:`theme_vectors`). 0 for a document without theme weight.

    >>> W = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    >>> theme_fit(W, np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])).round(3).tolist()
    [0.968, 0.968, 0.863]
    """
    return main_theme_fit(W, Xs, theme_vectors(W, Xs))


def spread_evenly(W: np.ndarray) -> np.ndarray:
    """Rows whose main theme holds less than :data:`EVEN_SHARE_MARGIN` × 1/k of their weight
    (False for a row without weight).

    >>> spread_evenly(np.array([[0.52, 0.48], [0.9, 0.1], [0.0, 0.0]])).tolist()
    [True, False, False]
    """
    W = np.asarray(W, dtype=float)
    tot = W.sum(axis=1)
    share = np.divide(W.max(axis=1), tot, out=np.zeros(len(W)), where=tot > 0)
    return (tot > 0) & (share < EVEN_SHARE_MARGIN / max(W.shape[1], 1))


def no_clear_theme(W: np.ndarray, fit: np.ndarray, min_fit: float) -> tuple[np.ndarray, float]:
    """Which documents have no clear theme, and the fit below which a document has none.

    A document has no clear theme when its weight is **spread evenly** (its main theme
    has less than :data:`EVEN_SHARE_MARGIN` × 1/k of it) or **tiny**: its fit (see
    :func:`theme_fit`) is below ``min_fit`` times the median fit of the corpus's
    documents with theme weight. Relative to the corpus, so short answers, whose raw
    cosines are small everywhere, are judged like long ones. ``min_fit=0`` switches the
    group off.

    >>> W = np.array([[0.9, 0.1], [0.8, 0.2], [0.52, 0.48], [0.7, 0.3]])
    >>> none, cut = no_clear_theme(W, np.array([0.5, 0.6, 0.5, 0.01]), 0.1)
    >>> none.tolist(), round(cut, 3)
    ([False, False, True, True], 0.05)
    """
    W = np.asarray(W, dtype=float)
    tot = W.sum(axis=1)
    has = tot > 0
    if not min_fit or not has.any():
        return np.zeros(len(W), dtype=bool), 0.0
    cut = float(min_fit * np.median(fit[has]))
    return has & (spread_evenly(W) | (fit < cut)), cut


def distinctive_terms(C: np.ndarray, n: int) -> list[list[int]]:
    """Top ``n`` term columns per theme by class-based TF-IDF (weight × exclusivity share).

    Parameters
    ----------
    C : ndarray (themes × terms)
    n : int

    Returns
    -------
    list of list of int

    Examples
    --------
    >>> distinctive_terms(np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 2.0]]), 2)
    [[0, 1], [2, 1]]
    """
    colsum = C.sum(axis=0, keepdims=True)
    excl = np.divide(C, colsum, out=np.zeros_like(C), where=colsum > 0)
    score = C * excl
    out = []
    for row in score:
        order = np.lexsort((np.arange(len(row)), -row))
        out.append([int(i) for i in order[:n] if row[i] > 0])
    return out


def _is_fragment(term: str, stop: frozenset[str]) -> bool:
    words = term.lower().split(" ")
    if words[0] in stop or words[-1] in stop:
        return True
    if len(words[0]) < 3 or len(words[-1]) < 3:
        return True
    return any(not any(ch.isalpha() for ch in w) for w in words)


def theme_label(terms: Sequence[str], language: str = "da", n: int = 3) -> str:
    """A short label from ranked terms: a key phrase first, no word said twice.

    A multi-word term among the first six leads; single words inside a chosen phrase
    are left out; stop words of ``language``, numbers and fragments of fewer than three
    letters never appear.

    Parameters
    ----------
    terms : sequence of str
        Ranked terms (most distinctive first), in written form.
    language : str
    n : int
        Parts of the label.

    Returns
    -------
    str
        Parts joined by " · " ("" when no term qualifies).

    Examples
    --------
    >>> theme_label(["kontrol", "social", "social kontrol", "job", "uddannelse"], "da")
    'social kontrol · job · uddannelse'
    """
    stop = stop_words(language, with_lemmas=False)  # labels show written forms
    ranked = [t for t in terms if t and not _is_fragment(t, stop)]
    multi = [t for t in ranked[:6] if " " in t][:1]
    chosen: list[str] = []
    used: set[str] = set()
    for t in multi + ranked:
        words = set(t.lower().split(" "))
        if t in chosen or words <= used:
            continue
        if any(set(c.lower().split(" ")) <= words or words <= set(c.lower().split(" ")) for c in chosen):
            continue
        chosen.append(t)
        used |= words
        if len(chosen) == n:
            break
    return " · ".join(chosen)


def quotable(text: str, kind: str = "content", min_words: int = 6) -> bool:
    """Whether a segment may be quoted: a complete content sentence.

    Content kind only (no heading, greeting, sender line, signature, list number), at
    least ``min_words`` words, starts with a letter, a digit or a quote mark, and ends
    like a sentence (not with ":" or a dangling comma); no redacted-name placeholder.

    Parameters
    ----------
    text : str
    kind : str
    min_words : int

    Returns
    -------
    bool

    Examples
    --------
    >>> quotable("Vi ønsker flere cykelstier langs de store veje.")
    True
    >>> quotable("4.2.5 Grønne affaldsløsninger"), quotable("Med venlig hilsen [NAVN].")
    (False, False)
    """
    t = " ".join(str(text or "").split())
    if kind != "content" or not t:
        return False
    if len(WORD_RE.findall(t)) < min_words:
        return False
    if re.match(r"^\(?\d+(?:[.)]\d*)*[.)]?\s", t) or "[NAVN]" in t:
        return False
    if not (t[0].isupper() or t[0] in "\"“„«'"):
        return False
    return t.endswith(_SENTENCE_END)


def rank_quotes(typical: np.ndarray, weight: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """Positions ranked by ``typical × weight``, then by ``order_key`` (no ties).

    Parameters
    ----------
    typical, weight : ndarray
        Cosine to the theme's term vector and the theme weight of each candidate.
    order_key : ndarray of int
        Tie-break (the segment's position).

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> rank_quotes(np.array([0.5, 0.9, 0.5]), np.array([1.0, 1.0, 1.0]), np.arange(3)).tolist()
    [1, 0, 2]
    """
    score = np.round(np.asarray(typical, float) * np.asarray(weight, float), 9)
    return np.lexsort((order_key, -score))
