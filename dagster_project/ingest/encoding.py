"""CSV encoding detection: UTF-8 (with or without BOM) or GB18030, decided by strict decoding.

Files can be gigabytes, so everything here streams in chunks; nothing holds a whole file.

Why not "UTF-8 else GB18030" blindly: a UTF-8 file with one corrupt byte usually still
decodes as GB18030 (as mojibake), which would load garbage silently. A real GB18030 file
almost never contains more than a couple of valid multi-byte UTF-8 sequences before its
first non-UTF-8 byte, so a file whose UTF-8 prefix already carries clear UTF-8 evidence
(or a UTF-8 BOM) is reported as a corrupt UTF-8 file instead.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from dagster_project.ingest.errors import IngestError

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
GB18030 = "gb18030"

CHUNK_BYTES = 8 << 20
BOM = codecs.BOM_UTF8
# Extra bytes of multi-byte UTF-8 characters (bytes - characters) in the prefix before the
# first invalid byte from which the file is taken to be UTF-8 (16 ≈ 8 Chinese characters).
UTF8_EVIDENCE_BYTES = 16
# Big5 (traditional Chinese) bytes mostly decode as GB18030 too, into rare characters: in real
# GB18030/GBK text nearly every Chinese character is one of GB2312's common ones.
SAMPLE_BYTES = 1 << 20
MIN_CHINESE_SAMPLE = 8
MIN_GB2312_SHARE = 0.8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class _Failure:
    offset: int  # byte offset of the first undecodable byte
    multibyte_extra: int  # bytes - characters of the valid prefix (UTF-8 evidence)


def _first_failure(path: Path, encoding: str) -> _Failure | None:
    """Decode strictly in chunks; None if the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    fed = 0  # bytes handed to the decoder so far
    extra = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK_BYTES)
            final = not chunk
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError:
                # Redo this window in one piece to get an exact offset: both codecs are
                # stateless apart from the pending bytes of a split character.
                data = pending + chunk
                try:
                    data.decode(encoding)
                    start = len(data)  # only the end was incomplete (truncated character)
                except UnicodeDecodeError as err:
                    start = err.start
                prefix = data[:start]
                extra += len(prefix) - len(prefix.decode(encoding, errors="ignore"))
                return _Failure(fed - len(pending) + start, extra)
            extra += len(chunk) + len(pending) - len(decoder.getstate()[0]) - len(text)
            fed += len(chunk)
            if final:
                return None


def _line_and_column(path: Path, offset: int) -> tuple[int, int]:
    """1-based line and 1-based byte column of `offset` (newline = b'\\n')."""
    line = 1
    last_nl = -1
    pos = 0
    with open(path, "rb") as f:
        while pos < offset:
            chunk = f.read(min(CHUNK_BYTES, offset - pos))
            if not chunk:
                break
            n = chunk.count(b"\n")
            if n:
                line += n
                last_nl = pos + chunk.rindex(b"\n")
            pos += len(chunk)
    return line, offset - last_nl


def detect_encoding(path: Path, display: str) -> str | None:
    """'utf-8', 'utf-8-sig' or 'gb18030'; None for an empty (0-byte) file.

    Raises IngestError with line and column of the first undecodable byte otherwise.
    """
    with open(path, "rb") as f:
        head = f.read(len(BOM))
    if not head:
        return None
    if head.startswith(UTF16_BOMS):
        raise IngestError(
            "the file is UTF-16 (its byte order mark says so): save it as UTF-8 or GB18030",
            file=display,
            line=1,
            column=1,
        )
    has_bom = head == BOM
    utf8_failure = _first_failure(path, UTF8)
    if utf8_failure is None:
        return UTF8_SIG if has_bom else UTF8
    if has_bom or utf8_failure.multibyte_extra >= UTF8_EVIDENCE_BYTES:
        line, column = _line_and_column(path, utf8_failure.offset)
        raise IngestError(
            "bytes cannot be decoded as UTF-8 (the file is otherwise UTF-8, so GB18030 is not tried)",
            file=display,
            line=line,
            column=column,
        )
    gb_failure = _first_failure(path, GB18030)
    if gb_failure is None:
        if _looks_like_big5(path):
            raise IngestError(
                "the file looks like Big5 (traditional Chinese): it decodes as GB18030 only "
                "into rare characters; save it as UTF-8 or GB18030",
                file=display,
            )
        return GB18030
    # Report where the encoding that got furthest stopped: that is the likely corruption.
    offset = max(utf8_failure.offset, gb_failure.offset)
    line, column = _line_and_column(path, offset)
    raise IngestError("bytes cannot be decoded as UTF-8 or GB18030", file=display, line=line, column=column)


def _is_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_like_big5(path: Path) -> bool:
    """True if the file's head decodes as Big5 and, as GB18030, into few common characters."""
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    try:
        sample.decode("big5")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 1:  # not just a character cut at the end of the sample
            return False
    chinese = [ch for ch in sample.decode(GB18030, errors="ignore") if ord(ch) > 0x7F]
    if len(chinese) < MIN_CHINESE_SAMPLE:
        return False
    return sum(map(_is_gb2312, chinese)) < MIN_GB2312_SHARE * len(chinese)
