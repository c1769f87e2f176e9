"""The study settings schema: one declarative table of every ``study.yaml`` key.

Each :class:`Setting` names a key (dotted for nested ones, ``themes.k``), its type, its
default, the values it allows and what it does. :func:`validate_settings` checks a whole
``study.yaml`` mapping against the table and returns *every* problem at once, each
naming the file, the key, what is wrong and what to write instead; the caller raises
:class:`SchemaError` so a run stops before any stage starts.

>>> settings, problems = validate_settings({"name": "x", "random_stat": 1}, "study.yaml")
>>> print(problems[0])
study.yaml: random_stat: unknown key. Did you mean 'random_state'?
>>> settings["themes"]["k"]
'auto'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from analysis.languages import language_codes

PLAIN_NAME_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
LANGUAGES = language_codes()  # from the language registry
THEME_BACKENDS = ("nmf", "kmeans", "lda", "embeddings")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a settings file: where, what, and what to write instead.

    >>> print(Problem("study.yaml", "themes.k", "'many' is not a number of themes", "Write auto or a whole number, e.g. k: 8."))
    study.yaml: themes.k: 'many' is not a number of themes. Write auto or a whole number, e.g. k: 8.
    """

    file: str
    key: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = "".join(f"{part}: " for part in (self.file, self.key) if part)
        text = where + self.message.rstrip(".") + "."
        return f"{text} {self.fix}" if self.fix else text


class ConfigError(ValueError):
    """A study configuration is missing, unreadable or inconsistent."""


class SchemaError(ConfigError):
    """Settings files with one or more problems; ``problems`` holds all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = "1 problem to fix" if n == 1 else f"{n} problems to fix"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class _Bad(Exception):
    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message, self.fix = message, fix


# ------------------------------------------------------------------------------ checkers
def _str(value):
    if isinstance(value, (dict, list)) or value is None:
        raise _Bad(f"{_show(value)} is not text", "Write a single value, e.g. in quotes.")
    return str(value)


def _opt_str(value):
    return None if value is None else _str(value)


def _plain_name(value):
    text = _str(value)
    if not PLAIN_NAME_RE.match(text):
        raise _Bad(f"{text!r} is not a plain name (it becomes a folder under data/processed)",
                   "Use only letters, digits, '-', '_' and '.', not starting with '.', e.g. name: my-study-2025.")
    return text


def _int(minimum: int | None = None):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.fullmatch(r"\s*-?\d+\s*", str(value)):
            raise _Bad(f"{_show(value)} is not a whole number", "Write a whole number, e.g. 0.")
        number = int(value)
        if minimum is not None and number < minimum:
            raise _Bad(f"{number} is too small", f"Write a whole number of at least {minimum}.")
        return number
    return check


def _number(value):
    if isinstance(value, bool):
        raise _Bad(f"{_show(value)} is not a number", "Write a number, e.g. 0.5.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _Bad(f"{_show(value)} is not a number", "Write a number, e.g. 0.5.") from None


def _opt(check):
    return lambda value: None if value is None else check(value)


def _bool(value):
    if isinstance(value, bool):
        return value
    raise _Bad(f"{_show(value)} is not true or false", "Write true or false.")


def _bool_or_path(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        return value
    raise _Bad(f"{_show(value)} is neither true/false nor a file", "Write true (the study's codebook), false, or a codebook path.")


def _choice(*allowed):
    def check(value):
        if value in allowed:
            return value
        close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
        fix = f"Did you mean {close[0]!r}?" if close else ""
        raise _Bad(f"{_show(value)} is not one of {', '.join(map(str, allowed))}", fix)
    return check


def _k(value):
    if value == "auto":
        return value
    if isinstance(value, bool) or not re.fullmatch(r"\s*\d+\s*", str(value)) or isinstance(value, (list, dict)):
        raise _Bad(f"{_show(value)} is not a number of themes", "Write auto or a whole number, e.g. k: 8.")
    if int(value) < 1:
        raise _Bad(f"{value} themes cannot be found", "Write auto or a whole number of at least 1, e.g. k: 8.")
    return int(value)


def _str_list(value):
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise _Bad(f"{_show(value)} is not a list of words", "Write a list, e.g. [word, other word].")
    return [str(v) for v in value]


def _int_range(value):
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value) or not 1 <= value[0] <= value[1]):
        raise _Bad(f"{_show(value)} is not a range of numbers of themes", "Write two whole numbers, e.g. [2, 12].")
    return list(value)


def _str_map(value):
    if not isinstance(value, dict) or not all(isinstance(v, (str, int)) for v in value.values()):
        raise _Bad(f"{_show(value)} is not a mapping of names", "Write one 'ours: theirs' pair a line, e.g. respondent: Organisation.")
    return {str(k): str(v) for k, v in value.items()}


def _sheets(value):
    if value == "all":
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise _Bad(f"{_show(value)} is not a choice of sheets", "Write all, or a list of sheet names, e.g. [Svar].")


def _any(value):
    return value


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Setting:
    """One ``study.yaml`` key: dotted ``name``, ``type`` as shown to people, ``default``,
    ``allowed`` values (empty: any of the type) and a one-line ``description``."""

    name: str
    type: str
    default: Any
    allowed: tuple = ()
    description: str = ""
    check: Callable[[Any], Any] = _any


SECTIONS = ("input", "themes", "alignment", "redact")  # keys that hold a mapping of settings

SETTINGS: tuple[Setting, ...] = (
    Setting("name", "plain name", None, (), "folder name under data/processed and reports (default: the study folder's name)", _opt(_plain_name)),
    Setting("title", "text", None, (), "title shown in the report (default: the name)", _opt_str),
    Setting("hearing", "text", None, (), "name of the consultation written into every response (default: the title)", _opt_str),
    Setting("language", "choice", "da", LANGUAGES, "language of the responses", _choice(*LANGUAGES)),
    Setting("input", "path or mapping", ".", (), "a folder of documents or a table export, relative to the study folder; or a mapping with path and the input.* options", _any),
    Setting("input.path", "path", ".", (), "the folder or table when input is a mapping", _str),
    Setting("input.keep_moderated", "bool", False, (), "keep comments a platform's moderators rejected (Polis moderated = -1)", _bool),
    Setting("input.sheets", "all or list", "all", (), "workbook sheets to read (names)", _sheets),
    Setting("input.max_mb", "number", 50.0, (), "largest file read, in MB", _number),
    Setting("input.max_chars", "int", 3_000_000, (), "longest text after reading, in characters (a small file that expands, a 10 MB line); longer ones are reported as too_large", _int(1)),
    Setting("input.strict", "bool", False, (), "any problem with any input stops the ingest", _bool),
    Setting("manifest", "path", None, (), "manifest CSV of a folder of documents (default: manifest.csv in it)", _opt_str),
    Setting("text_col", "text", None, (), "table column holding the text (default: recognised from a platform export, else 'text')", _opt_str),
    Setting("id_col", "text", None, (), "table column holding the response id (default: recognised, else the row number)", _opt_str),
    Setting("meta_cols", "mapping", {}, (), "columns to carry, ours: theirs (e.g. respondent: Organisation)", _opt(_str_map)),
    Setting("goals", "path", None, (), "the policy's goals.yaml (the align stage needs it)", _opt_str),
    Setting("codebook", "path", None, (), "the priorities' codebook.yaml (the align stage needs it)", _opt_str),
    Setting("random_state", "int", 0, (), "seed of every random step (same seed, same tables)", _int()),
    Setting("count_campaigns", "choice", "per_response", ("per_response", "once"), "count a group of near-duplicate responses per response or once", _choice("per_response", "once")),
    Setting("engine", "choice", "local", ("local", "dask"), "where the stages run: local (in memory) or dask (partitions on a Dask cluster)", _choice("local", "dask")),
    Setting("scheduler", "address or null", None, (), "Dask scheduler address with engine: dask (null: a local cluster)", _opt_str),
    Setting("partition_rows", "int", 20_000, (), "rows of a table, or segments, per partition with engine: dask", _int(1)),
    Setting("partition_files", "int", 2_000, (), "files of a folder per partition with engine: dask", _int(1)),
    Setting("sample_size", "int", 50_000, (), "segments the theme model and the keyness/similarity spaces are fitted on with engine: dask", _int(1)),
    Setting("themes", "mapping", {}, (), "theme model settings: the themes.* keys and any other ThemeModel parameter", _any),
    Setting("themes.k", "auto or int", "auto", (), "number of themes, or auto to choose it by stability and coherence", _k),
    Setting("themes.backend", "choice", "nmf", THEME_BACKENDS, "theme model backend", _choice(*THEME_BACKENDS)),
    Setting("themes.unit", "choice", "auto", ("auto", "response", "segment"), "what one document of the theme model is", _choice("auto", "response", "segment")),
    Setting("themes.k_range", "[min, max]", None, (), "numbers of themes tried with k: auto", _opt(_int_range)),
    Setting("themes.extra_stop_words", "list", [], (), "words never used as theme terms", _str_list),
    Setting("themes.drop_names", "bool", True, (), "leave names of senders, places and people out of theme terms", _bool),
    Setting("themes.k_criterion", "choice", "eigengap", ("eigengap", "corrected", "stability", "coherence", "combined"), "how k: auto is chosen", _choice("eigengap", "corrected", "stability", "coherence", "combined")),
    Setting("themes.min_fit", "number", 0.05, (), "a document whose fit with its main theme is below this share of the corpus's median fit, or whose weight is spread evenly, goes to 'no clear theme' (0: off)", _number),
    Setting("themes.n_runs", "int", 4, (), "model runs compared for stability", _int(1)),
    Setting("themes.n_top_terms", "int", 10, (), "terms shown per theme", _int(1)),
    Setting("themes.threshold", "number", 0.2, (), "least weight for a segment to belong to a theme", _number),
    Setting("themes.max_iter", "int", 400, (), "iterations of the model fit", _int(1)),
    Setting("themes.seed_codebook", "bool or path", False, (), "start some themes from the codebook's priorities (true: the study's codebook)", _bool_or_path),
    Setting("alignment", "mapping", {}, (), "alignment settings: the alignment.* keys", _any),
    Setting("alignment.unit", "choice", "response", ("response", "segment"), "what one priority mention is counted on", _choice("segment", "response")),
    Setting("alignment.interval", "choice", "wilson", ("wilson", "jeffreys", "bootstrap"), "how confidence intervals are computed", _choice("wilson", "jeffreys", "bootstrap")),
    Setting("alignment.min_group_n", "int", 5, (), "smallest group given its own interval", _int(0)),
    Setting("alignment.n_boot", "int", 1000, (), "bootstrap resamples for intervals", _int(1)),
    Setting("alignment.stance_model", "path", None, (), "a saved learned stance model (see `analysis agreement --retrain`), relative to the study folder", _any),
    Setting("redact", "mapping", {}, (), "redaction settings: the redact.* keys", _any),
    Setting("redact.enabled", "bool", True, (), "replace e-mails, phone numbers and names before anything is written", _bool),
    Setting("redact.keep_office_holders", "bool", False, (), "keep names of office holders signing for a committee", _bool),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
# Keys inside ``themes:`` that belong elsewhere, with what to write instead.
THEMES_ELSEWHERE = {"n_themes": "Write themes.k instead.", "language": "Set language at the top level.",
                    "random_state": "Set random_state at the top level.", "seed_terms": "Write themes.seed_codebook: true instead."}


# The parameters of :class:`analysis.themes.ThemeModel`, kept as data so that checking a
# ``themes:`` section does not import the theme model (scikit-learn, SciPy: ~2 s). A test
# (tests/test_startup.py) checks that this list equals ``inspect.signature(ThemeModel)``.
THEME_MODEL_PARAMETERS = (
    "n_themes", "language", "backend", "form", "multiword", "extra_stop_words", "drop_names",
    "title_words", "unit", "smoothing", "smoothing_terms", "min_terms", "k_range", "k_criterion",
    "n_runs", "threshold", "min_fit", "n_top_terms", "seed_terms", "cache_dir", "max_iter",
    "fit_sample", "random_state",
)


def theme_model_parameters() -> set[str]:
    """Parameter names :class:`analysis.themes.ThemeModel` accepts (any is a valid ``themes.`` key).

    >>> {"k_range", "extra_stop_words"} <= theme_model_parameters()
    True
    """
    return set(THEME_MODEL_PARAMETERS)


def defaults() -> dict[str, Any]:
    """Every setting's default as a nested mapping (``{"themes": {"k": "auto", …}, …}``)."""
    out: dict[str, Any] = {}
    for s in SETTINGS:
        if s.name in SECTIONS:
            out.setdefault(s.name, {})
        elif "." in s.name:
            section, key = s.name.split(".", 1)
            out.setdefault(section, {})[key] = _copy(s.default)
        else:
            out[s.name] = _copy(s.default)
    return out


def _copy(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def _unknown(file: str, key: str, candidates: Iterable[str]) -> Problem:
    leaf = key.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(leaf, list(candidates), n=1, cutoff=0.6)
    return Problem(file, key, "unknown key", f"Did you mean {close[0]!r}?" if close else
                   "Remove it, or see the keys table in the README ('A new consultation').")


def validate_settings(raw: Any, file: str | Path = "study.yaml") -> tuple[dict[str, Any], list[Problem]]:
    """Check a parsed ``study.yaml`` against :data:`SETTINGS`; return (settings, problems).

    ``settings`` holds every key with its default filled in and values converted
    (``k: "8"`` → ``8``); ``input`` is always a mapping with ``path``. ``problems`` lists
    everything wrong, in file order; the settings are only meaningful when it is empty.

    >>> settings, problems = validate_settings({"themes": {"k": "many"}, "language": "dk"})
    >>> [p.key for p in problems]
    ['themes.k', 'language']
    >>> settings["random_state"]
    0
    """
    file = str(file)
    settings = defaults()
    settings["written"] = {}  # the keys the file wrote, per section (themes: the ThemeModel overrides)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return settings, [Problem(file, "", f"expected a mapping of settings (key: value lines), found {type(raw).__name__}",
                                  "Start from the bundled data/raw/udsatte-byomraader-2025/study.yaml.")]
    problems: list[Problem] = []
    top = [s.name for s in SETTINGS if "." not in s.name]
    for key, value in raw.items():
        key = str(key)
        if key not in top:
            nested = [s.name for s in SETTINGS if s.name.endswith("." + key)]
            problems.append(Problem(file, key, "unknown key at the top level",
                                    f"Did you mean {nested[0]!r}? Write it under {nested[0].split('.')[0]}:.")
                            if nested else _unknown(file, key, top))
            continue
        if key == "input" and not isinstance(value, dict):
            value = {"path": "." if value is None else value}
        if key in SECTIONS:
            problems.extend(_section(file, key, value, settings))
            continue
        try:
            settings[key] = BY_NAME[key].check(value)
        except _Bad as bad:
            problems.append(Problem(file, key, bad.message, bad.fix))
    return settings, problems


def _section(file: str, section: str, value: Any, settings: dict[str, Any]) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, dict):
        keys = ", ".join(s.name.split(".", 1)[1] for s in SETTINGS if s.name.startswith(section + "."))
        return [Problem(file, section, f"{_show(value)} is not a mapping of settings",
                        f"Write one key a line under {section}:, e.g. {keys.split(', ')[0]}: …; keys: {keys}.")]
    problems = []
    known = [s.name.split(".", 1)[1] for s in SETTINGS if s.name.startswith(section + ".")]
    extra = theme_model_parameters() if section == "themes" else set()
    written = settings["written"].setdefault(section, {})
    for key, item in value.items():
        key = str(key)
        dotted = f"{section}.{key}"
        if section == "themes" and key in THEMES_ELSEWHERE:
            problems.append(Problem(file, dotted, "not a themes setting", THEMES_ELSEWHERE[key]))
            continue
        if key not in known and key not in extra:
            problems.append(_unknown(file, dotted, known + sorted(extra)))
            continue
        try:
            converted = BY_NAME[dotted].check(item) if dotted in BY_NAME else item
        except _Bad as bad:
            problems.append(Problem(file, dotted, bad.message, bad.fix))
            continue
        settings[section][key] = converted
        written[key] = converted
    return problems


def check_value(name: str, value: Any, source: str = "command line") -> tuple[Any, Problem | None]:
    """Check one setting given elsewhere (a command-line flag) with the table's rule.

    >>> check_value("themes.k", "0", "--k")[1].message
    '0 themes cannot be found'
    """
    try:
        return BY_NAME[name].check(value), None
    except _Bad as bad:
        return value, Problem(source, name, bad.message, bad.fix)


def settings_table(markdown: bool = True) -> str:
    """The keys table for the README, generated from :data:`SETTINGS`.

    >>> settings_table().splitlines()[0]
    '| key | type | default | allowed | description |'
    """
    rows = ["| key | type | default | allowed | description |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default in (None, {}, []) else f"`{s.default}`"
        allowed = ", ".join(f"`{a}`" for a in s.allowed)
        rows.append(f"| `{s.name}` | {s.type} | {default} | {allowed} | {s.description} |")
    return "\n".join(rows)


def update_readme(path: str | Path = "README.md") -> bool:
    """Rewrite the keys table in ``README.md`` from :data:`SETTINGS`; return whether it changed.

    ``python -c "from analysis.schema import update_readme; update_readme()"`` after adding a key.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head = settings_table().splitlines()[0]
    start = text.index(head)
    end = text.find("\n\n", start)
    new = text[:start] + settings_table() + (text[end:] if end >= 0 else "\n")
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse a YAML settings file; problems (missing, not UTF-8, bad syntax) instead of exceptions.

    >>> read_yaml(Path("no/such/study.yaml"))[1][0].message
    'no such file'
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        return None, [Problem(str(path), "", "no such file", "Create it, or fix the path that names it.")]
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [Problem(str(path), f"line {line}", "not UTF-8 text",
                              "Save the file as UTF-8 (e.g. in your editor: Save with encoding UTF-8).")]
    except OSError as exc:
        return None, [Problem(str(path), "", f"cannot be read ({exc.strerror})", "Check its permissions.")]
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(str(path), where, f"not valid YAML ({what})",
                              "Fix the syntax: one 'key: value' a line, lists in [ ] or '- ' lines, quotes closed.")]


def written(settings: Mapping[str, Any], section: str) -> dict[str, Any]:
    """The keys a study's file wrote in ``section`` (validated), without defaults."""
    return dict(settings.get("written", {}).get(section, {}))
