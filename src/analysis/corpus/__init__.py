"""Ingest: files and tables → responses, segments, ingest_report."""

from analysis.corpus.ingest import (  # noqa: F401
    MANIFEST_NAME,
    MANIFEST_COLUMNS,
    ANALYSABLE_STATUSES,
    KNOWN_EXPORT_LIMITS,
    IngestError,
    IngestResult,
    classify_attachment_only,
    RESPONSE_COLUMNS,
    ingest,
    write_ingest,
    ingest_study,
)
