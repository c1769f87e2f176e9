"""Term features for theme discovery: normalised terms, multi-word terms, TF-IDF.

>>> tf = TermFeatures(language="da").fit(["Negativ social kontrol", "Social kontrol i byen"])
>>> "social kontrol" in tf.get_feature_names_out()
True
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from analysis.estimator import Transformer

from analysis.text import WORD_RE, check_language, foreign_stop_word, lemma, stem, stop_words
from analysis.themes.repeats import distinct_rows, shared_rows

# ---------------------------------------------------------------------------
# Features for theme discovery: normalised terms, multi-word terms, TF-IDF.
# ---------------------------------------------------------------------------

TERM_FORMS = ("lemma", "stem", "lemma+stem", "word")

# Between two words of one multi-word term only spaces may stand (no comma, full stop,
# line break, bracket or quote), so "mål. Social" never becomes a term.
_JOIN_GAP_CHARS = " \t\u00a0"
_JOIN_GAP_RE = re.compile(f"[{_JOIN_GAP_CHARS}]*")


def uses_lemmas(form: str) -> bool:
    """Whether terms of ``form`` are lemmas (then stop words need their lemmas too).

    >>> uses_lemmas("stem"), uses_lemmas("lemma+stem")
    (False, True)
    """
    return check_form(form).startswith("lemma")


def check_form(form: str) -> str:
    """Return ``form`` if it is one of :data:`TERM_FORMS`, else raise ``ValueError``."""
    if form not in TERM_FORMS:
        raise ValueError(f"form {form!r} is not supported; use one of {TERM_FORMS}")
    return form


class _Normalizer:
    """Lower-case → stop-word test (own and foreign) → lemma/stem, cached per unique lower-cased token."""

    def __init__(self, language: str, form: str, stop: Iterable[str] | None,
                 min_length: int, keep_numbers: bool):
        self.language = check_language(language)
        self.form = check_form(form)
        self.stop = (stop_words(language, with_lemmas=uses_lemmas(form)) if stop is None
                     else frozenset(w.lower() for w in stop))
        self.min_length = int(min_length)
        self.keep_numbers = bool(keep_numbers)
        self.cache: dict[str, str | None] = {}

    def __call__(self, low: str) -> str | None:
        try:
            return self.cache[low]
        except KeyError:
            term = self.cache[low] = self._compute(low)
            return term

    def _compute(self, low: str) -> str | None:
        if low in self.stop or len(low) < self.min_length:
            return None
        if foreign_stop_word(low, self.language):
            return None  # "and" in a Danish text
        if not self.keep_numbers and not any(ch.isalpha() for ch in low):
            return None
        if self.form == "word":
            term = low
        elif self.form == "stem":
            term = stem(low, self.language)
        else:
            term = lemma(low, self.language)
            if term in self.stop:
                return None
            if self.form == "lemma+stem":
                term = stem(term, self.language)
        return term if len(term) >= self.min_length else None

    def walk(self, text: str) -> list[tuple[str | None, str | None]]:
        """``(term, written form)`` per token; ``(None, None)`` marks a punctuation break."""
        row: list[tuple[str | None, str | None]] = []
        append, cache = row.append, self.cache
        prev_end = None
        for m in WORD_RE.finditer(text):
            start, end = m.span()
            # words stand together when only blanks (_JOIN_GAP_RE) lie between them
            if prev_end is not None and text[prev_end:start].strip(_JOIN_GAP_CHARS):
                append((None, None))
            prev_end = end
            low = m.group().lower()
            term = cache[low] if low in cache else self(low)
            append((term, low))
        return row


def normalize_terms(
    texts: Iterable[str],
    language: str = "da",
    *,
    form: str = "lemma",
    stop: Iterable[str] | None = None,
    min_length: int = 2,
    keep_numbers: bool = False,
) -> list[list[str | None]]:
    """Normalise every token of every text; stop words and breaks become ``None``.

    One list per text, one entry per token in order; an extra ``None`` stands between
    two tokens separated by punctuation or a line break, so multi-word terms are only
    found where words really stand together. Tokens shorter than ``min_length``, bare
    numbers (unless ``keep_numbers``) and stop words (``stop``; default
    :func:`stop_words` of ``language``) become ``None``. The work is cached per unique
    token, so 100k+ segments take seconds.

    >>> normalize_terms(["Negativ social kontrol, og tryghed"], "da")
    [['negativ', 'social', 'kontrol', None, None, 'tryghed']]
    """
    norm = _Normalizer(language, form, stop, min_length, keep_numbers)
    return [[term for term, _ in norm.walk("" if t is None else str(t))] for t in texts]


def _ngrams(row: Sequence[str | None], n: int) -> list[tuple[str, ...]]:
    """Every run of ``n`` adjacent terms without a break (None), in order.

    >>> _ngrams(["a", "b", None, "c", "d", "e"], 2)
    [('a', 'b'), ('c', 'd'), ('d', 'e')]
    """
    return [gram for gram in zip(*(row[i:] for i in range(n))) if None not in gram]


def find_multiword_terms(
    docs: Sequence[Sequence[str | None]],
    *,
    max_n: int = 3,
    min_count: int | None = None,
    min_npmi: float = 0.2,
) -> "pd.DataFrame":
    """Multi-word terms: adjacent content words that occur together more than by chance.

    ``docs`` is the output of :func:`normalize_terms`. A candidate is a run of 2 to
    ``max_n`` content words with no stop word or punctuation between them. It is kept
    when it occurs ``min_count`` times or more (default: 2, or 1 in corpora of fewer
    than 30 documents) and its normalised PMI is at least ``min_npmi``.

    Returns a table ``term`` (words joined by a space), ``n``, ``count``, ``npmi``,
    sorted by count then term.

    >>> docs = normalize_terms(["negativ social kontrol", "mere negativ social kontrol"])
    >>> find_multiword_terms(docs)["term"].tolist()
    ['negativ social', 'negativ social kontrol', 'social kontrol']
    """
    import math

    import pandas as pd

    if min_count is None:
        min_count = 1 if len(docs) < 30 else 2
    uniq, times, _ = distinct_rows(docs)  # a repeated document counts once per copy
    unigram: dict[str, int] = {}
    total = 0
    for row, c in zip(uniq, times):
        for t in row:
            if t is not None:
                unigram[t] = unigram.get(t, 0) + c
                total += c
    rows = []
    for n in range(2, max_n + 1):
        counts: dict[tuple[str, ...], int] = {}
        for row, c in zip(uniq, times):
            for gram in _ngrams(row, n):
                counts[gram] = counts.get(gram, 0) + c
        for gram, c in counts.items():
            if c < min_count or len(set(gram)) < n:
                continue
            p_joint = c / max(total, 1)
            p_indep = math.prod(unigram[g] / total for g in gram)
            if p_joint >= 1.0:
                npmi = 1.0
            else:
                npmi = math.log(p_joint / p_indep) / (-math.log(p_joint) * (n - 1))
            if npmi >= min_npmi:
                rows.append((" ".join(gram), n, c, round(min(npmi, 1.0), 6)))
    table = pd.DataFrame(rows, columns=["term", "n", "count", "npmi"])
    return table.sort_values(["count", "term"], ascending=[False, True], kind="mergesort",
                             ignore_index=True) if len(table) else table


def join_multiword_terms(docs: Sequence[Sequence[str | None]],
                         terms: Iterable[str], *, max_n: int = 3) -> list[list[str]]:
    """Content words of each document plus every multi-word term found in it.

    >>> join_multiword_terms([["social", "kontrol", None, "job"]], ["social kontrol"])
    [['social', 'kontrol', 'job', 'social kontrol']]
    """
    wanted = {tuple(t.split(" ")) for t in terms if " " in t and len(t.split(" ")) <= max_n}
    sizes = sorted({len(t) for t in wanted})
    firsts = {t[0] for t in wanted}

    def join(row):
        words = [t for t in row if t is not None]
        if sizes and any(t in firsts for t in words):
            found: dict[int, list[str]] = {n: [] for n in sizes}
            m = len(row)
            for i, t in enumerate(row):
                if t is None or t not in firsts:
                    continue
                for n in sizes:
                    if i + n > m:
                        break
                    gram = tuple(row[i:i + n])
                    if gram in wanted:
                        found[n].append(" ".join(gram))
            for n in sizes:
                words.extend(found[n])
        return words

    return shared_rows(docs, join)  # once per distinct row object (repeated texts share one)


def document_frequency_limits(n_docs: int) -> tuple[int, float]:
    """``(min_df, max_df)`` that suit a corpus of ``n_docs`` documents.

    Tiny corpora keep every term (a term seen once may be the only evidence of a
    theme); larger ones drop terms seen in one document only, and very large ones
    terms seen in fewer than 0.05 % of documents. Terms in more than half of the
    documents (70 % in corpora of 30–99) carry no theme and are dropped; below six
    documents nothing is dropped.

    >>> document_frequency_limits(15), document_frequency_limits(800)
    ((1, 0.5), (2, 0.5))
    """
    if n_docs < 6:
        return 1, 1.0
    if n_docs < 30:
        return 1, 0.5
    if n_docs < 100:
        return 1, 0.7
    return max(2, int(round(n_docs * 0.0005))), 0.5


class TermFeatures(Transformer):
    """Segments → TF-IDF over lemmas (or stems) and multi-word terms.

    A scikit-learn-style transformer: parameters in ``__init__``; ``fit`` learns
    ``vocabulary_``, ``multiword_terms_`` (table), ``surface_`` (term → most frequent
    written form, for labels), ``min_df_``/``max_df_`` and ``idf_``.

    Parameters
    ----------
    language : "da", "en" or "de".
    form : "lemma" (default), "stem", "lemma+stem" (stem of the lemma) or "word".
    extra_stop_words : more words to drop, e.g. the study's own vocabulary.
    consultation_stop_words : drop the genre's words (:data:`CONSULTATION_STOP_WORDS`).
    multiword : add multi-word terms (see :func:`find_multiword_terms`).
    max_n, min_count, min_npmi : passed to :func:`find_multiword_terms`.
    min_df, max_df : document-frequency limits; "auto" uses
        :func:`document_frequency_limits`.
    sublinear_tf : use 1 + log(tf).
    norm : row normalisation ("l2", "l1" or None).

    Examples
    --------
    >>> tf = TermFeatures(language="da").fit(["Negativ social kontrol", "Social kontrol i byen"])
    >>> "social kontrol" in tf.get_feature_names_out()
    True
    """

    def __init__(self, language: str = "da", *, form: str = "lemma",
                 extra_stop_words: Iterable[str] = (), consultation_stop_words: bool = True,
                 multiword: bool = True, max_n: int = 3, min_count: int | None = None,
                 min_npmi: float = 0.2, min_df: int | float | str = "auto",
                 max_df: int | float | str = "auto", sublinear_tf: bool = True,
                 norm: str | None = "l2", min_length: int = 2, keep_numbers: bool = False):
        self.language = language
        self.form = form
        self.extra_stop_words = extra_stop_words
        self.consultation_stop_words = consultation_stop_words
        self.multiword = multiword
        self.max_n = max_n
        self.min_count = min_count
        self.min_npmi = min_npmi
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.min_length = min_length
        self.keep_numbers = keep_numbers

    # -- helpers -------------------------------------------------------------
    def _normalizer(self) -> _Normalizer:
        """The token normaliser of the current settings, reused (with its cache) across calls."""
        key = (self.language, self.form, tuple(self.extra_stop_words),
               self.consultation_stop_words, self.min_length, self.keep_numbers)
        cached = getattr(self, "_normalizer_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        stop = stop_words(self.language, extra=tuple(self.extra_stop_words),
                          consultation=self.consultation_stop_words, with_lemmas=uses_lemmas(self.form))
        norm = _Normalizer(self.language, self.form, stop, self.min_length, self.keep_numbers)
        self._normalizer_cache = (key, norm)
        return norm

    def _walk_all(self, texts: Iterable[str]) -> list[list[tuple[str | None, str | None]]]:
        norm = self._normalizer()
        memo: dict[str, list] = {}  # a repeated text (form letters) is walked once, its walk shared
        out = []
        for t in texts:
            t = "" if t is None else str(t)
            row = memo.get(t)
            if row is None:
                row = memo[t] = norm.walk(t)
            out.append(row)
        return out

    def walk_texts(self, texts: Iterable[str]) -> list[list[tuple[str | None, str | None]]]:
        """``(term, written form)`` per token of each text, as :meth:`transform_walked` takes.

        >>> TermFeatures("da").walk_texts(["bus, metro"])
        [[('bus', 'bus'), (None, None), ('metro', 'metro')]]
        """
        return self._walk_all(texts)

    def analyze(self, texts: Iterable[str]) -> list[list[str]]:
        """Terms of each text (content words, then multi-word terms), as fitted."""
        return self._analyze_walked(self._walk_all(texts))

    def _analyze_walked(self, walked) -> list[list[str]]:
        docs = shared_rows(walked, _terms_of)
        terms = self.multiword_terms_["term"].tolist() if self.multiword else []
        return join_multiword_terms(docs, terms, max_n=self.max_n)

    # -- estimator API ---------------------------------------------------------
    def _check_params(self) -> None:
        from analysis.text import LANGUAGES

        bad = []
        if self.language not in LANGUAGES:
            bad.append(f"language {self.language!r} is not supported; use one of {LANGUAGES}")
        if self.form not in TERM_FORMS:
            bad.append(f"form {self.form!r} is not supported; use one of {TERM_FORMS}")
        if not (isinstance(self.max_n, int) and self.max_n >= 2):
            bad.append(f"max_n must be an integer >= 2, not {self.max_n!r}")
        if not (isinstance(self.min_npmi, (int, float)) and -1 <= self.min_npmi <= 1):
            bad.append(f"min_npmi must lie in [-1, 1], not {self.min_npmi!r}")
        if self.min_count is not None and not (isinstance(self.min_count, int) and self.min_count >= 1):
            bad.append(f"min_count must be None or an integer >= 1, not {self.min_count!r}")
        for name in ("min_df", "max_df"):
            v = getattr(self, name)
            if v != "auto" and not (isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0):
                bad.append(f"{name} must be 'auto', a count >= 1 or a share in (0, 1], not {v!r}")
        if self.norm not in ("l1", "l2", None):
            bad.append(f"norm must be 'l1', 'l2' or None, not {self.norm!r}")
        if not (isinstance(self.min_length, int) and self.min_length >= 1):
            bad.append(f"min_length must be an integer >= 1, not {self.min_length!r}")
        if isinstance(self.extra_stop_words, str):
            bad.append("extra_stop_words must be a list of words, not a single string")
        if bad:
            raise ValueError("TermFeatures: " + "; ".join(bad))

    def fit(self, texts: Iterable[str], y=None) -> "TermFeatures":
        """Learn the vocabulary, multi-word terms and IDF of ``texts``.

        Parameters
        ----------
        texts : sequence of str
        y : ignored

        Returns
        -------
        self

        Examples
        --------
        >>> len(TermFeatures("da").fit(["bus og metro", "metro og tog"]).vocabulary_) > 0
        True
        """
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Iterable[str], y=None):
        """Fit, then return the TF-IDF matrix of ``texts``.

        Parameters
        ----------
        texts : sequence of str
        y : ignored

        Returns
        -------
        scipy.sparse matrix (n_texts, n_terms)

        Examples
        --------
        >>> TermFeatures("da").fit_transform(["bus og metro", "metro og tog"]).shape[0]
        2
        """
        from analysis.themes.checks import check_texts

        self._check_params()
        return self.fit_transform_walked(self._walk_all(check_texts(texts, "texts")))

    def fit_transform_walked(self, walked):
        """:meth:`fit_transform` of texts already walked by :meth:`walk_texts`.

        >>> tf = TermFeatures("da")
        >>> tf.fit_transform_walked(tf.walk_texts(["bus og metro", "metro og tog"])).shape[0]
        2
        """
        from analysis.themes.tfidf import TermTfidf

        self._check_params()
        docs = shared_rows(walked, _terms_of)
        if self.multiword:
            self.multiword_terms_ = find_multiword_terms(
                docs, max_n=self.max_n, min_count=self.min_count, min_npmi=self.min_npmi)
        else:
            self.multiword_terms_ = pd.DataFrame(columns=["term", "n", "count", "npmi"])
        analysed = join_multiword_terms(docs, self.multiword_terms_["term"].tolist(),
                                        max_n=self.max_n)
        # Most frequent written form of each term and multi-word term.
        counts: dict[str, dict[str, int]] = {}
        mw = set(self.multiword_terms_["term"])
        uniq, times, _ = distinct_rows(walked)
        for row, c in zip(uniq, times):
            for i, (term, word) in enumerate(row):
                if term is None:
                    continue
                counts.setdefault(term, {}).setdefault(word, 0)
                counts[term][word] += c
                for n in range(2, self.max_n + 1):
                    part = row[i:i + n]
                    if len(part) == n and all(p[0] is not None for p in part):
                        key = " ".join(p[0] for p in part)  # type: ignore[misc]
                        if key in mw:
                            surf = " ".join(p[1] for p in part)  # type: ignore[misc]
                            counts.setdefault(key, {}).setdefault(surf, 0)
                            counts[key][surf] += c
        self.surface_ = {t: sorted(f.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                         for t, f in counts.items()}
        n_docs = sum(1 for d in analysed if d)
        auto_min, auto_max = document_frequency_limits(n_docs)
        self.min_df_ = auto_min if self.min_df == "auto" else self.min_df
        self.max_df_ = auto_max if self.max_df == "auto" else self.max_df
        self.vectorizer_ = TermTfidf(min_df=self.min_df_, max_df=self.max_df_,
                                     sublinear_tf=self.sublinear_tf, norm=self.norm,
                                     dtype=np.float64)
        try:
            X = self.vectorizer_.fit_transform(analysed)
        except ValueError:
            # Too few documents for the limits (e.g. every term pruned): keep all terms.
            self.min_df_, self.max_df_ = 1, 1.0
            self.vectorizer_.set_params(min_df=1, max_df=1.0)
            if not any(analysed):
                raise ValueError(
                    "No content words left after stop-word removal in any text; "
                    "check the language setting or the stop-word list.")
            X = self.vectorizer_.fit_transform(analysed)
        self.vocabulary_ = self.vectorizer_.vocabulary_
        self.idf_ = self.vectorizer_.idf_
        self.n_features_in_ = 1
        return X

    def transform(self, texts: Iterable[str]):
        """TF-IDF of new texts over the fitted vocabulary.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        scipy.sparse matrix (n_texts, n_terms)

        Examples
        --------
        >>> tf = TermFeatures("da").fit(["bus og metro", "metro og tog"])
        >>> tf.transform(["metro"]).shape[0]
        1
        """
        from analysis.themes.checks import check_texts

        return self.vectorizer_.transform(self.analyze(check_texts(texts, "texts")))

    def transform_walked(self, walked):
        """:meth:`transform` of texts already walked by :meth:`walk_texts` (one walk, two uses).

        >>> tf = TermFeatures("da").fit(["bus og metro", "metro og tog"])
        >>> (tf.transform_walked(tf.walk_texts(["metro"])) != tf.transform(["metro"])).nnz
        0
        """
        return self.vectorizer_.transform(self._analyze_walked(walked))

    def get_feature_names_out(self, input_features=None):
        """The terms, in column order.

        Returns
        -------
        ndarray of str

        Examples
        --------
        >>> list(TermFeatures("da", multiword=False).fit(["bus metro", "bus tog"]).get_feature_names_out())
        ['bus', 'metro', 'tog']
        """
        return self.vectorizer_.get_feature_names_out()


def _terms_of(row):
    return [t for t, _ in row]


def _identity(doc):
    return doc
