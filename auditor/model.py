"""Plain records passed between pipeline stages.

read -> Block (rows of cells), parse -> Department/Project/Indicator,
analyse -> Value, check -> Finding, score -> Score. No logic lives here beyond
small conveniences; every stage depends on this module and nothing else shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}  # how reports name the severities


@dataclass
class Block:
    """One row of cells as a reader saw it.

    A paragraph outside any table is a Block with one cell and ``table=None``.
    ``line`` is where it came from: the 1-based line of a text file, or the
    paragraph/row ordinal for binary formats. ``table`` numbers the physical table
    the row belongs to (a page break or a new ``<table>`` starts a new number).
    """

    cells: list[str]
    line: int
    table: int | None = None
    where: str = ""  # the place in the document's own terms: "第3页", "工作表“申报表”第12行", "表2第5行"
    # True when the cells are a run whose row boundaries were lost (one cell a line, blank-line
    # cells ...): the parser assembles rows from the cells' content and the table header. An
    # empty string is then an empty cell the converter wrote out; a False block is one row.
    stream: bool = False
    lines: list[int] | tuple[int, ...] = ()  # for a stream Block: the source line of each cell


@dataclass
class Value:
    """A parsed 指标值."""

    raw: str
    comparator: str | None = None  # one of ">=", "<=", "=", ">", "<" or None
    number: float | None = None
    unit: str | None = None  # as written, normalised spelling (e.g. "%", "万元", "元/册")
    unit_kind: str | None = None  # percent|money|count|time|date|frequency|unit_cost|other
    date: str | None = None  # ISO date (YYYY-MM-DD) of a deadline, if any
    year: int | None = None  # the year a date/deadline names, if any
    text: str = ""  # leftover free text after the structured parts
    cap_words: bool = False  # an upper bound stated in words (最高不超, 以内 ...)
    problems: list[str] = field(default_factory=list)  # parser notes: "fused", "over_100", ...
    upper: float | None = None  # the top of a range (85%-95%, 3月-10月); number is the bottom
    amount_wan: float | None = None  # money (or a unit cost's money part) in 万元, e.g. ≥1亿元 -> 10000


@dataclass
class Indicator:
    """One 三级指标 row of a project table."""

    row: int  # 1-based position in its project table
    level1: str = ""
    level2: str = ""
    name: str = ""
    description: str = ""
    value: str = ""
    basis: str = ""
    line: int = 0  # source line (see Block.line)
    where: str = ""  # the place in the document's own terms (see Block.where); empty for plain text
    # Facts the parser read from the table itself (never filled by analysis):
    direction: str = ""  # a separate 指标方向/计算符号/指标性质 cell as printed (≥, 正向, 大于等于 ...)
    unit_column: str = ""  # a separate 计量单位/度量单位 cell as printed
    level_note: str = ""  # template notes the parser took out of the 一级/二级 labels: "(必填硬性指标)"
    weight: str = ""  # 权重 / 分值 of the row (or of its level label: "(0-20)分"), as printed
    actual: str = ""  # self-evaluation: 实际完成值
    score: str = ""  # self-evaluation: 得分
    deviation: str = ""  # self-evaluation: 偏差原因 / 未完成原因
    parsed: Value | None = None  # filled by the analyse stage
    features: dict[str, Any] = field(default_factory=dict)  # NLP features (polarity, kind ...)


@dataclass
class Project:
    """One 项目支出绩效目标表."""

    no: int  # 1-based position of the project table in the document
    code: str = ""  # 项目编码
    name: str = ""  # 项目名称
    budget: float | None = None  # 预算数, in 万元
    fiscal_funds: float | None = None  # 其中：财政资金
    other_funds: float | None = None  # 其他资金
    purpose: str = ""  # 资金用途
    spend_plan: list[tuple[str, str]] = field(default_factory=list)  # (checkpoint, as written)
    goal: str = ""  # 绩效目标, markup removed
    owner: str = ""  # the unit the table names (单位名称/预算单位/填报单位/申报单位, else 主管部门), as printed
    year: int | None = None  # the budget year the table itself states ((2024年度), 预算年度), if any
    line: int = 0
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Department:
    """One document: a department's disclosure with its project tables."""

    source: str  # the input file's name, no folders
    code: str = ""
    name: str = ""
    year: int | None = None
    unit: str = "万元"  # money unit of the tables: 万元 or 元
    path: str = ""  # full path as given
    projects: list[Project] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Finding:
    """One defect found by a rule."""

    source: str
    rule: str
    severity: str  # error|warning|info
    message: str
    project_no: int | None = None
    project_code: str = ""
    project: str = ""
    row: int | None = None  # None for project- or department-level findings
    line: int = 0
    where: str = ""  # the place in the document's own terms (see Block.where)
    suggestion: str = ""
    field: str = ""  # which cell is at fault: name|description|value|basis|level2|goal ...
    department_code: str = ""
    department: str = ""
    related: str = ""  # e.g. the other project for DUP_TABLE
    path: str = ""  # the input file as a person finds it: relative to the folder given (or as given)
    id: str = ""  # stable identity across resubmissions (auditor/identity.py), e.g. "VAGUE-3fa29c1b07d2"
    indicator: str = ""  # the 三级指标 name of the row, as written (empty for a project finding)
    disposition: str = ""  # a reviewer's 处理意见: 采纳 / 不采纳 / 已沟通 (auditor/dispositions.py)
    reason: str = ""  # the reviewer's 理由

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)  # every field is a plain value: no deep copy needed


@dataclass
class Deduction:
    """One line of a score's explanation."""

    points: float
    reason: str
    rule: str = ""
    row: int | None = None


@dataclass
class Score:
    """A project's or department's score with the deductions that explain it."""

    source: str
    score: float
    grade: str  # 优 良 中 差
    decision: str  # 通过 修改后通过 退回
    reason: str = ""  # why this decision, in words a reviewer reads beside the grade
    project_no: int | None = None  # None for a department score
    project_code: str = ""
    project: str = ""
    budget: float | None = None
    deductions: list[Deduction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "deductions": [dict(d.__dict__) for d in self.deductions]}
