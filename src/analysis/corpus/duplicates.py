"""Near-duplicate responses and campaigns (many people sending the same letter).

Texts are compared as sets of word shingles (runs of ``shingle_size`` words,
lower-cased, punctuation and placeholders such as ``[NAVN]`` ignored). MinHash
signatures cut into bands (locality-sensitive hashing) propose
candidates, so the work grows roughly linearly with the number of responses;
a candidate is then checked with the exact Jaccard similarity of the two
shingle sets, and pairs at or above ``threshold`` are linked. Groups are the
connected components of those links (so a chain of small edits stays one
campaign).

Short notes are never called a campaign: a response whose text, with
whitespace collapsed, has fewer than ``min_chars`` characters (e.g. "Se
vedhæftet høringssvar.", "Høringssvaret er vedhæftet.") or fewer than
``min_shingles`` distinct shingles is left out of the comparison. Many people
writing the same one-line attachment note is not a coordinated letter.

>>> groups = near_duplicate_groups(responses)          # doctest: +SKIP
>>> campaign_table(responses.merge(groups))             # doctest: +SKIP
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.text import WORD_RE

_PLACEHOLDER_RE = re.compile(r"\[[A-ZÆØÅ]{2,12}\]")


def shingles(text: str, shingle_size: int = 3) -> set[str]:
    """Distinct word shingles of ``text`` (lower-cased words, punctuation ignored).

    >>> sorted(shingles("Vi støtter planen. Vi støtter den!", 3))
    ['planen vi støtter', 'støtter planen vi', 'vi støtter den', 'vi støtter planen']
    """
    if not isinstance(text, str):
        return set()
    words = [w.lower() for w in WORD_RE.findall(_PLACEHOLDER_RE.sub(" ", text))]
    if len(words) < shingle_size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + shingle_size]) for i in range(len(words) - shingle_size + 1)}


@lru_cache(maxsize=1 << 20)
def _word_hash(word: str) -> int:
    b = word.encode("utf-8")
    return (zlib.crc32(b) << 32) | zlib.crc32(b, 0x5BD1E995)


_MULT = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63],
    dtype=np.uint64,
)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of each 64-bit value."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _shingle_hashes(text: str, shingle_size: int) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the word shingles of ``text`` (deterministic).

    The same words in the same order give the same hash as :func:`shingles`
    gives the same string; the hash is computed from per-word CRC-32s with numpy.
    """
    words = WORD_RE.findall(_PLACEHOLDER_RE.sub(" ", text).lower())
    if not words:
        return np.empty(0, dtype=np.uint64)
    ids = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    k = min(shingle_size, len(words), len(_MULT))
    n = len(words) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h += _mix64(ids[j:j + n] + _MULT[j])
        return np.unique(_mix64(h))


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not a.size or not b.size:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def _check(responses: pd.DataFrame, text_col: str, id_col: str) -> None:
    missing = [c for c in (text_col, id_col) if c not in responses.columns]
    if missing:
        raise ValueError(
            f"the responses table has no column(s) {missing}; pass text_col=/id_col= "
            f"naming the text and id columns (have {list(responses.columns)})."
        )
    dup = responses[id_col][responses[id_col].duplicated()]
    if len(dup):
        raise ValueError(
            f"{id_col} must be unique, but {dup.iloc[0]!r} occurs more than once; "
            "make the ids unique before looking for duplicates."
        )


def _shingle_hash_sets(word_lists: list[list[str]], shingle_size: int) -> list[np.ndarray]:
    """:func:`_shingle_hashes` of many word lists at once (one numpy pass over all words).

    >>> a, b = _shingle_hash_sets([["vi", "vil", "have", "træer"], ["ja"]], 3)
    >>> bool((a == _shingle_hashes("Vi vil have træer", 3)).all()), b.size
    (True, 1)
    """
    k = min(shingle_size, len(_MULT))
    out: list[np.ndarray] = [np.empty(0, dtype=np.uint64)] * len(word_lists)
    full = [i for i, words in enumerate(word_lists) if len(words) >= k]
    for i, words in enumerate(word_lists):
        if 0 < len(words) < k:  # shorter than one shingle: the text's own (smaller) shingle
            out[i] = _shingle_hashes(" ".join(words), shingle_size)
    if not full:
        return out
    lengths = np.fromiter((len(word_lists[i]) for i in full), dtype=np.int64, count=len(full))
    ids = np.fromiter((_word_hash(w) for i in full for w in word_lists[i]), dtype=np.uint64,
                      count=int(lengths.sum()))
    counts = lengths - k + 1
    first_word = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    first_shingle = np.concatenate([[0], np.cumsum(counts)[:-1]])
    owner = np.repeat(np.arange(len(full)), counts)
    starts = np.repeat(first_word, counts) + (np.arange(int(counts.sum())) - np.repeat(first_shingle, counts))
    with np.errstate(over="ignore"):
        h = np.zeros(starts.size, dtype=np.uint64)
        for j in range(k):
            h += _mix64(ids[starts + j] + _MULT[j])
        h = _mix64(h)
    order = np.lexsort((h, owner))
    h, owner = h[order], owner[order]
    new = np.ones(h.size, dtype=bool)
    new[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
    h, owner = h[new], owner[new]
    pieces = np.split(h, np.cumsum(np.bincount(owner, minlength=len(full)))[:-1])
    for i, piece in zip(full, pieces):
        out[i] = piece
    return out


# Texts whose word lists are held at once while hashing shingles (each text's set does not
# depend on the block; the blocks bound the memory of the words to a block's, not a corpus's).
ELIGIBLE_BLOCK = 5_000


def _eligible_sets(texts, min_chars: int, min_shingles: int, shingle_size: int,
                   block: int = ELIGIBLE_BLOCK) -> dict[int, np.ndarray]:
    """Shingle-hash sets of the texts long enough to compare, by position, hashed in
    blocks of ``block`` texts.

    >>> sets = _eligible_sets(["vi vil have flere træer i byen", "ja", "vi vil have flere træer"], 10, 1, 3, block=1)
    >>> sorted(sets), bool((sets[2] == _shingle_hashes("vi vil have flere træer", 3)).all())
    ([0, 2], True)
    """
    out: dict[int, np.ndarray] = {}
    positions, word_lists = [], []

    def flush() -> None:
        hashes = _shingle_hash_sets(word_lists, shingle_size)
        out.update((i, sh) for i, sh in zip(positions, hashes) if sh.size >= min_shingles)
        positions.clear()
        word_lists.clear()

    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        parts = text.split()
        if sum(map(len, parts)) + len(parts) - 1 < min_chars:  # length with spacing collapsed
            continue
        positions.append(i)
        word_lists.append(WORD_RE.findall(_PLACEHOLDER_RE.sub(" ", text).lower()))
        if len(word_lists) >= block:
            flush()
    flush()
    return out


@lru_cache(maxsize=16)
def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) with ``bands * rows <= num_perm`` that minimise the false-positive plus
    false-negative probability mass around ``threshold - 0.2`` (lowered for recall), as
    LSH banding is usually tuned: P(candidate | similarity s) = 1 - (1 - s**rows)**bands."""
    t = max(0.3, threshold - 0.2)
    s = np.linspace(0.0, 1.0, 1001)
    best, choice = np.inf, (1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            p = 1.0 - (1.0 - s ** rows) ** bands
            err = np.trapezoid(np.where(s < t, p, 1.0 - p), s)
            if err < best - 1e-12:
                best, choice = err, (bands, rows)
    return choice


def _salts(num_perm: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([random_state, 0x5EED])
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
    return a, rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)


def minhash_signatures(sets: list[np.ndarray], num_perm: int = 128, random_state: int = 0,
                       block: int = 5_000) -> np.ndarray:
    """MinHash signatures (one row of ``num_perm`` uint64 per shingle-hash array).

    Permutation ``p`` of a (well mixed) shingle hash ``h`` is ``a_p * h + b_p`` modulo
    2**64 with odd ``a_p`` (drawn from ``random_state``); the signature keeps each
    permutation's minimum. Vectorised over blocks of about ``block`` shingles (whole
    sets), permutations along the rows so that each minimum runs over contiguous
    memory; a block of ``num_perm`` × ``block`` values stays in the CPU cache (the
    signatures do not depend on ``block``).

    >>> sig = minhash_signatures([np.array([1, 2, 3], dtype=np.uint64)] * 2, num_perm=4)
    >>> sig.shape, bool((sig[0] == sig[1]).all())
    ((2, 4), True)
    """
    mult, add = _salts(num_perm, random_state)
    out = np.full((len(sets), num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
    nonempty = np.flatnonzero(sizes)
    if not nonempty.size:
        return out
    values = np.concatenate([sets[k] for k in nonempty.tolist()])
    bounds = np.concatenate([[0], np.cumsum(sizes[nonempty])])
    by_permutation = np.empty((num_perm, nonempty.size), dtype=np.uint64)
    i = 0
    while i < nonempty.size:  # sets i..j-1 hold about ``block`` shingles (at least one set)
        j = max(i + 1, int(np.searchsorted(bounds, bounds[i] + block, side="right")) - 1)
        with np.errstate(over="ignore"):
            mixed = mult[:, None] * values[None, bounds[i]:bounds[j]]
            mixed += add[:, None]
        by_permutation[:, i:j] = np.minimum.reduceat(mixed, bounds[i:j] - bounds[i], axis=1)
        i = j
    out[nonempty] = by_permutation.T
    return out


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (signature, band): a hash of the band's ``rows`` values."""
    n = signatures.shape[0]
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(bands):
            h = np.full(n, np.uint64(k), dtype=np.uint64)
            for j in range(rows):
                h = _mix64(h * np.uint64(31) + signatures[:, k * rows + j])
            keys[:, k] = h
    return keys


def lsh_buckets(positions: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """Members (positions, ascending) of every band bucket holding two or more responses.

    Buckets come band by band, each band's in order of its first member, so the result
    depends only on the positions and keys, not on how they were computed or split.
    """
    order = np.argsort(positions, kind="stable")
    positions, keys = positions[order], keys[order]
    out: list[np.ndarray] = []
    for k in range(keys.shape[1]):
        col = keys[:, k]
        uniq, first, inverse, counts = np.unique(col, return_index=True, return_inverse=True, return_counts=True)
        multi = np.flatnonzero(counts > 1)
        if not multi.size:
            continue
        sel = np.isin(inverse, multi)
        idx = np.flatnonzero(sel)
        groups = inverse[idx]
        by_group = np.argsort(groups, kind="stable")
        idx, groups = idx[by_group], groups[by_group]
        cuts = np.flatnonzero(np.diff(groups)) + 1
        members = np.split(positions[idx], cuts)
        firsts = first[groups[np.concatenate([[0], cuts])]]
        out.extend(members[g] for g in np.argsort(firsts, kind="stable"))
    return out


def verify_buckets(buckets: list[np.ndarray], sets, threshold: float) -> list[tuple[int, int, float]]:
    """Verified links (i, j, similarity) that connect every near-duplicate group.

    Within a bucket a response is checked (exact Jaccard of the shingle sets, ``sets[i]``)
    only against one representative of each group already seen there, so a campaign of
    n letters costs about n checks per band instead of n² / 2.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links: list[tuple[int, int, float]] = []
    for members in buckets:
        reps: list[int] = []
        for m in members.tolist():
            root = find(m)
            if any(find(r) == root for r in reps):
                continue
            for r in reps:
                sim = _jaccard(sets[r], sets[m])
                if sim >= threshold:
                    a, b = min(r, m), max(r, m)
                    links.append((a, b, sim))
                    ra, rb = find(a), find(b)
                    parent[max(ra, rb)] = min(ra, rb)
                    break
            else:
                reps.append(m)
    links.sort()
    return links


def candidate_keys(texts, *, threshold: float = 0.8, min_chars: int = 100, min_shingles: int = 10,
                   shingle_size: int = 3, num_perm: int = 128, random_state: int = 0,
                   offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """LSH band keys of the responses that take part in the comparison.

    Returns ``(positions, keys)``: positions (``offset`` + index in ``texts``) of the
    eligible texts and their ``(n, bands)`` keys. Keys of several chunks of a corpus,
    computed apart (e.g. per partition, with each chunk's ``offset``), concatenate into
    the keys of the whole corpus.

    >>> text = ("Vi ønsker flere grønne områder, cykelstier og træer i hele byen, og vi beder "
    ...         "kommunen om at sikre trygge skoleveje for alle børn i kvarteret.")
    >>> pos, keys = candidate_keys(["For kort.", text], offset=7)
    >>> pos.tolist(), keys.shape
    ([8], (1, 18))
    """
    sets = _eligible_sets(texts, min_chars, min_shingles, shingle_size)
    bands, rows = _banding(threshold, num_perm)
    positions = np.fromiter(sets, dtype=np.int64, count=len(sets))
    keys = band_keys(minhash_signatures(list(sets.values()), num_perm, random_state), bands, rows)
    return positions + offset, keys


def _links(
    sets: dict[int, np.ndarray], threshold: float, num_perm: int, random_state: int
) -> list[tuple[int, int, float]]:
    """Verified links (i, j, similarity) between the responses of ``sets``.

    Each response's MinHash signature is cut into bands (the banding that
    :func:`_banding` chooses for a threshold 0.2 below ``threshold``, for
    recall); responses sharing a band bucket are checked by :func:`verify_buckets`.
    """
    bands, rows = _banding(threshold, num_perm)
    positions = np.fromiter(sets, dtype=np.int64, count=len(sets))
    keys = band_keys(minhash_signatures(list(sets.values()), num_perm, random_state), bands, rows)
    return verify_buckets(lsh_buckets(positions, keys), sets, threshold)


def near_duplicate_pairs(
    responses: pd.DataFrame,
    *,
    threshold: float = 0.8,
    min_chars: int = 100,
    min_shingles: int = 10,
    shingle_size: int = 3,
    num_perm: int = 128,
    random_state: int = 0,
    text_col: str = "text",
    id_col: str = "response_id",
) -> pd.DataFrame:
    """The verified links between near-duplicate responses.

    Each row is a pair whose shingle sets have Jaccard similarity
    ``>= threshold``; together the rows connect every group (a spanning set of
    links, not every pair of a large campaign). Returns
    ``DataFrame(response_id_a, response_id_b, similarity)``, ``a`` before ``b``
    in input order. See the module doc for what is compared and left out.

    >>> near_duplicate_pairs(responses)                  # doctest: +SKIP
      response_id_a response_id_b  similarity
    0            14            23    0.926174
    """
    _check(responses, text_col, id_col)
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    ids = responses[id_col].tolist()
    sets = _eligible_sets(responses[text_col].tolist(), min_chars, min_shingles, shingle_size)
    links = _links(sets, threshold, num_perm, random_state)
    return pd.DataFrame(
        [(ids[i], ids[j], round(sim, 6)) for i, j, sim in links],
        columns=["response_id_a", "response_id_b", "similarity"],
    ).astype({"similarity": "float64"})


def near_duplicate_groups(
    responses: pd.DataFrame,
    *,
    threshold: float = 0.8,
    min_chars: int = 100,
    text_col: str = "text",
    id_col: str = "response_id",
    **options,
) -> pd.DataFrame:
    """Group near-identical responses; one row per input response.

    Returns ``DataFrame(response_id, duplicate_group, duplicate_group_size)``.
    ``duplicate_group`` is ``"dup-001"``, ``"dup-002"``, … numbered in the
    order of each group's first response in the input, and missing (with a
    missing size) for a response that has no near-duplicate. ``options`` go to
    :func:`near_duplicate_pairs` (``min_shingles``, ``shingle_size``,
    ``num_perm``, ``random_state``).

    >>> df = pd.DataFrame({"response_id": ["a", "b", "c"],
    ...                    "text": ["Vi ønsker flere grønne områder og cykelstier i hele byen. " * 3] * 2
    ...                            + ["Trafikken i Valby skal dæmpes, og skolevejene gøres sikre for børn. " * 2]})
    >>> near_duplicate_groups(df)["duplicate_group"].tolist()
    ['dup-001', 'dup-001', nan]
    """
    pairs = near_duplicate_pairs(
        responses, threshold=threshold, min_chars=min_chars, text_col=text_col, id_col=id_col, **options
    )
    ids = responses[id_col].tolist()
    pos = {rid: k for k, rid in enumerate(ids)}
    links = [(pos[a], pos[b]) for a, b in zip(pairs["response_id_a"], pairs["response_id_b"])]
    group, size = groups_from_links(len(ids), links)
    return pd.DataFrame(
        {
            "response_id": responses[id_col].to_numpy(),
            "duplicate_group": pd.Series(group, dtype="str"),
            "duplicate_group_size": pd.array(size, dtype="Int64"),
        }
    )


def groups_from_links(n: int, links) -> tuple[list[str | None], list[int | None]]:
    """Group label and size of each of ``n`` responses, from links ``(i, j, ...)``.

    Groups are connected components; ``dup-001``, ``dup-002``, … are numbered in the order
    of each group's first (smallest) position; a response without links gets ``None``.

    >>> groups_from_links(4, [(1, 3, 0.9)])
    ([None, 'dup-001', None, 'dup-001'], [None, 2, None, 2])
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, *_ in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is the earliest member
    roots = [find(k) for k in range(n)]
    sizes = pd.Series(roots, dtype="int64").value_counts()
    grouped_roots = sorted(r for r, c in sizes.items() if c > 1)
    width = max(3, len(str(len(grouped_roots))))
    label = {r: f"dup-{k:0{width}d}" for k, r in enumerate(grouped_roots, 1)}
    return [label.get(r) for r in roots], [int(sizes[r]) if r in label else None for r in roots]


def shingle_hashes(text: str, shingle_size: int = 3) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the word shingles of ``text`` (see :func:`shingles`)."""
    return _shingle_hashes(text, shingle_size) if isinstance(text, str) else np.empty(0, dtype=np.uint64)


def campaign_table(
    responses: pd.DataFrame,
    *,
    text_col: str = "text",
    id_col: str = "response_id",
    **options,
) -> pd.DataFrame:
    """One row per near-duplicate group, largest first: how big each campaign is.

    Uses the ``duplicate_group`` column when ``responses`` has one (as the
    ingested responses table does), else runs :func:`near_duplicate_groups`
    with ``options``. Returns ``DataFrame(duplicate_group, size,
    example_response_id, n_chars)``; the example is the group's first response
    in input order and ``n_chars`` its length.

    >>> campaign_table(responses)                       # doctest: +SKIP
      duplicate_group  size example_response_id  n_chars
    0         dup-001     2                  14      874
    """
    if "duplicate_group" in responses.columns:
        table = responses
    else:
        groups = near_duplicate_groups(responses, text_col=text_col, id_col=id_col, **options)
        table = responses.assign(duplicate_group=groups["duplicate_group"].to_numpy())
    rows = []
    for gid, members in table[table["duplicate_group"].notna()].groupby("duplicate_group", sort=True):
        first = members.iloc[0]
        if "n_chars" in members.columns and pd.notna(first["n_chars"]):
            n_chars = int(first["n_chars"])
        else:
            text = first[text_col] if text_col in members.columns else ""
            n_chars = len(text) if isinstance(text, str) else 0
        rows.append((gid, len(members), first[id_col], n_chars))
    out = pd.DataFrame(rows, columns=["duplicate_group", "size", "example_response_id", "n_chars"])
    out = out.sort_values(["size", "duplicate_group"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True).astype({"size": "int64", "n_chars": "int64"})


__all__ = ["shingles", "shingle_hashes", "groups_from_links", "candidate_keys", "lsh_buckets",
           "verify_buckets", "minhash_signatures", "near_duplicate_pairs", "near_duplicate_groups", "campaign_table"]
