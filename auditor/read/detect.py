"""Recognise a document's format from its bytes (magic numbers first, then the name) and decode text.

Formats: "text", "html", "docx", "xlsx", "xls", "pdf". Anything else raises InputError.
"""

from __future__ import annotations

import io
import zipfile

from auditor.errors import InputError

MAX_INPUT_BYTES = 200 * 1024 * 1024  # a single document larger than this is refused


def sniff(data: bytes, name: str) -> str:
    """Return the format name for ``data``; ``name`` (file name) only breaks ties."""
    lower = name.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if lower.endswith((".doc", ".wps")):
            raise InputError(name, "旧版 Word（.doc）格式不受支持，请另存为 .docx 后再提交")
        return "xls"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:65536].lower():
        if lower.endswith((".html", ".htm", ".xhtml")) or head.startswith((b"<!doctype html", b"<html")):
            return "html"
    if lower.endswith((".html", ".htm")):
        return "html"
    if _looks_binary(data):
        raise InputError(name, "无法识别的二进制文件（不是 txt/docx/xlsx/xls/pdf/html）")
    return "text"


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise InputError(name, f"文件已损坏：压缩包无法打开（{err}）") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise InputError(name, "压缩包中不是 Word（.docx）或 Excel（.xlsx）文档")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16 text has NULs too; accept it only with a BOM.
        return not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control / len(sample) > 0.05


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode document bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.

    Returns (text with \\n line ends, encoding name). Raises InputError when no
    encoding gives sensible text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                from charset_normalizer import from_bytes

                best = from_bytes(data).best()
                if best is None:
                    raise InputError(name, "无法识别文本编码（不是 UTF-8 或 GBK/GB18030）") from None
                text, enc = str(best), best.encoding
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, enc
