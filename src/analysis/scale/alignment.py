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

    from analysis.alignment.keyterms import content_analyzer

    gtexts = [g.text(language) for g in goals]
    vec = TfidfVectorizer(analyzer=content_analyzer(language), sublinear_tf=True, min_df=1)
    vec.fit(texts + gtexts)
    return vec, vec.transform(gtexts)


def _respondents(path: Path, ids) -> pd.DataFrame | None:
    """``response_id``, ``respondent`` of the given responses (None without a responses table)."""
    import pyarrow.parquet as pq

    if not path.is_file() or "respondent" not in pq.ParquetFile(path).schema.names:
        return None
    table = pq.read_table(path, columns=["response_id", "respondent"],
                          filters=[("response_id", "in", sorted(set(ids)))])
    return table.to_pandas()


def _evidence(path: Path, piece, responses_path: Path) -> pd.DataFrame:
    from analysis.alignment.priorities import evidence_segments

    seg = _read_piece(path, piece, columns=None)
    seg["segment_id"] = seg["segment_id"].astype(str)
    seg["response_id"] = seg["response_id"].astype(str)
    return evidence_segments(seg, _respondents(responses_path, seg["response_id"]))


def _evidence_sample(path: Path, piece, k: int, fraction: float, random_state: int, responses_path: Path):
    ev = _evidence(path, piece, responses_path)
    if fraction < 1:
        seg_ids = _read_piece(path, piece, columns=["segment_id"])["segment_id"].astype(str)
        keep = np.random.default_rng([random_state, k]).random(len(seg_ids)) < fraction
        ev = ev[ev["segment_id"].isin(set(seg_ids[keep]))]
    return ev


def _align_piece(path: Path, piece, responses_path: Path, codebook, language: str, space, goal_ids,
                 stance_model) -> tuple:
    """Worker task: (segment_priorities, segment_stance, evidence ids, similarity of the hit segments)."""
    from analysis.alignment.priorities import segment_priorities
    from analysis.alignment.stance import segment_stance

    evidence = _evidence(path, piece, responses_path)
    stance = segment_stance(evidence, language)
    if stance_model is not None:
        stance["stance"] = stance_model.predict(evidence["text"].fillna("").astype(str).tolist())
    sp = segment_priorities(evidence, codebook, language, stance=stance)
    if getattr(stance_model, "priority_model_", None) is not None:  # as in alignment_tables
        sp = stance_model.priority_model_.apply(sp, evidence, stance)
    hit = evidence[evidence["segment_id"].isin(set(sp["segment_id"].astype(str)))]
    vec, G = space
    sim = (vec.transform(hit["text"].fillna("").astype(str).tolist()) @ G.T).toarray()
    light = evidence[["segment_id", "response_id"]].reset_index(drop=True)
    return sp, stance, light, pd.DataFrame(sim, index=hit["segment_id"].to_numpy(), columns=goal_ids)


def alignment_partitioned(processed_dir: str | Path, goals_path: str | Path, codebook_path: str | Path, *, client,
                          language: str = "da", random_state: int = 0, n_boot: int = 1000,
                          count_campaigns: str = "per_response", interval: str = "wilson",
                          unit: str = "response", min_group_n: int | None = None,
                          stance_model: str | Path | None = None, sample_size: int = 50_000,
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
    from analysis.alignment.effects import priority_effects
    from analysis.alignment.intervals import MIN_GROUP_N, check_interval
    from analysis.alignment.resampling import check_campaigns, check_unit
    from analysis.tables import write_table

    check_campaigns(count_campaigns)
    check_interval(interval)
    check_unit(unit)
    min_group_n = MIN_GROUP_N if min_group_n is None else min_group_n
    folder = Path(processed_dir)
    seg_path, resp_path = folder / "segments.parquet", folder / "responses.parquet"
    if not seg_path.is_file():
        raise FileNotFoundError(f"{seg_path} not found: run `analysis ingest` first.")
    goals = load_goals(goals_path)
    codebook = load_codebook(codebook_path, goals)
    model = None
    if stance_model:
        from analysis.alignment.learned import load_stance_model

        model = load_stance_model(stance_model)
    pieces = segment_partitions(seg_path, partition_rows)
    total = sum(b - a for _, a, b in pieces)
    fraction = min(1.0, sample_size / max(total, 1))
    samples = client.map(_evidence_sample, [seg_path] * len(pieces), pieces, range(len(pieces)),
                         fraction=fraction, random_state=random_state, responses_path=resp_path, pure=False)
    sample = pd.concat(client.gather(samples), ignore_index=True)
    del samples
    space = _goal_space(sample["text"].fillna("").astype(str).tolist(), goals, language)
    [r_space, r_codebook, r_model] = client.scatter([space, codebook, model], broadcast=True)
    futures = [client.submit(_align_piece, seg_path, p, resp_path, r_codebook, language, r_space, goals.ids,
                             r_model, pure=False) for p in pieces]
    stance_writer = RowGroupWriter(folder, "segment_stance")
    sps, lights, sims, empty_stance = [], [], [], None
    for fut in futures:
        sp, stance, light, sim = fut.result()
        fut.release()
        empty_stance = stance.iloc[:0]
        if len(stance):
            stance_writer.write(stance)
        sps.append(sp)
        lights.append(light)
        sims.append(sim)
    stance_writer.close(empty_stance)
    sp = pd.concat(sps, ignore_index=True)
    evidence = pd.concat(lights, ignore_index=True)
    sim = pd.concat(sims)
    responses = None
    if resp_path.is_file():
        names = pq.ParquetFile(resp_path).schema.names
        responses = pd.read_parquet(resp_path, columns=[c for c in names if c != "text"])
    kw = dict(count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot, interval=interval,
              min_group_n=min_group_n)
    tp = at.group_priority(sp, evidence, codebook, responses, unit=unit, **kw)
    pg, agreement = at.priority_goal(sp, evidence, codebook, goals, responses, language=language, unit=unit,
                                     count_campaigns=count_campaigns, random_state=random_state, n_boot=n_boot,
                                     similarity=sim)
    pg["unit"] = unit
    tables = {
        "segment_priorities": sp,
        "alignment_respondent_priority": at.respondent_priority(sp, evidence, codebook, responses, interval=interval),
        "alignment_type_priority": tp,
        "alignment_priority_goal": pg,
        "alignment_method_agreement": agreement,
        "alignment_goal_coverage": at.goal_coverage(sp, evidence, codebook, goals, responses, **kw),
        "alignment_gaps": at.gaps(tp, codebook, sp),
        "alignment_keyness": at.keyness(sample, responses, language=language, count_campaigns=count_campaigns),
        "alignment_stance_priority": at.stance_priority(sp, evidence, codebook, responses, unit=unit, **kw),
    }
    rt_path = folder / "response_themes.parquet"
    if rt_path.is_file():
        rt = pd.read_parquet(rt_path)
        if len(rt):
            tables["alignment_type_theme"] = at.group_theme(rt, responses, interval=interval, n_boot=n_boot,
                                                            random_state=random_state, min_group_n=min_group_n)
    tables["alignment_effects"] = priority_effects(sp, evidence, codebook, responses)
    for name, table in tables.items():
        write_table(table, folder, name)
    return tables
