"""NLP features on real seed indicator names: polarity, kind, jieba words."""

import pytest

from auditor import nlp
from auditor.analyse import analyse_department
from auditor.model import Department, Indicator, Project


@pytest.mark.parametrize(
    "name,expected",
    [
        ("系统故障率", "down"),
        ("系统故障修复处理时间", "down"),
        ("故障维护及时率", "up"),
        ("企业满意度", "up"),
        ("服务平台系统运行安全稳定率", "up"),
        ("资金拨付及时率", "up"),
        ("投诉处理满意度", "up"),
        ("事故发生率", "down"),
        ("污染物排放下降率", "up"),
        ("下乡、下企业调研次数", None),
        ("自组团组违反外事纪律情况", "down"),
    ],
)
def test_polarity(name, expected):
    assert nlp.polarity(name) == expected


@pytest.mark.parametrize(
    "name,kind",
    [
        ("企业满意度", "satisfaction"),
        ("收到款项的单位满意度", "satisfaction"),
        ("故障维护及时率", "rate"),
        ("能力提升人均经费", "money"),
        ("改制费用发放", "money"),
        ("系统故障修复处理时间", "time"),
        ("监测企业总数", "count"),
        ("资金按时拨付", "time"),
        ("为各级政府部门提供数据", None),
        ("产品质量提升", None),
    ],
)
def test_indicator_kind(name, kind):
    assert nlp.indicator_kind(name) == kind


def test_kind_falls_back_to_value():
    from auditor.values import parse_value

    assert nlp.indicator_kind("项目验收", "", parse_value("2024年底前")) == "time"
    assert nlp.indicator_kind("网络安全防护实际支出", "", parse_value("269 万元")) == "money"
    assert nlp.indicator_kind("费用总数", "", parse_value("≥30.75万元")) == "money"
    assert nlp.indicator_kind("费用总数") == "count"
    # the value beats the description: 奖补对经济的影响 names money, ≥95% is a rate
    assert nlp.indicator_kind("对经济的影响", "奖补对经济的影响", parse_value("≥95%")) == "rate"
    assert nlp.indicator_kind("对经济的影响", "奖补对经济的影响") == "money"


@pytest.mark.slow
def test_jieba_uses_domain_dictionary():
    words = nlp.tokens("企业满意度不低于95%，支持专精特新中小企业")
    assert "企业满意度" in words and "专精特新" in words and "不低于" in words


def test_analyse_department_fills_every_row():
    rows = [
        Indicator(1, "产出指标", "数量指标", "系统维护数量", "反映系统维护数量", "1 个"),
        Indicator(2, "产出指标", "时效指标", "改制费用发放", "改制费用发放进度", "≥558.42 万元"),
        Indicator(3, "满意度指标", "服务对象满意度指标", "企业满意度", "企业满意度", "≥95%"),
    ]
    dept = Department(source="t.txt", projects=[Project(no=1, indicators=rows)])
    analyse_department(dept, tokens=True)
    for ind in rows:
        assert ind.parsed is not None and ind.parsed.raw == ind.value
        assert set(ind.features) >= {
            "polarity",
            "kind",
            "level2",
            "level2_pred",
            "level2_proba",
            "level2_filed_proba",
            "tokens",
        }
        assert 0 < ind.features["level2_proba"] <= 1
    assert rows[1].parsed.amount_wan == 558.42
    assert rows[1].features["level2_pred"] == "成本指标"  # money filed under 时效: MISFILED material
    assert rows[1].features["level2_filed_proba"] < 0.2
    assert rows[2].features["level2_filed_proba"] > 0.5
    assert rows[2].features["kind"] == "satisfaction"


@pytest.mark.parametrize(
    "name,kind",
    [("资金下达时间", "time"), ("资金拨付及时率", "rate"), ("满意度调查费用", "money"), ("企业满意率", "satisfaction")],
)
def test_kind_follows_the_head_word(name, kind):
    assert nlp.indicator_kind(name) == kind


def test_direction_column_overrides_lexicon_polarity():
    ind = Indicator(1, "产出指标", "质量指标", "设备使用率", "", "≥98%")
    ind.direction = "反向"
    analyse_department(Department(source="t.txt", projects=[Project(no=1, indicators=[ind])]), classify=False)
    assert ind.features["polarity"] == "down"
    assert nlp.stated_polarity("正向指标") == "up" and nlp.stated_polarity("≥") is None
