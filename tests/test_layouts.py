"""Layout families of published 绩效目标表 text: the synthetic catalog (../shared/layouts, when
present) and documents generated here with other content in the same structures (education,
health, agriculture, civil affairs, water, culture), each read back row by row."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.parse import parse_blocks
from auditor.read.text import read as read_text

ROOT = Path(__file__).resolve().parent.parent
CATALOG = next(
    (p for p in (ROOT.parent / "shared" / "layouts", Path("/work/shared/layouts")) if (p / "gold.csv").is_file()),
    None,
)
PUNCT = re.compile(r"[\s()（）:：、,，.。;；\"“”'‘’|*★\-—_\[\]【】]+")


def key(text: str) -> str:
    return PUNCT.sub("", text or "").replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤")


def read(text: str, name: str = "doc.txt"):
    blocks, info = read_text(text.encode("utf-8"), name)
    return parse_blocks(blocks, source=name, info=info), info


def rows(dept) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.value) for p in dept.projects for i in p.indicators]


# --------------------------------------------------------------------------- the catalog

FAMILIES = [f"{n:02d}" for n in range(1, 23)]  # the families with cell delimiters (23–31: textsplit)


@pytest.mark.skipif(CATALOG is None, reason="the layout catalog (../shared/layouts) is not here")
@pytest.mark.parametrize("family", FAMILIES)
def test_catalog_family_reads_every_gold_row(family):
    path = next(CATALOG.glob(f"{family}-*"))
    gold = [r for r in csv.DictReader(open(CATALOG / "gold.csv", encoding="utf-8-sig")) if r["file"] == path.name]
    blocks, info = read_text(path.read_bytes(), path.name)
    got = [i for p in parse_blocks(blocks, source=path.name, info=info).projects for i in p.indicators]
    names = {key(i.name): i for i in got}
    missing = [g["name"] for g in gold if key(g["name"]) not in names]
    assert not missing, missing
    assert len(got) <= len(gold) + 1  # no invented rows (one spare for a fragment the gold leaves out)
    wrong = [
        (g["name"], g["value"], names[key(g["name"])].value)
        for g in gold
        if key(names[key(g["name"])].value) != key(g["value"])
    ]
    assert len(wrong) <= 1, wrong
    level2 = [
        (g["name"], g["level2"])
        for g in gold
        if key(names[key(g["name"])].level2).removesuffix("指标") != key(g["level2"]).removesuffix("指标")
        and "(" not in g["level2"]
    ]
    assert len(level2) <= 1, level2


# --------------------------------------------------------------------------- generated documents

SECTORS = {
    "education": (
        "县教育局",
        "义务教育学校课桌椅更新",
        "86.5",
        [
            ("产出指标", "数量指标", "更新课桌椅套数", "≥", "1200", "套"),
            ("产出指标", "质量指标", "产品验收合格率", "=", "100", "%"),
            ("产出指标", "时效指标", "更新完成时间", "", "2025年8月底前", ""),
            ("效益指标", "社会效益指标", "学生学习环境", "", "明显改善", ""),
            ("满意度指标", "服务对象满意度指标", "师生满意度", "≥", "90", "%"),
        ],
    ),
    "health": (
        "市卫生健康委",
        "老年人健康体检补助",
        "240",
        [
            ("产出指标", "数量指标", "完成老年人体检人数", "≥", "18000", "人"),
            ("产出指标", "成本指标", "人均体检补助标准", "≤", "120", "元"),
            ("效益指标", "社会效益指标", "慢性病早发现率", "", "逐年提高", ""),
            ("效益指标", "可持续影响指标", "健康档案动态管理", "", "长期", ""),
            ("满意度指标", "服务对象满意度指标", "受检老人满意度", "≥", "92", "%"),
        ],
    ),
    "agriculture": (
        "区农业农村局",
        "高标准农田建后管护",
        "65",
        [
            ("产出指标", "数量指标", "管护农田面积", "≥", "3.2", "万亩"),
            ("产出指标", "质量指标", "设施完好率", "≥", "95", "%"),
            ("效益指标", "经济效益指标", "亩均增产", "≥", "50", "公斤"),
            ("满意度指标", "服务对象满意度指标", "种植户满意度", "≥", "90", "%"),
        ],
    ),
    "civil": (
        "县民政局",
        "特困人员救助供养",
        "312",
        [
            ("产出指标", "数量指标", "供养特困人员人数", "=", "860", "人"),
            ("产出指标", "时效指标", "供养金按月发放", "", "每月10日前", ""),
            ("效益指标", "社会效益指标", "基本生活保障", "", "有效保障", ""),
            ("满意度指标", "服务对象满意度指标", "供养对象满意度", "≥", "95", "%"),
        ],
    ),
    "water": (
        "县水务局",
        "山洪灾害防治运维",
        "48",
        [
            ("产出指标", "数量指标", "监测站点运维个数", "≥", "36", "个"),
            ("产出指标", "质量指标", "设备在线率", "≥", "98", "%"),
            ("效益指标", "社会效益指标", "预警信息发布及时率", "=", "100", "%"),
            ("满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥", "90", "%"),
        ],
    ),
    "culture": (
        "区文化旅游局",
        "公共图书馆免费开放",
        "37.2",
        [
            ("产出指标", "数量指标", "开放天数", "≥", "300", "天"),
            ("产出指标", "数量指标", "举办阅读推广活动", "≥", "24", "场"),
            ("效益指标", "社会效益指标", "到馆读者人次", "≥", "8", "万人次"),
            ("满意度指标", "服务对象满意度指标", "读者满意度", "≥", "93", "%"),
        ],
    ),
}


def expected(indicators) -> list[tuple[str, str, str, str]]:
    return [(l1, l2, name, sign + number + unit) for l1, l2, name, sign, number, unit in indicators]


def merged(indicators):
    """Rows as a merged table prints them: 一级/二级 only on the first row of their span."""
    last1 = last2 = None
    for l1, l2, name, sign, number, unit in indicators:
        yield (l1 if l1 != last1 else ""), (l2 if (l1, l2) != (last1, last2) else ""), name, sign + number + unit
        last1, last2 = l1, l2


def padded(unit, project, budget, indicators) -> str:
    """Padded pipe rows: empty cells dropped and counted as bars at the end (a | b | ||||)."""
    width = 6
    lines = [
        "项目支出绩效目标表 | |||||",
        "(2025年度) | |||||",
        f"项目名称 | {project} | ||||",
        f"主管部门及代码 | [101]{unit} | 实施单位 | {unit} | ||",
        f"项目资金 (万元) | 年度资金总额: | {budget} | |||",
        "绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | |",
    ]
    for cells in merged(indicators):
        kept = [c for c in cells if c]
        lines.append(" | ".join(kept) + " | " + "|" * (width - len(kept)))
    return "\n".join(lines) + "\n"


def bar_cells(unit, project, budget, indicators) -> str:
    """One cell a line ending in a bar, each row closed by a line of padding bars."""
    out = [
        "项目支出绩效目标表 |",
        "||||||",
        "项目名称 |",
        f"{project} |",
        "|||||",
        "年度资金总额: |",
        f"{budget} |",
        "|||||",
        "绩\n效\n指\n标 |",
        "一级\n指标 |",
        "二级指标 |",
        "三级指标 |",
        "指标值 |",
        "||",
    ]
    for cells in merged(indicators):
        kept = [c for c in cells if c]
        out += [f"{c} |" for c in kept] + ["|" * (6 - len(kept))]
    return "\n".join(out) + "\n"


def separator_cells(unit, project, budget, indicators) -> str:
    """One cell a line with a line holding | after each cell; no row boundaries at all."""
    cells = [
        "项目名称",
        project,
        "主管部门",
        unit,
        "年度资金总额",
        budget,
        "一级 指标",
        "二级指标",
        "三级指标",
        "指标值",
    ]
    for row in merged(indicators):
        cells += [c for c in row if c]
    return "项目支出绩效目标申报表\n(2025 年度)\n" + "".join(f"{c}\n|\n" for c in cells)


def blank_cells(unit, project, budget, indicators) -> str:
    """Blank-line cells, 一级 repeated on every row, 长期 and 年度 column pairs (长期 left empty)."""
    cells = [
        "项目支出绩效目标表",
        "项目名称",
        project,
        "主管部门",
        "及编码",
        f"[031]{unit}",
        "当年资金总额:",
        budget + "万元",
        "一级指标",
        "二级指标(长期)",
        "三级指标(长期)",
        "指标值(长期)",
        "二级指标(年度)",
        "三级指标(年度)",
        "指标值(年度)",
    ]
    for l1, l2, name, sign, number, unit_ in indicators:
        cells += [l1, l2, " ", " ", l2, name, sign + number + unit_]
    return "\n\n".join(cells) + "\n"


def indented(unit, project, budget, indicators) -> str:
    """A report's table: a row starts at column 0, the other cells are indented | lines."""
    out = [f"{unit}2025年度{project}绩效自评报告", "一、基本情况", "(三)绩效目标。", "绩效", "       指标"]
    out += [f"        | {h}" for h in ("一级指标", "二级指标", "三级指标", "指标值")] + ["        | "]
    for first, *rest in ([c for c in row if c] for row in merged(indicators)):
        out += [first] + [f"        | {c}" for c in rest] + ["        | |"]
    return "\n".join(out) + "\n"


def sign_unit_columns(unit, project, budget, indicators) -> str:
    """Separate 指标方向 / 指标值 / 计量单位 columns, unit first, as padded pipe rows."""
    lines = [
        f"项目名称 | {project} | |||||",
        f"预算单位: | {unit} | 金额单位:万元 | ||||",
        "一级指标 | 二级指标 | 三级指标 | 计量单位 | 指标性质 | 指标值 | 权重 |",
    ]
    last = (None, None)
    for l1, l2, name, sign, number, unit_ in indicators:
        first = [l1, l2] if (l1, l2) != last and l1 != last[0] else ([l2] if (l1, l2) != last else [])
        cells = [*first, name, unit_, sign or "定性", number, "10"]
        lines.append(" | ".join(c for c in cells if c) + " | ||")
        last = (l1, l2)
    return "\n".join(lines) + "\n"


RENDER = {
    "padded pipe rows": (padded, "padded"),
    "one cell a line, padding lines": (bar_cells, "bar cells"),
    "one cell a line, bar lines between": (separator_cells, "bar cells"),
    "indented bar cells": (indented, "indented bar cells"),
    "blank-line cells, 长期/年度 pairs": (blank_cells, "blank-line cells"),
    "sign / value / unit columns": (sign_unit_columns, "padded"),
}


@pytest.mark.parametrize("sector", sorted(SECTORS))
@pytest.mark.parametrize("family", sorted(RENDER))
def test_generated_documents_read_back(family, sector):
    unit, project, budget, indicators = SECTORS[sector]
    render, layout = RENDER[family]
    dept, info = read(render(unit, project, budget, indicators))
    assert info["layout"] == layout
    assert len(dept.projects) == 1
    assert rows(dept) == expected(indicators)
    if family != "sign / value / unit columns":
        assert dept.projects[0].name == project or project in dept.projects[0].name


def test_midterm_and_annual_sets_give_the_annual_one():
    text = (
        "项目名称 | 河道保洁 | |||||\n中期资金总额: | 90.00 | 年度资金总额: | 30.00 | |||\n"
        "总 体 目 标 |\n中期目标(2025年—2027年) | 年度目标 | |||||\n"
        "三年内完成全县主要河道常态化保洁。 |\n全年保洁河道40公里，巡查120次。 |\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 |\n"
        "产出指标 | 数量指标 | 保洁河道长度 | ≥120公里 | 数量指标 | 保洁河道长度 | ≥40公里 |\n"
        "河道巡查次数 | ≥360次 | 河道巡查次数 | ≥120次 | |||\n"
        "满意度指标 | 服务对象满意度指标 | 沿河居民满意度 | ≥88% | 服务对象满意度指标 | 沿河居民满意度 | ≥90% |\n"
    )
    dept, _ = read(text)
    project = dept.projects[0]
    assert project.budget == 30.0  # the annual amount, not the 中期 total
    assert project.goal == "全年保洁河道40公里，巡查120次。"  # the 年度 goal, not the 中期 one
    assert [(i.name, i.value) for i in project.indicators] == [
        ("保洁河道长度", "≥40公里"),
        ("河道巡查次数", "≥120次"),
        ("沿河居民满意度", "≥90%"),
    ]


def test_self_evaluation_keeps_target_actual_weight_and_score_apart():
    text = (
        "项目支出绩效自评表 | ||||||||\n项目名称 | 乡村学校少年宫运行 | |||||||\n"
        "绩效指标 | 一级 指标 |\n二级指标 | 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 | 未完成原因及拟采取的改进措施 | ||\n"
        "产 出 指 标 (50分) |\n数量指标 | 开展活动场次 | 20 | 120场 | 116场 | 18 | 雨季停课4次 | ||\n"
        "其中周末活动场次 | 60场 | 58场 | ||||||\n"
        "满 意 度 指 标 (10分) |\n服务对象满意度 指标 |\n学生满意度 | 10 | ≥90% | 95% | 10 | ||||\n"
    )
    dept, _ = read(text)
    got = dept.projects[0].indicators
    assert [(i.level1, i.level2, i.name, i.value) for i in got] == [
        ("产出指标", "数量指标", "开展活动场次", "120场"),
        ("产出指标", "数量指标", "其中周末活动场次", "60场"),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "≥90%"),
    ]
    first, sub, last = got
    assert (first.weight, first.actual, first.score, first.deviation) == ("20", "116场", "18", "雨季停课4次")
    assert (sub.weight, sub.actual, sub.score) == ("(50分)", "58场", "")  # the level label's weight
    assert (last.actual, last.score) == ("95%", "10")


def test_level_notes_weights_and_inferred_level1():
    text = (
        "项目名称 | 农机购置补贴 | ||||\n一级指标 | 二级指标 | 三级指标 | 指标值 | ||\n"
        "产出指标 (40-50)分 |\n数量指标 (必填硬性指标) | 补贴机具台数 | 320台 | ||\n"
        "社会效益 指标 (选填) | 带动农户户数 | ≥500户 | ||\n"
    )
    dept, _ = read(text)
    first, second = dept.projects[0].indicators
    assert (first.level1, first.level2, first.level_note, first.weight) == (
        "产出指标",
        "数量指标",
        "(必填硬性指标)",
        "(40-50)分",
    )
    assert (second.level1, second.level2, second.level_note) == (
        "效益指标",
        "社会效益指标",
        "(选填)",
    )  # 一级 from the frame


def test_a_row_without_cell_boundaries_never_invents_rows():
    text = "项目名称 | 示例 | ||\n一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标数量指标培训人次≥300人次\n"
    dept, _ = read(text)
    assert rows(dept) == []


# --------------------------------------------------------------------------- exports and inspect

EXPORT = (
    "单位编码,单位名称,项目编码,项目名称,预算数(元),一级指标,二级指标,三级指标,指标方向,指标值,计量单位\n"
    '401001,县文化馆,P01,非遗传承展演,"560,000.00",产出指标,数量指标,展演场次,≥,12,场\n'
    '401001,县文化馆,P01,非遗传承展演,"560,000.00",满意度指标,服务对象满意度指标,观众满意度,≥,90,%\n'
    "402003,县疾控中心,P07,学校传染病防控,300000,产出指标,数量指标,覆盖学校数,=,46,所\n"
)


def test_budget_system_export_csv_and_xlsx_end_to_end(tmp_path):
    from openpyxl import Workbook

    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    book = Workbook()
    for row in csv.reader(EXPORT.splitlines()):
        book.active.append(row)
    book.save(tmp_path / "export.xlsx")
    for name in ("export.csv", "export.xlsx"):
        out = tmp_path / f"{name}.rows.csv"
        result = CliRunner().invoke(
            main, ["extract", str(tmp_path / name), "--format", "csv", "-o", str(out), "--quiet"]
        )
        assert result.exit_code == 0, result.output
        got = list(csv.DictReader(open(out, encoding="utf-8-sig")))
        assert [(r["project"], r["budget"], r["name"], r["value"]) for r in got] == [
            ("非遗传承展演", "56.0", "展演场次", "≥12场"),
            ("非遗传承展演", "56.0", "观众满意度", "≥90%"),
            ("学校传染病防控", "30.0", "覆盖学校数", "'=46所"),  # formula-safe CSV: apostrophe first (OWASP)
        ]
        assert [r["project_code"] for r in got] == ["P01", "P01", "P07"]


def test_inspect_shows_roles_rows_and_reasons(tmp_path):
    unit, project, budget, indicators = SECTORS["water"]
    path = tmp_path / "water.md"
    path.write_text(padded(unit, project, budget, indicators) + "填表人: 某某 | 联系电话: 0000 |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "版式 padded" in out
    assert "三级指标 → 三级指标" in out and "绩效指标 → （跨列标题）" in out
    assert f"项目 1「{project}」" in out and "预算 48 万元" in out
    assert "[第 7 行] 产出指标 / 数量指标 / 监测站点运维个数 = ≥36个" in out
    assert "表尾" in out


def test_inspect_names_a_table_it_could_not_read(tmp_path):
    path = tmp_path / "orphan.txt"
    path.write_text("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t300人次\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0
    assert "无法确定所属项目" in result.output and "未找到项目支出绩效目标表" in result.output
