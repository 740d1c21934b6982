"""Catalog version 2 on rows from sectors the seed documents do not cover (public security,
culture, forestry, health, education, water, civil affairs), and the analyse stage the rules read."""

import pytest

from auditor.analyse import analyse_department
from auditor.checks import check_document, run_checks
from auditor.checks.examples import example_departments
from auditor.model import Department, Indicator, Project
from auditor.nlp import name_objects


def _codes(level1, level2, name, value, **extra) -> set[str]:
    example = {"level1": level1, "level2": level2, "name": name, "value": value, **extra}
    return {f.rule for f in run_checks(example_departments(example)) if f.row is not None}


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (("产出指标", "数量指标", "治安巡逻防控车辆", "辆"), "EMPTY_VALUE"),  # public security
        (("满意度指标", "服务对象满意度指标", "读者满意度", "≧ %"), "EMPTY_VALUE"),  # culture
        (("产出指标", "数量指标", "森林防火巡护人次(≥**人次)", "≥1200人次"), "TEMPLATE_RESIDUE"),  # forestry
        (("产出指标", "质量指标", "指标1:家庭医生签约服务覆盖率", "≥75%"), "TEMPLATE_RESIDUE"),  # health
        (("产出指标", "数量指标", "馆藏古籍修复数量", "48"), "MISSING_UNIT"),  # culture
        (("产出指标", "数量指标", "营造林面积", "≥3500"), "MISSING_UNIT"),  # forestry
        (("产出指标", "数量指标", "", "120"), "EMPTY_NAME"),  # any sector
        (("产出指标", "质量指标", "案件办结率100%", "≥95%"), "NAME_VALUE_CONFLICT"),  # public security
        (("产出指标", "成本指标", "生均公用经费", "800元/人"), "COST_DIRECTION"),  # education: a bare per-unit cost
        (("产出指标", "成本指标", "河道保洁成本控制率", "100%"), "COST_DIRECTION"),  # water
        (("效益指标", "社会效益指标", "维护辖区社会治安稳定", "≥95%"), "UNIT"),  # public security: % on an aim
        (("产出指标", "质量指标", "疫苗接种登记准确率", "98"), "UNIT"),  # health: a rate without %
        (("满意度指标", "服务对象满意度指标", "惠民政策知晓率", "≥90%"), "MISFILED"),  # civil affairs
        (("产出指标", "时效指标", "文物保护工程验收合格率", "≥95%"), "MISFILED"),  # culture: a rate with no time
        (("产出指标", "数量指标", "受益人数", "≥300人"), "GENERIC"),
        (("产出指标", "时效指标", "项目实施时间", "2025年12月31日前"), "GENERIC"),
    ],
)
def test_new_and_settled_codes_fire_across_sectors(row, code):
    assert code in _codes(*row, budget=100, year=2025)


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (("效益指标", "社会效益指标", "刑事案件发案数同比下降", "≥5%"), "UNIT"),  # a change is a percentage
        (("产出指标", "数量指标", "开设课程数量(门)", "220"), "MISSING_UNIT"),
        (("产出指标", "数量指标", "送戏下乡演出场数", "48"), "MISSING_UNIT"),  # the name says it counts 场
        (("产出指标", "质量指标", "校园安全事故发生率", "0"), "EMPTY_VALUE"),  # zero is the target
        (("产出指标", "数量指标", "困难群众救助金发放人数", "≥1500人"), "GENERIC"),
        (("效益指标", "社会效益指标", "保障村社区正常运转", "正常运转"), "GENERIC"),
        (("产出指标", "成本指标", "单位面积造林成本", "≤1200元/亩"), "COST_DIRECTION"),
        (("产出指标", "数量指标", "65岁以上老年人健康管理人次", "≥2100人次"), "NAME_VALUE_CONFLICT"),
    ],
)
def test_the_boundaries_hold(row, code):
    assert code not in _codes(*row, budget=100, year=2025)


def test_names_have_objects_by_part_of_speech():
    assert name_objects("发放人数") == ()
    assert name_objects("受益人数") == ()
    assert "群众" in name_objects("困难群众救助金发放人数")
    assert "图书" in name_objects("新增馆藏图书册数")


def _dept(**row) -> Department:
    ind = Indicator(row=1, level1="产出指标", level2="成本指标", **row)
    return Department(
        source="a.txt", year=2025, projects=[Project(no=1, name="林区道路维护", budget=80, indicators=[ind])]
    )


def test_a_direction_column_with_words_is_understood():
    # 指标方向 最高不超过 + 指标值 50 + 计量单位 万元: a cap, not a bare amount
    dept = analyse_department(_dept(name="道路维护成本", value="50", direction="最高不超过", unit_column="万元"))
    ind = dept.projects[0].indicators[0]
    assert ind.parsed.comparator == "<=" and ind.parsed.unit == "万元"
    assert not [f for f in check_document(dept) if f.rule in ("COST_DIRECTION", "MISSING_UNIT", "COST_NOT_MONEY")]
    floor = analyse_department(_dept(name="道路维护成本", value="50", direction="不得低于", unit_column="万元"))
    assert "COST_DIRECTION" in {f.rule for f in check_document(floor)}


def test_check_never_analyses_and_an_analysis_failure_is_reported(tmp_path, monkeypatch):
    dept = _dept(name="道路维护成本", value="≤50万元")
    with pytest.raises(ValueError, match="analys"):
        check_document(dept)
    from auditor import nlp
    from auditor.pipeline import document_stage

    doc = tmp_path / "森林防火.txt"
    doc.write_text(
        "项目名称\t森林防火\n预算数\t80\n一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\n"
        "产出指标\t数量指标\t森林防火巡护人次\t反映巡护人次\t≥1200人次\t计划\n",
        encoding="utf-8",
    )

    def broken(name):
        raise RuntimeError("词典损坏")

    monkeypatch.setattr(nlp, "name_words", broken)
    loaded = document_stage((0, doc), check=True)
    assert loaded.error is not None and "分析指标时出错" in loaded.error.reason and "词典损坏" in loaded.error.reason
    assert loaded.findings == []
