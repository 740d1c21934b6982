"""Limits and cell-text tidying shared by the binary readers (docx, xlsx, xls, pdf).

``check_zip`` refuses zip bombs and broken containers before a library opens them, counting
the bytes while it inflates each member (never trusting the sizes the archive declares);
``check_text`` caps lines, cells and tags before a text or HTML document is split or parsed.
The constants are module-level so tests (and callers) can lower them.

Within these limits one document costs a worker at most about 1 GiB of memory (the budget
docs/formats.md states and tests/test_limits.py checks with crafted worst cases): 200 MB of
input bytes, its decoded text, and the rows of cells capped below.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from auditor.chars import Translation
from auditor.errors import InputError

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # total uncompressed size of a .docx/.xlsx
MAX_PART_BYTES = 64 * 1024 * 1024  # one member of it (document.xml, a sheet): parsed whole by lxml
MAX_RATIO = 100  # compression ratio above which a large member is treated as a bomb
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # members smaller than this are never "bombs"
MAX_MEMBERS = 10_000
MAX_PAGES = 500  # PDF pages
MAX_PAGE_GRAPHICS = 10_000  # lines/rects/curves on one PDF page before table finding is skipped
# Ruling-line rows × columns on one PDF page before table finding is skipped: pdfplumber's cell
# search grows faster than the square of the crossings (50×50 lines: 1 s; 100×100: 18 s), while
# a budget table page has about 40 rows × 10 columns.
MAX_PAGE_CROSSINGS = 3_000
# Path segments drawn by one PDF page's content stream, counted on the stream before pdfminer
# interprets it (about 0.3-0.6 ms a segment: 20,000 lines took 6.5 s); a ruled budget table page
# draws at most a few thousand.
MAX_PAGE_PATHS = 8_000
MAX_ROWS = 200_000  # rows of cells from one document (all sheets/tables together)
MAX_COLUMNS = 256  # cells kept per row (Word tables stop at 63 columns; budget sheets use < 30)
MAX_LINES = 200_000  # lines of a text document (as many as MAX_ROWS: each line is at most one row)
MAX_CELLS = 2_000_000  # cells (tab- or pipe-separated, or stored in a sheet) of one document
MAX_TAGS = 2_000_000  # tags of a web page
CHUNK = 1024 * 1024  # inflate this much at a time

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b]+")
_BLANK_LINES = re.compile(r"\n{2,}")
# Word's Symbol font stores ≥ ≤ … as private-use code points U+F0xx (w:sym, and PDF text made from it).
_SYMBOL_FONT = Translation(
    {
        0xF000 + code: char
        for code, char in {
            0xB3: "≥",
            0xA3: "≤",
            0xB9: "≠",
            0xBB: "≈",
            0xB1: "±",
            0xB4: "×",
            0xB8: "÷",
            0x3E: ">",
            0x3C: "<",
            0x3D: "=",
            0x25: "%",
            0xB0: "°",
            0xD7: "·",
        }.items()
    }
)


def check_zip(data: bytes, name: str) -> None:
    """Raise InputError if ``data`` is not a sound zip or would unpack to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as err:
        raise InputError(name, f"文件已损坏：压缩包无法打开（{err}）") from None
    if len(members) > MAX_MEMBERS:
        raise InputError(name, f"压缩包内文件过多（{len(members)} 个），疑似异常文件")
    if any(member.flag_bits & 0x1 for member in members):
        raise InputError(name, "文档已加密（设置了打开密码），请去除密码后再提交")
    declared = 0
    for member in members:  # what the archive claims: refused before inflating anything
        declared += member.file_size
        _check_member(member, member.file_size, name)
    _check_total(declared, name)
    total = 0
    for member in members:  # what it really holds, counted while inflating
        try:
            size = _inflate(data, member, total, name)
        except (zlib.error, struct.error, ValueError) as err:
            raise InputError(name, f"文件已损坏：压缩包成员 {member.filename} 无法解压（{err}）") from None
        if size != member.file_size:  # a library trusting the declared size would inflate all of it at once
            raise InputError(
                name, f"文件已损坏或被篡改：压缩包成员 {member.filename} 声明 {member.file_size} 字节，实际 {size} 字节"
            )
        total += size


def _inflate(data: bytes, member: zipfile.ZipInfo, before: int, name: str) -> int:
    """The real uncompressed size of ``member``: its raw stream inflated a chunk at a time (at most
    ``CHUNK`` bytes held), refused as soon as it passes a limit."""
    offset = member.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ValueError("local header missing")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if member.compress_type != zipfile.ZIP_DEFLATED:  # Office files only deflate
        raise ValueError(f"compression method {member.compress_type}")
    inflater = zlib.decompressobj(-15)
    size = 0
    for at in range(0, len(raw), 65536):
        pending = raw[at : at + 65536]
        while pending:
            size += len(inflater.decompress(pending, CHUNK))
            pending = inflater.unconsumed_tail
            _check_member(member, size, name)
            _check_total(before + size, name)
    return size


def _check_member(member: zipfile.ZipInfo, size: int, name: str) -> None:
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
        raise InputError(
            name, f"疑似压缩炸弹：{member.filename} 解压后超过 {size // 1048576} MB，压缩比超过 {MAX_RATIO}"
        )
    if size > MAX_PART_BYTES:
        raise InputError(
            name, f"压缩包成员 {member.filename} 解压后超过 {MAX_PART_BYTES // 1048576} MB 上限，超出处理上限"
        )


def _check_total(size: int, name: str) -> None:
    if size > MAX_UNZIPPED_BYTES:
        raise InputError(name, f"解压后内容过大（超过 {MAX_UNZIPPED_BYTES // 1048576} MB 上限），疑似压缩炸弹")


def check_text(data: bytes, name: str, html: bool = False) -> None:
    """Raise InputError when a text or HTML document has more lines, cells or tags than any budget
    document, counted on the bytes before anything is decoded, split or parsed."""
    size = len(data)  # (no count can pass a limit larger than the number of bytes: not counted then)
    lines = data.count(b"\n") if size > MAX_LINES else 0
    if lines > MAX_LINES:
        raise InputError(name, f"文本行数过多（{lines} 行，上限 {MAX_LINES} 行），超出处理上限")
    if html:
        tags = data.count(b"<") if size > MAX_TAGS else 0
        if tags > MAX_TAGS:
            raise InputError(name, f"网页标签过多（{tags} 个，上限 {MAX_TAGS} 个），超出处理上限")
        return
    cells = data.count(b"\t") + data.count(b"|") if size > MAX_CELLS else 0
    if cells > MAX_CELLS:
        raise InputError(name, f"表格单元格过多（{cells} 个，上限 {MAX_CELLS} 个），超出处理上限")


def check_cells(count: int, name: str) -> None:
    """Raise InputError once a workbook has stored more cells than any budget table needs."""
    if count > MAX_CELLS:
        raise InputError(name, f"工作表单元格过多（超过 {MAX_CELLS} 个），超出处理上限")


def check_rows(count: int, name: str) -> None:
    """Raise InputError once a document has produced more rows than any budget table needs."""
    if count > MAX_ROWS:
        raise InputError(name, f"表格行数过多（超过 {MAX_ROWS} 行），超出处理上限")


def tidy(text: str | None) -> str:
    """A cell's or paragraph's text: runs of spaces folded, lines stripped, blank lines dropped,
    Symbol-font private-use characters replaced by the real ones."""
    if not text:
        return ""
    text = _SYMBOL_FONT(text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", ""))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line))
