"""Extraction on the real seed documents: layouts, every gold row, page breaks, merged cells, encodings."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.model import Block
from auditor.parse import parse_blocks
from auditor.pipeline import load
from auditor.read import text as text_reader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLD = Path(__file__).resolve().parent / "data" / "gold_rows.csv"
SEEDS = sorted(p.name for p in EXAMPLES.glob("*.txt"))
FIELDS = ["level1", "level2", "name", "description", "value", "basis"]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def gold_rows() -> list[dict]:
    with GOLD.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rows_of(dept) -> list[tuple]:
    return [
        (p.no, p.code, p.name, p.budget, i.row, *(squash(getattr(i, f)) for f in FIELDS))
        for p in dept.projects
        for i in p.indicators
    ]


def load_bytes(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return load(path)


def project(dept, no):
    return dept.projects[no - 1]


@pytest.fixture(scope="module")
def seeds():
    return {name: load(EXAMPLES / name) for name in SEEDS}


# --------------------------------------------------------------------------- layouts


@pytest.mark.parametrize(
    "name, layout",
    [
        ("000_8a1b00379ebc752e.txt", "tabs"),
        ("001_ac4016ef80131bfd.txt", "tabs"),
        ("002_9f400b94fd3b1d9f.txt", "cells"),
        ("003_dfde72d2c9d140db.txt", "tabs"),
        ("004_fea291bfd100ca97.txt", "markdown"),
    ],
)
def test_layout_is_detected_from_content(name, layout):
    _, info = text_reader.read((EXAMPLES / name).read_bytes(), "renamed.dat")
    assert info["layout"] == layout


def test_markdown_headings_lose_their_marks():
    blocks, _ = text_reader.read((EXAMPLES / "004_fea291bfd100ca97.txt").read_bytes(), "x.txt")
    paragraphs = [b.cells[0] for b in blocks if b.table is None]
    assert "1、《秦皇岛经济技术开发区年鉴（2024）》印刷经费绩效目标表" in paragraphs
    assert not any(p.startswith("#") for p in paragraphs)


def test_page_break_starts_a_new_table_number():
    blocks, _ = text_reader.read((EXAMPLES / "000_8a1b00379ebc752e.txt").read_bytes(), "x.txt")
    first = next(b for b in blocks if b.cells[:2] == ["产出指标", "数量指标"])
    cont = next(b for b in blocks if len(b.cells) > 3 and b.cells[3].startswith("数(或功能)"))
    assert first.table is not None and cont.table == first.table + 1


# --------------------------------------------------------------------------- every gold row


@pytest.mark.parametrize("name", SEEDS)
def test_every_gold_row_is_extracted_exactly(seeds, name):
    want = [
        (
            int(r["project_no"]),
            r["project_code"],
            r["project"],
            float(r["budget"]),
            int(r["row"]),
            *(squash(r[f]) for f in FIELDS),
        )
        for r in gold_rows()
        if r["source"] == name
    ]
    got = [(no, code, squash_name, budget, *rest) for no, code, squash_name, budget, *rest in rows_of(seeds[name])]
    assert len(got) == len(want)
    for have, expected in zip(got, want, strict=True):
        assert have[0] == expected[0] and have[1] == expected[1] and have[4:] == expected[4:]
        assert squash(have[2]) == squash(expected[2])
        assert have[3] == pytest.approx(expected[3], abs=0.005)


def test_all_48_projects_have_code_name_and_budget(seeds):
    want = {}
    for r in gold_rows():
        want[(r["source"], int(r["project_no"]))] = (r["project_code"], squash(r["project"]), float(r["budget"]))
    got = {(d.source, p.no): (p.code, squash(p.name), p.budget) for d in seeds.values() for p in d.projects}
    assert len(want) == 48
    assert set(got) == set(want)
    for key, (code, name, budget) in want.items():
        assert got[key][:2] == (code, name), key
        assert got[key][2] == pytest.approx(budget, abs=0.005), key


@pytest.mark.parametrize(
    "name, code, department, year",
    [
        ("000_8a1b00379ebc752e.txt", "471", "秦皇岛市工业和信息化局", 2024),
        ("001_ac4016ef80131bfd.txt", "471001", "秦皇岛市抚宁区科技和工业信息化局", 2024),
        ("002_9f400b94fd3b1d9f.txt", "306", "秦皇岛市海港区科技和工业信息化局", 2025),
        ("003_dfde72d2c9d140db.txt", "339", "丰润区工业和信息化局", 2024),
        ("004_fea291bfd100ca97.txt", "434", "秦皇岛经济技术开发区管理委员会办公室", 2024),
    ],
)
def test_department_facts(seeds, name, code, department, year):
    dept = seeds[name]
    assert (dept.code, dept.name, dept.year, dept.unit) == (code, department, year, "万元")
    assert dept.warnings == []


# --------------------------------------------------------------------------- page breaks and merged cells


def test_description_split_by_page_break_is_joined(seeds):
    row = project(seeds["000_8a1b00379ebc752e.txt"], 1).indicators[7]
    assert row.name == "设备使用率"
    assert row.description == "设备使用率=信息设备或建设的系统使用台数(或功能)/设备总(功能)数×100%"
    assert len(project(seeds["000_8a1b00379ebc752e.txt"], 1).indicators) == 9


def test_basis_split_by_page_break_is_joined(seeds):
    row = project(seeds["000_8a1b00379ebc752e.txt"], 3).indicators[2]
    assert squash(row.basis) == "冀财建（2023）245号河北省财政厅关于提前下达2024年省级中小企业发展专项资金预算的通知"


def test_merged_level1_cells_are_filled_down(seeds):
    rows = project(seeds["000_8a1b00379ebc752e.txt"], 2).indicators
    assert [r.level1 for r in rows] == ["产出指标"] * 6 + ["效益指标"]
    assert rows[1].level2 == "数量指标"


def test_word_layout_merged_cells_and_split_paragraphs(seeds):
    dept = seeds["002_9f400b94fd3b1d9f.txt"]
    first = project(dept, 1)
    assert [r.level1 for r in first.indicators[:4]] == ["产出指标"] * 4
    # an empty paragraph inside a cell split the row in two in the export
    row = project(dept, 5).indicators[2]
    assert (row.name, row.description, row.value) == ("资金下达企业时间", "资金拨付完成时限", "2025年12月底前完成")
    assert project(dept, 2).goal.splitlines()[1] == "2.帮助争取政策红利，降低企业成本。"


def test_extra_empty_column_is_skipped(seeds):
    row = project(seeds["003_dfde72d2c9d140db.txt"], 4).indicators[1]
    assert (row.name, row.description, row.value, row.basis) == ("奖补质量", "奖补企业优良率", "≥95%", "工作标准")


# --------------------------------------------------------------------------- project header fields


def test_project_header_fields(seeds):
    p = project(seeds["000_8a1b00379ebc752e.txt"], 2)
    assert (p.code, p.name, p.budget, p.fiscal_funds) == ("13030024P00004410002T", "工信业务工作经费", 40.0, 40.0)
    assert p.purpose == "用于工信局办公等日常支出。"
    assert p.spend_plan == [("3月底", "25%"), ("6月底", "50%"), ("10月底", "75%"), ("12月底", "100%")]
    assert "<p>" not in p.goal and "</p>" not in p.goal
    assert p.goal.startswith("1.通过开展下乡、下企业调研") and len(p.goal.splitlines()) == 3


def test_spend_plan_checkpoint_with_value_in_one_cell(seeds):
    p = project(seeds["001_ac4016ef80131bfd.txt"], 1)
    assert p.spend_plan[-1] == ("12月底", "100%")


def test_project_code_label_variant(seeds):
    # 项目编号 instead of 项目编码
    assert project(seeds["001_ac4016ef80131bfd.txt"], 2).code == "13030624P000011100023"


def test_indicator_line_points_at_the_source(seeds):
    row = project(seeds["000_8a1b00379ebc752e.txt"], 1).indicators[0]
    lines = (EXAMPLES / "000_8a1b00379ebc752e.txt").read_text(encoding="utf-8").split("\n")
    assert lines[row.line - 1].startswith("产出指标\t数量指标\t系统维护数量")


# --------------------------------------------------------------------------- encodings and line ends


def test_gbk_input_gives_the_same_rows(tmp_path, seeds):
    name = "000_8a1b00379ebc752e.txt"
    data = (EXAMPLES / name).read_text(encoding="utf-8").encode("gb18030")
    dept = load_bytes(tmp_path, name, data)
    assert rows_of(dept) == rows_of(seeds[name])
    assert dept.name == "秦皇岛市工业和信息化局"


def test_crlf_and_bom_give_the_same_rows(tmp_path, seeds):
    name = "002_9f400b94fd3b1d9f.txt"
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    dept = load_bytes(tmp_path, name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert rows_of(dept) == rows_of(seeds[name])


# --------------------------------------------------------------------------- pipe tables


def to_pipe(text: str) -> str:
    """Rewrite a tab layout as markdown pipe tables (a separator after each table's first row)."""
    out, in_table = [], False
    for line in text.split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            out.append("|" + "|".join(f" {c} " if c.strip() else "" for c in cells) + "|")
            if not in_table:
                out.append("|" + "|".join("---" for _ in cells) + "|")
            in_table = True
        else:
            out.append(line)
            in_table = False
    return "\n".join(out)


def test_pipe_tables_give_the_same_rows(tmp_path, seeds):
    name = "000_8a1b00379ebc752e.txt"
    piped = to_pipe((EXAMPLES / name).read_text(encoding="utf-8"))
    assert "| 产出指标 | 数量指标 |" in piped and "||" in piped
    _, info = text_reader.read(piped.encode("utf-8"), name)
    assert info["layout"] == "pipe"
    assert rows_of(load_bytes(tmp_path, name, piped.encode("utf-8"))) == rows_of(seeds[name])


PIPE_DOC = """\
# 2024年部门预算

101 某市示例局

## 1、示例项目绩效目标表

单位：万元

| 项目编码 | 13000024P000000000001 | 项目名称 | 示例项目 |
|---|---|---|---|
| 预算规模及资金用途 | 预算数 | 12.50 | 其中：财政资金 | 12.50 | 其他资金 |
| 绩效目标 | <p>1.完成示例工作</p><p>2.服务群众</p> |

| 一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据 |
|---|---|---|---|---|---|
| 产出指标 | 数量指标 | 培训人数 | 参加培训的人数 | ≥100人 | 工作计划 |
|| 质量指标 | 培训合格率 | 考核合格人数占比 | ≥95% | 工作计划 |
|| 成本指标 | 培训费用 | 全年培训费用 | ≤12.5万元 | 预算 |
| 满意度指标 | 服务对象满意度指标 | 学员满意度 | 学员满意度调查 | ≥90% | 问卷 |
"""


def test_pipe_table_with_empty_merged_cells(tmp_path):
    dept = load_bytes(tmp_path, "pipe.md", PIPE_DOC.encode("utf-8"))
    assert (dept.code, dept.name, dept.year) == ("101", "某市示例局", 2024)
    p = dept.projects[0]
    assert (p.code, p.name, p.budget) == ("13000024P000000000001", "示例项目", 12.5)
    assert p.goal == "1.完成示例工作\n2.服务群众"
    assert [(i.level1, i.level2, i.name) for i in p.indicators] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "培训合格率"),
        ("产出指标", "成本指标", "培训费用"),
        ("满意度指标", "服务对象满意度指标", "学员满意度"),
    ]


# --------------------------------------------------------------------------- header variants


VARIANT_DOC = """\
2025年部门预算
预算年度：2025
202 某县示例中心
1、示例检测项目绩效目标表
单位：元
项目编码\t13000025P000000000002\t项目名称\t示例检测项目
预算规模及资金用途\t预算数\t1,658,000.00\t其中：财政资金\t1,658,000.00\t其他资金\t
年度绩效目标\t完成全年检测任务
一级指标\t二级指标\t三级指标\t指标解释\t指标方向\t年度指标值\t计量单位\t指标值确定依据
产出指标\t数量指标\t检测样品数\t全年检测样品数量\t≥\t500\t批次\t工作计划
\t质量指标\t检测准确率\t检测结果准确的比例\t≥\t95\t%\t行业标准
\t成本指标\t单批次检测费用\t每批次检测费用\t≤\t3316\t元/批次\t预算
满意度指标\t服务对象满意度指标\t委托单位满意度\t委托单位满意度调查\t正向\t≥90%\t\t问卷
"""


def test_header_variants_and_separate_direction_and_unit_columns(tmp_path):
    dept = load_bytes(tmp_path, "variant.txt", VARIANT_DOC.encode("utf-8"))
    assert (dept.code, dept.name, dept.year, dept.unit) == ("202", "某县示例中心", 2025, "元")
    p = dept.projects[0]
    assert p.budget == pytest.approx(165.8)  # 1,658,000 元 → 万元
    assert p.goal == "完成全年检测任务"
    got = [(i.level1, i.level2, i.name, i.description, i.value, i.basis) for i in p.indicators]
    assert got == [
        ("产出指标", "数量指标", "检测样品数", "全年检测样品数量", "≥500批次", "工作计划"),
        ("产出指标", "质量指标", "检测准确率", "检测结果准确的比例", "≥95%", "行业标准"),
        ("产出指标", "成本指标", "单批次检测费用", "每批次检测费用", "≤3316元/批次", "预算"),
        ("满意度指标", "服务对象满意度指标", "委托单位满意度", "委托单位满意度调查", "≥90%", "问卷"),
    ]
    assert p.indicators[3].direction == "正向"


def test_value_target_header_spelling(tmp_path):
    doc = VARIANT_DOC.replace(
        "指标解释\t指标方向\t年度指标值\t计量单位", "绩效指标描述\t计算符号\t指标值（目标值）\t计量单位"
    )
    p = load_bytes(tmp_path, "variant2.txt", doc.encode("utf-8")).projects[0]
    assert [i.value for i in p.indicators[:2]] == ["≥500批次", "≥95%"]


# --------------------------------------------------------------------------- documents without tables


def test_document_without_target_tables_warns_in_chinese(tmp_path):
    dept = load_bytes(tmp_path, "notes.txt", "部门预算说明\n\n本部门无项目支出。\n".encode())
    assert dept.projects == []
    assert len(dept.warnings) == 1 and "notes.txt" in dept.warnings[0] and "未找到" in dept.warnings[0]


def test_blocks_from_another_reader_parse_the_same_way():
    # what a docx/html reader hands over: one Block per table row, merged cells repeated
    blocks = [
        Block(["101 某市示例局"], 1),
        Block(["单位：万元"], 2),
        Block(["项目编码", "P1", "P1", "项目名称", "示例", "示例"], 3, 1),
        Block(["预算规模及资金用途", "预算数", "8", "其中：财政资金", "8", "其他资金"], 4, 1),
        Block(["绩效目标", "完成任务", "完成任务", "完成任务"], 5, 1),
        Block(["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"], 6, 1),
        Block(["产出指标", "数量指标", "场次", "活动场次", "≥3场", "计划"], 7, 1),
        Block(["产出指标", "时效指标", "完成时间", "完成时间", "12月底前", "计划"], 8, 1),
    ]
    dept = parse_blocks(blocks, source="x.docx", path="x.docx", info={"format": "docx"})
    p = dept.projects[0]
    assert (p.code, p.name, p.budget, p.goal) == ("P1", "示例", 8.0, "完成任务")
    assert [i.name for i in p.indicators] == ["场次", "完成时间"]


def test_unreadable_bytes_raise_input_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(bytes(range(1, 32)) * 50)
    with pytest.raises(InputError) as err:
        load(path)
    assert "bad.txt" in str(err.value)


ROBUST_DOC = """\
部门整体绩效目标表
一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据
产出指标\t数量指标\t部门整体指标\t不属于任何项目\t≥1项\t计划

项目支出绩效目标表
项目编码\t13000024P000000000003\t项目名称（全称）\t序号列项目
资金总额（元）\t88000\t资金用途\t购置设备
序号\t一级指标\t二级指标\t三级指标\t指标值\t备注
1\t产出指标\t数量指标\t设备数量\t2台\t
2\t\t质量指标\t验收合格率\t100%\t
"""


def test_department_table_read_on_its_own_and_unnamed_columns_not_borrowed(tmp_path):
    dept = load_bytes(tmp_path, "robust.txt", ROBUST_DOC.encode("utf-8"))
    assert len(dept.projects) == 2  # the 部门整体 table is a table of its own, named by its title
    whole, p = dept.projects
    assert whole.name == "部门整体" and [i.name for i in whole.indicators] == ["部门整体指标"]
    assert (p.code, p.name, p.budget, p.purpose) == ("13000024P000000000003", "序号列项目", 8.8, "购置设备")
    assert [(i.level1, i.level2, i.name, i.value) for i in p.indicators] == [
        ("产出指标", "数量指标", "设备数量", "2台"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
    ]


def test_pipe_cell_line_breaks(tmp_path):
    doc = PIPE_DOC.replace("| 学员满意度调查 |", "| 学员满意度<br>调查 |")
    p = load_bytes(tmp_path, "br.md", doc.encode("utf-8")).projects[0]
    assert p.indicators[-1].description == "学员满意度\n调查"


def test_page_break_repeating_merged_cells_still_joins(tmp_path):
    text = (EXAMPLES / "000_8a1b00379ebc752e.txt").read_text(encoding="utf-8")
    cut = "\t\t\t数(或功能)/设备总(功能)数×100%\t\t"
    assert cut in text
    text = text.replace(cut, "效益指标\t社会效益指标\t\t数(或功能)/设备总(功能)数×100%\t\t")
    p = load_bytes(tmp_path, "repeat.txt", text.encode("utf-8")).projects[0]
    assert len(p.indicators) == 9
    assert p.indicators[7].description.endswith("使用台数(或功能)/设备总(功能)数×100%")


def test_labels_with_inline_values():
    blocks = [
        Block(["1、示例项目绩效目标表"], 1),
        Block(["项目名称：示例项目", "项目编码：P9"], 2, 1),
        Block(["预算数（万元）：12.3", "资金用途：购置设备"], 3, 1),
        Block(["一级指标", "二级指标", "三级指标", "指标值"], 4, 1),
        Block(["产出指标", "数量指标", "设备数量", "2台"], 5, 1),
    ]
    p = parse_blocks(blocks, source="inline.xlsx").projects[0]
    assert (p.code, p.name, p.budget, p.purpose) == ("P9", "示例项目", 12.3, "购置设备")
    assert [(i.name, i.value) for i in p.indicators] == [("设备数量", "2台")]


def test_project_labels_written_as_paragraphs(tmp_path):
    doc = (
        "2024年部门预算\n101 某市示例局\n1、示例项目绩效目标表\n项目名称：示例项目\n项目编码：P7\n"
        "预算数：5.5\n绩效目标：完成示例工作\n"
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\n"
        "产出指标\t数量指标\t活动场次\t全年活动场次\t≥3场\t计划\n"
    )
    p = load_bytes(tmp_path, "para.txt", doc.encode("utf-8")).projects[0]
    assert (p.code, p.name, p.budget, p.goal) == ("P7", "示例项目", 5.5, "完成示例工作")
    assert [i.name for i in p.indicators] == ["活动场次"]


def test_markdown_bold_labels(tmp_path):
    doc = PIPE_DOC.replace("| 项目编码 |", "| **项目编码** |").replace("| 培训人数 |", "| **培训人数** |")
    p = load_bytes(tmp_path, "bold.md", doc.encode("utf-8")).projects[0]
    assert p.code == "13000024P000000000001" and p.indicators[0].name == "培训人数"


def test_department_name_from_cover_title_when_no_code_line(tmp_path):
    doc = PIPE_DOC.replace("# 2024年部门预算\n\n101 某市示例局\n", "# 某市示例局2024年部门预算\n")
    dept = load_bytes(tmp_path, "cover.md", doc.encode("utf-8"))
    assert (dept.code, dept.name, dept.year) == ("", "某市示例局", 2024)


def test_word_layout_heading_right_after_the_last_row(tmp_path):
    name = "002_9f400b94fd3b1d9f.txt"
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    cut = "\t秦财企[2024]686号\n\n\n\n[bookmark: _Toc_3_3_0000000017]八、政府采购预算情况"
    assert cut in text
    text = text.replace(cut, "\t秦财企[2024]686号\n[bookmark: _Toc_3_3_0000000017]八、政府采购预算情况")
    p = load_bytes(tmp_path, name, text.encode("utf-8")).projects[-1]
    assert p.indicators[-1].basis == "秦财企[2024]686号"


def test_header_wrapped_onto_two_lines(tmp_path):
    text = (EXAMPLES / "000_8a1b00379ebc752e.txt").read_text(encoding="utf-8")
    header = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\t\n产出指标\t数量指标\t下乡"
    assert header in text
    text = text.replace(
        header,
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定\t\n\t\t\t\t\t依据\t\n产出指标\t数量指标\t下乡",
    )
    p = load_bytes(tmp_path, "wrapped.txt", text.encode("utf-8")).projects[1]
    assert len(p.indicators) == 7 and p.indicators[0].basis == "工作计划"


def test_level1_from_the_official_frame_when_the_column_is_missing(tmp_path):
    doc = PIPE_DOC.replace("| 一级指标 | 二级指标 |", "| 二级指标 |").replace(
        "|---|---|---|---|---|---|", "|---|---|---|---|---|"
    )
    doc = doc.replace("| 产出指标 | 数量指标 |", "| 数量指标 |").replace("|| 质量指标 |", "| 质量指标 |")
    doc = doc.replace("|| 成本指标 |", "| 成本指标 |").replace(
        "| 满意度指标 | 服务对象满意度指标 |", "| 服务对象满意度指标 |"
    )
    p = load_bytes(tmp_path, "frame.md", doc.encode("utf-8")).projects[0]
    assert [(i.level1, i.level2) for i in p.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "成本指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_year_from_a_target_table_title_when_nothing_else_names_it():
    blocks = [
        Block(["项目支出绩效目标表（2023年度）"], 1),
        Block(["项目名称", "示例"], 2, 1),
        Block(["一级指标", "二级指标", "三级指标", "指标值"], 3, 1),
        Block(["产出指标", "数量指标", "场次", "≥3场"], 4, 1),
    ]
    dept = parse_blocks(blocks, source="year.xlsx")
    assert dept.year == 2023 and dept.projects[0].name == "示例"


def test_goal_lines_outside_the_table_row_are_kept(tmp_path):
    text = (EXAMPLES / "000_8a1b00379ebc752e.txt").read_text(encoding="utf-8")
    cut = "1.保障 10 名事转企单位离退休人员合法权益，维护社会稳定。 2.保障"
    assert cut in text
    text = text.replace(cut, "1.保障 10 名事转企单位离退休人员合法权益，维护社会稳定。\n2.保障")
    dept = load_bytes(tmp_path, "goal.txt", text.encode("utf-8"))
    p = dept.projects[4]
    assert p.goal.splitlines()[-1].startswith("2.保障事转企单位离退休人员基本生活水平。")
    assert rows_of(dept) == rows_of(load(EXAMPLES / "000_8a1b00379ebc752e.txt"))
