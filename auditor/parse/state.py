"""Per-document and per-project parsing state: what the walk over the blocks knows so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.model import Department, Indicator, Project


@dataclass
class DocState:
    """What the parser knows while walking the blocks of one document."""

    dept: Department
    unit: str = ""  # money unit last announced (单位：万元)
    project: Project | None = None
    project_unit: str = ""
    columns: dict[int, str] = field(default_factory=dict)  # column index → field, while in an indicator table
    header_keys: list[str] = field(default_factory=list)  # the indicator header row as read
    in_indicators: bool = False
    after_break: bool = False  # a page break / repeated header just happened
    last_table: int | None = None
    last_label: str = ""  # last header label row kind seen in the project
    filled_down: list[Indicator] = field(default_factory=list)  # rows since the last written 一级指标
    pending: dict[int, str] = field(default_factory=dict)  # column → a label whose value may sit in the row below
    just_header: bool = False  # the previous row was the indicator header
    partial_header: list[str] = field(default_factory=list)  # a row that may be the first line of a header
    checkpoints: list[list] = field(default_factory=list)
    title: str = ""  # last "XXX绩效目标表" heading, not yet used by a project
    name_from_title: bool = False  # the open project's name came from its heading
    units: dict[int, str] = field(default_factory=dict)  # id(project) → money unit of its table
    found_header: set[int] = field(default_factory=set)  # ids of projects with an indicator header
    projects: list[Project] = field(default_factory=list)
    # reading indicator rows by content
    roles: list[str] = field(default_factory=list)  # the header's column roles in order (parse.header)
    header_row: list[str] = field(default_factory=list)  # the header cells the roles were read from
    width: int = 0
    flat: bool = False  # the header has project columns (单位名称 | 项目名称 …): a flat sheet
    level_columns: tuple = ()  # (一级 column, 二级 column) when the header has both  # cells in the header row: a row as wide is read by position
    level1: str = ""  # the 一级 label the rows below fall under (filled down)
    level2: str = ""  # the 二级 label the rows below fall under
    above: dict[int, str] = field(default_factory=dict)  # the previous content-placed row
    last_column: int = -1  # the last column the previous content-placed row filled
    table_year: int | None = None  # the year the last table title or (2024年度) line stated
    annual_budget: bool = False
    goal_pair: bool = False  # the open project gives 中期/长期 and 年度 goals side by side  # the open project's budget came from an annual label (年度资金总额)
    listing: tuple = ()  # (name, amount) of a budget listing's entry whose indicators follow
    caption: str = ""
    trace: list | None = (
        None  # when set (audit inspect), what the walk decided: headers, tables left out  # the last title-like line (…绩效目标 / …自评表): names a table outside any project
    )
