"""Render the gold rows (tests/data/gold_rows.csv) as department-style .docx/.xlsx/.html/.md (and .pdf, .xls).

Each seed document becomes ``tests/fixtures/<fmt>/<seed stem>.<fmt>`` laid out like a
department's own file: a title, then per project a "N、XXX绩效目标表" title, "单位：万元",
a header table (项目编码/项目名称/预算数/绩效目标) and the indicator table with merged
一级/二级 cells. The longest project's indicator table is split over a page break with its
header row repeated; long descriptions are written as two paragraphs in one cell. The .xlsx
spreads the projects over two sheets and stores budgets and percentages as numbers.
PDF and .xls are converted from these by LibreOffice when ``soffice`` is on PATH.

The .html pages look like a finance bureau's disclosure page: navigation, a script and a style
sheet around the content, per project an ``<h2>`` title, 单位：万元, a header table with colspan
cells and the indicator table with ``rowspan`` for merged 一级/二级 cells and ``<br>`` inside long
cells. ``html/gbk/<stem>.htm`` is the same page in GBK declared as ``charset=gb2312``. The .md
files write the same tables as markdown pipe tables (merged cells left empty).

usage: python tests/make_fixtures.py [GOLD.csv] [OUT_DIR]
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
import tempfile
from itertools import groupby
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "gold_rows.csv"
OUT = HERE / "fixtures"
HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
FIELDS = ["level1", "level2", "name", "description", "value", "basis"]
_PERCENT = re.compile(r"^(\d+)(?:\.(\d+))?%$")


def load(gold: Path) -> dict[str, list[dict]]:
    """Gold rows grouped by seed stem, then by project number: {stem: [project, ...]}."""
    with open(gold, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    docs: dict[str, list[dict]] = {}
    for source, doc_rows in groupby(rows, key=lambda r: r["source"]):
        projects = []
        for _, project_rows in groupby(doc_rows, key=lambda r: int(r["project_no"])):
            project_rows = sorted(project_rows, key=lambda r: int(r["row"]))
            first = project_rows[0]
            projects.append(
                {
                    "code": first["project_code"],
                    "name": first["project"],
                    "budget": float(first["budget"]),
                    "rows": [[r[f] for f in FIELDS] for r in project_rows],
                }
            )
        docs[Path(source).stem] = projects
    return docs


def _split(text: str) -> list[str]:
    """Long cell text as two paragraphs (as people type them in Word)."""
    if len(text) < 24:
        return [text]
    cut = len(text) // 2
    return [text[:cut], text[cut:]]


def _title(number: int, project: dict) -> str:
    return f"{number}、{project['name']}绩效目标表"


def _money(project: dict) -> list[str]:
    """The 预算数 row of the header table as shown (budget with two decimals)."""
    budget = f"{project['budget']:.2f}"
    return ["预算数", budget, "其中：财政资金", budget, "其他资金", "0"]


def _goal(project: dict) -> list[str]:
    return [f"1.完成{project['name']}相关工作。", "2.按期达到各项指标。"]


def _runs(rows: list[list[str]], column: int) -> list[int]:
    """For each row, how many rows its merged cell in ``column`` spans (0 = covered)."""
    spans = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][column] != rows[start][column] or (column == 1 and rows[i][0] != rows[start][0]):
            spans[start] = i - start
            start = i
    return spans


# --------------------------------------------------------------------------- docx


def write_docx(projects: list[dict], path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph("部门项目支出绩效目标表")
    longest = max(range(len(projects)), key=lambda i: len(projects[i]["rows"]))
    for number, project in enumerate(projects, start=1):
        document.add_paragraph(_title(number, project))
        document.add_paragraph("单位：万元")
        head = document.add_table(rows=3, cols=6)
        head.style = "Table Grid"
        cells = head.rows[0].cells
        cells[0].text, cells[3].text = "项目编码", "项目名称"
        cells[1].merge(cells[2]).text = project["code"]
        cells[4].merge(cells[5]).text = project["name"]
        cells = head.rows[1].cells
        for cell, text in zip(cells, _money(project), strict=True):
            cell.text = text
        cells = head.rows[2].cells
        cells[0].text = "绩效目标"
        goal = cells[1].merge(cells[5])
        first, *rest = _goal(project)
        goal.text = first
        for line in rest:
            goal.add_paragraph(line)
        rows = project["rows"]
        parts = [rows]
        if number - 1 == longest and len(rows) > 3:
            parts = [rows[: len(rows) // 2], rows[len(rows) // 2 :]]
        for k, part in enumerate(parts):
            if k:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _indicator_table(document, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


def _indicator_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows) + 1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            first, *rest = _split(text) if j >= 3 else [text]
            cell.text = first
            for line in rest:
                cell.add_paragraph(line)
    for column in (0, 1):
        for i, span in enumerate(_runs(rows, column), start=1):
            if span > 1:
                top = table.cell(i, column)
                merged = top.merge(table.cell(i + span - 1, column))
                merged.text = rows[i - 1][column]


# --------------------------------------------------------------------------- xlsx


def write_xlsx(projects: list[dict], path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    half = (len(projects) + 1) // 2
    sheets = [(book.active, projects[:half], 1), (book.create_sheet(), projects[half:], half + 1)]
    for index, (sheet, chunk, start) in enumerate(sheets, start=1):
        sheet.title = f"项目绩效目标表{index}"
        line = 1
        for number, project in enumerate(chunk, start=start):
            line = _xlsx_project(sheet, line, number, project)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _xlsx_project(sheet, line: int, number: int, project: dict) -> int:
    sheet.cell(line, 1, _title(number, project))
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=6)
    sheet.cell(line + 1, 6, "单位：万元")
    line += 2
    sheet.cell(line, 1, "项目编码")
    sheet.cell(line, 2, project["code"])
    sheet.merge_cells(start_row=line, start_column=2, end_row=line, end_column=3)
    sheet.cell(line, 4, "项目名称")
    sheet.cell(line, 5, project["name"])
    sheet.merge_cells(start_row=line, start_column=5, end_row=line, end_column=6)
    line += 1
    for col, value in enumerate(["预算数", project["budget"], "其中：财政资金", project["budget"], "其他资金", 0], 1):
        cell = sheet.cell(line, col, value)
        if isinstance(value, float):
            cell.number_format = "0.00"
    line += 1
    sheet.cell(line, 1, "绩效目标")
    sheet.cell(line, 2, "\n".join(_goal(project)))
    sheet.merge_cells(start_row=line, start_column=2, end_row=line, end_column=6)
    line += 2  # a blank row between the header table and the indicator table
    for col, text in enumerate(HEADER, 1):
        sheet.cell(line, col, text)
    rows = project["rows"]
    for i, row in enumerate(rows, start=1):
        for col, text in enumerate(row, 1):
            cell = sheet.cell(line + i, col)
            match = _PERCENT.match(text) if col == 5 else None
            if match:
                decimals = len(match.group(2) or "")
                cell.value = float(text[:-1]) / 100
                cell.number_format = "0" + ("." + "0" * decimals if decimals else "") + "%"
            elif col == 5 and re.fullmatch(r"\d+", text):
                cell.value = int(text)
            else:
                cell.value = text
    for column in (0, 1):
        for i, span in enumerate(_runs(rows, column), start=1):
            if span > 1:
                sheet.merge_cells(
                    start_row=line + i, start_column=column + 1, end_row=line + i + span - 1, end_column=column + 1
                )
    return line + len(rows) + 2


# --------------------------------------------------------------------------- html


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta {charset}>
<title>部门项目支出绩效目标表</title>
<style>table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #000; }}</style>
<script>document.write("<table><tr><td>一级指标</td><td>二级指标</td><td>三级指标</td></tr></table>");</script>
</head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/czyjs/">财政预决算</a></div>
<div class="content">
<h1>部门项目支出绩效目标表</h1>
{body}</div>
<div class="footer" style="display:none"><table><tr><td>版权所有</td></tr></table></div>
</body>
</html>
"""


def _cell(text: str, tag: str = "td", **attrs: int) -> str:
    spans = "".join(f' {name}="{value}"' for name, value in attrs.items() if value > 1)
    return f"<{tag}{spans}>{'<br>'.join(html.escape(part) for part in text)}</{tag}>"


def html_page(projects: list[dict], charset: str = 'charset="utf-8"') -> str:
    """The seed as a web page: per project a title, 单位, a header table and the indicator table."""
    body: list[str] = []
    for number, project in enumerate(projects, start=1):
        body += [f"<h2>{html.escape(_title(number, project))}</h2>", '<p align="right">单位：万元</p>']
        body.append('<table class="head">')
        code, name = _cell([project["code"]], colspan=2), _cell([project["name"]], colspan=2)
        body.append(f"<tr>{_cell(['项目编码'], 'th')}{code}{_cell(['项目名称'], 'th')}{name}</tr>")
        body.append("<tr>" + "".join(_cell([text]) for text in _money(project)) + "</tr>")
        goal = "".join(f"<p>{html.escape(line)}</p>" for line in _goal(project))
        body.append(f'<tr>{_cell(["绩效目标"], "th")}<td colspan="5">{goal}</td></tr>')
        body.append("</table>")
        rows = project["rows"]
        spans = [_runs(rows, 0), _runs(rows, 1)]
        body.append('<table class="indicators">')
        body.append("<thead><tr>" + "".join(_cell([h], "th") for h in HEADER) + "</tr></thead>")
        body.append("<tbody>")
        for i, row in enumerate(rows):
            cells = [_cell([row[j]], rowspan=spans[j][i]) for j in (0, 1) if spans[j][i]]
            cells += [_cell(_split(text) if j >= 3 else [text]) for j, text in enumerate(row) if j >= 2]
            body.append("<tr>" + "".join(cells).replace("<td></td>", "<td>&nbsp;</td>") + "</tr>")
        body.append("</tbody></table>")
    return PAGE.format(charset=charset, body="\n".join(body) + "\n")


def write_html(projects: list[dict], path: Path, gbk: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if gbk:
        page = html_page(projects, 'http-equiv="Content-Type" content="text/html; charset=gb2312"')
        path.write_bytes(page.encode("gbk"))
    else:
        path.write_text(html_page(projects), encoding="utf-8")


# --------------------------------------------------------------------------- markdown pipe tables


def _pipe(cells: list[str]) -> str:
    return "|" + "|".join(f" {cell.replace('|', chr(92) + '|')} " if cell else "" for cell in cells) + "|"


def write_markdown(projects: list[dict], path: Path) -> None:
    """The seed as markdown: headings, 单位 line, pipe tables; merged 一级/二级 cells left empty."""
    lines = ["# 部门项目支出绩效目标表", ""]
    for number, project in enumerate(projects, start=1):
        lines += [f"## {_title(number, project)}", "", "单位：万元", ""]
        lines.append(_pipe(["项目编码", project["code"], "项目名称", project["name"]]))
        lines.append(_pipe(["---"] * 4))
        lines.append(_pipe(_money(project)))
        lines.append(_pipe(["绩效目标", "<br>".join(_goal(project))]))
        lines += ["", _pipe(HEADER), _pipe(["---"] * len(HEADER))]
        rows = project["rows"]
        spans = [_runs(rows, 0), _runs(rows, 1)]
        for i, row in enumerate(rows):
            cells = [text if j > 1 or spans[j][i] else "" for j, text in enumerate(row)]
            lines.append(_pipe([("<br>".join(_split(t)) if j >= 3 else t) for j, t in enumerate(cells)]))
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- conversions


def convert(source: Path, fmt: str, out_dir: Path) -> Path | None:
    """Convert with LibreOffice (headless); None when soffice is missing or fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=False,
            capture_output=True,
            timeout=300,
        )
    target = out_dir / (source.stem + "." + fmt)
    return target if target.exists() else None


def main(argv: list[str]) -> int:
    gold = Path(argv[1]) if len(argv) > 1 else GOLD
    out = Path(argv[2]) if len(argv) > 2 else OUT
    for stem, projects in load(gold).items():
        write_docx(projects, out / "docx" / f"{stem}.docx")
        write_xlsx(projects, out / "xlsx" / f"{stem}.xlsx")
        write_html(projects, out / "html" / f"{stem}.html")
        write_html(projects, out / "html" / "gbk" / f"{stem}.htm", gbk=True)
        write_markdown(projects, out / "md" / f"{stem}.md")
        convert(out / "docx" / f"{stem}.docx", "pdf", out / "pdf")
        convert(out / "xlsx" / f"{stem}.xlsx", "xls", out / "xls")
    for fmt in ("docx", "xlsx", "html", "md", "pdf", "xls"):
        made = sorted((out / fmt).glob(f"*.{fmt}")) if (out / fmt).exists() else []
        print(f"{fmt}: {len(made)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
