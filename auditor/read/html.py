"""Saved web pages (.html/.htm) → Blocks. Owns charset choice and the HTML table model.

The page is decoded first (BOM, then strict UTF-8, then the charset a ``<meta charset>`` or
``<meta http-equiv="Content-Type" content="…; charset=gb2312">`` declares, then the text
fallbacks of ``detect.decode``) and parsed by lxml's HTML parser, which never fetches or runs
anything. Text outside tables becomes one-cell paragraph Blocks (one per line, so a title,
单位：万元 and 预算年度 each stand alone); every ``<table>`` is its own table number, its rows
laid on a grid: a ``colspan`` cell gives its text once followed by empty cells and a ``rowspan``
cell is empty in the rows it covers, as the other readers give merged cells (parse fills
一级/二级 down). ``<br>``, ``<p>`` and other blocks inside a cell become newlines; a table nested
in a data cell is flattened into the cell's text, while a page-frame table whose cells hold
bigger tables is read as body. ``<script>``, ``<style>``, form controls and hidden elements are
skipped. ``Block.line`` is the source line of the row or paragraph.
"""

from __future__ import annotations

import codecs

from auditor.errors import InputError
from auditor.model import Block
from auditor.read import limits
from auditor.read.detect import decode
from auditor.read.limits import check_rows, check_text, tidy

MAX_ROWSPAN = 65_534  # the HTML limit; a span is also cut at the end of its table
PRESCAN_BYTES = 16_384  # where a charset declaration is looked for

_SKIP = {"script", "style", "noscript", "template", "select", "option", "textarea", "button", "input", "iframe"}
_SKIP |= {"object", "embed", "svg", "math", "canvas", "audio", "video", "map", "area", "head"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "hr", "pre"}
_BLOCKS |= {"section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "center", "form"}
_BLOCKS |= {"fieldset", "address", "figure", "figcaption", "caption", "title", "body", "html", "tr", "td", "th"}
_GROUPS = {"thead", "tbody", "tfoot"}
_CELLS = {"td", "th"}
# WHATWG: pages labelled GB2312/GBK are GBK, which GB18030 extends; Big5 pages use HKSCS additions.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
# Labels that never describe a Chinese page truthfully (CMS defaults): fall back to detection.
_WESTERN = {"ascii", "latin-1", "iso8859-15", "cp1252", "utf-16-le", "utf-16-be", "utf-16"}


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Blocks of a web page; ``info`` names the encoding used and counts the tables."""
    from lxml import etree

    check_text(data, name, html=True)
    text, encoding, declared = decode_page(data, name)
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, default_doctype=False
    )
    try:
        root = etree.fromstring(text.replace("\x00", "").encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise InputError(name, f"网页无法解析（{err}）") from None
    page = _Page(name)
    if root is not None:
        title = root.find("head/title")
        if title is not None:
            page.flow(title)
        page.flow(root)
        page.flush()
    return page.blocks, {"encoding": encoding, "declared": declared, "tables": page.tables}


# --------------------------------------------------------------------------- charset


def decode_page(data: bytes, name: str = "") -> tuple[str, str, str]:
    """(text, encoding used, charset the page declares or "")."""
    declared = declared_charset(data[:PRESCAN_BYTES])
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8"), "utf-8", declared
        except UnicodeDecodeError:
            pass
        codec = _codec(declared)
        if codec:
            try:
                return data.decode(codec), codec, declared
            except UnicodeDecodeError:
                pass
    text, encoding = decode(data, name)
    return text, encoding, declared


def _codec(label: str) -> str:
    """Python's codec for a declared charset label, or "" when unknown or not worth trusting."""
    label = label.strip().lower()
    if not label:
        return ""
    try:
        codec = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return ""
    codec = _ALIASES.get(codec, codec)
    return "" if codec in _WESTERN or codec.startswith("iso8859") or codec.startswith("utf-16") else codec


def declared_charset(head: bytes) -> str:
    """The charset named by the page's first ``<meta>`` declaring one (or an XML declaration)."""
    from lxml import etree

    if head.startswith(b"<?xml"):
        end = head.find(b"?>")
        _, found, rest = head[: max(end, 0)].partition(b"encoding=")
        if found:
            return rest[1:].split(rest[:1] or b'"')[0].decode("ascii", "replace").strip()
    parser = etree.HTMLParser(encoding="iso-8859-1", remove_comments=True, no_network=True)
    try:
        root = etree.fromstring(head, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    for meta in root.iter("meta"):
        charset = meta.get("charset")
        if charset is None and (meta.get("http-equiv") or "").strip().lower() == "content-type":
            charset = _content_charset(meta.get("content") or "")
        if charset and charset.strip():
            return charset.strip().strip("'\"").strip()
    return ""


def _content_charset(content: str) -> str:
    """``text/html; charset=gb2312`` → ``gb2312``."""
    _, found, rest = content.lower().partition("charset=")
    if not found:
        return ""
    rest = rest.strip().strip("'\"")
    return rest.replace(";", " ").replace("'", " ").replace('"', " ").split(" ")[0] if rest else ""


# --------------------------------------------------------------------------- walking the page


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _hidden(element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _line(element, fallback: int) -> int:
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else fallback


class _Text:
    """Collects the visible text of a stretch of the page; blocks and ``<br>`` make newlines.

    Tables are handed to ``table``; here (inside a cell) a nested table becomes one line per
    row. ``_Page`` overrides ``table`` and ``flush`` to emit Blocks instead.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pre = 0

    def flow(self, element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not tag or _hidden(element):
            return
        if tag == "table":
            self.flush()
            self.table(element)
            self.flush()
            return
        if tag == "br":
            self.parts.append("\n")
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
        self.pre += tag == "pre"
        self.add(element.text)
        for child in element:
            self.flow(child)
            self.add(child.tail)
        self.pre -= tag == "pre"
        if block:
            self.flush()

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text if self.pre else text.replace("\r", " ").replace("\n", " ").replace("\t", " "))

    def flush(self) -> None:
        if self.parts and self.parts[-1] != "\n":
            self.parts.append("\n")

    def table(self, element) -> None:
        for _, cells in _grid(element):
            self.parts.append(" ".join(cell for cell in cells if cell) + "\n")

    def text(self) -> str:
        return tidy("".join(self.parts))


def cell_text(element) -> str:
    """A cell's visible text: paragraphs and line breaks as newlines, white space tidied."""
    if not len(element):  # plain text, the common case
        return tidy(" ".join((element.text or "").split()))
    out = _Text()
    out.add(element.text)
    for child in element:
        out.flow(child)
        out.add(child.tail)
    return out.text()


class _Page(_Text):
    """The whole page: paragraphs and table rows as Blocks in document order."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.blocks: list[Block] = []
        self.tables = 0
        self.start = 0  # source line where the pending paragraph text began

    def flow(self, element) -> None:
        if not self.parts:
            self.start = _line(element, 0)
        super().flow(element)

    def flush(self) -> None:
        text = tidy("".join(self.parts))
        self.parts = []
        for line in text.split("\n") if text else ():
            self.blocks.append(Block([line], self.start or len(self.blocks) + 1, None))
            check_rows(len(self.blocks), self.name)

    def table(self, element) -> None:
        if _is_frame(element):
            for tr in _rows(element):
                for td in _cells(tr):
                    self.flow(td)
            return
        caption = element.find("caption")
        if caption is not None:
            self.flow(caption)
        self.tables += 1
        for tr, cells in _grid(element):
            if any(cells):
                self.blocks.append(Block(cells, _line(tr, len(self.blocks) + 1), self.tables))
                check_rows(len(self.blocks), self.name)


# --------------------------------------------------------------------------- the table model


def _rows(table) -> list:
    """The table's own rows (directly, or through thead/tbody/tfoot and stray wrappers such as
    a ``<form>``), not those of nested tables. Cells sitting directly in the table form a row."""
    rows: list = []
    stray: list = []

    def visit(parent) -> None:
        for child in parent:
            tag = _tag(child)
            if tag in _CELLS:
                stray.append(child)
                continue
            if stray:
                rows.append(stray.copy())
                stray.clear()
            if tag == "tr":
                rows.append(child)
            elif tag in _GROUPS or (tag and tag not in ("table", "caption") and tag not in _SKIP):
                visit(child)

    visit(table)
    if stray:
        rows.append(stray)
    return rows


def _cells(row) -> list:
    if isinstance(row, list):
        return row
    return [child for child in row if _tag(child) in _CELLS and not _hidden(child)]


def _is_frame(table) -> bool:
    """A table used as a page frame: its cells hold tables with more rows than it has itself."""
    own = len(_rows(table))
    nested = sum(1 for _ in table.iter("tr")) - sum(1 for row in _rows(table) if not isinstance(row, list))
    return nested > own and any(td.find(".//table") is not None for row in _rows(table) for td in _cells(row))


def _span(cell, attribute: str, cap: int) -> int:
    """A colspan/rowspan as browsers read it (leading digits), between 1 and ``cap``; 0 → ``cap``."""
    raw = (cell.get(attribute) or "").strip()
    digits = ""
    for char in raw[:9]:
        if char not in "0123456789":
            break
        digits += char
    if not digits:
        return 1
    value = int(digits)
    return cap if value == 0 and attribute == "rowspan" else max(1, min(value, cap))


def _grid(table) -> list[tuple[object, list[str]]]:
    """(row element, cells) for each row, colspan/rowspan laid out on one grid of columns."""
    rows = _rows(table)
    out: list[tuple[object, list[str]]] = []
    covered: dict[int, int] = {}  # column → how many more rows a rowspan above still covers
    for index, tr in enumerate(rows):
        now = covered
        covered = {column: left - 1 for column, left in now.items() if left > 1}
        cells: list[str] = []
        for td in _cells(tr):
            while len(cells) in now and len(cells) < limits.MAX_COLUMNS:
                cells.append("")
            if len(cells) >= limits.MAX_COLUMNS:
                break
            down = min(_span(td, "rowspan", MAX_ROWSPAN), len(rows) - index)
            text = cell_text(td)
            for k in range(_span(td, "colspan", limits.MAX_COLUMNS)):
                if len(cells) >= limits.MAX_COLUMNS:
                    break
                if down > 1:
                    covered[len(cells)] = down - 1
                cells.append("" if k else text)
        while cells and not cells[-1]:
            cells.pop()
        out.append((tr if not isinstance(tr, list) else tr[0], cells))
    return out
