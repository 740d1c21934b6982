"""Property tests for the value parser: any text parses without an internal error (``parse_value``
turns a crash into the "unparsed" problem, so that is what these assert against); a parse is a
fresh record; generated values round-trip."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.values import _comparators, format_value, parse_value, units

KINDS = {None, "percent", "money", "count", "time", "date", "frequency", "unit_cost", "other"}
OPS = {None, ">=", "<=", "=", ">", "<"}

PRE = sorted(_comparators()[0].items())
POST = [("以上", ">="), ("及以上", ">="), ("以下", "<="), ("以内", "<=")]
UNITS = sorted(units().values(), key=lambda u: u.spelling)

numbers = st.one_of(
    st.integers(min_value=0, max_value=1899).map(str),
    st.tuples(st.integers(0, 99999), st.integers(1, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses(text):
    v = parse_value(text)
    assert "unparsed" not in v.problems  # the parser did not crash on it
    assert v.raw == text
    assert v.comparator in OPS
    assert v.unit_kind in KINDS
    assert isinstance(v.text, str) and isinstance(v.problems, list)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="≥≤＞＜＝%％万元亿年月日前后季度每次个人家-~（）() 0123456789.一二三十百千以上内不超低于", max_size=30
    )
)
def test_value_like_text_parses(text):
    v = parse_value(text)
    assert "unparsed" not in v.problems  # the parser did not crash on it
    assert v.raw == text and v.comparator in OPS and v.unit_kind in KINDS
    if v.upper is not None:
        assert v.number is not None  # a range has a bottom
    # a parse is a fresh record: changing one leaves the next parse of the same text as it was
    first = replace(v, problems=list(v.problems))
    v.problems.append("changed")
    v.number = -1.0
    assert parse_value(text) == first


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PRE), numbers, st.sampled_from(UNITS), st.sampled_from(["", " "]))
def test_prefix_comparator_round_trip(cmp, number, unit, space):
    word, op = cmp
    raw = f"{word}{space}{number}{space}{unit.spelling}"
    v = parse_value(raw)
    assert (v.comparator, v.number, v.unit, v.text) == (op, float(number), unit.norm, "")
    assert v.unit_kind == unit.kind
    again = parse_value(format_value(v.comparator, v.number, v.unit))
    assert (again.comparator, again.number, again.unit) == (v.comparator, v.number, v.unit)


@settings(max_examples=200, deadline=None)
@given(numbers, st.sampled_from(UNITS), st.sampled_from(POST))
def test_suffix_comparator_round_trip(number, unit, post):
    word, op = post
    v = parse_value(f"{number}{unit.spelling}{word}")
    assert (v.comparator, v.number, v.unit, v.text) == (op, float(number), unit.norm, "")


@settings(max_examples=200, deadline=None)
@given(numbers, st.sampled_from([u for u in UNITS if u.kind == "money"]))
def test_money_has_wan_equivalent(number, unit):
    v = parse_value(f"≤{number}{unit.spelling}")
    if unit.wan is not None:
        assert abs(v.amount_wan - float(number) * unit.wan) < 1e-6 * max(1.0, float(number) * unit.wan)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet="≥≤%万元亿年月日前后季度每次个人家台套册小时天-~() 0123456789.一二三十以上内不超低于/", max_size=14
    )
)
def test_canonical_spelling_reparses_to_the_same_value(text):
    v = parse_value(text)
    if v.number is not None and v.unit and v.unit_kind != "date" and v.number < 1e12:
        again = parse_value(format_value(v.comparator, v.number, v.unit))
        assert (again.comparator, again.number, again.unit) == (v.comparator, v.number, v.unit)
