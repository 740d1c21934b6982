"""Limits and cell-text tidying shared by the binary readers (docx, xlsx, xls, pdf).

``check_zip`` refuses zip bombs and broken containers before a library opens them;
the constants are module-level so tests (and callers) can lower them.
"""

from __future__ import annotations

import io
import re
import zipfile

from auditor.chars import Translation
from auditor.errors import InputError

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # total uncompressed size of a .docx/.xlsx
MAX_RATIO = 100  # compression ratio above which a large member is treated as a bomb
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # members smaller than this are never "bombs"
MAX_MEMBERS = 10_000
MAX_PAGES = 500  # PDF pages
MAX_PAGE_GRAPHICS = 20_000  # lines/rects/curves on one PDF page before table finding is skipped
MAX_ROWS = 200_000  # rows of cells from one document (all sheets/tables together)
MAX_COLUMNS = 256  # cells kept per row (Word tables stop at 63 columns; budget sheets use < 30)

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
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise InputError(name, "文档已加密（设置了打开密码），请去除密码后再提交")
        total += member.file_size
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise InputError(
                name,
                f"疑似压缩炸弹：{member.filename} 解压后 {member.file_size // 1048576} MB，压缩比超过 {MAX_RATIO}",
            )
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            name, f"解压后内容过大（{total // 1048576} MB，上限 {MAX_UNZIPPED_BYTES // 1048576} MB），疑似压缩炸弹"
        )


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
