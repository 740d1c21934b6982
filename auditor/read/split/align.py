"""Tokens → table rows, placing each token in the header column its kind fits.

Where a converter dropped the delimiters (and the empty cells with them), the order of the
tokens is all that is left of the columns. ``align`` finds, by dynamic programming over the
whole token stream, the reading that fits best: each token goes to a column to the right of the
previous one in its row, or starts a new row (at a 一级, 二级 or 三级 column); a token whose kind
does not fit a column cannot go there (a 二级 label is never a value, a unit never a name).
Line breaks, where the text still has them, make a new row cheap and a continuation dear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from auditor.chars import TEXT_CACHE
from auditor.read.split import words

ROW_COST = 1.0  # starting a row
LINE_BONUS = 0.9  # ... at the start of a line
MID_LINE = 1.5  # ... in the middle of a line (when the text has lines)
CONTINUE = 0.5  # carrying a row on over a line break
JOIN = -0.4  # two tokens in one cell (text with a space inside)

# role → {token kind → how well it fits}; a kind missing from the map cannot go there.
FIT: dict[str, dict[str, float]] = {
    "level1": {"l1": 3.0, "text": 0.1},
    "level2": {"l2": 3.0, "text": 0.1},
    "name": {"text": 2.0, "value": 0.3, "num": 0.05},
    "description": {"text": 0.8, "value": 0.8},
    "value": {"value": 2.5, "num": 2.0, "text": 0.9},
    "sign": {"sign": 3.0},
    "unit": {"unit": 3.0},
    "weight": {"num": 1.5, "value": 0.2},
    "actual": {"value": 1.5, "num": 1.5, "text": 0.6},
    "score": {"num": 1.5},
    "deviation": {"text": 0.3, "value": 0.2},
    "remark": {"text": 0.3, "value": 0.2, "num": 0.2},
    "basis": {"text": 0.3, "value": 0.2},
    "project": {"text": 1.5},
    "unit_name": {"text": 1.2, "value": 0.8},
    "category": {"text": 1.2, "value": 0.8},
    "budget": {"num": 2.0},
    "goal": {"text": 1.2},
}
STARTS = ("project", "level1", "level2", "name")  # a row can begin in these columns


@dataclass
class Token:
    text: str
    line: int = 0
    starts_line: bool = False


@dataclass
class Row:
    cells: dict[int, list[Token]] = field(default_factory=dict)  # column → its tokens
    line: int = 0

    def text(self, column: int) -> str:
        return "".join(t.text for t in self.cells.get(column, []))


@lru_cache(maxsize=TEXT_CACHE)
def fit(role: str, text: str) -> float | None:
    table = FIT.get(role)
    if table is None:
        return None
    best = None
    for kind in words.kinds(text):
        score = table.get(kind)
        if score is not None and (best is None or score > best):
            best = score
    if best is None:
        return None
    if role == "value" and best < 2.5:
        best = max(best, 2.5 * words.value_score(text))
    elif role in ("name", "project", "unit_name", "category", "goal"):
        best -= 1.5 * words.value_score(text)  # 明显缩短, 较上年提高: a value that wrapped, not a name
    elif role == "level1" and "l2" in words.kinds(text):
        best -= 0.4  # 成本指标, 满意度指标 alone: rather the 二级
    return best


def _joinable(a: str, b: str) -> bool:
    ka, kb = words.kinds(a), words.kinds(b)
    return ka <= {"text", "value"} and kb <= {"text", "value"} and "text" in ka | kb


def align(tokens: list[Token], roles: list[str], lines: bool = True) -> list[Row]:
    """The best reading of ``tokens`` as rows under a header of ``roles`` (see module doc)."""
    n, m = len(tokens), len(roles)
    if not n or not m:
        return []
    starts = [k for k, role in enumerate(roles) if role in STARTS]
    if not starts:
        return []
    can_start = [role in STARTS for role in roles]
    fits = [[fit(role, tok.text) for role in roles] for tok in tokens]
    neg = float("-inf")
    best = [[neg] * m for _ in range(n)]
    back: list[list[tuple[int, str]]] = [[(-1, "")] * m for _ in range(n)]
    for k in range(m):
        if fits[0][k] is not None and can_start[k]:
            best[0][k] = fits[0][k] - ROW_COST
            back[0][k] = (-1, "row")
    for i in range(1, n):
        tok = tokens[i]
        row_extra = (LINE_BONUS if tok.starts_line else -MID_LINE) if lines else 0.0
        cont_extra = -CONTINUE if (lines and tok.starts_line) else 0.0
        prev = best[i - 1]
        joinable = not tok.starts_line and _joinable(tokens[i - 1].text, tok.text)
        top_prev = max(range(m), key=lambda j: prev[j])
        for k in range(m):
            f = fits[i][k]
            cand, how = neg, (-1, "")
            if f is not None:
                for j in range(k):
                    if prev[j] > neg and prev[j] + f + cont_extra > cand:
                        cand, how = prev[j] + f + cont_extra, (j, "next")
                if can_start[k] and prev[top_prev] > neg:
                    s = prev[top_prev] + f - ROW_COST + row_extra
                    if s > cand:
                        cand, how = s, (top_prev, "row")
            if joinable and prev[k] > neg and prev[k] + JOIN > cand:
                cand, how = prev[k] + JOIN, (k, "join")
            best[i][k], back[i][k] = cand, how
    k = max(range(m), key=lambda j: best[n - 1][j])
    if best[n - 1][k] == neg:
        return []
    placed: list[tuple[int, str]] = []
    for i in range(n - 1, -1, -1):
        placed.append((k, back[i][k][1]))
        k = back[i][k][0]
    placed.reverse()
    rows: list[Row] = []
    for tok, (col, how) in zip(tokens, placed, strict=True):
        if how == "row" or not rows:
            rows.append(Row(line=tok.line))
        rows[-1].cells.setdefault(col, []).append(tok)
    return rows
