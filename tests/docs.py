"""Realistic department documents for end-to-end tests, in the seeds' "tabs" layout (a PDF text copy).

Rows come from several sectors (education, health, agriculture, water, civil affairs, culture);
``TEMPLATE`` is the generic template table that departments copy between projects.
"""

from __future__ import annotations

from pathlib import Path

HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")

SECTORS = {
    "education": [
        ("产出指标", "数量指标", "资助家庭经济困难学生人数", "反映资助学生人数", "≥1200人", "学生资助管理系统名单"),
        ("产出指标", "质量指标", "资助资金足额发放率", "反映资金足额发放情况", "100%", "资助政策文件"),
        ("产出指标", "时效指标", "资助资金发放时间", "反映资金发放及时性", "2025年11月30日前", "资助工作安排"),
        ("产出指标", "成本指标", "生均资助标准", "反映每生资助金额", "≤2500元/人", "省资助标准"),
        ("效益指标", "社会效益指标", "受助学生辍学人数", "反映因贫辍学情况", "0人", "学籍系统统计"),
        ("满意度指标", "服务对象满意度指标", "受助学生及家长满意度", "反映受助对象满意程度", "≥95%", "问卷调查"),
    ],
    "health": [
        ("产出指标", "数量指标", "适龄儿童免疫规划疫苗接种人次", "反映接种服务量", "≥36000人次", "免疫规划信息系统"),
        ("产出指标", "质量指标", "免疫规划疫苗接种率", "反映接种覆盖水平", "≥95%", "国家免疫规划要求"),
        ("产出指标", "时效指标", "疫苗冷链设备维修响应时间", "反映设备故障处置时效", "≤24小时", "冷链管理规范"),
        ("产出指标", "成本指标", "冷链设备维护费用", "反映维护成本", "≤18万元", "维保合同"),
        ("效益指标", "社会效益指标", "疫苗针对传染病报告发病率", "反映防控效果", "≤5例", "传染病报告系统"),
        ("满意度指标", "服务对象满意度指标", "接种儿童家长满意度", "反映家长满意程度", "≥90%", "问卷调查"),
    ],
    "water": [
        ("产出指标", "数量指标", "新建农村供水管网长度", "反映管网建设规模", "≥35公里", "工程设计批复"),
        ("产出指标", "质量指标", "工程验收合格率", "反映工程质量", "100%", "水利工程验收规程"),
        ("产出指标", "时效指标", "工程完工时间", "反映建设进度", "2025年10月31日前", "项目实施方案"),
        ("产出指标", "成本指标", "每公里管网建设成本", "反映单位成本", "≤28万元/公里", "工程概算"),
        ("效益指标", "社会效益指标", "新增受益农村人口", "反映受益范围", "≥8000人", "村镇人口统计"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "反映群众满意程度", "≥90%", "入户调查"),
    ],
}

TEMPLATE = [  # the copied template: generic names any project could carry
    ("产出指标", "数量指标", "工作完成数量", "反映工作完成数量", "≥1项", "工作计划"),
    ("产出指标", "质量指标", "工作完成率", "反映工作完成情况", "100%", "工作计划"),
    ("产出指标", "时效指标", "工作完成时间", "反映工作完成时间", "2025年12月31日前", "工作计划"),
    ("产出指标", "成本指标", "项目成本", "反映项目成本", "≤30万元", "预算"),
    ("效益指标", "社会效益指标", "社会效益", "反映社会效益", "≥90%", "工作计划"),
    ("效益指标", "可持续影响指标", "影响力", "反映影响力", "≥90%", "工作计划"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "反映服务对象满意度", "≥90%", "问卷调查"),
]


def table(name: str, code: str, budget: float, rows, goal: str = "") -> dict:
    return {
        "name": name,
        "code": code,
        "budget": budget,
        "rows": list(rows),
        "goal": goal or f"按计划完成{name}各项任务",
    }


def document(code: str, name: str, year: int, tables: list[dict]) -> str:
    out = [f"{year} 年部门预算信息公开", "", f"{code} {name}", "", f"预算年度：{year}", "", "单位：万元", ""]
    out += ["七、部门项目预算安排情况及绩效目标", ""]
    for no, t in enumerate(tables, start=1):
        out += [
            f"{no}、{t['name']}绩效目标表",
            "",
            "单位：万元",
            "",
            f"项目编码\t{t['code']}\t\t项目名称\t{t['name']}",
            f"预算规模及资金用途\t预算数\t{t['budget']:.2f}\t其中：财政资金\t{t['budget']:.2f}\t其他资金\t",
            f"\t用于{t['name']}",
            f"绩效目标\t{t['goal']}",
            "\t".join(HEADER),
        ]
        out += ["\t".join(r) for r in t["rows"]]
        out.append("")
    out += [f"{code} {name}", ""]
    return "\n".join(out)


def write(folder: Path, file: str, code: str, name: str, year: int, tables: list[dict]) -> Path:
    path = folder / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document(code, name, year, tables), encoding="utf-8")
    return path


def education(folder: Path, file: str = "edu.txt") -> Path:
    """An education bureau: one sound project, two copies of the generic template, one placeholder goal."""
    return write(
        folder,
        file,
        "512",
        "某市教育局",
        2025,
        [
            table("家庭经济困难学生资助", "13050025P000001", 300, SECTORS["education"]),
            table("校园安全设施维护", "13050025P000002", 80, TEMPLATE),
            table("教师培训专项经费", "13050025P000003", 45, TEMPLATE),
            table("学前教育补助资金", "13050025P000004", 500, SECTORS["education"][:5], goal="目标内容1"),
        ],
    )


def health(folder: Path, file: str = "health.txt") -> Path:
    """A health commission whose tables are all sound."""
    return write(
        folder,
        file,
        "601",
        "某市卫生健康委员会",
        2025,
        [
            table("免疫规划疫苗接种", "13060025P000001", 120, SECTORS["health"]),
            table("农村供水保障（卫生监测）", "13060025P000002", 90, SECTORS["water"]),
        ],
    )
