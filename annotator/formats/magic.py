"""Common binary files told by their first bytes, so a refusal can say what a file is."""

from __future__ import annotations

# (offset, signature, what the file is), checked in order.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"BM", ""),  # checked below: "BM" also starts ordinary words
    (0, b"%PDF-", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or a .docx, .xlsx, .odt or .epub file, which are ZIPs)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (0, b"BZh", ""),  # checked below, like "BM"
    (0, b"\xfd7zXZ\x00", "an xz-compressed file (decompress it first)"),
    (0, b"(\xb5/\xfd", "a Zstandard-compressed file (decompress it first)"),
    (0, b"7z\xbc\xaf'\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"SQLite format 3\x00", "an SQLite database (an annotator store is opened with --db)"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc, .xls)"),
    (0, b"{\\rtf", "an RTF document (save it as plain text first)"),
    (0, b"\x7fELF", "a program (ELF executable)"),
    (0, b"MZ", ""),  # checked below
)


# ZIP containers, by the name they usually carry.
_ZIPPED = {
    ".docx": "a Word document (.docx)",
    ".xlsx": "an Excel workbook (.xlsx)",
    ".pptx": "a PowerPoint presentation (.pptx)",
    ".odt": "an OpenDocument text (.odt)",
    ".epub": "an EPUB book",
}


_FIRST_BYTES = frozenset(
    {signature[:1] for offset, signature, _ in _SIGNATURES if offset == 0} | {b"R", b"I", b"\xff"}
)


def binary_kind(start: bytes, suffix: str = "") -> str | None:
    """What kind of binary file begins with `start`, or None when it is not one we know.

    `suffix`, the file name's, only tells apart the formats that are ZIP archives inside.
    """
    if start[:1] not in _FIRST_BYTES and start[257:262] != b"ustar" and start[4:8] != b"ftyp":
        return None  # most text: one look at the first byte
    for offset, signature, kind in _SIGNATURES:
        if start[offset : offset + len(signature)] != signature:
            continue
        if signature == b"PK\x03\x04" and suffix.lower() in _ZIPPED:
            return _ZIPPED[suffix.lower()] + ", which is a ZIP archive"
        if kind:
            return kind
        special = _special(signature, start)
        if special is not None:
            return special
    if start[:4] == b"RIFF" and start[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV sound file", b"AVI ": "an AVI video"}[
            start[8:12]
        ]
    if start[4:8] == b"ftyp":
        return "a video or image file (MP4, MOV, HEIC)"
    if start[:3] == b"ID3" or start[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "an MP3 sound file"
    return None


def _special(signature: bytes, start: bytes) -> str | None:
    """Signatures short enough to start a text: only with a binary byte soon after."""
    binary = any(byte < 9 or 13 < byte < 32 for byte in start[2:64])
    if signature == b"BM" and binary:
        return "a BMP image"
    if signature == b"BZh" and start[3:4].isdigit() and binary:
        return "a bzip2-compressed file (decompress it first)"
    if signature == b"MZ" and binary:
        return "a Windows program (.exe or .dll)"
    return None
