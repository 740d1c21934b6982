"""Mangled documents fed to every binary reader (and the HTML one): Blocks or InputError, never anything else.

Two kinds of damage: raw byte flips / truncation / inserted garbage on the whole file, and,
for the zip formats, damage inside one XML member re-zipped so the XML and table code runs.
Web pages also get tag soup: random table markup with hostile spans, charsets and nesting.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.model import Block
from auditor.read import read_blocks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = {
    "docx": FIXTURES / "docx" / "002_9f400b94fd3b1d9f.docx",
    "xlsx": FIXTURES / "xlsx" / "002_9f400b94fd3b1d9f.xlsx",
    "xls": FIXTURES / "xls" / "002_9f400b94fd3b1d9f.xls",
    "pdf": FIXTURES / "pdf" / "003_dfde72d2c9d140db.pdf",
    "html": FIXTURES / "html" / "gbk" / "002_9f400b94fd3b1d9f.htm",
}
MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml"}
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes, name: str):
    """read_blocks on ``data`` saved as ``name``: the Blocks, or the InputError it raised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            blocks, info = read_blocks(path)
        except InputError as err:
            assert err.path == name and err.reason
            return err
    assert isinstance(info, dict)
    for block in blocks:
        assert isinstance(block, Block)
        assert all(isinstance(cell, str) for cell in block.cells)
        assert block.table is None or isinstance(block.table, int)
    return blocks


@st.composite
def damage(draw, data: bytes) -> bytes:
    """Flip, drop or insert bytes at a few places, or cut the tail off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "zero":
            out[at : at + draw(st.integers(1, 512))] = b"\0" * min(512, len(out) - at)
    return bytes(out)


def _available(fmt: str) -> Path:
    path = SAMPLES[fmt]
    assert path.exists(), f"the {fmt} fixture is missing: python tests/make_fixtures.py"
    return path


@pytest.mark.parametrize("fmt", [pytest.param(f, marks=pytest.mark.slow) if f == "pdf" else f for f in sorted(SAMPLES)])
@FUZZ
@given(data=st.data())
def test_damaged_bytes_give_blocks_or_input_error(fmt, data):
    original = _available(fmt).read_bytes()
    mangled = data.draw(damage(original))
    outcome(mangled, f"mangled.{fmt}")


@pytest.mark.parametrize("fmt", sorted(MEMBERS))
@FUZZ
@given(data=st.data())
def test_damaged_xml_inside_a_sound_zip_gives_blocks_or_input_error(fmt, data):
    source = _available(fmt)
    with zipfile.ZipFile(source) as archive:
        members = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    target = MEMBERS[fmt]
    members[target] = data.draw(damage(members[target]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    outcome(buffer.getvalue(), f"xml.{fmt}")


_SOUP = st.one_of(
    st.sampled_from(
        [
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th colspan=3>",
            "<td rowspan=0>",
            '<td rowspan="99999999">',
            '<td colspan="-1">',
            "<td colspan=300>",
            "<thead>",
            "<tbody>",
            "<caption>",
            "<br>",
            "<p>",
            "</p>",
            "<div hidden>",
            "</div>",
            "<script>",
            "</script>",
            "<pre>",
            '<meta charset="gb2312">',
            "<meta http-equiv=content-type content='text/html; charset=x-unknown'>",
            "&nbsp;",
            "&#0;",
            "&#xD800;",
            "<!--",
            "-->",
            "一级指标",
            "二级指标",
            "三级指标",
            "产出指标",
            "≥95%",
            "单位：万元",
        ]
    ),
    st.text(max_size=8),
)


@pytest.mark.slow
@FUZZ
@given(parts=st.lists(_SOUP, max_size=80), codec=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_html_tag_soup_gives_blocks_or_input_error(parts, codec):
    outcome("".join(parts).encode(codec, "replace"), "soup.html")


def test_undamaged_samples_read_cleanly():
    for fmt in SAMPLES:
        blocks = outcome(_available(fmt).read_bytes(), f"sound.{fmt}")
        assert isinstance(blocks, list) and len(blocks) > 20
