"""`audit extract` end to end: csv/jsonl/xlsx output, stdout, and a bad file in the batch."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from auditor.cli import main
from auditor.report.rows import COLUMNS, READ_COLUMNS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args: str):
    return CliRunner().invoke(main, ["extract", *args, "-q"])


def test_csv_file_has_contract_columns_and_every_row(tmp_path):
    out = tmp_path / "rows.csv"
    result = run(str(EXAMPLES), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(COLUMNS)] == COLUMNS
    assert len(rows) == 340
    first = rows[0]
    assert (first["source"], first["department_code"], first["department"], first["year"]) == (
        "000_8a1b00379ebc752e.txt",
        "471",
        "秦皇岛市工业和信息化局",
        "2024",
    )
    assert (first["project_no"], first["project_code"], first["budget"], first["row"]) == (
        "1",
        "13030024P000006100054",
        "165.76",
        "1",
    )
    assert (first["name"], first["value"], first["basis"]) == ("系统维护数量", "1 个", "合同")
    assert {r["source"] for r in rows} == {p.name for p in EXAMPLES.glob("*.txt")}


def test_csv_to_stdout_and_jsonl():
    seed = str(EXAMPLES / "003_dfde72d2c9d140db.txt")
    result = run(seed)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 55 and rows[-1]["project_no"] == "7"
    result = run(seed, "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 55
    assert records[0]["department"] == "丰润区工业和信息化局" and records[0]["year"] == 2024
    assert records[0]["budget"] == 1.8


def test_xlsx_output(tmp_path):
    out = tmp_path / "rows.xlsx"
    result = run(str(EXAMPLES / "004_fea291bfd100ca97.txt"), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:8] == (
        "文件",
        "部门编码",
        "部门",
        "预算年度",
        "项目序号",
        "项目编码",
        "项目名称",
        "预算数（万元）",
    )
    assert values[0][11:15] == ("三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    assert all(re.search("[\u4e00-\u9fff]", label) for label in values[0])  # every header in Chinese
    assert len(values) - 1 == 65
    assert values[1][COLUMNS.index("project")] == "《秦皇岛经济技术开发区年鉴（2024）》印刷经费"


def test_bad_file_is_reported_and_the_batch_goes_on(tmp_path):
    shutil.copy(EXAMPLES / "001_ac4016ef80131bfd.txt", tmp_path)
    (tmp_path / "broken.txt").write_bytes(bytes(range(1, 32)) * 40)
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out" / "rows.csv"
    result = run(str(tmp_path), "-o", str(out))
    assert result.exit_code == 3
    assert "broken.txt" in result.stderr and "empty.txt" in result.stderr
    with out.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 82


def test_document_without_tables_warns_but_succeeds(tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("部门预算说明\n本部门无项目支出。\n", encoding="utf-8")
    result = run(str(doc))
    assert result.exit_code == 0
    assert "警告" in result.stderr and "notes.txt" in result.stderr
    assert result.stdout.splitlines() == [
        ",".join(COLUMNS + ["unit", "fiscal_funds", "other_funds", "line", "where"] + READ_COLUMNS)
    ]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    from auditor.model import Department, Indicator, Project
    from auditor.report.rows import write_rows

    dept = Department(
        source="x.txt", projects=[Project(no=1, indicators=[Indicator(row=1, value="=1+1", name="-名称")])]
    )
    out = tmp_path / "f.xlsx"
    write_rows([dept], "xlsx", str(out))
    sheet = load_workbook(out).active
    value = sheet.cell(row=2, column=COLUMNS.index("value") + 1)
    assert (value.value, value.data_type) == ("=1+1", "s")
    assert sheet.cell(row=2, column=COLUMNS.index("name") + 1).value == "-名称"
