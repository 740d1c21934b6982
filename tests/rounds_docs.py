"""Department documents for the review-round tests (diff, dispositions, year over year).

``render`` writes a department in the seeds' "tabs" layout (a PDF text copy: one row a line,
cells split by tabs), the same layout bench/make_corpus.py writes; ``ORIGINAL`` is a county
agriculture and rural affairs bureau with projects from farming, water supply and school meals,
and ``resubmitted`` edits it the way a department fixes a returned table.
"""

from __future__ import annotations

import copy

HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def render(code: str, name: str, year: int, projects: list[dict]) -> str:
    out = [f"{year} 年部门预算信息公开", "", f"{code} {name}", "", f"预算年度：{year}", "", "单位：万元", ""]
    out += ["七、部门项目预算安排情况及绩效目标", ""]
    for no, p in enumerate(projects, 1):
        out += [
            f"{no}、{p['name']}绩效目标表",
            "",
            "单位：万元",
            "",
            f"项目编码\t{p['code']}\t\t项目名称\t{p['name']}",
            f"预算规模及资金用途\t预算数\t{p['budget']:.2f}\t其中：财政资金\t{p['budget']:.2f}\t其他资金\t",
            f"\t{p['purpose']}",
            "资金支出计划（%）\t6月底\t9月底\t12月底",
            "\t40%\t70%\t100%",
            f"绩效目标\t{p['goal']}",
            "\t".join(HEADER),
        ]
        out += ["\t".join(row) for row in p["rows"]]
        out.append("")
    out += [f"{code} {name}", ""]
    return "\n".join(out)


def _row(level1, level2, name, value, basis="项目实施方案"):
    return [level1, level2, name, f"反映{name}情况", value, basis]


ORIGINAL = {
    "code": "812",
    "name": "青川县农业农村局",
    "year": 2025,
    "projects": [
        {
            "code": "812001250001",
            "name": "高标准农田建设项目",
            "budget": 500.0,
            "purpose": "用于新建高标准农田的土地平整、灌排和田间道路工程。",
            "goal": "2025年新建高标准农田2万亩，提升粮食综合生产能力。",
            "rows": [
                _row("产出指标", "数量指标", "新建高标准农田面积", "≥2万亩"),
                _row("产出指标", "质量指标", "工程验收合格率", "≥95%"),
                _row("产出指标", "时效指标", "项目完成时间", "2025年12月底前"),
                _row("产出指标", "成本指标", "亩均建设成本", "较低"),
                _row("效益指标", "经济效益指标", "粮食产能提升", "显著提升"),
                _row("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%"),
            ],
        },
        {
            "code": "",
            "name": "农村饮水安全工程维修养护",
            "budget": 120.0,
            "purpose": "用于农村集中供水工程的维修养护。",
            "goal": "完成30处农村供水工程维修养护，保障农村群众饮水安全。",
            "rows": [
                _row("产出指标", "数量指标", "维修养护工程数量", "≥30处"),
                _row("产出指标", "质量指标", "水质达标率", "≥95%"),
                _row("产出指标", "时效指标", "维修完成时限", "2025年10月底前"),
                _row("产出指标", "成本指标", "维修养护成本", "≤120万元"),
                _row("效益指标", "社会效益指标", "农村供水保障水平", "有效保障"),
                _row("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
            ],
        },
        {
            "code": "812001250003",
            "name": "乡村学校营养改善补助",
            "budget": 80.0,
            "purpose": "用于农村义务教育学生营养膳食补助。",
            "goal": "为5000名农村义务教育学生提供营养膳食补助。",
            "rows": [
                _row("产出指标", "数量指标", "受益学生人数", "≥5000人"),
                _row("产出指标", "质量指标", "补助发放准确率", "100%"),
                _row("产出指标", "时效指标", "补助发放及时率", "100%"),
                _row("产出指标", "成本指标", "生均补助标准", "≤5元/人·天"),
                _row("效益指标", "社会效益指标", "学生营养健康状况", "持续提高"),
                _row("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥90%"),
            ],
        },
    ],
}


def original() -> str:
    return render(ORIGINAL["code"], ORIGINAL["name"], ORIGINAL["year"], ORIGINAL["projects"])


def resubmitted() -> str:
    """The department's corrected table: two defects fixed, one new, rows reordered, a project
    renamed (the one without a code), and the last two projects swapped (renumbered)."""
    projects = copy.deepcopy(ORIGINAL["projects"])
    farm, water, school = projects
    farm["rows"][3][4] = "≤2500元/亩"  # fixed: the cost now has a money ceiling
    farm["rows"].reverse()  # reordered
    water["rows"][4][4] = "≥98%"  # fixed: supply coverage is measurable now
    water["rows"][4][2] = "农村供水保障率"  # ... and the indicator renamed with it
    water["name"] = "农村饮水安全工程维修养护项目"  # renamed (no project code)
    school["rows"][2][4] = "按时发放"  # new defect: a vague deadline
    school["rows"][0], school["rows"][1] = school["rows"][1], school["rows"][0]  # reordered
    return render(ORIGINAL["code"], ORIGINAL["name"], ORIGINAL["year"], [farm, school, water])


def year_pair() -> tuple[str, str]:
    """Two budget years of the same bureau: 2024, and 2025 where the farmland table was carried over
    with only its years changed, the water table got new targets and the school table a new name."""

    def shifted(text: str) -> str:
        return text.replace("2025", "2024")

    last = copy.deepcopy(ORIGINAL["projects"])
    for p in last:
        p["goal"] = shifted(p["goal"])
        p["rows"] = [[shifted(c) for c in row] for row in p["rows"]]
        p["code"] = p["code"].replace("1250", "1240")
    this = copy.deepcopy(ORIGINAL["projects"])
    this[1]["rows"][0][4] = "≥35处"  # water: more works this year
    this[2]["name"] = "2025年乡村学校营养改善补助"  # school: year in the name, targets unchanged
    return (
        render(ORIGINAL["code"], ORIGINAL["name"], 2024, last),
        render(ORIGINAL["code"], ORIGINAL["name"], 2025, this),
    )
