"""Text documents (.txt/.md) → Blocks. Owns layout detection for plain-text exports.

A layout is recognised from the content (never the file name). ``LAYOUTS`` lists them: each
has a ``score(lines)`` (0 when the text is not in that layout, higher the more it looks like
it) and a ``read(lines)`` giving Blocks; the highest score wins, ties going to the earlier
entry, and ``tabs`` is the fallback. A new layout plugs in by adding a ``Layout`` here, in
its own module.

Paragraphs outside tables become one-cell Blocks with ``table=None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.chars import Translation
from auditor.model import Block
from auditor.read import split
from auditor.read.detect import decode
from auditor.read.limits import check_text
from auditor.read.text import bars, blank, cells, delimited
from auditor.read.text import lines as line_layouts

# Zero-width characters and BOMs are dropped; exotic spaces (NBSP, en/em, ideographic) become a plain space.
_INVISIBLE = Translation(
    {
        **dict.fromkeys(["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"], ""),
        **dict.fromkeys(["\u00a0", "\u3000", "\u202f", "\u205f", *map(chr, range(0x2000, 0x200B))], " "),
    }
)


@dataclass(frozen=True)
class Layout:
    """One way a converter writes tables as text."""

    name: str
    score: Callable[[list[str]], float]  # 0: not this layout; the highest score wins
    read: Callable[[list[str]], list[Block]]


LAYOUTS: list[Layout] = [
    Layout("csv", delimited.score_csv, delimited.read_csv),
    Layout("pipe", line_layouts.score_pipe, line_layouts.read_pipe),
    Layout("padded", bars.score_padded, bars.read_padded),
    Layout("bar cells", bars.score_bar_cells, bars.read_bar_cells),
    Layout("indented bar cells", bars.score_indented, bars.read_indented),
    Layout("blank-line cells", blank.score_blank_cells, blank.read_blank_cells),
    Layout("cells", cells.score_word_cells, cells.read_word_cells),
    Layout("markdown", line_layouts.score_markdown, line_layouts.read_tabs),
]
FALLBACK = Layout("tabs", lambda lines: 0.0, line_layouts.read_tabs)


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Decode ``data`` and split it into Blocks using the layout the content shows."""
    check_text(data, name)  # lines and cells counted on the bytes, before anything is split
    text, encoding = decode(data, name)
    lines = _INVISIBLE(text).split("\n")
    layout = choose_layout(lines)
    info = {"layout": layout.name, "encoding": encoding}
    return split.mend(layout.read(lines), info, lines, name), info


def choose_layout(lines: list[str]) -> Layout:
    best, best_score = FALLBACK, 0.0
    for layout in LAYOUTS:
        score = layout.score(lines)
        if score > best_score:
            best, best_score = layout, score
    return best


def detect_layout(lines: list[str]) -> str:
    """Name the layout of a text document (``tabs``, ``markdown``, ``cells``, ``pipe`` …)."""
    return choose_layout(lines).name
