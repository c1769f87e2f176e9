"""Partitions: splitting an input into pieces a worker can ingest, and writing tables
one parquet row group per partition.

A table export (csv, tsv, jsonl) is split into runs of rows, each written to its own
folder under the same file name (csv as tsv, so no separator has to be guessed again); a
folder of documents into runs of files (symbolic links) with the matching manifest rows.
Every partition records how many lines and rows come before it, so the sources it reports
(``file#line=N``, ``file#row=N``) are relabelled to the positions in the original input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

LINE_TABLES = (".jsonl", ".ndjson")
ROW_TABLES = (".csv", ".tsv")


@dataclass(frozen=True)
class Partition:
    """One piece of the input: ``path`` to ingest, and where its rows start in the original."""

    index: int
    path: Path
    name: str            # the original file name its sources must carry
    line_offset: int = 0  # lines of the original before this piece (jsonl)
    row_offset: int = 0   # data rows of the original before this piece (csv, tsv)
    manifest: str = ""    # name of the folder's manifest
    manifest_lines: tuple[int, ...] = ()  # line in the original manifest of each row of this piece's


def _part_dir(staging: Path, i: int) -> Path:
    d = staging / f"p{i:05d}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _split_lines(source: Path, staging: Path, rows: int) -> list[Partition]:
    parts, buf, before, i = [], [], 0, 0
    with source.open("rb") as fh:
        for line in fh:
            buf.append(line)
            if len(buf) == rows:
                (_part_dir(staging, i) / source.name).write_bytes(b"".join(buf))
                parts.append(Partition(i, staging / f"p{i:05d}" / source.name, source.name, line_offset=before))
                before, buf, i = before + len(buf), [], i + 1
    if buf or not parts:
        (_part_dir(staging, i) / source.name).write_bytes(b"".join(buf))
        parts.append(Partition(i, staging / f"p{i:05d}" / source.name, source.name, line_offset=before))
    return parts


def _split_rows(source: Path, staging: Path, rows: int) -> list[Partition]:
    sep = "\t" if source.suffix.lower() == ".tsv" else None
    name = source.with_suffix(".tsv").name
    parts, before = [], 0
    reader = pd.read_csv(source, sep=sep, engine="python", dtype=str, keep_default_na=False,
                         chunksize=rows, encoding="utf-8")
    for i, chunk in enumerate(reader):
        path = _part_dir(staging, i) / name
        chunk.to_csv(path, sep="\t", index=False, lineterminator="\n")
        parts.append(Partition(i, path, source.name, row_offset=before))
        before += len(chunk)
    return parts


def _whole(source: Path, staging: Path) -> list[Partition]:
    path = _part_dir(staging, 0) / source.name
    os.symlink(source.resolve(), path)
    return [Partition(0, path, source.name)]


def split_table(source: str | Path, staging: str | Path, rows: int = 20_000) -> list[Partition]:
    """Split a response table into partitions of ``rows`` rows (lines for jsonl).

    A csv that is not UTF-8, and xlsx or json tables, stay one partition (read whole,
    exactly as in memory).

    >>> parts = split_table("responses.jsonl", "/tmp/staging", rows=10_000)  # doctest: +SKIP
    """
    source, staging = Path(source), Path(staging)
    suffix = source.suffix.lower()
    if suffix in LINE_TABLES:
        return _split_lines(source, staging, rows)
    if suffix in ROW_TABLES:
        try:
            return _split_rows(source, staging, rows)
        except (UnicodeDecodeError, pd.errors.ParserError):
            shutil.rmtree(staging, ignore_errors=True)
    return _whole(source, staging)


def _place(src: Path, dest: Path) -> None:
    """``dest`` as a hard link to ``src`` (a copy across file systems): a regular file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def split_folder(folder: str | Path, staging: str | Path, files: int = 2_000,
                 manifest: str | Path | None = None) -> tuple[list[Partition], list[dict]]:
    """Split a folder of documents into partitions of ``files`` files, each with the
    manifest rows of its files; return the partitions and the report rows of entries
    that are not read at all (links, hidden files: see ``analysis.corpus.folder``).

    Files that are not documents, and manifest rows naming no file or a missing one, go
    to the first partition, so ingest reports them once, as it does in memory.
    """
    from analysis.corpus.folder import walk_folder
    from analysis.corpus.readers import DOCUMENT_SUFFIXES

    folder, staging = Path(folder), Path(staging)
    manifest_path = Path(manifest) if manifest else folder / "manifest.csv"
    entries, walked = walk_folder(folder)
    entries = [p for p in entries if (folder / p).resolve() != manifest_path.resolve()]
    docs = [p for p in entries if p.suffix.lower() in DOCUMENT_SUFFIXES]
    others = [p for p in entries if p not in docs]
    chunks = [docs[i:i + files] for i in range(0, len(docs), files)] or [[]]
    chunks[0] = others + chunks[0]
    table = None
    if manifest_path.is_file():
        try:
            table = pd.read_csv(manifest_path, dtype=str, keep_default_na=False)
            if "file" not in table.columns:
                table = None
        except Exception:  # unreadable: every partition gets the file and reports it
            table = None
    parts = []
    doc_names = {p.as_posix() for p in docs}
    for i, chunk in enumerate(chunks):
        d = _part_dir(staging, i)
        for p in chunk:
            _place(folder / p, d / p)
        if table is not None:
            names = {p.as_posix() for p in chunk}
            keep = table["file"].str.strip().isin(names)
            if i == 0:
                keep |= ~table["file"].str.strip().isin(doc_names)
            table[keep].to_csv(d / "manifest.csv", index=False)
            lines = tuple(int(k) + 2 for k in table.index[keep])
        elif manifest_path.is_file():
            shutil.copy(manifest_path, d / "manifest.csv")
            lines = ()
        else:
            lines = ()
        parts.append(Partition(i, d, folder.name, manifest=manifest_path.name, manifest_lines=lines))
    return parts, walked


def relabel(text: str, part: Partition) -> str:
    """``text`` with the partition's sources (``name#line=N``, ``name line N``,
    ``name#row=N``) renamed and renumbered as in the original input.

    >>> relabel("a.tsv#row=3", Partition(1, Path("p/a.tsv"), "a.csv", row_offset=10))
    'a.csv#row=13'
    """
    if not isinstance(text, str):
        return text
    if part.manifest_lines:
        lines = part.manifest_lines
        text = re.sub(rf"({re.escape(part.manifest)} line )(\d+)",
                      lambda m: m.group(1) + str(lines[int(m.group(2)) - 2] if 0 <= int(m.group(2)) - 2 < len(lines)
                                                 else m.group(2)), text)
    if part.line_offset == 0 and part.row_offset == 0 and part.path.name == part.name:
        return text
    here = re.escape(part.path.name)

    def shift(m: re.Match) -> str:
        offset = part.line_offset if m.group(2) in ("#line=", " line ") else part.row_offset
        return f"{part.name}{m.group(2)}{int(m.group(3)) + offset}"

    return re.sub(rf"({here})(#line=| line |#row=)(\d+)", shift, text)


# ------------------------------------------------------------------ row-group tables
def to_arrow(frame: pd.DataFrame, schema=None):
    """``frame`` as an arrow table; object columns as strings; cast to ``schema`` if given."""
    import pyarrow as pa

    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(schema) if schema is not None else table


class RowGroupWriter:
    """Write a table one partition (row group) at a time: ``<folder>/<name>.parquet``.

    The file appears only when :meth:`close` succeeds (written beside it, then renamed).
    """

    def __init__(self, folder: str | Path, name: str, csv: bool = False):
        from analysis.tableset import active_target

        target, self.provenance = active_target(Path(folder))
        self.final = Path(folder) / f"{name}.parquet"
        self.path = Path(target) / f"{name}.parquet"
        self.tmp = self.path.with_name(f".{name}.parquet.part")
        self.csv = self.path.with_name(f".{name}.csv.part") if csv else None
        self._writer = None
        self.schema = None

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        table = to_arrow(frame, self.schema)
        if self._writer is None:
            import json as _json

            from analysis.tables import PROVENANCE_KEY

            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.provenance:
                meta = dict(table.schema.metadata or {})
                meta[PROVENANCE_KEY] = _json.dumps(self.provenance, sort_keys=True).encode()
                table = table.replace_schema_metadata(meta)
            self.schema = table.schema
            self._writer = pq.ParquetWriter(self.tmp, self.schema)
        self._writer.write_table(table, row_group_size=max(1, len(frame)))
        if self.csv is not None:
            from analysis.tables import neutralise_formulas

            first = not self.csv.exists()
            with self.csv.open("a", encoding="utf-8", newline="") as fh:
                neutralise_formulas(frame).to_csv(fh, index=False, header=first, lineterminator="\n")

    def close(self, empty: pd.DataFrame | None = None) -> Path:
        if self._writer is None:
            if empty is None:
                raise ValueError(f"{self.path}: nothing was written and no empty table given")
            self.write(empty)
        self._writer.close()
        os.replace(self.tmp, self.path)
        if self.csv is not None:
            os.replace(self.csv, self.path.with_suffix(".csv"))
        return self.final


def read_row_group(path: str | Path, i: int, columns: list[str] | None = None) -> pd.DataFrame:
    """Row group ``i`` (one partition) of a parquet table, as pandas."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read_row_group(i, columns=columns).to_pandas()


def n_row_groups(path: str | Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).num_row_groups


def first_record_columns(source: Path) -> list[str]:
    """Column names of a table's first record (jsonl: first object; csv/tsv: header)."""
    suffix = source.suffix.lower()
    if suffix in LINE_TABLES:
        with source.open("rb") as fh:
            for line in fh:
                if line.strip():
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        continue
                    return list(obj) if isinstance(obj, dict) else []
        return []
    if suffix in ROW_TABLES:
        try:
            return list(pd.read_csv(source, sep="\t" if suffix == ".tsv" else None, engine="python",
                                    dtype=str, nrows=0).columns)
        except Exception:
            return []
    return []
