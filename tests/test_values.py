"""Value parser on real seed values (shared/gold/rows.csv) and the forms the issue names."""

import pytest

from auditor.values import cn_number, format_value, parse_value

# raw -> (comparator, number, unit, unit_kind, leftover text)
CASES = [
    ("≥95%", ">=", 95, "%", "percent", ""),
    ("≥ 95 %", ">=", 95, "%", "percent", ""),
    ("95%以上", ">=", 95, "%", "percent", ""),
    ("大于等于 80%", ">=", 80, "%", "percent", ""),
    ("达到 80%", ">=", 80, "%", "percent", ""),
    ("100%", None, 100, "%", "percent", ""),
    ("≤24 小时", "<=", 24, "小时", "time", ""),
    ("≥5 年", ">=", 5, "年", "time", ""),
    ("≥95百分比", ">=", 95, "%", "percent", ""),
    ("1.8 万元/年", None, 1.8, "万元/年", "unit_cost", ""),
    ("≤228.6 元/册", "<=", 228.6, "元/册", "unit_cost", ""),
    ("≥5 万元/家", ">=", 5, "万元/家", "unit_cost", ""),
    ("≥558.42 万元", ">=", 558.42, "万元", "money", ""),
    ("293万元", None, 293, "万元", "money", ""),
    ("≤2万", "<=", 2, "万元", "money", ""),
    ("≥100000 元", ">=", 100000, "元", "money", ""),
    ("1 个", None, 1, "个", "count", ""),
    ("≥30家次", ">=", 30, "家次", "count", ""),
    ("≥8课时", ">=", 8, "课时", "count", ""),
    ("700 册", None, 700, "册", "count", ""),
    ("45(台/套)", None, 45, "台/套", "count", ""),
    ("≥20 兆", ">=", 20, "兆", "other", ""),
    ("$\\leq 3\\%$", "<=", 3, "%", "percent", ""),
    ("＞＝90%", ">=", 90, "%", "percent", ""),
    ("≧85%", ">=", 85, "%", "percent", ""),
    ("≦3%", "<=", 3, "%", "percent", ""),
    ("不低于90%", ">=", 90, "%", "percent", ""),
    ("不少于三批", ">=", 3, "批", "count", ""),
    ("两次", None, 2, "次", "count", ""),
    ("十二个", None, 12, "个", "count", ""),
    ("低于5%", "<", 5, "%", "percent", ""),
    ("小于等于10万元", "<=", 10, "万元", "money", ""),
    ("不超过5万元", "<=", 5, "万元", "money", ""),
    ("10万元以内", "<=", 10, "万元", "money", ""),
    ("新增10家以上", ">=", 10, "家", "count", "新增"),
    ("≥ 1 亿元", ">=", 1, "亿元", "money", ""),
    ("≥90%以上", ">=", 90, "%", "percent", ""),
    ("不超过5万元以内", "<=", 5, "万元", "money", ""),
    ("30日以内", "<=", 30, "日", "time", ""),
    ("≥90企业满意度比上年所有提高", ">=", 90, None, None, "企业满意度比上年所有提高"),
    ("提高2个百分点", None, 2, "百分点", "percent", "提高"),
    ("500元/人/年", None, 500, "元/人/年", "unit_cost", ""),
    ("10个工作日内", "<=", 10, "工作日", "time", ""),
    ("90%及以上", ">=", 90, "%", "percent", ""),
    ("1-2次", None, 1, "次", "count", ""),
    ("五千米", None, 5000, "米", "other", ""),
    ("效果明显", None, None, None, None, "效果明显"),
    ("比上年有所提高", None, None, None, None, "比上年有所提高"),
]


@pytest.mark.parametrize("raw,comparator,number,unit,kind,text", CASES)
def test_structure(raw, comparator, number, unit, kind, text):
    v = parse_value(raw)
    assert (v.comparator, v.number, v.unit, v.unit_kind, v.text) == (comparator, number, unit, kind, text)
    assert v.raw == raw


@pytest.mark.parametrize(
    "raw,date,year,comparator",
    [
        ("2024 年 12 月 31 日前完成", "2024-12-31", 2024, "<="),
        ("2023 年 8 月底前", "2023-08-31", 2023, "<="),
        ("2024 年年底", "2024-12-31", 2024, None),
        ("2024年底前", "2024-12-31", 2024, "<="),
        ("2024 年 12 月前", "2024-12-31", 2024, "<="),
        ("2025年12月底前完成", "2025-12-31", 2025, "<="),
        ("二〇二四年十二月三十一日前", "2024-12-31", 2024, "<="),
        ("10 月 31 日前", None, None, "<="),
        ("年底前", None, None, "<="),
        ("≤2024年12月31日", "2024-12-31", 2024, "<="),
        ("不晚于2024年10月31日", "2024-10-31", 2024, "<="),
        ("2024年第四季度前", "2024-12-31", 2024, "<="),
        ("2024年上半年", "2024-06-30", 2024, None),
        ("四季度", None, None, None),
        ("6月份前完成", None, None, "<="),
    ],
)
def test_dates(raw, date, year, comparator):
    v = parse_value(raw)
    assert (v.unit_kind, v.date, v.year, v.comparator, v.text) == ("date", date, year, comparator, "")


def test_relative_deadline_and_month_range():
    v = parse_value("季后50日前")
    assert (v.unit_kind, v.number, v.unit, v.comparator, v.text) == ("date", 50, "日", "<=", "")
    v = parse_value("月后 30 日前")
    assert (v.unit_kind, v.number, v.text) == ("date", 30, "")
    v = parse_value("3 月-10 月")
    assert (v.unit_kind, v.number, v.upper, v.unit, v.text) == ("date", 3, 10, "月", "")


def test_capped_formula_is_a_cap_in_words():
    v = parse_value("核定支出的 50%，最高不超 100 万元")
    assert (v.comparator, v.number, v.unit, v.amount_wan, v.cap_words) == ("<=", 100, "万元", 100, True)
    assert v.text == "核定支出的50%"
    assert parse_value("不超过5万元").cap_words
    assert not parse_value("≤5万元").cap_words


def test_money_in_wan():
    assert parse_value("≥1亿元").amount_wan == 10000
    assert parse_value("≥100000 元").amount_wan == pytest.approx(10)
    assert parse_value("≤228.6 元/册").amount_wan == pytest.approx(0.02286)
    assert parse_value("≥95%").amount_wan is None


def test_frequencies():
    v = parse_value("每季度一次，数据涵盖本地区及所辖县（市）县域特色产业发展主要指标数据")
    assert (v.unit_kind, v.number, v.unit) == ("frequency", 1, "次/季度")
    assert v.text.startswith("数据涵盖")
    v = parse_value("每月上报监测数据")
    assert (v.unit_kind, v.unit) == ("frequency", "次/月")
    v = parse_value("每年不少于2次")
    assert (v.unit_kind, v.comparator, v.number, v.unit) == ("frequency", ">=", 2, "次/年")
    assert parse_value("≥2次/年").unit_kind == "frequency"


@pytest.mark.parametrize(
    "raw,problem",
    [
        ("≥90企业满意度比上年所有提高", "fused"),
        ("≥95百分比", "nonstandard_unit"),
        ("≤2万", "nonstandard_unit"),
        ("≥20 兆", "nonstandard_unit"),
        ("45(台/套)", "nonstandard_unit"),
        ("百分之九十五", "nonstandard_unit"),
        ("≥95100", "no_unit"),
        ("≥95100", "two_values"),
        ("≥120%", "over_100"),
        ("95%100%", "two_values"),
        ("≥95%，≥90%", "two_values"),
        ("≥", "no_number"),
    ],
)
def test_problems(raw, problem):
    assert problem in parse_value(raw).problems


@pytest.mark.parametrize(
    "raw", ["≥95%", "≤24 小时", "1 个", "较上年增长≥5%（2023年基数120家）", "≤228.6 元/册", "100%"]
)
def test_clean_values_have_no_problems(raw):
    assert parse_value(raw).problems == []


def test_plain_numbers_are_not_glued_values():
    assert "two_values" not in parse_value("≥1000").problems
    assert "two_values" not in parse_value("≥100000 元").problems


def test_baseline_year_is_not_the_deadline():
    v = parse_value("较上年增长≥5%（2023年基数120家）")
    assert (v.comparator, v.number, v.unit, v.year, v.date) == (">=", 5, "%", None, None)


def test_cn_number_and_format():
    assert [cn_number(s) for s in ("三", "十二", "两", "二十", "一百零五", "二〇二四")] == [3, 12, 2, 20, 105, 2024]
    assert cn_number("一般") is None
    assert format_value("<=", 558.42, "万元") == "≤558.42万元"
    assert format_value(">=", 95.0, "%") == "≥95%"


@pytest.mark.parametrize("raw", ["", "   ", None, 3, "≥≥≥", "((((", "\x00", "9" * 400, "1e309", "年月日前"])
def test_never_raises(raw):
    v = parse_value(raw)
    assert "unparsed" not in v.problems  # read without an internal error, not caught and hidden
    assert v.raw == (raw if isinstance(raw, str) else str(raw))
