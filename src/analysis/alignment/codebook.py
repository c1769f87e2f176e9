"""Policy goals and the priority codebook: versioned YAML, validated, as dataclasses.

Two files per study (``data/raw/<study>/``):

``goals.yaml``
    The policy's goals. ``kind: strategic`` for a goal proper, ``kind: delivery`` for how
    the policy is carried out (an action plan, a governance model). Fields per goal:
    ``id``, ``kind``, ``title_da``, ``label_en``, ``description`` (English),
    ``description_da`` (optional), ``key_terms`` (``{language: [terms]}``, optional).

``codebook.yaml``
    The researcher's priorities. Fields per priority: ``id`` (slug), ``label_en``,
    ``goals`` (goal ids, may be empty: a gap candidate), and per language ``terms``,
    ``phrases``, ``patterns`` and ``exclude``; optional ``label_da``, ``description``.
    Top-level ``ignore`` phrases are never evidence (e.g. the policy's own title).

Word syntax shared by codebook terms and stance cues (see :func:`word_regex`):
``"beskæftigelse"`` (5+ letters: equal, starts with or ends with, i.e. compound-aware),
``"job"`` (short: exact), ``"job*"`` (starts with), ``"*job"`` (ends with),
``"*tryg*"`` (contains), ``"=politi"`` (exact).

>>> cb = load_codebook("data/raw/udsatte-byomraader-2025/codebook.yaml")  # doctest: +SKIP
>>> cb.seed_terms("da")["employment"][:3]                                  # doctest: +SKIP
['beskæftigelse', 'arbejdsmarked', 'job']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd
import yaml

from analysis.alignment.codebook_schema import pick, read_codebook, read_goals
from analysis.schema import Problem, SchemaError, read_yaml
from analysis.text import LANGUAGES, lemma, stop_words, tokenize

COMPOUND_MIN_LEN = 5
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
GOAL_KINDS = ("strategic", "delivery")
MATCHER_FIELDS = ("terms", "phrases", "patterns", "exclude")


class CodebookError(SchemaError):
    """A goals or codebook file is missing, malformed or inconsistent (``problems`` lists all)."""

    def __init__(self, problems):
        super().__init__([Problem("", "", problems)] if isinstance(problems, str) else problems)


# --------------------------------------------------------------------------- word syntax
def word_regex(word: str) -> str:
    """Regular expression (for ``re.fullmatch`` on a lower-cased lemma) of one codebook word.

    >>> word_regex("beskæftigelse")
    '(?:beskæftigelse.*|.*beskæftigelse)'
    >>> word_regex("job"), word_regex("job*"), word_regex("=politi")
    ('job', 'job.*', 'politi')
    """
    w = word.strip().lower()
    if w.startswith("="):
        return re.escape(w[1:])
    head, tail = w.startswith("*"), w.endswith("*") and len(w) > 1
    core = w.strip("*")
    esc = re.escape(core)
    if head and tail:
        return f".*{esc}.*"
    if head:
        return f".*{esc}"
    if tail:
        return f"{esc}.*"
    if len(core) >= COMPOUND_MIN_LEN:
        return f"(?:{esc}.*|.*{esc})"
    return esc


def plain_word(word: str) -> str:
    """The word without its matching marks: ``"*tryg*" -> "tryg"``."""
    return word.strip().lower().lstrip("=").strip("*")


def phrase_words(phrase: str) -> list[str]:
    """Split a phrase into words, keeping ``~`` (gap) marks as their own items."""
    return [w for w in re.split(r"\s+", phrase.strip().lower()) if w]


GAP_MAX = 4  # words allowed in a "~" gap


def _word_alternatives(word: str, language: str, lemmatize_word: bool) -> re.Pattern:
    """Compiled full-match regex for one word of a phrase or cue."""
    w = word.strip().lower()
    if "*" in w or w.startswith("="):
        return re.compile(word_regex(w))
    alts = {re.escape(w)}
    if lemmatize_word and tokenize(w) and tokenize(w)[0].text == w:
        alts.add(re.escape(lemma(w, language)))
    return re.compile("|".join(sorted(alts)))


class PhraseSet:
    """Word sequences (phrases, cues) matched against tokens at lemma level.

    Each phrase is ``(key, text)``; words match a token whose lemma or lower-cased form
    full-matches them; ``~`` allows up to ``GAP_MAX`` words in between. Results are
    ``(key, start, end)`` token index ranges (end exclusive), all matches, overlapping
    ones included; callers resolve overlaps.

    >>> ps = PhraseSet([("nsc", "negativ social kontrol")], "da")
    >>> toks = ["mod", "negativ", "social", "kontrol"]
    >>> ps.find(toks, toks)
    [('nsc', 1, 4)]
    """

    def __init__(self, phrases: Iterable[tuple[Any, str]], language: str = "da", *, lemmatize_words: bool = True):
        self.language = language
        self.items: list[tuple[Any, str, list[tuple[re.Pattern, bool]]]] = []
        for key, text in phrases:
            seq: list[tuple[re.Pattern, bool]] = []
            gap = False
            for w in phrase_words(text):
                if w == "~":
                    gap = True
                    continue
                # a phrase word is matched as written: tokens like "co2-fangst" stay whole
                seq.append((_word_alternatives(w, language, lemmatize_words), gap))
                gap = False
            if seq:
                self.items.append((key, text, seq))
        self._first: dict[str, tuple[int, ...]] = {}
        self._any_first: tuple[list, re.Pattern] | None = None

    def _first_filter(self) -> re.Pattern:
        """One alternation of every phrase's first word (rebuilt when ``items`` is replaced):
        most tokens start no phrase and are rejected by one full match, not one per phrase."""
        if self._any_first is None or self._any_first[0] is not self.items:
            firsts = sorted({seq[0][0].pattern for _, _, seq in self.items})
            self._any_first = (self.items, re.compile("|".join(f"(?:{p})" for p in firsts)))
            self._first = {}
        return self._any_first[1]

    def __len__(self) -> int:
        return len(self.items)

    def _first_hits(self, low: str, lem: str) -> tuple[int, ...]:
        key = low + "\x00" + lem
        hit = self._first.get(key)
        if hit is None:
            first = self._first_filter()
            if not (first.fullmatch(lem) or first.fullmatch(low)):
                hit = ()
            else:
                hit = tuple(i for i, (_, _, seq) in enumerate(self.items)
                            if seq[0][0].fullmatch(lem) or seq[0][0].fullmatch(low))
            self._first[key] = hit
        return hit

    @staticmethod
    def _match(seq, lows, lems, i, k):
        """End index if seq[k:] matches starting at token i, else -1 (with gap backtracking)."""
        if k == len(seq):
            return i
        pat, gap = seq[k]
        for j in range(i, min(len(lows), i + (GAP_MAX + 1 if gap else 1))):
            if pat.fullmatch(lems[j]) or pat.fullmatch(lows[j]):
                end = PhraseSet._match(seq, lows, lems, j + 1, k + 1)
                if end >= 0:
                    return end
        return -1

    def find(self, lows: list[str], lems: list[str]) -> list[tuple[Any, int, int]]:
        """All matches in a token sequence (lower-cased forms and lemmas)."""
        if not self.items:
            return []
        self._first_filter()  # drops cached first-word hits when ``items`` was replaced
        first = self._first
        firsts = []
        for low, lem in zip(lows, lems):
            hits = first.get(low + "\x00" + lem)
            firsts.append(self._first_hits(low, lem) if hits is None else hits)
        return self.matches(firsts, lows, lems)

    def matches(self, firsts, lows: list[str], lems: list[str]) -> list[tuple[Any, int, int]]:
        """All matches, given for each token the indices of the phrases its word can start.

        :meth:`find` computes ``firsts``; a caller that caches them per word (the stance
        cues) passes its own.
        """
        out = []
        for i, hits in enumerate(firsts):
            for idx in hits:
                key, _, seq = self.items[idx]
                end = self._match(seq, lows, lems, i + 1, 1)
                if end >= 0:
                    out.append((key, i, end))
        return out


# ---------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class Goal:
    """One goal (or delivery mechanism) of the policy."""

    id: str
    kind: str
    title_da: str
    label_en: str
    description: str
    description_da: str = ""
    key_terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    language: str = "da"

    @property
    def strategic(self) -> bool:
        return self.kind == "strategic"

    def title(self, language: str = "da") -> str:
        """The goal's title in ``language``, else in the goals file's own language."""
        if not self.titles:
            return self.title_da if language == "da" else self.label_en
        return pick(self.titles, language, self.language)

    def text(self, language: str = "da") -> str:
        """Text describing the goal in ``language`` (title, description, key terms)."""
        desc = self.description_da if language == "da" and self.description_da else self.description
        if self.descriptions:
            desc = pick(self.descriptions, language, self.language)
        title = self.title(language)
        return " ".join([title, desc, " ".join(self.key_terms.get(language, ()))]).strip()


@dataclass(frozen=True)
class GoalSet:
    """The goals of one policy, in file order."""

    goals: tuple[Goal, ...]
    version: str
    policy: str = ""
    path: Path | None = None

    def __iter__(self):
        return iter(self.goals)

    def __len__(self) -> int:
        return len(self.goals)

    @property
    def ids(self) -> list[str]:
        return [g.id for g in self.goals]

    @property
    def strategic_ids(self) -> list[str]:
        return [g.id for g in self.goals if g.strategic]

    def get(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(f"no goal {goal_id!r}; known: {self.ids}")

    def to_frame(self) -> pd.DataFrame:
        """One row per goal: goal_id, kind, title_da, label_en, description."""
        return pd.DataFrame(
            [(g.id, g.kind, g.title_da, g.label_en, g.description) for g in self.goals],
            columns=["goal_id", "kind", "title_da", "label_en", "description"],
        )


@dataclass(frozen=True)
class Priority:
    """One priority of the codebook with its matching rules per language."""

    id: str
    label_en: str
    goals: tuple[str, ...]
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    label_da: str = ""
    description: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    language: str = "da"

    def label(self, language: str = "da") -> str:
        """The priority's label in ``language``, else in the codebook's own language."""
        if not self.labels:
            return self.label_da if language == "da" and self.label_da else self.label_en
        return pick(self.labels, language, self.language)


@dataclass(frozen=True)
class Codebook:
    """A versioned set of priorities, optionally tied to a :class:`GoalSet`."""

    priorities: tuple[Priority, ...]
    version: str
    goals: GoalSet | None = None
    ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    study: str = ""
    path: Path | None = None

    def __iter__(self):
        return iter(self.priorities)

    def __len__(self) -> int:
        return len(self.priorities)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.priorities]

    def get(self, priority_id: str) -> Priority:
        for p in self.priorities:
            if p.id == priority_id:
                return p
        raise KeyError(f"no priority {priority_id!r}; known: {self.ids}")

    def languages(self) -> list[str]:
        """Languages for which at least one priority has a matching rule."""
        langs = set()
        for p in self.priorities:
            for f in ("terms", "phrases", "patterns"):
                langs |= {lang for lang, items in getattr(p, f).items() if items}
        return [lang for lang in LANGUAGES if lang in langs]

    def seed_terms(self, language: str = "da") -> dict[str, list[str]]:
        """``{priority_id: [terms]}`` to seed themes (terms plus phrase words, marks removed).

        Phrase words that are stop words are left out; words are lemmatised the way
        :func:`analysis.text.lemma` does so they meet a lemma vocabulary. Priorities
        without terms in ``language`` are left out.

        >>> cb = Codebook((Priority("jobs", "Jobs", (), terms={"da": ("job*",)}),), "1")
        >>> cb.seed_terms("da")
        {'jobs': ['job']}
        """
        stops = stop_words(language, consultation=False)
        out: dict[str, list[str]] = {}
        for p in self.priorities:
            words: list[str] = []
            for t in p.terms.get(language, ()):
                words.append(plain_word(t))
            for ph in p.phrases.get(language, ()):
                for w in phrase_words(ph):
                    if w == "~":
                        continue
                    w = plain_word(w)
                    if w and w not in stops:
                        words.append(lemma(w, language) if tokenize(w) and tokenize(w)[0].text == w else w)
            seen: list[str] = []
            for w in words:
                if w and w not in seen:
                    seen.append(w)
            if seen:
                out[p.id] = seen
        return out

    def strategic_goals(self, priority_id: str) -> list[str]:
        """The strategic goals a priority serves (empty: a gap candidate)."""
        p = self.get(priority_id)
        if self.goals is None:
            return list(p.goals)
        strategic = set(self.goals.strategic_ids)
        return [g for g in p.goals if g in strategic]

    def to_frame(self) -> pd.DataFrame:
        """One row per priority: priority_id, label_en, goals, strategic_goals, gap_candidate."""
        rows = []
        for p in self.priorities:
            sg = self.strategic_goals(p.id)
            rows.append((p.id, p.label_en, ";".join(p.goals), ";".join(sg), not sg))
        return pd.DataFrame(rows, columns=["priority_id", "label_en", "goals", "strategic_goals", "gap_candidate"])


# -------------------------------------------------------------------------------- loading
def _goal(e: Mapping[str, Any]) -> Goal:
    titles, descriptions, own = e["titles"], e["descriptions"], e["language"]
    return Goal(e["id"], e["kind"], titles.get("da", ""), pick(titles, "en", own),
                pick(descriptions, "en", own), descriptions.get("da", ""), e["key_terms"],
                titles=dict(titles), descriptions=dict(descriptions), language=own)


def load_goals(path: str | Path, language: str | None = None) -> GoalSet:
    """Read and validate a ``goals.yaml``; every problem at once in a :class:`CodebookError`.

    A title in the file's language (top-level ``language:``, else ``language``, else
    ``da``) is enough; ``title: {da: …, en: …}`` or ``title_<lang>`` add others.

    >>> goals = load_goals("data/raw/udsatte-byomraader-2025/goals.yaml")  # doctest: +SKIP
    >>> goals.strategic_ids                                                # doctest: +SKIP
    ['life_chances', 'safe_attractive_areas']
    """
    path = Path(path)
    raw, entries, problems = read_goals(path, language)
    if problems:
        raise CodebookError(problems)
    return GoalSet(tuple(_goal(e) for e in entries), str(raw["version"]), str(raw.get("policy") or ""), path)


def load_codebook(path: str | Path, goals: str | Path | GoalSet | None = None,
                  language: str | None = None) -> Codebook:
    """Read and validate a ``codebook.yaml``; check goal ids against ``goals``.

    ``goals`` may be a :class:`GoalSet`, a path, or ``None`` (then the codebook's
    ``goals_file``, relative to the codebook, is used when given; without any goals file
    goal ids are not checked). Every problem (of both files) comes at once in a
    :class:`CodebookError`.

    >>> cb = load_codebook("data/raw/udsatte-byomraader-2025/codebook.yaml")  # doctest: +SKIP
    >>> "negative_social_control" in cb.ids                                   # doctest: +SKIP
    True
    """
    path = Path(path)
    problems = validate_goals_and_codebook(None if isinstance(goals, GoalSet) else goals, path, language=language,
                                           goal_ids=goals.ids if isinstance(goals, GoalSet) else None)
    if problems:
        raise CodebookError(problems)
    raw, _, _, _ = read_codebook(path, language=language)
    if goals is None and raw.get("goals_file"):
        goals = path.parent / str(raw["goals_file"])
    goalset = goals if isinstance(goals, GoalSet) or goals is None else load_goals(goals, language)
    _, entries, ignore, _ = read_codebook(path, goalset.ids if goalset else None, language=language)
    priorities = tuple(
        Priority(e["id"], pick(e["labels"], "en", e["language"]), e["goals"], e["terms"], e["phrases"], e["patterns"],
                 e["exclude"], e["labels"].get("da", ""), pick(e["descriptions"], "en", e["language"]),
                 labels=dict(e["labels"]), language=e["language"])
        for e in entries)
    return Codebook(priorities, str(raw["version"]), goalset, ignore, str(raw.get("study") or ""), path)


def validate_goals_and_codebook(goals: str | Path | None, codebook: str | Path | None, *,
                                language: str | None = None, goal_ids: Iterable[str] | None = None) -> list:
    """Every problem of a goals and a codebook file (either may be ``None``), without raising.

    The codebook's goal ids are checked against ``goal_ids``, else the goals file (given,
    or the codebook's ``goals_file``).

    >>> validate_goals_and_codebook("data/raw/udsatte-byomraader-2025/goals.yaml",
    ...                             "data/raw/udsatte-byomraader-2025/codebook.yaml")  # doctest: +SKIP
    []
    """
    problems = []
    if codebook is not None and goals is None and goal_ids is None:
        raw, _ = read_yaml(Path(codebook))
        if isinstance(raw, dict) and raw.get("goals_file"):
            goals = Path(codebook).parent / str(raw["goals_file"])
    if goals is not None:
        _, entries, found = read_goals(Path(goals), language)
        problems += found
        if goal_ids is None and entries:  # ids of the goals that have one, even if other fields are wrong
            goal_ids = [e["id"] for e in entries if e["id"]]
    if codebook is not None:
        problems += read_codebook(Path(codebook), goal_ids, Path(goals) if goals else None, language)[3]
    return problems
