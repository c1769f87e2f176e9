"""Ingest on partitions: read, clean, redact and segment each partition on a worker with
:func:`analysis.corpus.ingest.ingest`, then find near-duplicates across partitions.

>>> from analysis.scale import dask_client
>>> from analysis.scale.ingest import ingest_partitioned
>>> with dask_client(n_workers=2) as client:                      # doctest: +SKIP
...     summary = ingest_partitioned("responses.jsonl", "data/processed/big", client=client)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.tableset import table_set
from analysis.scale.parts import (LINE_TABLES, ROW_TABLES, Partition, RowGroupWriter, first_record_columns,
                                  relabel, split_folder, split_table)

DUPLICATE_OPTIONS = dict(threshold=0.8, min_chars=100, min_shingles=10, shingle_size=3, num_perm=128,
                         random_state=0)


def _ingest_part(part: Partition, work: Path, options: dict, duplicates: dict) -> dict:
    """Worker task: ingest one partition, keep its tables on disk, return ids and LSH keys."""
    from analysis.corpus.duplicates import candidate_keys
    from analysis.corpus.ingest import ANALYSABLE_STATUSES, ingest

    result = ingest(part.path, detect_duplicates=False, **options)
    responses = result.responses
    responses["source"] = responses["source"].map(lambda s: relabel(s, part)).astype("string")
    segments, redactions = result.segments, result.redaction_report
    for frame, cols in ((responses, ("response_id", "respondent")), (segments, ("response_id", "segment_id")),
                        (redactions, ("response_id",))):
        for col in cols:  # rows that could not be read are named by their source
            if len(frame) and frame[col].astype(str).str.contains("#", regex=False).any():
                frame[col] = frame[col].map(lambda s: relabel(s, part)).astype(frame[col].dtype)
    report = result.ingest_report.copy()
    for col in ("source", "reason"):
        report[col] = report[col].map(lambda s: relabel(s, part)).astype("string")
    out = work / f"p{part.index:05d}"
    out.mkdir(parents=True, exist_ok=True)
    responses.to_parquet(out / "responses.parquet", index=False)
    segments.to_parquet(out / "segments.parquet", index=False)
    redactions.to_parquet(out / "redaction_report.parquet", index=False)
    report.to_parquet(out / "ingest_report.parquet", index=False)
    from analysis.tableset import ingest_id

    digest = ingest_id(responses, segments)
    ok = responses["status"].isin(ANALYSABLE_STATUSES).to_numpy()
    texts = [t if keep else None for t, keep in zip(responses["text"].tolist(), ok)]
    positions, keys = candidate_keys(texts, **duplicates)
    return {"index": part.index, "ids": responses["response_id"].astype(str).tolist(),
            "sources": responses["source"].astype(str).tolist(), "positions": positions, "keys": keys,
            "digest": digest}


def _part_sets(work: Path, index: int, local: np.ndarray, shingle_size: int) -> dict[int, np.ndarray]:
    """Worker task: shingle-hash sets of the given responses (local positions) of a partition."""
    from analysis.corpus.duplicates import shingle_hashes

    texts = pd.read_parquet(work / f"p{index:05d}" / "responses.parquet", columns=["text"])["text"]
    return {int(i): shingle_hashes(texts.iloc[int(i)], shingle_size) for i in local}


def _final_ids(metas: list[dict], default_ids: bool) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Per partition ``{old id: new id}``; default (row-number) ids shifted to global rows;
    ids repeated across partitions renamed ``id~2``, … (with the warning ingest gives)."""
    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    maps, warnings = [], {}
    rows_before = 0
    for meta in metas:
        mapping = {}
        for rid, source in zip(meta["ids"], meta["sources"]):
            new = rid
            if default_ids and rid.isdigit():
                new = str(int(rid) + rows_before)
            if new in seen:
                counts[new] = counts.get(new, 1) + 1
                renamed = f"{new}~{counts[new]}"
                warnings[source] = (f"{source}: duplicate response_id {new!r} (first used by {seen[new]}); kept as "
                                    f"{renamed!r}. Give every response a unique id in the source.")
                new = renamed
            seen[new] = source
            if new != rid:
                mapping[rid] = new
        rows_before += sum(1 for r in meta["ids"] if r.isdigit()) if default_ids else 0
        maps.append(mapping)
    return maps, warnings


def _duplicate_groups(client, work: Path, metas: list[dict], options: dict) -> tuple[list, list]:
    """Near-duplicate group and size of every response (global order), across partitions."""
    from analysis.corpus.duplicates import groups_from_links, lsh_buckets, verify_buckets

    offsets = np.cumsum([0] + [len(m["ids"]) for m in metas])
    positions = np.concatenate([m["positions"] + offsets[k] for k, m in enumerate(metas)]).astype(np.int64)
    keys = np.concatenate([m["keys"] for m in metas]) if len(positions) else np.zeros((0, 1), np.uint64)
    buckets = lsh_buckets(positions, keys)
    wanted = np.unique(np.concatenate(buckets)) if buckets else np.empty(0, np.int64)
    part_of = np.searchsorted(offsets, wanted, side="right") - 1
    futures = [client.submit(_part_sets, work, k, wanted[part_of == k] - offsets[k],
                             options["shingle_size"], pure=False)
               for k in np.unique(part_of)]
    sets: dict[int, np.ndarray] = {}
    for k, fut in zip(np.unique(part_of), futures):
        sets.update({int(i) + int(offsets[k]): v for i, v in fut.result().items()})
    links = verify_buckets(buckets, sets, options["threshold"])
    return groups_from_links(int(offsets[-1]), links)


def _rename(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    if not mapping:
        return frame
    frame = frame.copy()
    old = frame["response_id"].astype(str)
    frame["response_id"] = old.map(lambda r: mapping.get(r, r)).astype("string")
    if "respondent" in frame:  # a respondent named after the id ("citizen r17") follows it
        frame["respondent"] = pd.array([w[: len(w) - len(r)] + mapping[r] if r in mapping and w.endswith(" " + r) else w
                                        for r, w in zip(old, frame["respondent"].astype(str))], dtype="string")
    if "segment_id" in frame:
        frame["segment_id"] = [mapping.get(r, r) + s[len(r):] for r, s in zip(old, frame["segment_id"].astype(str))]
        frame["segment_id"] = frame["segment_id"].astype("string")
    return frame


def ingest_partitioned(source: str | Path, out_dir: str | Path, *, client, partition_rows: int = 20_000,
                       partition_files: int = 2_000, manifest: str | Path | None = None, strict: bool = False,
                       duplicates: dict | None = None, workdir: str | Path | None = None,
                       **options) -> dict[str, int]:
    """Ingest a table or folder on a Dask cluster; write the ingest tables to ``out_dir``.

    The tables are those of :func:`analysis.corpus.ingest.ingest` + ``write_ingest``, in the
    same order; ``responses`` and ``segments`` hold one row group per partition.

    Parameters
    ----------
    source : folder of documents or a table (csv, tsv, jsonl split into partitions; others whole)
    client : a ``distributed.Client`` (see :func:`analysis.scale.dask_client`)
    partition_rows, partition_files : rows (table) or files (folder) per partition
    manifest, strict : as for :func:`analysis.corpus.ingest.ingest`
    duplicates : near-duplicate options (``threshold``, ``min_chars``, …; see
        :func:`analysis.corpus.duplicates.near_duplicate_pairs`)
    workdir : folder for the partitions' intermediate files (default: a temporary folder
        beside ``out_dir``; it must be reachable by every worker)
    options : passed to :func:`analysis.corpus.ingest.ingest` for every partition
        (``language``, ``hearing``, ``text_col``, ``id_col``, ``meta_cols``, ``redact``, …)

    Returns
    -------
    dict with ``partitions``, ``responses``, ``segments``, ``ingest_id``.

    Examples
    --------
    >>> ingest_partitioned("export.jsonl", "out", client=client)   # doctest: +SKIP
    {'partitions': 5, 'responses': 100000, 'segments': 281234, 'ingest_id': '3f0c…'}
    """
    from analysis.corpus.readers.tables import PLATFORM_PRESETS, detect_platform
    from analysis.text import check_language

    check_language(options.get("language", "da"))
    source, out = Path(source), Path(out_dir)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such file or folder. Give a folder of responses or a table.")
    dup = {**DUPLICATE_OPTIONS, **(duplicates or {})}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ingest-parts-", dir=workdir or out) as tmp:
        tmp = Path(tmp)
        if source.is_dir():
            parts, walked = split_folder(source, tmp / "in", partition_files, manifest)
            default_ids = False
        else:
            parts, walked = split_table(source, tmp / "in", partition_rows), []
            cols = first_record_columns(source)
            preset = PLATFORM_PRESETS.get(detect_platform(cols), {})
            default_ids = (source.suffix.lower() in LINE_TABLES + ROW_TABLES and len(parts) > 1
                           and not (options.get("id_col") or preset.get("id_col") in cols))
        options = {**options, "hearing": options.get("hearing") or source.stem}
        futures = client.map(_ingest_part, parts, work=tmp / "out", options=options, duplicates=dup, pure=False)
        metas = sorted(client.gather(futures), key=lambda m: m["index"])
        maps, id_warnings = _final_ids(metas, default_ids)
        groups, sizes = _duplicate_groups(client, tmp / "out", metas, dup)
        iid = _ingest_id(metas, maps, groups)
        with table_set(out, "ingest", ingest_id=iid):
            counts = _combine(tmp / "out", out, metas, maps, id_warnings, groups, sizes, walked)
            if strict and len(counts["problems"]):
                from analysis.corpus.ingest import IngestError

                problems = counts["problems"]
                raise IngestError(f"{len(problems)} input(s) had problems (strict mode):\n"
                                  + "\n".join(f"  {s}: {st}: {r}" for s, st, r in problems.itertuples(index=False)),
                                  counts["report"])
    return {"partitions": len(parts), "responses": counts["responses"], "segments": counts["segments"],
            "ingest_id": iid}


def _ingest_id(metas, maps, groups) -> str:
    """A content id of the partitioned ingest (partition content hashes, final ids, groups)."""
    import hashlib

    digest = hashlib.sha256()
    for meta, mapping in zip(metas, maps):
        digest.update(meta["digest"].encode())
        digest.update(repr(sorted(mapping.items())).encode())
    digest.update(repr(groups).encode())
    return digest.hexdigest()[:16]


def _combine(work: Path, out: Path, metas, maps, id_warnings, groups, sizes, walked=()) -> dict:
    """Stream the partitions' tables into ``out``: one row group per partition."""
    from analysis.tables import write_table

    writers = {name: RowGroupWriter(out, name, csv=True) for name in ("responses", "segments")}
    reports = [pd.DataFrame(list(walked), columns=["source", "status", "reason"]).astype("string")]
    redactions = []
    n_resp = n_seg = 0
    empties = {}
    for meta, mapping in zip(metas, maps):
        d = work / f"p{meta['index']:05d}"
        resp = _rename(pd.read_parquet(d / "responses.parquet"), mapping)
        k = len(resp)
        resp["duplicate_group"] = pd.array(groups[n_resp:n_resp + k], dtype="string")
        resp["duplicate_group_size"] = pd.array(sizes[n_resp:n_resp + k], dtype="Int64")
        report = pd.read_parquet(d / "ingest_report.parquet")
        if id_warnings:
            hit = resp["source"].isin(list(id_warnings))
            resp.loc[hit & (resp["status"] == "ok"), "status"] = "warning"
            rhit = report["source"].isin(list(id_warnings))
            report.loc[rhit & (report["status"] == "ok"), "status"] = "warning"
            report.loc[rhit, "reason"] = [id_warnings[s] if r == "read, cleaned and segmented" else f"{r}; {id_warnings[s]}"
                                          for s, r in zip(report.loc[rhit, "source"], report.loc[rhit, "reason"])]
        seg = _rename(pd.read_parquet(d / "segments.parquet"), mapping)
        empties = {"responses": resp.iloc[:0], "segments": seg.iloc[:0]}
        if len(resp):
            writers["responses"].write(resp)
        if len(seg):
            writers["segments"].write(seg)
        reports.append(report)
        redactions.append(_rename(pd.read_parquet(d / "redaction_report.parquet"), mapping))
        n_resp += k
        n_seg += len(seg)
    for name, w in writers.items():
        w.close(empties.get(name))
    report = pd.concat(reports, ignore_index=True).drop_duplicates(ignore_index=True)
    write_table(pd.concat(redactions, ignore_index=True), out, "redaction_report")
    write_table(report, out, "ingest_report", parquet=False)
    return {"responses": n_resp, "segments": n_seg, "report": report, "problems": report[report["status"] != "ok"]}
