"""Word .docx → Blocks, in body order: paragraphs as one-cell Blocks, tables row by row.

python-docx opens the package (the main part is read directly when python-docx refuses its
content type, as for .docm/.dotx); the body XML is walked directly so that merged cells
(``gridSpan``, ``vMerge``, ``gridBefore``), content controls, tracked
insertions and several paragraphs per cell come out right. A horizontally merged cell
gives its text once followed by empty cells; a vertically merged cell is empty in the
rows it covers (parse fills 一级/二级 down). Each ``w:tbl`` is its own table number;
nested tables are flattened into their cell's text.
"""

from __future__ import annotations

import io
import zipfile

from auditor.model import Block
from auditor.read import limits
from auditor.read.limits import check_rows, check_zip, tidy

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, T = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "t"
_BREAKS = {_W + "br", _W + "cr"}
_SYM, _HYPHEN = _W + "sym", _W + "noBreakHyphen"
_TABS = {_W + "tab", _W + "ptab"}
_SKIP = {_MC_FALLBACK, _W + "del", _W + "moveFrom", _W + "instrText", _W + "delText", _W + "pPr", _W + "rPr"}
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag", _W + "ins", _W + "moveTo"}


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Blocks of a .docx in document order; ``info`` counts paragraphs and tables."""
    check_zip(data, name)
    out = _Collector(name)
    out.body(_body(data))
    return out.blocks, {"tables": out.tables}


def _body(data: bytes):
    """The ``w:body`` element: through python-docx, or straight from the main part when
    python-docx refuses the package's content type (.docm, .dotx, some WPS files)."""
    import docx

    try:
        return docx.Document(io.BytesIO(data)).element.body
    except ValueError as err:
        if "content type" not in str(err):
            raise
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    body = etree.fromstring(xml, parser=parser).find(_W + "body")
    if body is None:
        raise ValueError("word/document.xml has no w:body")
    return body


class _Collector:
    def __init__(self, name: str):
        self.name = name
        self.blocks: list[Block] = []
        self.tables = 0

    def body(self, parent) -> None:
        """Paragraphs and tables directly under ``parent`` (the body, or a layout-table cell)."""
        for element in _children(parent):
            if element.tag == P:
                self.paragraph(_text(element))
            elif element.tag == TBL:
                self.table(element)

    def paragraph(self, text: str) -> None:
        text = tidy(text)
        if text:
            self.blocks.append(Block([text], len(self.blocks) + 1, None))

    def table(self, tbl) -> None:
        if _is_layout(tbl):  # an outer frame whose cells hold the real tables: read them as body
            for tc in (tc for tr in _children(tbl, want=TR) for tc in _children(tr, want=TC)):
                self.body(tc)
            return
        self.tables += 1
        for number, tr in enumerate(_children(tbl, want=TR), 1):
            cells = _row_cells(tr)
            if any(cells):
                self.blocks.append(Block(cells, len(self.blocks) + 1, self.tables, f"表{self.tables}第{number}行"))
                check_rows(len(self.blocks), self.name)


def _is_layout(tbl) -> bool:
    """A table used as a page frame: some cell holds a table, and no row has more than two cells."""
    rows = list(_children(tbl, want=TR))
    nested = any(child.tag == TBL for tr in rows for tc in _children(tr, want=TC) for child in _children(tc))
    return nested and all(len(list(_children(tr, want=TC))) <= 2 for tr in rows)


def _row_cells(tr) -> list[str]:
    cells: list[str] = [""] * _grid_val(tr, "gridBefore")
    for tc in _children(tr, want=TC):
        props = tc.find(_W + "tcPr")
        span, covered = 1, False
        if props is not None:
            span = max(1, min(_int(props.find(_W + "gridSpan"), 1), limits.MAX_COLUMNS))
            covered = _continues(props.find(_W + "vMerge")) or _continues(props.find(_W + "hMerge"))
        cells.append("" if covered else tidy(_text(tc)))
        cells.extend([""] * (span - 1))
        if len(cells) >= limits.MAX_COLUMNS:
            break
    del cells[limits.MAX_COLUMNS :]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _grid_val(tr, tag: str) -> int:
    props = tr.find(_W + "trPr")
    if props is None:
        return 0
    return max(0, min(_int(props.find(_W + tag)), limits.MAX_COLUMNS))


def _int(element, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_W + "val", default))
    except ValueError:
        return default


def _continues(merge) -> bool:
    """True for a vMerge/hMerge element that continues a merge (no val, or val="continue")."""
    return merge is not None and merge.get(_W + "val", "continue") == "continue"


def _children(parent, want: str | None = None):
    """Direct children, looking through content controls and similar wrappers."""
    for child in parent:
        if child.tag in _CONTAINERS:
            yield from _children(child, want)
        elif want is None or child.tag == want:
            yield child


def _text(element) -> str:
    """The visible text under ``element``; paragraphs and line breaks become newlines."""
    parts: list[str] = []
    _walk(element, parts)
    return "".join(parts)


def _walk(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == T:
            parts.append(child.text or "")
        elif tag in _TABS:
            parts.append(" ")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _SYM:
            parts.append(_symbol(child.get(_W + "char", "")))
        elif tag == _HYPHEN:
            parts.append("-")
        elif tag == P:
            if parts and parts[-1] != "\n":
                parts.append("\n")
            _walk(child, parts)
            parts.append("\n")
        else:
            _walk(child, parts)


def _symbol(char: str) -> str:
    """The character a ``w:sym`` shows (Symbol-font codes are mapped later by ``tidy``)."""
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    return chr(code) if 0 < code < 0xD800 or 0xE000 <= code <= 0xFFFD else ""
