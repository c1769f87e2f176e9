"""The Dask path: the same stages on partitions, for corpora larger than memory or one machine.

``study.yaml`` ``engine: dask`` (optional ``scheduler: tcp://host:8786``) makes
``analysis run`` use it; without a scheduler a ``LocalCluster`` of worker processes is
started on this machine. Each stage calls the in-memory package's own per-document and
per-segment functions on one partition at a time, and combines what must be combined:

- :func:`~analysis.scale.ingest.ingest_partitioned`: a table export is split into row
  partitions, a folder of files into file partitions; each is read, cleaned, redacted and
  segmented by :func:`analysis.corpus.ingest.ingest`; near-duplicates and campaigns are
  found across partitions from MinHash LSH band keys (:mod:`analysis.corpus.duplicates`).
- :func:`~analysis.scale.themes.themes_partitioned`: one
  :class:`~analysis.themes.ThemeModel` is fitted on a sample (all segments when they fit),
  then every partition is transformed with it.
- :func:`~analysis.scale.alignment.alignment_partitioned`: priorities and stance per
  partition; counts and intervals from the combined per-response counts.

Tables land in the processed folder as for the in-memory path; the large ones
(``responses``, ``segments``, ``segment_themes``, ``segment_priorities``,
``segment_stance``) are written one parquet row group per partition, so a worker reads
just its partition.

>>> from analysis.scale import dask_client
>>> with dask_client(n_workers=2) as client:        # doctest: +SKIP
...     ingest_partitioned("responses.jsonl", "out", client=client)
"""

from analysis.scale.cluster import dask_client

__all__ = ["dask_client"]
