"""Alignment on partitions: priorities, stance and goal similarity per partition on the
workers; counts and bootstrap intervals from the combined per-segment hits, with the
in-memory package's own table functions.

The tables are those of :func:`analysis.alignment.tables.alignment_tables`. Two need the
whole corpus's words and are computed from a sample of ``sample_size`` segments (every
segment when there are no more, and then they are identical to the in-memory ones):
the TF-IDF space behind the ``similarity`` rows of ``alignment_priority_goal`` (fitted on
the sample, applied to every segment raising a priority) and ``alignment_keyness``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.scale.parts import RowGroupWriter
from analysis.scale.themes import _read_piece, _sample_piece, segment_partitions


def _goal_space(texts: list[str], goals, language: str):
    """TF-IDF lemma space fitted on ``texts`` + the goals' texts (as ``goal_similarity``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.alignment.tables import _analyzer

    gtexts = [g.text(language) for g in goals]
    vec = TfidfVectorizer(analyzer=_analyzer(language), sublinear_tf=True, min_df=1)
    vec.fit(texts + gtexts)
    return vec, vec.transform(gtexts)


def _align_piece(path: Path, piece, codebook, language: str, space, goal_ids) -> tuple:
    """Worker task: (segment_priorities, segment_stance, similarity of the hit segments)."""
    from analysis.alignment.priorities import segment_priorities
    from analysis.alignment.stance import segment_stance

    seg = _read_piece(path, piece)
    seg["segment_id"] = seg["segment_id"].astype(str)
    seg["response_id"] = seg["response_id"].astype(str)
    stance = segment_stance(seg, language)
    sp = segment_priorities(seg, codebook, language, stance=stance)
    hit = seg[seg["segment_id"].isin(set(sp["segment_id"].astype(str)))]
    vec, G = space
    sim = (vec.transform(hit["text"].fillna("").astype(str).tolist()) @ G.T).toarray()
    return sp, stance, pd.DataFrame(sim, index=hit["segment_id"].to_numpy(), columns=goal_ids)


def alignment_partitioned(processed_dir: str | Path, goals_path: str | Path, codebook_path: str | Path, *, client,
                          language: str = "da", random_state: int = 0, n_boot: int = 1000,
                          count_campaigns: str = "per_response", sample_size: int = 50_000,
                          partition_rows: int = 20_000) -> dict[str, pd.DataFrame]:
    """Every alignment table of a processed folder, computed on a Dask cluster; written there.

    Returns the tables (not ``segment_stance``, which is written one row group per
    partition). Parameters as for :func:`analysis.alignment.tables.write_alignment_tables`,
    plus ``client``, ``sample_size`` (see the module doc) and ``partition_rows``.

    Examples
    --------
    >>> alignment_partitioned("data/processed/big", "goals.yaml", "codebook.yaml", client=client)  # doctest: +SKIP
    """
    import pyarrow.parquet as pq

    from analysis.alignment import tables as at
    from analysis.alignment.codebook import load_codebook, load_goals
    from analysis.tables import write_table

    at._check_campaigns(count_campaigns)
    folder = Path(processed_dir)
    seg_path = folder / "segments.parquet"
    if not seg_path.is_file():
        raise FileNotFoundError(f"{seg_path} not found: run `analysis ingest` first.")
    goals = load_goals(goals_path)
    codebook = load_codebook(codebook_path, goals)
    pieces = segment_partitions(seg_path, partition_rows)
    total = sum(b - a for _, a, b in pieces)
    fraction = min(1.0, sample_size / max(total, 1))
    samples = client.map(_sample_piece, [seg_path] * len(pieces), pieces, range(len(pieces)),
                         fraction=fraction, random_state=random_state, pure=False)
    sample = pd.concat(client.gather(samples), ignore_index=True)
    del samples
    sample["segment_id"] = sample["segment_id"].astype(str)
    sample["response_id"] = sample["response_id"].astype(str)
    space = _goal_space(sample["text"].fillna("").astype(str).tolist(), goals, language)
    [remote_space, remote_codebook] = client.scatter([space, codebook], broadcast=True)
    futures = [client.submit(_align_piece, seg_path, p, remote_codebook, language, remote_space, goals.ids,
                             pure=False) for p in pieces]
    stance_writer = RowGroupWriter(folder, "segment_stance")
    sps, sims, empty_stance = [], [], None
    for fut in futures:
        sp, stance, sim = fut.result()
        fut.release()
        empty_stance = stance.iloc[:0]
        if len(stance):
            stance_writer.write(stance)
        sps.append(sp)
        sims.append(sim)
    stance_writer.close(empty_stance)
    sp = pd.concat(sps, ignore_index=True)
    sim = pd.concat(sims)
    segments = pd.read_parquet(seg_path, columns=["segment_id", "response_id"]).astype(str)
    responses = None
    resp_path = folder / "responses.parquet"
    if resp_path.is_file():
        names = pq.ParquetFile(resp_path).schema.names
        responses = pd.read_parquet(resp_path, columns=[c for c in ("response_id", "respondent_type",
                                                                    "duplicate_group", "duplicate_group_size")
                                                        if c in names])
    kw = dict(count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot)
    tp = at.group_priority(sp, segments, codebook, responses, **kw)
    pg, agreement = at.priority_goal(sp, segments, codebook, goals, responses, language=language,
                                     similarity=sim, **kw)
    tables = {
        "segment_priorities": sp,
        "alignment_respondent_priority": at.respondent_priority(sp, segments, codebook, responses),
        "alignment_type_priority": tp,
        "alignment_priority_goal": pg,
        "alignment_method_agreement": agreement,
        "alignment_goal_coverage": at.goal_coverage(sp, segments, codebook, goals, responses, **kw),
        "alignment_gaps": at.gaps(tp, codebook, sp),
        "alignment_keyness": at.keyness(sample, responses, language=language, count_campaigns=count_campaigns),
        "alignment_stance_priority": at.stance_priority(sp, segments, codebook, responses, **kw),
    }
    for name, table in tables.items():
        write_table(table, folder, name)
    return tables
