"""Text whose cell delimiters are lost (auditor/read/split): space-separated previews, glued cells,
indicators written as sentences. Checked on the Blocks the text reader hands the parser — a header
of plain column names and full-width rows — for documents written in the catalog's structures with
other sectors' content, and on the catalog documents themselves when they are present."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from auditor.read import split
from auditor.read.split import glued, words
from auditor.read.split.spaced import mend_lines, tokens_of
from auditor.read.text import read

LAYOUTS = Path("/work/shared/layouts")
PUNCT = re.compile(r"[\s()（）:：、,，.。;；\"“”'‘’|*★\-—_\[\]【】]+")


def rows(text: str) -> list[dict[str, str]]:
    """The indicator rows of the split tables: one dict per row, keyed by the written header."""
    blocks, _ = read(text.encode("utf-8"), "doc.txt")
    out: list[dict[str, str]] = []
    header: list[str] | None = None
    table = None
    for block in blocks:
        if block.table is None:
            continue
        if block.cells[:3] == ["一级指标", "二级指标", "三级指标"]:
            header, table = block.cells, block.table
        elif header and block.table == table and len(block.cells) == len(header):
            out.append(dict(zip(header, block.cells, strict=True)))
    return out


def table(found: list[dict[str, str]], *keys: str) -> list[tuple[str, ...]]:
    return [tuple(row.get(k, "") for k in keys) for row in found]


# ----------------------------------------------------------------------------- space-separated rows

SPREADSHEET = """\
单位:元
项目名称 项目单位 项目类别 预算数 年度绩效目标 一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值
乡村教师培训经费 301002-河湾县教育局 22-专项业务项目 1,260,000.00 完成乡村教师全员轮训,提升课堂教学能力。 产出指标(50分) 数量指标 培训乡村教师人数 正向 大于等于 800 人 20
质量指标 培训考核合格率 正向 大于等于 95 % 15
效益指标(30分) 社会效益 乡村课堂教学质量 定性
稳步提高
20
成本指标 人均培训成本 反向 小于等于 1500 元 15
满意度指标(10分) 服务对象满意度 参训教师满意度 正向 大于等于 90 % 10
"""


def test_spreadsheet_rows_are_placed_by_what_the_cells_are():
    found = rows(SPREADSHEET)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值", "分值") == [
        ("产出指标(50分)", "数量指标", "培训乡村教师人数", "大于等于800人", "20"),
        ("产出指标(50分)", "质量指标", "培训考核合格率", "大于等于95%", "15"),
        ("效益指标(30分)", "社会效益", "乡村课堂教学质量", "稳步提高", "20"),  # value and weight wrapped
        ("效益指标(30分)", "成本指标", "人均培训成本", "小于等于1500元", "15"),
        ("满意度指标(10分)", "服务对象满意度", "参训教师满意度", "大于等于90%", "10"),
    ]
    assert [r["指标性质"] for r in found] == ["正向", "正向", "定性", "反向", "正向"]


def test_spreadsheet_project_columns_become_project_facts():
    blocks, _ = read(SPREADSHEET.encode(), "doc.txt")
    facts = {b.cells[0]: b.cells[1] for b in blocks if b.table is not None and len(b.cells) == 2}
    assert facts["项目名称"] == "乡村教师培训经费"
    assert facts["预算数"] == "1,260,000.00"
    assert facts["单位名称"] == "301002-河湾县教育局"


SELF_EVALUATION = """\
中央财政水利发展资金区域绩效目标自评表
单位名称 河湾县水利局 联系人及电话 孟清和,13700001234
一级
指标
二级指标 三级指标 指标值 完成值



数量指标 指标1.新建灌溉渠道长度 ≥12公里 12.6公里
指标2.清淤塘坝座数 ≥30 32
质量指标 指标1.工程验收合格率 100% 100%
指标2.渠系水利用系数
时效指标 工程完工时间 2023年底 2023年底
效益指标 社会效益
指标
指标1.受益农户数 ≥1500户 1620户
可持续影响指标 指标1.工程长效管护机制 持续完善 持续完善
满意度指标 服务对象满意度指标 指标1.受益群众满意度 ≥90% 94%

农村饮水工程维修养护资金绩效自评表
绩 效 指 标 一级指标 二级指标 三级指标 年度指标值 全年完成值 分值 得分 未完成原因和改进措施
产
出
指
标 数量指标 维修养护供水工程处数 ≥40处 41处 20 20
时效指标 维修资金拨付时间 2024年6月底前 2024年7月 10 8 审批流程延后
效
益
指
标 社会效益
指标 保障农村人口饮水安全 ≥3.2万人 3.3万人 20 20
满
意
度
指
标 服务对象满意度
指标 供水群众满意度 ≥90% 92% 10 10
"""


def test_vertical_and_split_labels_and_missing_level1():
    found = rows(SELF_EVALUATION)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值") == [
        ("产出指标", "数量指标", "指标1.新建灌溉渠道长度", "≥12公里"),  # no 一级 given: from the frame
        ("产出指标", "数量指标", "指标2.清淤塘坝座数", "≥30"),
        ("产出指标", "质量指标", "指标1.工程验收合格率", "100%"),
        ("产出指标", "质量指标", "指标2.渠系水利用系数", ""),  # listed, no value
        ("产出指标", "时效指标", "工程完工时间", "2023年底"),
        ("效益指标", "社会效益指标", "指标1.受益农户数", "≥1500户"),  # 社会效益 / 指标 joined
        ("效益指标", "可持续影响指标", "指标1.工程长效管护机制", "持续完善"),
        ("满意度指标", "服务对象满意度指标", "指标1.受益群众满意度", "≥90%"),
        ("产出指标", "数量指标", "维修养护供水工程处数", "≥40处"),  # 产/出/指/标 one character a line
        ("产出指标", "时效指标", "维修资金拨付时间", "2024年6月底前"),
        ("效益指标", "社会效益指标", "保障农村人口饮水安全", "≥3.2万人"),
        ("满意度指标", "服务对象满意度指标", "供水群众满意度", "≥90%"),
    ]
    assert table(found[-3:-2], "实际完成值", "分值", "得分", "偏差原因") == [("2024年7月", "10", "8", "审批流程延后")]


def test_split_labels_and_trailing_spaces_in_a_target_table():
    text = """\
项目支出绩效目标申报表
项目名称 非遗传承展演活动经费
绩效指标 一级指标 二级指标 三级指标 指标值(包含数字及文字描述) 备注
绩效指标 项目完成
指标
数量指标 举办非遗展演场次(≥**场) >=24场~~
质量指标 展演活动安全事故 0起~~
时效指标 资金拨付 活动结束后支付~~
项目效益
指标
社会效益
指标
传承和弘扬优秀传统文化,丰富群众精神文化生活 明显提升~~
满意度指标 满意度指标 观众满意度(≥**%) >=90%~~
文化馆审核意见 (盖章)
""".replace("~~", "  ")  # empty 备注 cells: trailing double spaces
    found = rows(text)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值") == [
        ("项目完成指标", "数量指标", "举办非遗展演场次(≥**场)", ">=24场"),
        ("项目完成指标", "质量指标", "展演活动安全事故", "0起"),
        ("项目完成指标", "时效指标", "资金拨付", "活动结束后支付"),
        ("项目效益指标", "社会效益指标", "传承和弘扬优秀传统文化,丰富群众精神文化生活", "明显提升"),
        ("满意度指标", "满意度指标", "观众满意度(≥**%)", ">=90%"),
    ]


def test_a_whole_table_on_one_line():
    text = (
        "张敏 mb2020 1 2022-01-01T00:00:00Z False False 项目支出绩效自评表 (2023年度) 项目名称 村卫生室运行补助"
        " 主管部门 402-河湾县卫生健康局 绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分"
        " 偏差原因分析及改进措施 产出指标(50分) 数量指标 补助村卫生室个数 ≥48个 48 10 10 质量指标 乡村医生"
        "在岗率 ≥95% 97 10 10 时效指标 补助资金拨付及时性 按季度拨付 达成预期指标 10 10 效益指标(30分)"
        " 经济效益指标 社会效益指标 群众就医便利程度 明显提高 达成预期指标 15 15 满意度指标(10分) 满意度指标"
        " 村民满意度 ≥90% 93 10 10 总分 100 98"
    )
    found = rows(text)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值", "实际完成值") == [
        ("产出指标(50分)", "数量指标", "补助村卫生室个数", "≥48个", "48"),
        ("产出指标(50分)", "质量指标", "乡村医生在岗率", "≥95%", "97"),
        ("产出指标(50分)", "时效指标", "补助资金拨付及时性", "按季度拨付", "达成预期指标"),
        ("效益指标(30分)", "社会效益指标", "群众就医便利程度", "明显提高", "达成预期指标"),  # empty 经济效益 dropped
        ("满意度指标(10分)", "满意度指标", "村民满意度", "≥90%", "93"),
    ]


def test_vertical_labels_and_split_fragments_are_joined():
    lines = [
        (1, "产"),
        (2, "出"),
        (3, "指"),
        (4, "标 数量指标 种植面积 ≥300亩"),
        (5, "社会效益"),
        (6, "指标 带动就业 20人"),
    ]
    assert mend_lines(lines) == [
        (4, ["产出指标", "数量指标", "种植面积", "≥300亩"]),
        (5, ["社会效益指标"]),
        (6, ["带动就业", "20人"]),
    ]
    assert tokens_of("绩 效 指 标 一级指标") == ["绩效指标", "一级指标"]


# ----------------------------------------------------------------------------- glued cells

GLUED = """\
2024年河湾县部门整体支出绩效目标表
部门名称河湾县文化馆
年度绩效指标一级指标二级指标三级指标指标值及单位
产出指标数量指标举办公益文化培训班期数24期以上
群众文化活动参与人次3000人次以上
质量指标文化志愿者服务达标率90%以上
时效指标年度活动计划完成时间2024年12月底前
成本指标公用经费控制在预算范围内36.5万元以内
效益指标社会效益指标基层群众文化生活较上年更加丰富
满意度指标服务对象满意度指标参训群众满意度95%以上
"""


def test_glued_rows_are_cut_where_names_end_and_values_begin():
    found = rows(GLUED)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值") == [
        ("产出指标", "数量指标", "举办公益文化培训班期数", "24期以上"),
        ("产出指标", "数量指标", "群众文化活动参与人次", "3000人次以上"),
        ("产出指标", "质量指标", "文化志愿者服务达标率", "90%以上"),
        ("产出指标", "时效指标", "年度活动计划完成时间", "2024年12月底前"),
        ("产出指标", "成本指标", "公用经费控制在预算范围内", "36.5万元以内"),
        ("效益指标", "社会效益指标", "基层群众文化生活", "较上年更加丰富"),
        ("满意度指标", "服务对象满意度指标", "参训群众满意度", "95%以上"),
    ]


def test_glued_scores_and_evaluation_table():
    text = """\
绩效指标一级
指标
二级指标三级指标指标值全年实际完成值未完成原因和改进措施
数量指标改造农村危房户数120户2020

质量指标竣工验收合格率1515
经济效益
指标
减少群众住房修缮支出55
满意度指标服务对象
满意度指标
改造户满意度1010
……
说明
评价指标评价内容指标名称指标说明目标值分值备注
项目年度绩效目标(定量指标)管理指标项目资金管理办法健全与否20
产出数量指标年度改造危房户数达计划数12010
质量指标改造户满意度按入户调查95%以上10
时效指标年度改造任务完成率按期完成100%20
"""
    found = rows(text)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值") == [
        ("产出指标", "数量指标", "改造农村危房户数120户", "20"),  # the value column as printed
        ("产出指标", "质量指标", "竣工验收合格率", "15"),
        ("效益指标", "经济效益指标", "减少群众住房修缮支出", "5"),
        ("满意度指标", "服务对象满意度指标", "改造户满意度", "10"),
        ("项目年度绩效目标(定量指标)", "管理指标", "项目资金管理办法健全与否", ""),
        ("项目年度绩效目标(定量指标)", "产出数量指标", "年度改造危房户数", "120"),
        ("项目年度绩效目标(定量指标)", "质量指标", "改造户满意度", "95%以上"),
        ("项目年度绩效目标(定量指标)", "时效指标", "年度改造任务完成率", "100%"),
    ]
    assert [r["分值"] for r in found[4:]] == ["20", "10", "10", "20"]
    assert found[7]["指标解释"] == "按期完成"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("校舍维修改造面积3000平方米", ("校舍维修改造面积", "3000平方米")),
        ("60岁以上老年人免费体检人次5000人次以上", ("60岁以上老年人免费体检人次", "5000人次以上")),
        ("学生资助资金发放准确率100%", ("学生资助资金发放准确率", "100%")),
        (
            "家庭经济困难学生资助人数本科生800人以上,专科生500人以上",
            ("家庭经济困难学生资助人数", "本科生800人以上,专科生500人以上"),
        ),
        ("农产品抽检零差错率检测合格率≥98%", ("农产品抽检零差错率检测合格率", "≥98%")),
        ("农村人居环境持续改善", ("农村人居环境", "持续改善")),
        ("项目资金管理制度健全与否", ("项目资金管理制度健全与否", "")),
    ],
)
def test_name_and_value_split(text, expected):
    name, _, value = glued.split_name_value(text)
    assert (name, value) == expected


def test_glued_one_line_extract_without_header():
    text = "产出指标数量指标图书借阅册次≥5万册次 30 新增馆藏图书≥8000册 30 效益指标社会效益指标读者到馆人次较上年增长 30 合计100 评价结论良好"
    found = rows(text)
    assert table(found, "二级指标", "三级指标", "指标值", "分值") == [
        ("数量指标", "图书借阅册次", "≥5万册次", "30"),
        ("数量指标", "新增馆藏图书", "≥8000册", "30"),
        ("社会效益指标", "读者到馆人次", "较上年增长", "30"),
    ]


# ----------------------------------------------------------------------------- sentences in a notice

NOTICE = """\
关于河湾镇设施蔬菜大棚建设项目绩效目标的公示
一、 产出指标
数量指标:★新建标准化蔬菜大棚数量(≥**座)>=60座;改造老旧大棚(≥**座)>=20;质量指标:大棚建设验收合格率(≥**%)>=98%。成本指标:每座大棚补助成本(≤**元/座)≤15000/座。
二、 效益指标
经济效益指标:带动种植户增收(≥**万元)≥120万元。生态效益指标:减少化肥农药使用。可持续影响指标,长期受益。
三、 满意度指标
服务对象满意度指标,种植户满意度(≥**%)≥95%。
"""


def test_indicators_written_as_sentences():
    found = rows(NOTICE)
    assert table(found, "一级指标", "二级指标", "三级指标", "指标值") == [
        ("产出指标", "数量指标", "★新建标准化蔬菜大棚数量(≥**座)", ">=60座"),
        ("产出指标", "数量指标", "改造老旧大棚(≥**座)", ">=20"),
        ("产出指标", "质量指标", "大棚建设验收合格率(≥**%)", ">=98%"),
        ("产出指标", "成本指标", "每座大棚补助成本(≤**元/座)", "≤15000/座"),
        ("效益指标", "经济效益指标", "带动种植户增收(≥**万元)", "≥120万元"),
        ("效益指标", "生态效益指标", "", "减少化肥农药使用"),  # a phrase after the label: the value, no name
        ("效益指标", "可持续影响指标", "", "长期受益"),
        ("满意度指标", "服务对象满意度指标", "种植户满意度(≥**%)", "≥95%"),
    ]


# ----------------------------------------------------------------------------- delimited layouts untouched


@pytest.mark.parametrize(
    "text",
    [
        "项目名称\t乡村教师培训\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人数\t800人\n",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|\n| 产出指标 | 数量指标 | 培训人数 | 800人 |\n"
        "| 效益指标 | 社会效益指标 | 教学质量 | 稳步提高 |\n",
    ],
)
def test_delimited_layouts_are_not_taken(text):
    blocks, info = read(text.encode(), "doc.txt")
    assert "split" not in info
    assert split.mend(list(blocks), {}) == blocks


def test_prose_without_indicator_groups_stays_prose():
    text = "产出指标和效益指标已按要求填报。\n数量指标完成情况良好,请各单位知悉。\n"
    blocks, info = read(text.encode(), "doc.txt")
    assert "split" not in info
    assert all(b.table is None for b in blocks)


def test_level_vocabulary():
    assert words.level_kinds("产 出 指 标 (50分)") == {"l1"}
    assert words.level_kinds("满意度指标") == {"l1", "l2"}
    assert words.inferred_level1("可持续影响") == "效益指标"
    assert words.level_kinds("培训人数") == frozenset()


# ----------------------------------------------------------------------------- the catalog


def _norm(text: str) -> str:
    return PUNCT.sub("", text or "").replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤")


CATALOG = ["23", "24", "27", "28", "29", "30", "31"]


@pytest.mark.skipif(not LAYOUTS.is_dir(), reason="the layout catalog is not on this machine")
@pytest.mark.parametrize("prefix", CATALOG)
def test_catalog_documents(prefix):
    path = next(LAYOUTS.glob(f"{prefix}-*"))
    gold = [r for r in csv.DictReader((LAYOUTS / "gold.csv").open(encoding="utf-8")) if r["file"] == path.name]
    found = rows(path.read_text(encoding="utf-8"))
    got = [(_norm(r["三级指标"]), _norm(r["指标值"]), _norm(r["二级指标"])) for r in found]
    want = [(_norm(g["name"]), _norm(g["value"]), _norm(g["level2"])) for g in gold]
    assert got == want


# ----------------------------------------------------------------------------- document-site previews

PREVIEW = (
    "《河湾县教育局2024年度项目绩效自评表.docx》由会员分享,可在线阅读。\n"
    "1、绩效目标自评表(2024年度)项目名称学生营养改善计划补助主管部门河湾县教育局绩效指标一级指标二级指标三级指标"
    "分值年度指标值全年实际值得分未完成原因及拟采取的改进措施产出指标(50分)数量指标指标1受益学生人数10≥5200人"
    "5316人10指标2供餐学校覆盖率5100%100%5质量指标指标1食品安全抽检合格率15≥98%99.2%15时效指标指标1补助资金"
    "拨付及时率10100%100%10成本指标指标1生均每日补助标准105元5元10效益指标(30分)社会效益指标指标1学生营养"
    "状况改善率15≥3%3.6%15可持续影响指标指标1营养餐管理长效机制5持续完善基本完善4加强督导满意度指标(10分)"
    "服务对象满意度指标指标1学生家长满意度10≥90%93%10……总分10097\n"
    "2、部门整体绩效自评表绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
    "义务教育巩固率%≥98109910控辍保学动态清零率%100109810学生资助政策知晓率%≥9510" + "。" * 120 + "\n"
)


def test_flattened_preview_reads_what_it_can_and_warns_about_the_rest():
    blocks, info = read(PREVIEW.encode(), "preview.txt")
    found = rows(PREVIEW)
    assert table(
        [r for r in found if r["一级指标"]], "一级指标", "二级指标", "三级指标", "指标值", "分值", "实际完成值", "得分"
    ) == [
        ("产出指标(50分)", "数量指标", "指标1受益学生人数", "≥5200人", "10", "5316人", "10"),
        ("产出指标(50分)", "数量指标", "指标2供餐学校覆盖率", "100%", "5", "100%", "5"),
        ("产出指标(50分)", "质量指标", "指标1食品安全抽检合格率", "≥98%", "15", "99.2%", "15"),
        ("产出指标(50分)", "时效指标", "指标1补助资金拨付及时率", "100%", "10", "100%", "10"),
        ("产出指标(50分)", "成本指标", "指标1生均每日补助标准", "5元", "10", "5元", "10"),
        ("效益指标(30分)", "社会效益指标", "指标1学生营养状况改善率", "≥3%", "15", "3.6%", "15"),
        ("效益指标(30分)", "可持续影响指标", "指标1营养餐管理长效机制", "持续完善", "5", "基本完善", "4"),
        ("满意度指标(10分)", "服务对象满意度指标", "指标1学生家长满意度", "≥90%", "10", "93%", "10"),
    ]
    # the level-less list runs target, weight, actual and score together: split where only one
    # split makes sense (分值 a multiple of 5, 得分 at most the 分值, 实际 near the target) …
    listed = [r for r in rows(PREVIEW) if not r["一级指标"]]
    assert table(listed, "三级指标", "指标值", "分值", "实际完成值", "得分") == [
        ("义务教育巩固率", "≥98%", "10", "99", "10"),
        ("控辍保学动态清零率", "100%", "10", "98", "10"),
    ]
    # … and a row whose numbers cannot be told apart is not invented but warned about
    assert not any("知晓率" in r["三级指标"] for r in found)
    assert len(info["warnings"]) == 1
    warning = info["warnings"][0]
    assert "preview.txt" in warning and "第3行" in warning and "无法区分单元格" in warning


def test_flattened_preview_without_any_readable_row_only_warns():
    text = "1、" + "项目绩效目标表一级指标二级指标指标内容指标值备注产出指标数量指标92100质量指标92100" * 6 + "\n"
    blocks, info = read(text.encode(), "preview.txt")
    assert rows(text) == []
    assert info["warnings"] and all("无法区分单元格" in w for w in info["warnings"])


def test_reader_warnings_reach_the_department(tmp_path):
    from auditor.pipeline import load

    path = tmp_path / "预览.txt"
    path.write_text(PREVIEW, encoding="utf-8")
    dept = load(path)
    assert any("预览.txt" in w and "无法区分单元格" in w for w in dept.warnings)


def test_flattened_graded_table_keeps_every_grade_in_the_value():
    text = (
        "2、中央财政农机购置补贴预算指标绩效目标表绩效目标确保补贴资金按规定兑付,推进农业机械化。"
        "绩效指标分类绩效指标绩效指标描述绩效指标评价标准评价标准确定依据优良中差"
        "产出指标补贴机具核验率抽查核验的补贴机具占比100%95%90%85%按核验台账评价补贴资金兑付及时率"
        "规定时限内兑付的资金占比100%90%80%80%按资金拨付进度评价效果指标购机农户满意度(%)"
        "抽样回访中表示满意的农户所占比例95%90%80%70%按回访结果评价\n"
    )
    found = rows(text)
    assert table(found, "一级指标", "三级指标", "指标值") == [
        ("产出指标", "补贴机具核验率", "100%(优)/95%(良)/90%(中)/85%(差)"),
        ("产出指标", "补贴资金兑付及时率", "100%(优)/90%(良)/80%(中)/80%(差)"),
        ("效果指标", "购机农户满意度(%)", "95%(优)/90%(良)/80%(中)/70%(差)"),
    ]
    assert [r["评价标准"] for r in found] == ["按核验台账评价", "按资金拨付进度评价", "按回访结果评价"]


@pytest.mark.skipif(not LAYOUTS.is_dir(), reason="the layout catalog is not on this machine")
@pytest.mark.parametrize(("prefix", "least"), [("25", 14), ("26", 20)])
def test_catalog_previews_read_only_true_rows(prefix, least):
    """Document-site previews fall short, but every row read is a true row, and the rest is warned about."""
    path = next(LAYOUTS.glob(f"{prefix}-*"))
    gold = {
        (_norm(r["name"]), _norm(r["value"]))
        for r in csv.DictReader((LAYOUTS / "gold.csv").open(encoding="utf-8"))
        if r["file"] == path.name
    }
    found = rows(path.read_text(encoding="utf-8"))
    got = [(_norm(r["三级指标"]), _norm(r["指标值"])) for r in found]
    assert len(got) >= least
    assert all(pair in gold for pair in got)
    _, info = read(path.read_bytes(), path.name)
    assert info["warnings"] and all("无法区分单元格" in w and path.name in w for w in info["warnings"])


def test_a_notice_title_in_page_furniture_is_written_before_the_table():
    furniture = "| 索 引 号 | 640100/2024-00012 | 发文时间 | 2024-05-06 |\n| 发布机构 | 河湾镇 | 文 号 | 无 |\n"
    furniture += "| 标 题: | 关于河湾镇设施蔬菜大棚建设项目绩效目标设定的公示 |\n"
    text = furniture + NOTICE.split("\n", 1)[1]
    blocks, _ = read(text.encode(), "notice.txt")
    header = next(k for k, b in enumerate(blocks) if b.cells[:3] == ["一级指标", "二级指标", "三级指标"])
    before = [b.cells[0] for b in blocks[:header] if b.table is None]
    assert "关于河湾镇设施蔬菜大棚建设项目绩效目标设定的公示" in before


def test_flattened_template_with_numbers_only_keeps_the_annual_set():
    groups = (
        "产出指标数量指标{a}100质量指标{a}100时效指标{a}100效益指标社会效益指标{b}100满意度指标服务对象满意度指标{a}100"
    )
    text = (
        "3、项目绩效目标表(2024年度)项目名称乡村文化广场建设长期绩效指标一级指标二级指标指标内容指标值备注"
        + groups.format(a=95, b=80)
        + "……年度绩效指标一级指标二级指标指标内容指标值备注"
        + groups.format(a=90, b=70)
        + "\n"
    )
    found = rows(text)
    assert table(found, "二级指标", "三级指标", "指标值") == [
        ("数量指标", "", "90"),
        ("质量指标", "", "90"),
        ("时效指标", "", "90"),
        ("社会效益指标", "", "70"),
        ("服务对象满意度指标", "", "90"),
    ]  # the 长期 set is left out; the 100 every row ends with is the 备注 column


def test_a_segmenter_failure_leaves_the_text_as_paragraphs_and_warns(monkeypatch):
    from auditor.read.split import spaced

    def broken(lines):
        raise ValueError("unexpected")

    monkeypatch.setattr(spaced, "segment", broken)
    blocks, info = read(SPREADSHEET.encode(), "预览.txt")
    assert all(b.table is None for b in blocks)
    assert any("预览.txt" in w and "无法区分单元格" in w for w in info["warnings"])


def test_glued_fact_lines_become_label_and_value_cells():
    text = (
        "填报单位(盖章):河湾县文化馆\n项目名称乡村文化广场建设项目实施单位河湾县文化馆\n年度资金总额:24021690%\n"
        + GLUED
    )
    blocks, _ = read(text.encode(), "doc.txt")
    facts = [b.cells for b in blocks if b.table is not None and b.cells[0] in ("填报单位", "项目名称", "年度资金总额")]
    assert facts == [
        ["填报单位", "河湾县文化馆"],  # the (盖章) note is no part of the value
        ["项目名称", "乡村文化广场建设", "项目实施单位", "河湾县文化馆"],
        ["年度资金总额", "240", "216", "90%"],  # 预算数 执行数 执行率 run together: 216/240 = 90%
    ]


@pytest.mark.parametrize(
    ("glued_value", "cells"),
    [
        ("8681.51094.77%9.5", ["86", "81.5", "10", "94.77%", "9.5"]),  # with 分值 and 得分
        ("38.638.6100%", ["38.6", "38.6", "100%"]),
        ("47.5", ["47.5"]),
        ("1234%", ["1234%"]),  # no split makes the rate the ratio: left as written
    ],
)
def test_budget_numbers_run_together(glued_value, cells):
    assert glued._amounts(glued_value) == cells


def test_inspect_shows_the_reader_warnings_and_how_the_cells_were_split(tmp_path):
    from auditor.inspect import inspect_lines

    path = tmp_path / "预览.txt"
    path.write_text(PREVIEW, encoding="utf-8")
    lines = inspect_lines(path)
    assert "无分隔的表格按 flat 读取" in lines[0]
    assert any(line.startswith("警告：") and "无法区分单元格" in line for line in lines)
