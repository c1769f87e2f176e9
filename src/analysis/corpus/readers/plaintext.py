"""Read plain-text and Markdown responses, detecting their encoding.

UTF-8 (with or without a byte-order mark) and UTF-16 with a BOM are read as
such. Anything else is decoded as Windows-1252 (a superset of Latin-1 for the
printable range), with a warning asking for UTF-8.

>>> from pathlib import Path; import tempfile
>>> p = Path(tempfile.mkdtemp()) / "svar.txt"; _ = p.write_bytes("Kære udvalg, vi støtter.".encode("cp1252"))
>>> doc = read_text_file(p); doc.text, doc.encoding
('Kære udvalg, vi støtter.', 'cp1252')
"""

from __future__ import annotations

from pathlib import Path

from analysis.corpus.readers import Document, ReadError



def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str, list[str]]:
    """Decode ``data``; return ``(text, encoding, warnings)``.

    >>> decode_bytes("æøå".encode("latin-1"))[1]
    'cp1252'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:  # bytes undefined in cp1252 (0x81, 0x8d, …): plain Latin-1
        text = data.decode("latin-1")
        encoding = "latin-1"
    return text, encoding, [
        f"{name}: not valid UTF-8; decoded as {encoding} (Windows/Latin-1). "
        "Check æ, ø, å in the output and save the file as UTF-8 to silence this warning."
    ]


def read_text_file(path: Path) -> Document:
    """Read a .txt or .md file into a :class:`Document`.

    Raises :class:`ReadError` for binary files that only carry a text extension.
    """
    path = Path(path)
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            "unreadable",
            f"{path.name}: looks like a binary file, not text. Check the file type and export it as "
            "plain text (UTF-8), or give it its real extension (.pdf, .docx).",
        )
    text, encoding, warnings = decode_bytes(data, path.name)
    return Document(text=text, encoding=encoding, warnings=warnings)
