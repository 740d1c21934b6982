"""The reader and parser never crash on damaged input: they read what they can."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.model import Block
from auditor.parse import parse_blocks
from auditor.read import text as text_reader

SEED = Path(__file__).resolve().parent.parent / "examples" / "000_8a1b00379ebc752e.txt"
BLOCKS, _ = text_reader.read(SEED.read_bytes(), SEED.name)
START = next(i for i, b in enumerate(BLOCKS) if b.cells[0] == "项目编码")


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_parser_survives_dropped_and_shuffled_cells(data):
    blocks = []
    for block in BLOCKS[START : START + 120]:
        cells = list(block.cells)
        action = data.draw(st.sampled_from(["keep", "keep", "keep", "drop_cell", "drop_row", "blank"]))
        if action == "drop_row":
            continue
        if action == "drop_cell" and cells:
            del cells[data.draw(st.integers(0, len(cells) - 1))]
        if action == "blank":
            cells = [""] * len(cells)
        blocks.append(Block(cells, block.line, block.table))
    dept = parse_blocks(blocks, source="fuzz.txt")
    for project in dept.projects:
        assert [i.row for i in project.indicators] == list(range(1, len(project.indicators) + 1))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t\n|#*- 项目编码名称一级指标二级三级值：0123")), max_size=400))
def test_text_reader_and_parser_accept_any_text(text):
    try:
        blocks, info = text_reader.read(text.encode("utf-8"), "random.txt")
    except InputError:
        return
    assert info["layout"] in {"tabs", "markdown", "cells", "pipe"}
    parse_blocks(blocks, source="random.txt")
