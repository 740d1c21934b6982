"""The boundaries spelled out in spec/rules.md, one phrase at a time (beyond the YAML examples)."""

import pytest

from auditor.checks.examples import run_example

E = ("效益指标", "社会效益指标")
Q = ("产出指标", "质量指标")
T = ("产出指标", "时效指标")
N = ("产出指标", "数量指标")
C = ("产出指标", "成本指标")
S = ("满意度指标", "服务对象满意度指标")


def row(levels, name, value, **extra):
    return {"level1": levels[0], "level2": levels[1], "name": name, "value": value, **extra}


CASES = [
    # VAGUE: degree, trend and timeliness words without a date; binary outcomes and frequencies pass
    *[
        ("VAGUE", True, row(E, "营商环境", v))
        for v in ("效果明显", "显著", "进一步优化", "稳步提升", "提高", "比2023年有所提高", "达到预期效果")
    ],
    *[("VAGUE", True, row(T, "报送时限", v)) for v in ("及时", "按时提供", "按时限要求上报")],
    *[
        ("VAGUE", False, row(E, "安全生产", v))
        for v in ("不发生安全事故", "不出现重大舆情", "每月上报监测数据", "每季度一次", "通过验收", "合格")
    ],
    # MALFORMED
    ("MALFORMED", True, row(Q, "验收合格率", "≥120%")),
    ("MALFORMED", False, row(E, "产值增长率", "≥120%")),
    ("MALFORMED", False, row(E, "企业发展", "提升10个百分点")),
    # UNIT
    ("UNIT", True, row(Q, "验收合格率", "≥95")),
    ("UNIT", True, row(N, "报送户数", "≥90%")),
    ("UNIT", True, row(C, "费用", "≤150000元", budget=20)),
    ("UNIT", False, row(C, "人均培训成本", "≤200元/人", budget=10)),
    # COST_DIRECTION: ≥, >, 不低于, 以上, = or a bare amount
    *[
        ("COST_DIRECTION", True, row(C, "费用", v, budget=50))
        for v in ("不低于50万元", "50万元以上", "=50万元", ">50万元")
    ],
    *[("COST_DIRECTION", False, row(C, "费用", v, budget=50)) for v in ("不超过50万元", "50万元以内")],
    # DIRECTION
    *[("DIRECTION", True, row(Q, n, v)) for n, v in (("差错率", "≥1%"), ("投诉次数", "≥1次"), ("覆盖率", "≤90%"))],
    ("DIRECTION", True, row(T, "响应时间", "≥2小时")),
    ("DIRECTION", False, row(E, "投诉下降率", "≥10%")),
    ("DIRECTION", False, row(Q, "故障维护及时率", "≥98%")),
    # COST_NOT_MONEY with its 节支率 exception
    ("COST_NOT_MONEY", False, row(C, "政府采购节支率", "≥5%", budget=5)),
    # EXCEEDS_BUDGET skips per-unit amounts
    ("EXCEEDS_BUDGET", False, row(C, "人均费用", "≤300万元", budget=1.87)),
    # MISFILED
    ("MISFILED", True, row(N, "补贴资金", "≥8万元")),
    ("MISFILED", True, row(E, "企业满意度", "≥95%")),
    ("MISFILED", True, row(N, "任务完成率", "100%")),
    ("MISFILED", False, row(T, "按时完成率", "100%")),
    ("MISFILED", False, row(E, "提供就业岗位", "≥50个")),
    # GENERIC: the spec's list, and names that are specific enough
    *[
        ("GENERIC", True, row(Q, n, "100%"))
        for n in (
            "对经济的影响",
            "社会效益提升%",
            "完成率",
            "及时性",
            "工资",
            "工作完成时间",
            "工作任务完成率",
            "奖补时间",
            "满意度",
            "服务对象满意度",
        )
    ],
    *[
        ("GENERIC", False, row(Q, n, "100%"))
        for n in ("企业满意度", "群众满意度", "提高工作效率", "培训完成时间", "资金拨付及时率")
    ],
    ("GENERIC", False, row(C, "费用", "≤5万元", budget=5)),
]


@pytest.mark.parametrize(
    ("code", "fires", "example"), CASES, ids=[f"{c}-{e['name']}-{e['value']}" for c, _, e in CASES]
)
def test_spec_boundary(code, fires, example):
    assert bool(run_example(code, example)) is fires


def test_stated_direction_column_overrides_the_name():
    from auditor.checks import run_checks
    from auditor.checks.examples import example_departments

    depts = example_departments(row(Q, "系统故障率", "≥3%"))
    ind = depts[0].projects[0].indicators[0]
    ind.direction = "正向"
    assert not [f for f in run_checks(depts) if f.rule == "DIRECTION"]
    depts = example_departments(row(Q, "系统故障率", "≥3%"))
    assert [f for f in run_checks(depts) if f.rule == "DIRECTION"]
