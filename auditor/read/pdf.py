"""PDF → Blocks with pdfplumber: ruled tables row by row, the text between them as paragraphs.

Each page is read top to bottom; a table found by its ruling lines becomes rows of cells
(one table number per table per page, so a table continued on the next page starts a new
number and parse joins it, skipping a repeated header). Lines outside every table are
paragraph Blocks. Text wrapped inside a cell is re-joined: no break between CJK characters
or digits, a newline kept before list markers and after sentence ends.

A page with more vector graphics than ``limits.MAX_PAGE_GRAPHICS`` or more ruling-line crossings
than ``limits.MAX_PAGE_CROSSINGS`` (a drawing, or a file built to stall table finding) is read as
text only. Refused with InputError: encrypted PDFs, PDFs without a text layer (scans; OCR is not
supported), more pages than ``limits.MAX_PAGES``.
"""

from __future__ import annotations

import io
import logging
import re

from auditor.errors import InputError
from auditor.model import Block
from auditor.read import limits
from auditor.read.limits import check_rows, tidy

_LIST_START = re.compile(r"^(\d{1,2}[.、．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、|[①-⑳])")
_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？")
_ASCII_WORD = re.compile(r"[A-Za-z]$")


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Blocks of a PDF in reading order; ``info`` gives the page count."""
    _quiet_pdfminer()
    pdf = _open(data, name)
    if any(page.rotation % 360 for page in pdf.pages[: limits.MAX_PAGES]):
        pdf.close()
        pdf = _open(upright(data), name)
    with pdf:
        pages = pdf.pages
        if len(pages) > limits.MAX_PAGES:
            raise InputError(name, f"PDF 页数过多（{len(pages)} 页，上限 {limits.MAX_PAGES} 页）")
        blocks: list[Block] = []
        table = 0
        chars = images = 0
        for number, page in enumerate(pages, 1):
            _check_paths(page, number, name)
            start = len(blocks)
            chars += len(page.chars)
            images += len(page.images)
            table = _read_page(page.dedupe_chars(), blocks, table)  # fake bold draws each char twice
            for block in blocks[start:]:
                block.where = f"第{number}页"
            check_rows(len(blocks), name)
            page.flush_cache()
    if not chars:
        if images:
            raise InputError(name, "扫描件无文字层，不支持 OCR，请提交可复制文字的 PDF 或原始 Word/Excel 文件")
        raise InputError(name, "PDF 中没有可提取的文字")
    return blocks, {"pages": len(pages), "tables": table}


def _open(data: bytes, name: str):
    """pdfplumber's PDF object; an encrypted file becomes InputError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as err:
        causes = [err, *getattr(err, "args", ()), err.__context__]
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            raise InputError(name, "PDF 已加密，无法读取，请提交未加密的文件") from None
        detail = str(causes[1] if len(causes) > 2 and causes[1] else err) or type(err).__name__
        raise InputError(name, f"PDF 文件已损坏或不完整，无法打开（{detail}）") from None


def upright(data: bytes) -> bytes:
    """The PDF with every page's /Rotate applied to its content (pdfplumber ignores /Rotate).

    Each page is placed as a form XObject, turned and shifted, on a page of the displayed size.
    """
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    target = pdfium.PdfDocument.new()
    try:
        for index in range(len(source)):
            page = source[index]
            turn = page.get_rotation() % 360
            _, _, width, height = page.get_mediabox()
            # exact integer matrices: a float cos(90°) would turn ruled cells into skewed curves
            matrix = {
                0: (1, 0, 0, 1, 0, 0),
                90: (0, 1, -1, 0, height, 0),
                180: (-1, 0, 0, -1, width, height),
                270: (0, -1, 1, 0, 0, width),
            }[turn]
            content = source.page_as_xobject(index, target).as_pageobject()
            content.transform(pdfium.PdfMatrix(*matrix))
            size = (height, width) if turn in (90, 270) else (width, height)
            new_page = target.new_page(*size)
            new_page.insert_obj(content)
            new_page.gen_content()
        out = io.BytesIO()
        target.save(out)
        return out.getvalue()
    finally:
        target.close()
        source.close()


def _quiet_pdfminer() -> None:
    """pdfminer logs every repair it makes on a damaged file; the one-line InputError is enough."""
    for logger in ("pdfminer", "pdfplumber"):
        logging.getLogger(logger).setLevel(logging.ERROR)


def _read_page(page, blocks: list[Block], table: int) -> int:
    """Append one page's paragraphs and table rows in vertical order; returns the last table number."""
    found = page.find_tables() if _form_like(page) else []  # a drawing, not a form
    items: list[list] = [[t.bbox[1], order, t] for order, t in enumerate(found)]
    boxes = [t.bbox for t in found]
    lines = page.extract_text_lines(return_chars=False)
    left = min([line["x0"] for line in lines] + [box[0] for box in boxes] + [page.width])
    right = max([line["x1"] for line in lines] + [box[2] for box in boxes] + [0])
    previous = None  # the last paragraph item: [top, order, text] plus its line's geometry
    for line in lines:
        middle = (line["top"] + line["bottom"]) / 2
        x_middle = (line["x0"] + line["x1"]) / 2
        if any(x0 <= x_middle <= x1 and top <= middle <= bottom for x0, top, x1, bottom in boxes):
            previous = None
            continue
        height = line["bottom"] - line["top"]
        if previous is not None and _wraps(previous[1], line, (left, right), height):
            previous[0][2] += "\n" + line["text"]
            previous = (previous[0], line)
            continue
        item = [line["top"], len(found), line["text"]]
        items.append(item)
        previous = (item, line)
    items.sort(key=lambda item: (item[0], item[1]))
    for _, _, item in items:
        if isinstance(item, str):
            text = unwrap(item)
            if text:
                blocks.append(Block([text], len(blocks) + 1, None))
            continue
        table += 1
        for row in item.extract():
            cells = [unwrap(cell) for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                blocks.append(Block(cells, len(blocks) + 1, table))
    return table


_PATH_OPERATOR = re.compile(rb"(?<![^\s\]\)>])(?:l|re|c|v|y)(?=[\s\[\(/<%]|$)")


def _check_paths(page, number: int, name: str) -> None:
    """Raise InputError when the page's content stream draws more path segments than
    ``limits.MAX_PAGE_PATHS``, counted on the decoded stream before it is interpreted."""
    from pdfminer.pdftypes import resolve1

    count = 0
    for stream in page.page_obj.contents or []:
        try:
            data = resolve1(stream).get_data()
        except Exception:  # noqa: BLE001 - a damaged stream is pdfminer's to report
            return
        count += len(_PATH_OPERATOR.findall(data))
        if count > limits.MAX_PAGE_PATHS:
            raise InputError(
                name, f"PDF 第 {number} 页矢量图形过多（超过 {limits.MAX_PAGE_PATHS} 段线条），超出处理上限"
            )


def _form_like(page) -> bool:
    """True when table finding on ``page`` stays cheap: not too many graphics, and not too many
    crossings of distinct horizontal and vertical ruling lines (snapped as pdfplumber snaps)."""
    if len(page.lines) + len(page.rects) + len(page.curves) > limits.MAX_PAGE_GRAPHICS:
        return False
    rows = {round(edge["top"] / 3) for edge in page.horizontal_edges}
    columns = {round(edge["x0"] / 3) for edge in page.vertical_edges}
    return len(rows) * len(columns) <= limits.MAX_PAGE_CROSSINGS


def _wraps(above: dict, line: dict, margins: tuple[float, float], height: float) -> bool:
    """True when ``line`` continues the paragraph line ``above``: ``above`` starts at the left
    margin (or a first-line indent) and runs to the right edge, ``line`` starts at the margin
    right below it. A right-aligned "单位：万元" or a centred title never swallows the next line."""
    left, right = margins
    return (
        above["x1"] >= right - 1.5 * height
        and above["x0"] <= left + 2.5 * height
        and line["x0"] <= left + 0.5 * height
        and 0 <= line["top"] - above["bottom"] < 0.8 * height
        and not _LIST_START.match(line["text"])
    )


def unwrap(text: str | None) -> str:
    """Join the lines of a wrapped PDF cell; keep real breaks (list items, sentence ends)."""
    lines = [line for line in tidy(text).split("\n") if line]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        if _LIST_START.match(line) or out.endswith(_SENTENCE_END):
            out += "\n" + line
        elif _ASCII_WORD.search(out) and line[:1].isascii() and line[:1].isalpha():
            out += " " + line
        else:
            out += line
    return out
