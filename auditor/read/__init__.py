"""Readers: one module per format, each turning a file's bytes into Blocks (rows of cells).

Every reader module exposes ``read(data: bytes, name: str) -> tuple[list[Block], dict]``
(the dict carries reader facts such as the text layout or encoding). ``read_blocks``
checks size, sniffs the format by content and dispatches; parsing is written once,
in auditor.parse, for all formats.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from auditor.errors import InputError
from auditor.model import Block
from auditor.read.detect import MAX_INPUT_BYTES, sniff

READERS = {
    "text": "auditor.read.text",
    "html": "auditor.read.html",
    "docx": "auditor.read.docx",
    "xlsx": "auditor.read.xlsx",
    "xls": "auditor.read.xls",
    "pdf": "auditor.read.pdf",
}


def read_blocks(path: Path) -> tuple[list[Block], dict]:
    """Read one file into Blocks. Raises InputError naming the file and the reason."""
    from auditor.safe import shown

    name = shown(path.name)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(name, f"文件过大（{size // 1048576} MB，上限 {MAX_INPUT_BYTES // 1048576} MB）")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(name, f"无法读取文件（{err.strerror or err}）") from None
    if not data or data.isspace():  # (strip would copy the whole file)
        raise InputError(name, "文件为空")
    fmt = sniff(data, name)
    try:
        module = importlib.import_module(READERS[fmt])
    except ModuleNotFoundError:
        raise InputError(name, f"暂不支持 {fmt} 格式") from None
    try:
        blocks, info = module.read(data, name)
    except InputError:
        raise
    except (MemoryError, RecursionError):
        raise InputError(name, "文件结构异常，超出处理上限") from None
    except Exception as err:  # a library choked on a malformed file: report it, keep the batch going
        raise InputError(name, f"{fmt} 文件已损坏或格式异常，无法解析（{type(err).__name__}: {err}）") from None
    info.setdefault("format", fmt)
    return blocks, info
