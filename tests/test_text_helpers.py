"""Small text helpers that the hot paths lean on: they must give what the plain code gives."""

from __future__ import annotations

import pytest

from auditor.chars import Translation, WordList, WordTable


def test_translation_changes_text_only_where_its_characters_are():
    half = Translation({"（": "(", "）": ")", "\u200b": None})
    for text in ["预算（万元）", "无需转换的文字", "零宽\u200b空格", ""]:
        assert half(text) == text.translate(half.table)
    plain = "无需转换的文字"
    assert half(plain) is plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [("投诉处理满意度", "满意度"), ("效果明显提升", "明显提升"), ("≥95%", None), ("", None)],
)
def test_word_list_finds_the_longest_word(text, expected):
    words = WordList(["明显", "明显提升", "满意度", "满意", ""])
    assert words.first_in(text) == expected
    plain = next((w for w in sorted(["明显", "明显提升", "满意度", "满意"], key=len, reverse=True) if w in text), None)
    assert words.first_in(text) == plain


def test_word_table_tie_rules():
    table = WordTable([("事故", "down"), ("发生率", "down"), ("满意度", "up"), ("投诉", "down"), ("率", "up")])
    # longest word first, then the one ending last
    assert table.find("投诉处理满意度", longest_first=True) == "up"
    assert table.find("事故发生率", longest_first=True) == "down"
    # the word ending last first, then the longest
    assert table.find("事故发生率", longest_first=False) == "down"  # 发生率 (ends last, longer than 率)
    assert table.find("满意度投诉", longest_first=False) == "down"
    assert table.find("无关", longest_first=True) is None


def test_word_table_keeps_the_first_label_of_a_word():
    assert WordTable([("下降率", "up"), ("下降率", "down")]).find("成本下降率", longest_first=True) == "up"
