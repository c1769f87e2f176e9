"""Who answered: infer the respondent type and organisation name from the text.

Platforms often say nothing useful (the Bliv Hørt export calls everyone
``Borger``), so the type is read from how a response presents its sender: the
opening lines, the title and the signature block. The rules, in order:

1. ``local_council`` — a named local committee is the sender ("Østerbro
   Lokaludvalg fastholder …", "Forperson for Valby Lokaludvalg") or the response
   was adopted at a local committee meeting ("lokaludvalgsmødet");
2. ``committee`` — a standing committee of the council is the sender
   ("Beskæftigelses- og Integrationsudvalget tilslutter sig …");
3. ``organisation`` — an association, company, movement or institution is the
   sender: an organisation word in the sender's name ("Billedkunstnernes
   Forbund"), "på vegne af", a role in the signature ("Formand for SAB"), an
   acronym acting as subject ("CEPOS er kritisk …");
4. ``citizen`` — a response with content and none of the above (a group of
   citizens, "Vi er en gruppe borgere", is still citizens);
5. ``unknown`` — nothing to go on (empty or attachment-only).

Only names of organisations and committees are returned, never a person's.

>>> infer_respondent_type("Østerbro Lokaludvalg fastholder det tidligere høringssvar.")[:2]
('local_council', 'Østerbro Lokaludvalg')
>>> infer_respondent_type("Jeg synes planen er god.")[:2]
('citizen', '')
"""

from __future__ import annotations

import re

from analysis.languages import all_entries, get_language, language_codes

__all__ = ["infer_respondent_type", "normalise_respondent_type", "RESPONDENT_TYPE_ALIASES"]

def _cues(key: str) -> tuple[str, ...]:
    """The registry's ``respondents`` entries under ``key``, of every language, in order."""
    return all_entries("respondents", key)


_CAP = r"[A-ZÆØÅÄÖÜ][\w.&'’-]*"
_NAME = rf"(?:{_CAP}\s+){{0,3}}?"
_LOCAL = re.compile(rf"\b({_NAME}{_CAP}?\s?Lokaludvalg)s?\b")
_LOCAL_PLAIN = re.compile(r"\b(lokaludvalg(?:et|ets)?|lokaludvalgsmøde\w*)\b", re.IGNORECASE)
_COMMITTEE = re.compile(
    r"\b((?:[A-ZÆØÅ][a-zæøå]+s?-\s+og\s+)?[A-ZÆØÅ][a-zæøå]*udvalg)(?:et|ets)?\b"
    r"|\b((?:[A-ZÆØÅ]+S?-\s+OG\s+)?[A-ZÆØÅ]*UDVALG)(?:ET|ETS)?\b"
)
# The words and phrases live in the language registry (``languages/<code>/respondents.yaml``);
# every response is read with those of every registered language.
_ORG_WORD = "(?i:" + "|".join(_cues("organisation_words")) + ")"
# A proper name holding an organisation word: "Billedkunstnernes Forbund", "Klimabevægelsen i
# København", "Miljøpunkt Amager", "Repair Cafe Danmark".
_ORG_NAME = re.compile(
    rf"((?:[A-ZÆØÅ][\w&'’.-]*\s+){{0,3}}[A-ZÆØÅ]?[\w-]*{_ORG_WORD}\w*"
    rf"(?:\s+(?:i\s+|for\s+|og\s+)?[A-ZÆØÅ][\w&'’.-]*){{0,3}})"
)
# Where a sender names itself: at the start of the response or of a sentence in the
# opening, after "fra"/"Hermed fremsendes", or on a line of its own in the signature.
_SENDER_CONTEXT = re.compile(r"(?:^|[.!?:]\s+|\n|" + "|".join(_cues("sender_context")) + ")$", re.IGNORECASE)
# The cues are fixed phrases followed by spaces, so a match starts at most this many
# characters before the text's trailing spaces: the search starts there, not at 0.
_SENDER_REACH = max(len(c) for c in _cues("sender_context")) + 8
_ON_BEHALF = re.compile("|".join(_cues("on_behalf")))
_ROLE = re.compile(
    r"\b(?:" + "|".join(_cues("roles")) + ")"
    r"\s+(?:(?:" + "|".join(_cues("role_prepositions")) + r")\s+)?"
    r"([A-ZÆØÅ0-9][\w&'’.-]*(?:\s+[A-ZÆØÅ0-9][\w&'’.-]*){0,3})",
    re.IGNORECASE,
)
_ACRONYM_SUBJECT = re.compile(
    r"(?:^|[.\n]\s*)([A-ZÆØÅ]{2,6})s?\s+(?:" + "|".join(_cues("sender_verbs")) + r")\b"
)
_FROM_ACRONYM = re.compile(r"\b(?:fra|from|von)\s+([A-ZÆØÅ]{2,8}s?)\b|\b([A-ZÆØÅ]{3,8})s\s+høringssvar\b")
_FROM_ACRONYM_TEXTS = ("fra", "from", "von", "høringssvar")  # every _FROM_ACRONYM match holds one
_NOT_ORG_ACRONYMS = {"EU", "FN", "CO", "CCS", "DK", "KK", "OK", "NB", "PS", "UN", "USA", "OBS", "BR", "TMF",
                     "TMU", "PDF", "HØRINGSSVAR", "NAVN", "EMAIL", "TLF", "CPR", "ADRESSE"}
_CITIZEN_GROUP = re.compile(r"\b(" + "|".join(_cues("citizen_groups")) + r")\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(" + "|".join(_cues("first_person")) + r")\b")

# Our types map to themselves; the registry's ``type_aliases`` map platform labels onto them.
RESPONDENT_TYPE_ALIASES = {
    **{t: t for t in ("committee", "local_council", "organisation", "citizen", "unknown")},
    **{str(label).lower(): kind for code in language_codes()
       for label, kind in (get_language(code).resource("respondents")["type_aliases"] or {}).items()},
}


def normalise_respondent_type(value: str | None) -> str | None:
    """Map a manifest's respondent type onto ours; ``None`` when it is not one of ours.

    Platform labels that are known to be unreliable (Bliv Hørt's ``Borger``) are
    not mapped: they go to ``platform_type`` and the text decides.

    >>> normalise_respondent_type("Organization"), normalise_respondent_type("Borger")
    ('organisation', None)
    """
    if value is None:
        return None
    return RESPONDENT_TYPE_ALIASES.get(str(value).strip().lower())


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" .,:;-")
    return "" if "[" in name else name


def _title_case_committee(name: str) -> str:
    if name.isupper():
        parts = re.split(r"(\s+)", name.lower())
        return "".join(p[:1].upper() + p[1:] if p.strip() and p != "og" else p for p in parts)
    return name


# The literal organisation words of _ORG_WORD, and the characters that its case-insensitive
# match also accepts but ``str.lower`` does not map onto them (İ, ı → i; ſ → s).
_ORG_LITERALS = tuple(w.replace("\\w*", "") for w in _ORG_WORD[4:-1].split("|"))
_ORG_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_ORG_FOLDED = re.compile("[\u0130\u0131\u017f]")
_ORG_LITERAL_RE = re.compile("|".join(re.escape(w) for w in _ORG_LITERALS))


def _may_name_organisation(part: str) -> bool:
    """Cheap exact pre-check: False only when _ORG_NAME cannot match ``part`` at all.

    _ORG_NAME needs an organisation word, so a text without one is skipped without
    running the (slow, backtracking) name pattern over it.
    """
    low = (part.translate(_ORG_FOLD) if _ORG_FOLDED.search(part) else part).lower()
    return any(word in low for word in _ORG_LITERALS)  # as _ORG_LITERAL_RE.search(low), faster


_REGEX_SYNTAX = set("\\.^$*+?{}[]()|")


def _literal_prefix(cue: str) -> str:
    """The plain text a registry cue must start with ("" when it has none).

    >>> _literal_prefix("på vegne af"), _literal_prefix("co-?founder"), _literal_prefix("a|b")
    ('på vegne af', 'co', '')
    """
    if "|" in cue:
        return ""
    cue = cue[2:] if cue.startswith("\\b") else cue
    end = next((i for i, ch in enumerate(cue) if ch in _REGEX_SYNTAX), len(cue))
    if end < len(cue) and cue[end] in "?*{":
        end -= 1  # the last letter is optional
    return cue[:end]


def _required_literal(cue: str) -> str:
    """The longest plain text every match of a registry cue contains ("" when none is sure).

    Like :func:`_literal_prefix`, but any run of plain letters counts, not only the first:
    a letter before ``?``, ``*`` or ``{`` is optional and ends a run, as do escapes, classes
    and ``.``; only the part before the first group is read, and a cue with an alternation
    has none.

    >>> _required_literal("co-?\\s?founder"), _required_literal("adm\\.\\s*direktør"), _required_literal("a|b")
    ('founder', 'direktør', '')
    """
    if "|" in cue:
        return ""
    cue = cue.split("(", 1)[0]
    runs, run, i = [], "", 0
    while i < len(cue):
        ch = cue[i]
        if ch in "?*{":
            runs.append(run[:-1])  # the letter before is optional
            run = ""
            i = cue.index("}", i) + 1 if ch == "{" else i + 1
            continue
        if ch in "\\[.^$+":
            runs.append(run)
            run = ""
            i = cue.index("]", i + 1) + 1 if ch == "[" else i + (2 if ch == "\\" else 1)
            continue
        run += ch
        i += 1
    runs.append(run)
    return max(runs, key=len)


def _prefixes(key: str, lower: bool) -> tuple[str, ...] | None:
    """Plain texts one of which a match of the ``key`` cues contains; ``None``: no such test."""
    found = tuple(_required_literal(c) for c in _cues(key))
    if not all(found):
        return None
    return tuple(p.lower() for p in found) if lower else found


_ROLE_TEXTS = _prefixes("roles", lower=True)
_ON_BEHALF_TEXTS = _prefixes("on_behalf", lower=False)


def _folded_lower(text: str) -> str:
    """``text`` lower-cased the way a case-insensitive pattern compares it (İ, ı → i; ſ → s)."""
    return (text.translate(_ORG_FOLD) if _ORG_FOLDED.search(text) else text).lower()


def _may_contain(texts: tuple[str, ...] | None, text: str) -> bool:
    """False only when ``text`` holds none of ``texts`` (``None``: no test, always True)."""
    return texts is None or any(t in text for t in texts)


def _earliest_name_start(part: str, at: int) -> int:
    """Where an _ORG_NAME match whose organisation word starts at ``at`` may start at the earliest.

    The name before the organisation word is at most three words and the start of the word
    that holds it: four runs of non-spaces with spaces between them.

    >>> _earliest_name_start("Vi i Den Lille Grønne Forening", 25)
    5
    """
    i = at
    for run in range(4):
        while i > 0 and not part[i - 1].isspace():
            i -= 1
        if run < 3:
            while i > 0 and part[i - 1].isspace():
                i -= 1
    return i


def _org_names(part: str):
    """The matches of ``_ORG_NAME.finditer(part)``, found faster: the pattern is tried only at
    the positions from which it can reach an organisation word (a literal of _ORG_WORD).

    >>> [m.group(1) for m in _org_names("Hilsen Miljøpunkt Amager")]
    ['Hilsen Miljøpunkt Amager']
    """
    low = _folded_lower(part)  # same offsets as ``part`` (İ, the one letter lower() lengthens, is folded)
    pos = 0
    while pos <= len(part):
        word = _ORG_LITERAL_RE.search(low, pos)
        if word is None:
            return
        at = word.start()
        m = None
        for start in range(max(pos, _earliest_name_start(part, at)), at + 1):
            m = _ORG_NAME.match(part, start)
            if m:
                break
        if m is None:
            pos = at + 1
            continue
        yield m
        pos = m.end()


def _organisation_sender(head: str, tail: str) -> str:
    """A capitalised organisation name in a sender position of the opening or signature."""
    for part, in_signature in ((head, False), (tail, True)):
        if not _may_name_organisation(part):
            continue
        for m in _org_names(part):
            name = m.group(1).strip()
            if not name[:1].isupper() or "[" in name:
                continue
            before = part[: m.start(1)]
            if in_signature:
                line_start = part.rfind("\n", 0, m.start(1)) + 1
                if part[line_start: m.start(1)].strip() or m.end(1) < len(part.rstrip()) - 120:
                    continue
            elif not _SENDER_CONTEXT.search(before, max(0, len(before.rstrip()) - _SENDER_REACH)):
                continue
            if re.match(r"\s*(?:kommentarer|høringssvar|bemærkninger|svar)\b", part[m.end(1):], re.I):
                name = re.sub(r"s$", "", name)  # genitive: "Miljøpunkt Amagers kommentarer"
            return _clean_name(name)
    return ""


def infer_respondent_type(text: str, respondent: str = "") -> tuple[str, str, str]:
    """Infer ``(respondent_type, organisation_name, rule)`` from a response.

    ``respondent`` (a name from the manifest, if any) is searched too. The
    sender is looked for in the first 400 and last 400 characters.

    >>> infer_respondent_type("CEPOS er kritisk over for planen.")[:2]
    ('organisation', 'CEPOS')
    """
    text = text or ""
    head, tail = text[:400], text[-400:]
    sender = f"{respondent}\n{head}\n{tail}"

    m = _LOCAL.search(sender) if "Lokaludvalg" in sender else None  # the pattern's literal
    if m and "[" not in m.group(1):
        return "local_council", _clean_name(m.group(1)), f"local committee named as sender ({_clean_name(m.group(1))!r})"
    if _LOCAL_PLAIN.search(head) and re.search(r"lokaludvalgsmøde|^\s*lokaludvalget\b", head, re.I | re.M):
        return "local_council", "", "adopted at a local committee meeting / the local committee speaks"

    opening = f"{respondent}\n{head}"
    has_committee = "udvalg" in opening or "UDVALG" in opening  # every _COMMITTEE match holds one
    for m in _COMMITTEE.finditer(opening) if has_committee else ():
        name = m.group(1) or m.group(2)
        if name and "lokal" not in name.lower() and not name.lower().startswith("bymiljø"):
            name = _title_case_committee(_clean_name(name))
            return "committee", name, f"standing committee named as sender ({name!r})"

    if _CITIZEN_GROUP.search(head):
        return "citizen", "", "a group of citizens presents itself as the sender"

    low = _folded_lower(sender)
    for pattern, what, needed, where in ((_ON_BEHALF, "written on behalf of", _ON_BEHALF_TEXTS, sender),
                                         (_ROLE, "a role in the signature", _ROLE_TEXTS, low)):
        m = pattern.search(sender) if _may_contain(needed, where) else None
        if m:
            name = _clean_name(next(g for g in m.groups() if g))
            if name:
                return "organisation", name, f"{what} an organisation ({name!r})"
    name = _organisation_sender(head, tail)
    if name:
        return "organisation", name, f"an organisation presents itself as the sender ({name!r})"
    edges = text[:1500] + "\n" + tail
    for pattern in (_ACRONYM_SUBJECT, _FROM_ACRONYM):
        if pattern is _FROM_ACRONYM and not any(w in edges for w in _FROM_ACRONYM_TEXTS):
            continue
        for m in pattern.finditer(edges):
            name = next((g for g in m.groups() if g), "")
            name = name[:-1] if name.endswith("s") and name[:-1].isupper() and len(name) > 3 else name
            if name and name.upper() not in _NOT_ORG_ACRONYMS:
                return "organisation", name, f"an acronym acts as the sender ({name!r})"
    if len(text.strip()) < 20:
        return "unknown", "", "too little text to tell who answered"
    if _FIRST_PERSON.search(text.lower()):
        return "citizen", "", "writes in the first person and names no organisation"
    return "citizen", "", "names no organisation, committee or local committee"
