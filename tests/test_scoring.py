"""Scoring: deductions add up to the score, per-rule caps, structure, grades and decisions from config."""

import pytest

from auditor.config import Config
from auditor.model import Department, Finding, Indicator, Project
from auditor.scoring import score_all, settings

SOURCE = "000_8a1b00379ebc752e.txt"
ROWS = [  # real rows of the first seed document
    ("产出指标", "数量指标", "系统维护数量", "反映系统维护数量", "1 个"),
    ("产出指标", "质量指标", "系统故障率", "系统故障率=系统出故障时间/总运行时间*100%", "≤3%"),
    ("产出指标", "时效指标", "系统故障修复处理时间", "系统故障修复平均处理时间", "≤24 小时"),
    ("产出指标", "成本指标", "项目预算成本", "反应全年此项目所需工作经费", "≤40 万元"),
    ("效益指标", "可持续影响指标", "对全市工业经济发展影响", "对全市工业经济发展影响", "长效影响"),
    ("满意度指标", "服务对象满意度指标", "企业满意度", "反映企业满意程度", "≥90%"),
]


def project(no: int, name: str, budget: float | None, rows: int = 6, code: str = "13030024P000006100054") -> Project:
    indicators = [
        Indicator(row=i + 1, level1=a, level2=b, name=c, description=d, value=e)
        for i, (a, b, c, d, e) in enumerate(ROWS[:rows])
    ]
    return Project(no=no, code=code, name=name, budget=budget, purpose="运维服务", indicators=indicators)


def finding(rule: str, severity: str, project_no: int = 1, row: int | None = 5) -> Finding:
    return Finding(
        source=SOURCE, rule=rule, severity=severity, message="指标值“长效影响”没有数字", project_no=project_no, row=row
    )


def department(*projects: Project) -> Department:
    return Department(source=SOURCE, code="471", name="秦皇岛市工业和信息化局", year=2024, projects=list(projects))


def by_project(scores):
    return {s.project_no: s for s in scores}


def assert_explained(scores):
    for s in scores:
        assert s.score == pytest.approx(100 - sum(d.points for d in s.deductions))
        assert 0 <= s.score <= 100


def test_clean_project_scores_full_and_passes():
    scores = score_all([department(project(1, "电子政务外网服务费", 165.76))], [], None)
    assert_explained(scores)
    p = by_project(scores)[1]
    assert (p.score, p.grade, p.decision, p.deductions) == (100, "优", "通过", [])


def test_deductions_follow_severity_points_and_add_up():
    findings = [finding("VAGUE", "warning"), finding("COST_DIRECTION", "error", row=4), finding("DESC_DUP", "info")]
    scores = score_all([department(project(1, "工信业务工作经费", 40))], findings, None)
    assert_explained(scores)
    p = by_project(scores)[1]
    assert p.score == 100 - 2 - 5 - 0.5
    assert {d.rule: d.points for d in p.deductions} == {"VAGUE": 2, "COST_DIRECTION": 5, "DESC_DUP": 0.5}
    assert p.decision == "修改后通过"  # an error blocks 通过


def test_one_rule_is_capped_per_project():
    findings = [finding("VAGUE", "warning", row=r) for r in range(1, 7)] * 2  # 12 x 2 points
    p = by_project(score_all([department(project(1, "工信业务工作经费", 40))], findings, None))[1]
    assert p.score == 100 - settings()["cap_per_rule"]
    assert "上限" in p.deductions[0].reason


def test_rule_cap_and_points_come_from_config():
    config = Config(raw={"scoring": {"rule_cap": {"VAGUE": 3}, "rule_points": {"DESC_DUP": 1}}})
    findings = [finding("VAGUE", "warning", row=r) for r in range(1, 5)] + [finding("DESC_DUP", "info")]
    p = by_project(score_all([department(project(1, "工信业务工作经费", 40))], findings, config))[1]
    assert p.score == 100 - 3 - 1


def test_structure_completeness_counts_missing_rows_and_fields():
    short = project(1, "职业经理人培训", None, rows=2, code="")
    p = by_project(score_all([department(short)], [], None))[1]
    st = settings()["structure"]
    expected = (st["min_indicators"] - 2) * st["per_missing_indicator"]
    expected += st["missing_field_points"]["code"] + st["missing_field_points"]["budget"]
    assert p.score == 100 - expected
    assert any("预算数" in d.reason for d in p.deductions)


def test_deductions_never_take_the_score_below_zero_and_still_add_up():
    config = Config(raw={"scoring": {"cap_per_rule": 60}})
    findings = [
        finding(rule, "error", row=r) for rule in ("MALFORMED", "UNIT", "COST_DIRECTION") for r in range(1, 7)
    ] * 3
    scores = score_all([department(project(1, "工信业务工作经费", 40))], findings, config)
    assert_explained(scores)
    assert by_project(scores)[1].score == 0


@pytest.mark.parametrize(
    "grades, expected",
    [
        ({"优": 90, "良": 80, "中": 60}, "优"),
        ({"优": 92, "良": 85, "中": 60}, "良"),
        ({"优": 99, "良": 95, "中": 91}, "差"),
    ],
)
def test_grade_thresholds_from_config(grades, expected):
    findings = [finding("VAGUE", "warning", row=r) for r in (1, 2, 3, 5)] + [finding("DESC_DUP", "info")] * 4
    config = Config(raw={"scoring": {"grades": grades}})
    p = by_project(score_all([department(project(1, "工信业务工作经费", 40))], findings, config))[1]
    assert p.score == 90  # 4 x 2 + 4 x 0.5
    assert p.grade == expected


def test_decision_conditions():
    dept = department(project(1, "工信业务工作经费", 40), project(2, "葡萄酒产业发展专项资金", 60))
    findings = [finding("GOAL_PLACEHOLDER", "error", project_no=2, row=None)]
    scores = by_project(score_all([dept], findings, None))
    assert scores[1].decision == "通过"
    assert scores[2].decision == "退回"  # a placeholder goal returns the table whatever the score
    assert scores[2].score == 95
    assert scores[None].decision != "通过"  # a department passes only when every project does


def test_pass_threshold_from_config():
    config = Config(raw={"scoring": {"decision": {"pass": {"min_score": 99.5}}}})
    p = by_project(score_all([department(project(1, "工信业务工作经费", 40))], [finding("DESC_DUP", "info")], config))[
        1
    ]
    assert p.score == 99.5 and p.decision == "通过"
    config = Config(raw={"scoring": {"decision": {"pass": {"min_score": 99.6}}}})
    p = by_project(score_all([department(project(1, "工信业务工作经费", 40))], [finding("DESC_DUP", "info")], config))[
        1
    ]
    assert p.decision == "修改后通过"


def test_department_is_budget_weighted_mean_of_projects():
    dept = department(project(1, "智慧城市一期项目未付服务费", 300), project(2, "职业经理人培训", 100))
    findings = [finding("COST_DIRECTION", "error", project_no=2, row=4)] * 2  # project 2: 90
    scores = by_project(score_all([dept], findings, None))
    assert scores[2].score == 90
    assert scores[None].score == pytest.approx(100 - 10 * 100 / 400)
    assert_explained(scores.values())
    assert "25.0%" in scores[None].deductions[0].reason


def test_department_checks_boilerplate_share():
    dept = department(*(project(i, f"项目{i}", 10) for i in range(1, 4)))
    findings = [finding("DUP_TABLE", "warning", project_no=i, row=None) for i in (1, 2)]
    d = by_project(score_all([dept], findings, None))[None]
    assert any("模板化" in x.reason for x in d.deductions)
    assert_explained([d])


def test_department_without_projects_scores_zero():
    d = score_all([Department(source="empty.txt", name="空文档")], [], None)
    assert len(d) == 1 and d[0].score == 0 and d[0].grade == "差" and d[0].decision == "退回"
