"""Ingest: files and tables → responses, segments, ingest_report."""

from analysis.corpus.folder import MANIFEST_COLUMNS, MANIFEST_NAME  # noqa: F401
from analysis.corpus.ingest import (  # noqa: F401
    IngestError,
    IngestResult,
    RESPONSE_COLUMNS,
    ingest,
    write_ingest,
    ingest_study,
)
from analysis.corpus.process import ANALYSABLE_STATUSES, KNOWN_EXPORT_LIMITS, classify_attachment_only  # noqa: F401
