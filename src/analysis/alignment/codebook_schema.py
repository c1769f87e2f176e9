"""Validation of ``goals.yaml`` and ``codebook.yaml``: every problem at once, language-neutral.

A title, label or description is text in the file's own language (top-level
``language:``, else the study's), or one per language: ``title: {da: …, en: …}`` or
``title_da: …`` / ``title_en: …``. One in any language is enough; the others are optional.

The functions here return plain validated mappings plus a list of
:class:`analysis.schema.Problem`; :mod:`analysis.alignment.codebook` builds its dataclasses
from them.

>>> from pathlib import Path
>>> meta, goals, problems = read_goals(Path("data/raw/udsatte-byomraader-2025/goals.yaml"))  # doctest: +SKIP
>>> goals[0]["titles"]["da"], problems                                                   # doctest: +SKIP
('Gode livschancer for alle københavnere', [])
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from analysis.schema import Problem, read_yaml
from analysis.text import LANGUAGES

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
GOAL_KINDS = ("strategic", "delivery")
MATCHER_FIELDS = ("terms", "phrases", "patterns", "exclude")
GOAL_FIELDS = ("id", "kind", "title", "label", "description", "key_terms")
PRIORITY_FIELDS = ("id", "label", "title", "description", "goals", *MATCHER_FIELDS)


class _Collect:
    """Problems of one file."""

    def __init__(self, path: Path):
        self.path, self.problems = path, []

    def add(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(str(self.path), where, message, fix))


def _language(raw: Mapping, language: str | None) -> str:
    own = raw.get("language") if isinstance(raw.get("language"), str) else None
    return own or language or "da"


def _texts(c: _Collect, where: str, entry: Mapping, field: str, own: str) -> dict[str, str]:
    """``field`` as ``{language: text}`` from ``field_<lang>``, ``field: {lang: text}`` and ``field: text``.

    ``field_<lang>`` wins; plain text belongs to the file's own language, or, when that one
    is written explicitly too, is kept under ``"*"`` as the text for any other language.
    """
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        text = entry.get(f"{field}_{lang}")
        if isinstance(text, (str, int, float)) and str(text).strip():
            out[lang] = " ".join(str(text).split())
    value = entry.get(field)
    if isinstance(value, dict):
        for lang, text in value.items():
            if lang not in LANGUAGES:
                c.add(where, f"{field}: unknown language {lang!r}", f"Use one of {', '.join(LANGUAGES)}.")
            elif isinstance(text, str) and text.strip():
                out.setdefault(lang, " ".join(text.split()))
    elif isinstance(value, (str, int, float)) and str(value).strip():
        out.setdefault(own if own not in out else "*", " ".join(str(value).split()))
    elif value is not None:
        c.add(where, f"{field} must be text or a mapping language: text", f"Write e.g. {field}: {{{own}: …}}.")
    return out


def pick(texts: Mapping[str, str], language: str, own: str) -> str:
    """The text for ``language``: its own, else the default (``"*"``), else the file language's, else any.

    >>> pick({"da": "Job", "*": "Jobs"}, "en", "da"), pick({"da": "Job"}, "en", "da")
    ('Jobs', 'Job')
    """
    for key in (language, "*", own):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def _check_keys(c: _Collect, where: str, entry: Mapping, allowed: Iterable[str], texts: Iterable[str] = ()) -> None:
    allowed = list(allowed) + [f"{t}_{lang}" for t in texts for lang in LANGUAGES]
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            c.add(where, f"unknown field {key!r}",
                  f"Did you mean {close[0]!r}?" if close else f"Allowed: {', '.join(allowed)}.")


def _missing(entry: Mapping, key: str) -> bool:
    value = entry.get(key)
    return value is None or (isinstance(value, str) and not value.strip())


def _check_id(c: _Collect, where: str, value: Any, seen: set[str]) -> str | None:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        c.add(where, f"id {value!r} is not a slug", "Use lower-case letters, digits and '_', starting with a letter.")
        return None
    if value in seen:
        c.add(where, f"duplicate id {value!r}", "Ids must be unique; rename one.")
        return None
    seen.add(value)
    return value


def lang_lists(c: _Collect, where: str, name: str, value: Any, *, kind: str) -> dict[str, tuple[str, ...]]:
    """Validate ``{language: [str, ...]}`` for terms / phrases / patterns / exclude / key_terms."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(where, f"{name!r} must map a language ({', '.join(LANGUAGES)}) to a list", f"Write e.g. {name}: {{da: [word]}}.")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            c.add(where, f"{name}: unknown language {lang!r}", f"Use one of {', '.join(LANGUAGES)}.")
            continue
        items = [] if items is None else items
        if not isinstance(items, list):
            c.add(where, f"{name}.{lang} must be a list of strings", f"Write e.g. {name}: {{{lang}: [word]}}.")
            continue
        clean = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip() or not item.strip("*=~ "):
                c.add(where, f"{name}.{lang}[{i}] is empty ({item!r})", "Remove it or write the word.")
                continue
            item = item.strip()
            if kind == "term" and re.search(r"\s", item):
                c.add(where, f"{name}.{lang}[{i}] {item!r} has several words; move it to 'phrases'")
                continue
            if kind == "regex":
                try:
                    re.compile(item)
                except re.error as exc:
                    c.add(where, f"{name}.{lang}[{i}] {item!r} is not a valid regular expression ({exc})",
                          "Fix the pattern, or write the word as a term.")
                    continue
            clean.append(item)
        out[lang] = tuple(clean)
    return out


def _top(c: _Collect, path: Path, what: str, allowed: list[str], list_key: str) -> tuple[dict, list]:
    raw, problems = read_yaml(path)
    if problems:
        fix = "Create it or fix the path in study.yaml." if problems[0].message == "no such file" else problems[0].fix
        message = f"no such {what} file" if problems[0].message == "no such file" else problems[0].message
        c.add(problems[0].key, message, fix)
        return {}, []
    if not isinstance(raw, dict):
        c.add("top level", f"expected a mapping at the top level (version:, {list_key}: …)",
              "Start from the bundled study's file.")
        return {}, []
    _check_keys(c, "top level", raw, allowed)
    if _missing(raw, "version"):
        c.add("top level", "missing field 'version'", "Add e.g. `version: 1` at the top.")
    entries = raw.get(list_key)
    if not isinstance(entries, list) or not entries:
        c.add("top level", f"{list_key!r} must be a non-empty list", f"Write {list_key}: and then one '- id: …' entry each.")
        entries = []
    return raw, entries


def read_goals(path: str | Path, language: str | None = None) -> tuple[dict, list[dict], list[Problem]]:
    """Validate a ``goals.yaml``: (top-level mapping, goals as mappings, problems).

    Each goal mapping has ``id``, ``kind``, ``titles`` and ``descriptions`` (``{language: text}``),
    ``key_terms`` and ``language`` (the file's own).
    """
    path = Path(path)
    c = _Collect(path)
    raw, entries = _top(c, path, "goals", ["version", "policy", "language", "goals"], "goals")
    own = _language(raw, language)
    seen: set[str] = set()
    goals = []
    for i, e in enumerate(entries):
        where = f"goal #{i + 1}" + (f" {e.get('id')!r}" if isinstance(e, dict) and e.get("id") else "")
        if not isinstance(e, dict):
            c.add(where, "expected a mapping", "Write id:, kind:, title: … under '- '.")
            continue
        _check_keys(c, where, e, GOAL_FIELDS, ("title", "label", "description"))
        titles = {**_texts(c, where, e, "label", own), **_texts(c, where, e, "title", own)}
        if not titles:
            c.add(where, f"missing field 'title' (or 'title_{own}', e.g. 'title_da', or 'label_en')",
                  f"Add title: … in the goals' language ({own}).")
        if _missing(e, "id"):
            c.add(where, "missing field 'id'", "Add an id, e.g. id: life_chances.")
        gid = _check_id(c, where, e["id"], seen) if not _missing(e, "id") else None
        if e.get("kind") not in GOAL_KINDS:
            c.add(where, f"kind {e.get('kind')!r} is not one of {GOAL_KINDS}", "Write kind: strategic or kind: delivery.")
        key_terms = lang_lists(c, where, "key_terms", e.get("key_terms"), kind="phrase")
        goals.append({"id": gid, "kind": e.get("kind"), "titles": titles,
                      "descriptions": _texts(c, where, e, "description", own), "key_terms": key_terms, "language": own})
    if goals and not any(g["kind"] == "strategic" for g in goals):
        c.add("top level", "no goal has kind 'strategic'", "Mark at least one goal kind: strategic.")
    return raw, goals, c.problems


def read_codebook(path: str | Path, goal_ids: Iterable[str] | None = None, goals_path: Path | None = None,
                  language: str | None = None) -> tuple[dict, list[dict], dict, list[Problem]]:
    """Validate a ``codebook.yaml``: (top-level mapping, priorities as mappings, ignore, problems).

    ``goal_ids`` (from the goals file) are checked when given.
    """
    path = Path(path)
    c = _Collect(path)
    raw, entries = _top(c, path, "codebook", ["version", "study", "language", "goals_file", "ignore", "priorities"],
                        "priorities")
    own = _language(raw, language)
    ignore = lang_lists(c, "top level", "ignore", raw.get("ignore"), kind="phrase")
    known = list(goal_ids) if goal_ids is not None else None
    seen: set[str] = set()
    priorities = []
    for i, e in enumerate(entries):
        where = f"priority #{i + 1}" + (f" {e.get('id')!r}" if isinstance(e, dict) and e.get("id") else "")
        if not isinstance(e, dict):
            c.add(where, "expected a mapping", "Write id:, label:, goals:, terms: … under '- '.")
            continue
        _check_keys(c, where, e, PRIORITY_FIELDS, ("label", "title", "description"))
        labels = {**_texts(c, where, e, "title", own), **_texts(c, where, e, "label", own)}
        if not labels:
            c.add(where, f"missing field 'label' (or 'label_{own}', e.g. 'label_en')",
                  f"Add label: … in the codebook's language ({own}).")
        pid = None
        if _missing(e, "id"):
            c.add(where, "missing field 'id'", "Add an id, e.g. id: employment.")
        else:
            pid = _check_id(c, where, e["id"], seen)
        glist = e.get("goals")
        if glist is None:
            c.add(where, "missing field 'goals'", "Add goals: [goal ids] (may be empty: []).")
            glist = []
        elif not isinstance(glist, list) or not all(isinstance(g, str) for g in glist):
            c.add(where, "'goals' must be a list of goal ids", "Write e.g. goals: [life_chances] (may be empty: []).")
            glist = []
        for g in glist if known is not None else ():
            if g not in known:
                close = difflib.get_close_matches(g, known, n=1)
                c.add(where, f"unknown goal id {g!r}", (f"Did you mean {close[0]!r}? " if close else "")
                      + f"Goals in {goals_path}: {', '.join(known)}.")
        rules = {f: lang_lists(c, where, f, e.get(f), kind={"terms": "term", "patterns": "regex"}.get(f, "phrase"))
                 for f in MATCHER_FIELDS}
        if not any(isinstance(e.get(f), dict) and any(e[f].values()) for f in ("terms", "phrases", "patterns")):
            c.add(where, "no terms, phrases or patterns in any language", "Add at least one, e.g. terms: {da: [word]}.")
        priorities.append({"id": pid, "labels": labels, "goals": tuple(glist), **rules, "language": own,
                           "descriptions": _texts(c, where, e, "description", own)})
    return raw, priorities, ignore, c.problems
