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

from analysis.text import LANGUAGES, lemma, stop_words, tokenize

COMPOUND_MIN_LEN = 5
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
GOAL_KINDS = ("strategic", "delivery")
MATCHER_FIELDS = ("terms", "phrases", "patterns", "exclude")


class CodebookError(ValueError):
    """A goals or codebook file is missing, malformed or inconsistent."""


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

    def __len__(self) -> int:
        return len(self.items)

    def _first_hits(self, low: str, lem: str) -> tuple[int, ...]:
        key = low + "\x00" + lem
        hit = self._first.get(key)
        if hit is None:
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
        out = []
        for i in range(len(lows)):
            for idx in self._first_hits(lows[i], lems[i]):
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

    @property
    def strategic(self) -> bool:
        return self.kind == "strategic"

    def text(self, language: str = "da") -> str:
        """Text describing the goal in ``language`` (title, description, key terms)."""
        desc = self.description_da if language == "da" and self.description_da else self.description
        title = self.title_da if language == "da" else self.label_en
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
def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise CodebookError(f"{path}: no such {what} file. Create it or fix the path in study.yaml.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc}). Fix the syntax and rerun.") from exc
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: expected a mapping at the top level (version:, {what}...).")
    if "version" not in raw or raw["version"] in (None, ""):
        raise CodebookError(f"{path}: missing field 'version'. Add e.g. `version: 1` at the top.")
    return raw


def _check_keys(path: Path, where: str, entry: Mapping, allowed: Iterable[str], required: Iterable[str]) -> None:
    allowed = list(allowed)
    unknown = [k for k in entry if k not in allowed]
    if unknown:
        raise CodebookError(f"{path}: {where}: unknown field(s) {unknown}; allowed: {allowed}.")
    for k in required:
        if k not in entry or entry[k] is None or (isinstance(entry[k], str) and not entry[k].strip()):
            raise CodebookError(f"{path}: {where}: missing field {k!r}. Add it and rerun.")


def _check_id(path: Path, where: str, value: Any, seen: set[str]) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise CodebookError(
            f"{path}: {where}: id {value!r} is not a slug (lower-case letters, digits, '_', "
            f"starting with a letter)."
        )
    if value in seen:
        raise CodebookError(f"{path}: {where}: duplicate id {value!r}. Ids must be unique.")
    seen.add(value)
    return value


def _lang_lists(path: Path, where: str, name: str, value: Any, *, kind: str) -> dict[str, tuple[str, ...]]:
    """Validate ``{language: [str, ...]}`` for terms / phrases / patterns / exclude."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CodebookError(f"{path}: {where}: {name!r} must map a language ({LANGUAGES}) to a list.")
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            raise CodebookError(f"{path}: {where}: {name}: unknown language {lang!r}; use one of {LANGUAGES}.")
        if items is None:
            items = []
        if not isinstance(items, list):
            raise CodebookError(f"{path}: {where}: {name}.{lang} must be a list of strings.")
        clean = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip() or not item.strip("*=~ "):
                raise CodebookError(
                    f"{path}: {where}: {name}.{lang}[{i}] is empty ({item!r}). Remove it or write the word."
                )
            item = item.strip()
            if kind == "term" and re.search(r"\s", item):
                raise CodebookError(
                    f"{path}: {where}: {name}.{lang}[{i}] {item!r} has several words; "
                    f"move it to 'phrases'."
                )
            if kind == "regex":
                try:
                    re.compile(item)
                except re.error as exc:
                    raise CodebookError(
                        f"{path}: {where}: {name}.{lang}[{i}] {item!r} is not a valid regular "
                        f"expression ({exc})."
                    ) from exc
            clean.append(item)
        out[lang] = tuple(clean)
    return out


def load_goals(path: str | Path) -> GoalSet:
    """Read and validate a ``goals.yaml``.

    >>> goals = load_goals("data/raw/udsatte-byomraader-2025/goals.yaml")  # doctest: +SKIP
    >>> goals.strategic_ids                                                # doctest: +SKIP
    ['life_chances', 'safe_attractive_areas']
    """
    path = Path(path)
    raw = _read_yaml(path, "goals")
    _check_keys(path, "top level", raw, ["version", "policy", "language", "goals"], ["goals"])
    entries = raw["goals"]
    if not isinstance(entries, list) or not entries:
        raise CodebookError(f"{path}: 'goals' must be a non-empty list of goals.")
    seen: set[str] = set()
    goals = []
    for i, e in enumerate(entries):
        where = f"goal #{i + 1}" + (f" {e.get('id')!r}" if isinstance(e, dict) and e.get("id") else "")
        if not isinstance(e, dict):
            raise CodebookError(f"{path}: {where}: expected a mapping with id, kind, title_da, ...")
        _check_keys(
            path, where, e,
            ["id", "kind", "title_da", "label_en", "description", "description_da", "key_terms"],
            ["id", "kind", "title_da", "label_en", "description"],
        )
        gid = _check_id(path, where, e["id"], seen)
        if e["kind"] not in GOAL_KINDS:
            raise CodebookError(f"{path}: {where}: kind {e['kind']!r} is not one of {GOAL_KINDS}.")
        key_terms = _lang_lists(path, where, "key_terms", e.get("key_terms"), kind="phrase")
        goals.append(Goal(gid, e["kind"], str(e["title_da"]).strip(), str(e["label_en"]).strip(),
                          " ".join(str(e["description"]).split()),
                          " ".join(str(e.get("description_da") or "").split()), key_terms))
    if not any(g.strategic for g in goals):
        raise CodebookError(f"{path}: no goal has kind 'strategic'; at least one is needed.")
    return GoalSet(tuple(goals), str(raw["version"]), str(raw.get("policy") or ""), path)


def load_codebook(path: str | Path, goals: str | Path | GoalSet | None = None) -> Codebook:
    """Read and validate a ``codebook.yaml``; check goal ids against ``goals``.

    ``goals`` may be a :class:`GoalSet`, a path, or ``None`` (then the codebook's
    ``goals_file``, relative to the codebook, is used when given; without any goals file
    goal ids are not checked).

    >>> cb = load_codebook("data/raw/udsatte-byomraader-2025/codebook.yaml")  # doctest: +SKIP
    >>> "negative_social_control" in cb.ids                                   # doctest: +SKIP
    True
    """
    path = Path(path)
    raw = _read_yaml(path, "codebook")
    _check_keys(path, "top level", raw, ["version", "study", "goals_file", "ignore", "priorities"], ["priorities"])
    if goals is None and raw.get("goals_file"):
        goals = path.parent / str(raw["goals_file"])
    goalset = goals if isinstance(goals, GoalSet) or goals is None else load_goals(goals)
    ignore = _lang_lists(path, "top level", "ignore", raw.get("ignore"), kind="phrase")
    entries = raw["priorities"]
    if not isinstance(entries, list) or not entries:
        raise CodebookError(f"{path}: 'priorities' must be a non-empty list.")
    seen: set[str] = set()
    priorities = []
    allowed = ["id", "label_en", "label_da", "description", "goals", *MATCHER_FIELDS]
    for i, e in enumerate(entries):
        where = f"priority #{i + 1}" + (f" {e.get('id')!r}" if isinstance(e, dict) and e.get("id") else "")
        if not isinstance(e, dict):
            raise CodebookError(f"{path}: {where}: expected a mapping with id, label_en, goals, terms ...")
        _check_keys(path, where, e, allowed, ["id", "label_en", "goals"])
        pid = _check_id(path, where, e["id"], seen)
        glist = e["goals"]
        if not isinstance(glist, list) or not all(isinstance(g, str) for g in glist):
            raise CodebookError(f"{path}: {where}: 'goals' must be a list of goal ids (may be empty: []).")
        if goalset is not None:
            for g in glist:
                if g not in goalset.ids:
                    raise CodebookError(
                        f"{path}: {where}: unknown goal id {g!r}; goals in {goalset.path}: {goalset.ids}."
                    )
        terms = _lang_lists(path, where, "terms", e.get("terms"), kind="term")
        phrases = _lang_lists(path, where, "phrases", e.get("phrases"), kind="phrase")
        patterns = _lang_lists(path, where, "patterns", e.get("patterns"), kind="regex")
        exclude = _lang_lists(path, where, "exclude", e.get("exclude"), kind="phrase")
        if not any(terms.values()) and not any(phrases.values()) and not any(patterns.values()):
            raise CodebookError(
                f"{path}: {where}: no terms, phrases or patterns in any language; add at least one."
            )
        priorities.append(Priority(pid, str(e["label_en"]).strip(), tuple(glist), terms, phrases, patterns,
                                   exclude, str(e.get("label_da") or ""), str(e.get("description") or "")))
    return Codebook(tuple(priorities), str(raw["version"]), goalset, ignore, str(raw.get("study") or ""), path)
