"""HTML reports: index.html (all departments ranked) and one scorecard per department.

Jinja2 templates in report/templates with autoescape on (document text is untrusted); charts
are inline SVG from report/svg.py, so each page is one self-contained file. The rows that make
up most of a page (a scorecard's indicator and finding tables, index.html's department and
project rows) are built in Python by the functions here, every text escaped with ``_esc``:
a template loop costs several times more per cell. index.html's rows are built with each
department's card, in the worker that scored it (``index_entry``).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from auditor.dispositions import ACCEPTED, accepted_label, is_accepted
from auditor.model import SEVERITY_CN, Department, Finding, Project, Score
from auditor.report import svg
from auditor.report.atomic import atomic_open, write_whole
from auditor.report.worklist import ACTION, WORKLIST_SHEET, Entry, Worklist, deciding, deciding_text, sort_key
from auditor.safe import bounded
from auditor.scoring import DECISION_ORDER, rule_title, settings

DECISIONS = ("通过", "修改后通过", "退回")
GRADE_COLORS = {"优": "#1e8449", "良": "#2874a6", "中": "#b9770e", "差": "#b03a2e"}
CELL_FIELDS = ("level1", "level2", "name", "description", "value", "basis")
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]+")


def _num(x) -> str:
    """A number as a page shows it (165.76, 40, 100), or nothing."""
    return "" if x is None else f"{x:g}"


@cache
def _env() -> Environment:
    """The templates' environment; their compiled code is kept in the cache folder (auditor.cache),
    so a process does not compile them again (jinja checks each template's source checksum)."""
    from auditor.cache import folder

    cache = folder()
    bytecode = None
    if cache is not None:
        from jinja2 import FileSystemBytecodeCache

        try:
            (cache / "templates").mkdir(parents=True, exist_ok=True)
            bytecode = FileSystemBytecodeCache(str(cache / "templates"))
        except OSError:
            bytecode = None  # a folder that cannot be written: templates compiled each time
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=bytecode,
    )
    env.filters["num"] = _num
    env.globals["GRADE_COLORS"] = GRADE_COLORS
    env.globals.update(badge=badge, dec=decision_badge, severity_badge=severity_badge, deductions=deductions_table)
    env.globals.update(is_accepted=is_accepted, accepted_label=accepted_label)
    env.filters["css_string"] = css_string
    return env


@cache
def short_title(code: str) -> str:
    """A rule's short title, or the code when the catalog is not there."""
    return rule_title(code) or code


_HTML_SPECIAL = re.compile("[&<>\"']")


def _esc(text: str) -> str:
    """``markupsafe.escape`` as a plain string (the same entities), without making Markup objects."""
    if _HTML_SPECIAL.search(text) is None:
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def safe_name(code: str, name: str, source: str, taken: set[str] | None = None) -> str:
    """A department's scorecard file name: ``<code>-<name>.html`` (or the document's name) with
    anything but letters, digits, CJK, '.', '-' replaced, at most ``safe.MAX_NAME_BYTES`` bytes
    before the suffix; unique in ``taken`` (casefolded names, for case-blind file systems), which it joins."""
    stem = "-".join(p for p in (code, name) if p) or Path(source).stem or "department"
    stem = bounded(_UNSAFE.sub("_", stem).strip("._-")[:80]) or "department"
    file, n = f"{stem}.html", 2
    while taken is not None and file.casefold() in taken:
        file, n = f"{stem}-{n}.html", n + 1
    if taken is not None:
        taken.add(file.casefold())
    return file


def _rows_text(findings: list[Finding]) -> str:
    rows = sorted({f.row for f in findings if f.row is not None})
    return f"（第{'、'.join(map(str, rows))}行）" if rows else ""


def _problems(findings: list[Finding], limit: int = 5, rows: bool = True) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    ranked = sorted(by_rule.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return "；".join(f"“{short_title(code)}”{len(fs)}处{_rows_text(fs) if rows else ''}" for code, fs in ranked)


def project_opinion(score: Score, findings: list[Finding]) -> str:
    """A formal 审核意见 for one project table."""
    text = f"经审核，该项目绩效目标表得分{score.score:g}分，评定等级为“{score.grade}”，审核结论为“{score.decision}”。"
    if not findings:
        return text + "未发现指标质量问题，绩效指标设置规范、完整，予以通过。"
    text += f"存在的主要问题：{_problems(findings)}。"
    if score.decision == "通过":
        return text + "上述问题不影响绩效目标的可考核性，予以通过，请在执行中一并完善。"
    if score.decision == "退回":
        return text + "上述问题影响绩效目标的完整性和可考核性，予以退回，请按修改建议重新编制后报送。"
    return text + "请按上述问题及修改建议逐项修改完善后重新报送，经复核无误后予以通过。"


def department_opinion(dept: Department, score: Score, project_scores: list[Score], findings: list[Finding]) -> str:
    """A formal 审核意见 for a department's whole submission."""
    counts = Counter(s.decision for s in project_scores)
    name = dept.name or dept.source
    year = f"{dept.year}年度" if dept.year else ""
    text = (
        f"经审核，{name}{year}共报送项目支出绩效目标表{len(dept.projects)}个，预算合计{score.budget or 0:g}万元。"
        f"部门综合得分{score.score:g}分，评定等级为“{score.grade}”。"
    )
    if project_scores:
        text += "其中" + "、".join(f"{d}{counts.get(d, 0)}个" for d in DECISIONS) + "。"
        for verdict in ("退回", "修改后通过"):
            named = [s for s in project_scores if s.decision == verdict]
            if named:
                listed = "、".join(f"「{s.project or f'项目{s.project_no}'}」" for s in named[:10])
                text += f"{verdict}的项目：{listed}{'等' if len(named) > 10 else ''}。"
    text += f"部门审核结论为“{score.decision}”（{score.reason}）。"
    if findings:
        text += f"共发现指标质量问题{len(findings)}处，主要集中在：{_problems(findings, 3, rows=False)}。"
        text += (
            f"请{name}对照本评分卡所列问题和修改建议，逐项修改完善绩效目标表，"
            "确保绩效指标具体、可衡量、可考核，并在规定时限内重新报送。"
        )
    else:
        text += "未发现指标质量问题，绩效目标编制规范。"
    return text


def _cell_flags(findings: list[Finding]) -> dict[int, dict[str, str]]:
    """row -> {field: severity}; a row finding without a field flags the whole row ("*")."""
    order = {"info": 0, "warning": 1, "error": 2}
    flags: dict[int, dict[str, str]] = defaultdict(dict)
    for f in findings:
        if f.row is None:
            continue
        key = f.field if f.field in CELL_FIELDS else "*"
        old = flags[f.row].get(key)
        if old is None or order.get(f.severity, 0) > order.get(old, 0):
            flags[f.row][key] = f.severity
    return flags


_PLAIN_CELLS = ("<td>",) * len(CELL_FIELDS)  # the cells' opening tags of a row without a flag


def indicator_rows(project: Project, flags: dict[int, dict[str, str]]) -> str:
    """The ``<tr>`` rows of a project's indicator table, each flagged cell with its severity class.

    Built here rather than in the template: a scorecard has thousands of cells, and this loop
    is most of the time spent writing one. Every document text is escaped; a row's six texts
    are searched for HTML's special characters at once, and each row is one format.
    """
    no = project.no
    special = _HTML_SPECIAL.search
    out = []
    for ind in project.indicators:
        c = (ind.level1, ind.level2, ind.name, ind.description, ind.value, ind.basis)
        if special("".join(c)) is not None:
            c = tuple(map(_esc, c))
        row = ind.row
        fl = flags.get(row)
        if fl is None:
            t, row_class = _PLAIN_CELLS, ""
        else:
            t = tuple(f'<td class="flag-{fl[name]}">' if name in fl else "<td>" for name in CELL_FIELDS)
            row_class = f' class="flag-{fl["*"]}"' if "*" in fl else ""
        out.append(
            f'<tr id="p{no}-r{row}"{row_class}>\n<td class="num">{row}</td>\n{t[0]}{c[0]}</td>\n{t[1]}{c[1]}</td>\n'
            f"{t[2]}{c[2]}</td>\n{t[3]}{c[3]}</td>\n{t[4]}{c[4]}</td>\n{t[5]}{c[5]}</td>\n</tr>\n"
        )
    return "".join(out)


GROUP_FROM = 3  # this many findings of one rule in one project are shown as one grouped row


def _code(code: str) -> str:
    """A rule code that may wrap only after its underscores, never mid-word."""
    return _esc(code).replace("_", "_<wbr>")


def _place(f: Finding) -> str:
    row = str(f.row) if f.row is not None else "项目"
    return row + (f'<br><small class="meta">{_esc(f.where)}</small>' if f.where else "")


@cache
def _rule_cell(code: str) -> str:
    """A findings table's rule cell: the code, and its short title below when there is one."""
    title = short_title(code)
    return _code(code) + (f'<br><small class="meta">{_esc(title)}</small>' if title != code else "")


def finding_rows(findings: list[Finding]) -> str:
    """The ``<tr>`` rows of a project's findings table (built here for speed, like indicator_rows).

    ``GROUP_FROM`` or more findings of one rule (not accepted ones) are one row: their rows, the
    count, the first message as the example; the cells stay flagged in the indicator table.
    """
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.disposition not in ACCEPTED:
            by_rule[f.rule].append(f)
    out = []
    done: set[str] = set()
    for f in findings:
        rule = _rule_cell(f.rule)
        accepted = f.disposition in ACCEPTED
        group = by_rule.get(f.rule, ())
        if len(group) >= GROUP_FROM and not accepted:
            if f.rule in done:
                continue
            done.add(f.rule)
            rows = sorted({g.row for g in group if g.row is not None})
            places = "、".join(map(str, rows)) or "项目"
            message = _esc(f"同类问题{len(group)}处，例如：{f.message}")
            out.append(
                f'<tr class="grouped"><td>{places}</td><td>{severity_badge(f.severity)}</td>'
                f'<td>{rule}</td><td>{message}</td><td class="fix">{_esc(f.suggestion)}</td></tr>\n'
            )
            continue
        message = _esc(f.message) + (_esc(f"（相关：{f.related}）") if f.related else "")
        if accepted:  # a reviewer accepted it as it is: shown, not counted in the score
            message += f'<br><b class="accepted">{_esc(accepted_label(f))}</b>'
        out.append(
            ('<tr class="accepted"><td>' if accepted else "<tr><td>")
            + f"{_place(f)}</td><td>{severity_badge(f.severity)}</td>"
            f'<td>{rule}</td><td>{message}</td><td class="fix">{_esc(f.suggestion)}</td></tr>\n'
        )
    return "".join(out)


def deductions_table(score: Score, label: str) -> Markup:
    """A score's deductions as a table, its total at the foot (a scorecard has one per project)."""
    rows = "".join(
        f'<tr><td class="num">{_num(d.points)}</td><td>{_esc(d.reason)}</td></tr>\n' for d in score.deductions
    )
    return Markup(
        '<table class="deductions"><colgroup><col style="width:10%"><col style="width:90%"></colgroup>\n'
        f'<thead><tr><th class="num">扣分</th><th>{_esc(label)}</th></tr></thead>\n<tbody>\n'
        + (rows or '<tr><td class="num">0</td><td>无扣分</td></tr>')
        + f'<tr><th class="num">{_num(score.score)}</th><th>得分 = 100 − 扣分合计</th></tr>\n</tbody>\n</table>\n'
    )


_INDICATOR_HEAD = (
    '<table class="indicators">\n<colgroup><col style="width:4%"><col style="width:10%"><col style="width:11%">'
    '<col style="width:16%"><col style="width:24%"><col style="width:14%"><col style="width:21%"></colgroup>\n'
    '<thead><tr><th class="num">行</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标描述</th>'
    "<th>指标值</th><th>确定依据</th></tr></thead>\n<tbody>\n"
)
_FINDING_HEAD = (
    '<table class="findings">\n<colgroup><col style="width:6%"><col style="width:7%"><col style="width:16%">'
    '<col style="width:40%"><col style="width:31%"></colgroup>\n'
    "<thead><tr><th>行</th><th>级别</th><th>规则</th><th>问题</th><th>修改建议</th></tr></thead>\n<tbody>\n"
)


def project_section(x: ProjectCard) -> str:
    """A project's ``<section>`` of the scorecard: heading, facts, indicator and findings tables,
    deductions and opinion (built here for speed, like indicator_rows)."""
    p, s = x.project, x.score
    fiscal = f"（财政资金 {_num(p.fiscal_funds)}）" if p.fiscal_funds is not None else ""
    goal = f'<p class="meta">绩效目标：{_esc(p.goal)}</p>' if p.goal else ""
    findings = f"{_FINDING_HEAD}{x.finding_rows}</tbody>\n</table>\n" if x.findings else ""
    return (
        f'<section class="project" id="project-{p.no}">\n'
        f"<h3>{p.no}. {_esc(p.name or '（未命名项目）')}　{badge(s.grade)} {_num(s.score)} 分　{decision_badge(s.decision)}</h3>\n"
        f'<p class="meta">审核结论理由：{_esc(s.reason)}</p>\n'
        f'<p class="meta">项目编码 {_esc(p.code or "—")}　预算数 {_num(p.budget) or "—"} 万元{fiscal}</p>\n'
        f"{goal}{_INDICATOR_HEAD}{x.rows}</tbody>\n</table>\n{findings}"
        f'{deductions_table(s, "扣分明细")}\n<p class="opinion">{_esc(x.opinion)}</p>\n</section>\n'
    )


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string (for @page margin boxes): anything but letters, digits and
    CJK is written as a CSS escape, so document text cannot leave the string or the style element."""
    out = []
    for c in text.unescape() if isinstance(text, Markup) else str(text):
        out.append(c if c.isalnum() or c == " " else f"\\{ord(c):x} ")
    return Markup('"' + "".join(out) + '"')


@cache
def badge(grade: str) -> Markup:
    """A grade in its colour."""
    return Markup('<span class="badge" style="background:%s">%s</span>') % (GRADE_COLORS.get(grade, "#888"), grade)


@cache
def decision_badge(decision: str) -> Markup:
    return Markup('<span class="dec dec-%s">%s</span>') % (decision, decision)


@cache
def severity_badge(severity: str) -> Markup:
    return Markup('<span class="sev sev-%s">%s</span>') % (severity, SEVERITY_CN.get(severity, severity))


def _grade_hist(project_scores: list[float], config) -> list[tuple[str, float]]:
    """Project counts per grade band (each score in the highest band whose floor it reaches)."""
    cfg = settings(config)
    bounds = sorted(cfg["grades"].items(), key=lambda kv: -kv[1])
    counts = [0] * (len(bounds) + 1)
    for s in project_scores:
        counts[next((i for i, (_, floor) in enumerate(bounds) if s >= floor), len(bounds))] += 1
    items, upper = [], 100
    for (name, floor), n in zip(bounds, counts, strict=False):
        items.append((f"{name} {floor:g}–{upper:g}", n))
        upper = floor
    items.append((f"{cfg['lowest_grade']} <{upper:g}", counts[-1]))
    return items


def _grade_color_list(items: list[tuple[str, float]]) -> list[str]:
    return [GRADE_COLORS.get(label.split(" ")[0], svg.COLORS["bar"]) for label, _ in items]


def _rule_chart(counts: list[tuple[str, int]], severity: dict[str, str], title: str):
    """A bar chart of finding counts by rule, coloured by severity."""
    items = [(f"{code} {short_title(code)}" if short_title(code) != code else code, n) for code, n in counts]
    return svg.bar_chart(
        items, title, unit="处", colors=[svg.COLORS.get(severity[c], "#888") for c, _ in counts], label_chars=20
    )


def _findings_chart(findings: list[Finding], title: str, limit: int = 12):
    counts = Counter(f.rule for f in findings).most_common(limit)
    return _rule_chart(counts, {f.rule: f.severity for f in findings}, title)


@dataclass
class ProjectCard:
    """One project's part of a scorecard."""

    project: Project
    score: Score
    findings: list[Finding]
    rows: str  # its indicator table's rows, HTML (indicator_rows)
    finding_rows: str  # its findings table's rows, HTML (finding_rows)
    opinion: str


@dataclass
class Card:
    """Everything a department's scorecard shows."""

    dept: Department
    score: Score  # the department's
    file: str  # the scorecard's file name
    projects: list[ProjectCard]
    findings: list[Finding]  # all of the department's
    dept_findings: list[Finding]  # those on no project of the document
    decisions: dict[str, int]  # projects per decision
    severity: Counter  # findings per severity
    rules: list[str]  # the rules that found something, sorted
    opinion: str
    rule_chart: Markup
    score_chart: Markup
    worklist: list[Entry]  # its projects that need action (report/worklist.py)


def department_card(dept: Department, findings: list[Finding], scores: list[Score], file: str, config=None) -> Card:
    """A department's scorecard; ``findings`` and ``scores`` are that department's."""
    by_project: dict[int | None, list[Finding]] = defaultdict(list)
    for f in findings:
        by_project[f.project_no].append(f)
    proj_score = {s.project_no: s for s in scores if s.project_no is not None}
    ds = next(s for s in scores if s.project_no is None)
    projects = []
    for p in dept.projects:
        pf = by_project.get(p.no, [])
        ps = proj_score[p.no]
        counted = [f for f in pf if f.disposition not in ACCEPTED]  # accepted ones are listed, not flagged
        projects.append(
            ProjectCard(
                p, ps, pf, indicator_rows(p, _cell_flags(counted)), finding_rows(pf), project_opinion(ps, counted)
            )
        )
    pscores = [x.score for x in projects]
    known = {p.no for p in dept.projects}
    return Card(
        dept=dept,
        score=ds,
        file=file,
        projects=projects,
        findings=findings,
        dept_findings=[f for f in findings if f.project_no not in known],
        decisions={d: sum(1 for s in pscores if s.decision == d) for d in DECISIONS},
        severity=Counter(f.severity for f in findings),
        rules=sorted({f.rule for f in findings}),
        opinion=department_opinion(dept, ds, pscores, [f for f in findings if f.disposition not in ACCEPTED]),
        rule_chart=_findings_chart(findings, "问题分布（按规则）"),
        score_chart=svg.bar_chart(
            [(f"{x.project.no}. {x.project.name}", x.score.score) for x in projects],
            "项目得分",
            unit="分",
            max_value=100,
            colors=[GRADE_COLORS.get(x.score.grade) for x in projects],
            label_chars=18,
        ),
        worklist=[worklist_entry(dept, x, file, settings(config)) for x in projects if x.score.decision in ACTION],
    )


def _location(fs: list[Finding]) -> str:
    """Where findings are, in the document's own terms (or its source line)."""
    places = []
    for f in fs:
        place = f.where or (f"第{f.line}行" if f.line else "")
        if place and place not in places:
            places.append(place)
    return "、".join(places[:3])


def worklist_entry(dept: Department, x: ProjectCard, file: str, cfg: dict) -> Entry:
    """One project of the send-back worklist (report/worklist.py) as an index row and an xlsx row."""
    p, s = x.project, x.score
    fs = [f for f in x.findings if f.disposition not in ACCEPTED]  # accepted as is: nothing to act on
    decisive = deciding(fs, cfg)
    lines = [deciding_text(code, rule_fs, short_title(code)) for code, rule_fs in decisive]
    if not lines:  # decided by the score or the table's structure alone
        lines = [d.reason for d in sorted(s.deductions, key=lambda d: -d.points)[:2]]
    name = _esc(dept.name or dept.source)
    rules = _esc(" ".join(sorted({f.rule for f in fs})))
    items = "".join(f"<li>{_esc(line)}</li>" for line in lines)
    html = (
        f'<tr data-grade="{_esc(s.grade)}" data-decision="{_esc(s.decision)}" data-rule="{rules}">\n'
        f'<td>{decision_badge(s.decision)}<div class="reason">{_esc(s.reason)}</div></td>\n'
        f'<td><a href="{_esc(file)}">{name}</a></td>\n'
        f'<td><a href="{_esc(file)}#project-{p.no}">{p.no}. {_esc(p.name or "（未命名项目）")}</a></td>\n'
        f'<td class="num" data-sort="{p.budget if p.budget is not None else -1}">{_num(p.budget)}</td>\n'
        f'<td class="num" data-sort="{s.score}">{_num(s.score)}</td>\n<td>{badge(s.grade)}</td>\n'
        f'<td><ol class="deciding">{items}</ol></td>\n</tr>\n'
    )
    xlsx = WORKLIST_SHEET.row(
        [
            s.decision, s.reason, dept.code, dept.name, p.no, p.code, p.name, p.budget, s.score, s.grade,
            "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1)), len(fs), dept.path or dept.source,
            _location([rule_fs[0] for _, rule_fs in decisive]),
        ]
    )  # fmt: skip
    return Entry(sort_key(s), html.encode(), xlsx.encode())


RANK = "\x00rank\x00"  # where a department's rank goes in its index row, known only at the end


class Line(NamedTuple):
    """What a run keeps of each department for the summary table and index.html."""

    name: str
    project_count: int
    n_findings: int
    score: float
    grade: str
    decision: str
    decisions: tuple[int, ...]  # projects per decision, in DECISIONS order


class ProjectEntry(NamedTuple):
    """A project's row of index.html, rendered, with what ranks it."""

    no: int
    score: float
    row: str


@dataclass
class IndexEntry:
    """The little of a card that the index needs (kept for every department of a large run)."""

    file: str  # the scorecard's file name
    line: Line
    row: bytes  # its index.html row, rendered, with ``RANK`` where its rank goes, UTF-8
    projects: list[ProjectEntry]
    rule_counts: Counter  # findings per rule
    rule_severity: dict[str, str]  # each rule's severity
    worklist: list[Entry]  # its projects that need action


def index_entry(card: Card) -> IndexEntry:
    """A card's entry in index.html; its rows come rendered (in the worker that built the card):
    one for the department, with ``RANK`` for its rank, and one per project."""
    dept, score = card.dept, card.score
    name = _esc(dept.name or dept.source)
    file = _esc(card.file)
    severity = card.severity
    row = (
        f'<tr data-grade="{_esc(score.grade)}" data-decision="{_esc(score.decision)}" '
        f'data-rule="{_esc(" ".join(card.rules))}">\n<td class="num">{RANK}</td>\n'
        f'<td><a href="{file}">{name}</a></td>\n<td>{_esc(dept.code)}</td>\n'
        f'<td class="num">{_esc(str(dept.year or ""))}</td>\n'
        f'<td class="num" data-sort="{score.score}"><b>{_num(score.score)}</b></td>\n'
        f"<td>{badge(score.grade)}</td>\n<td>{decision_badge(score.decision)}</td>\n"
        + "".join(f'<td class="num">{card.decisions[d]}</td>' for d in DECISIONS)
        + f'<td class="num" data-sort="{len(card.findings)}">{len(card.findings)}'
        f"（{severity['error']}/{severity['warning']}/{severity['info']}）</td>\n</tr>\n"
    )
    projects = []
    for x in card.projects:
        p, s = x.project, x.score
        rules = _esc(" ".join(sorted({f.rule for f in x.findings})))
        projects.append(
            ProjectEntry(
                p.no,
                s.score,
                f'<tr data-grade="{_esc(s.grade)}" data-decision="{_esc(s.decision)}" data-rule="{rules}">\n'
                f'<td><a href="{file}">{name}</a></td>\n<td class="num">{p.no}</td>\n'
                f'<td><a href="{file}#project-{p.no}">{_esc(p.name)}</a></td>\n'
                f'<td class="num" data-sort="{p.budget if p.budget is not None else -1}">{_num(p.budget)}</td>\n'
                f'<td class="num" data-sort="{s.score}">{_num(s.score)}</td>\n'
                f"<td>{badge(s.grade)}</td>\n<td>{decision_badge(s.decision)}</td>\n"
                f'<td class="rules">{rules}</td>\n</tr>\n',
            )
        )
    line = Line(
        dept.name or dept.source,
        len(card.projects),
        len(card.findings),
        score.score,
        score.grade,
        score.decision,
        tuple(card.decisions[d] for d in DECISIONS),
    )
    return IndexEntry(
        card.file,
        line,
        row.encode(),
        projects,
        Counter(f.rule for f in card.findings),
        {f.rule: f.severity for f in card.findings},
        card.worklist,
    )


def render_scorecard(card: Card, config=None) -> str:
    """The scorecard page: its frame from scorecard.html, its project sections from ``project_section``."""
    rules = {f.rule for f in card.findings}
    return (
        _env()
        .get_template("scorecard.html")
        .render(
            card=card,
            sections=Markup("".join(map(project_section, card.projects))),
            decisions=DECISIONS,
            rule_titles={c: short_title(c) for c in rules},
            cfg=settings(config),
        )
    )


def write_scorecard(card: Card, out_dir: Path, config=None) -> Path:
    path = Path(out_dir) / card.file
    write_whole(path, render_scorecard(card, config).encode("utf-8"))
    return path


INDEX_PROJECTS = 2000  # index.html lists at most this many projects: the lowest scores


class IndexBuilder:
    """Collects department summaries and finding counts; renders index.html at the end.

    Kept per department: its summary ``Line``, and its index row in a spool file on disk. Kept
    per project: its score (for the distribution chart), and for the ``INDEX_PROJECTS``
    lowest-scoring projects their rows, so memory stays small however large the run; the rest
    are in scores.json.
    """

    def __init__(self, config=None):
        import tempfile

        self.config = config
        self.lines: list[Line] = []
        self.rule_counts: Counter = Counter()
        self.rule_severity: dict[str, str] = {}
        self.project_scores: list[float] = []
        self._lowest: list[tuple[float, int, int, int, str]] = []  # heap: (-score, order, department, no, row)
        self._rows = tempfile.TemporaryFile()  # noqa: SIM115 - closed in write()
        self._spans: list[tuple[int, int]] = []  # each department's row in _rows: offset, length
        self.worklist = Worklist()
        self.inputs: dict = {"files": 0, "unreadable": [], "no_tables": [], "same_department": []}
        self.review: dict | None = None  # the reviewers' dispositions (ReportWriter.dispositions)

    def add(self, entry: IndexEntry) -> None:
        """One department: its ``index_entry``."""
        for x in entry.projects:
            self.project_scores.append(x.score)
            item = (-x.score, -len(self.project_scores), len(self.lines), x.no, x.row)
            if len(self._lowest) < INDEX_PROJECTS:
                heapq.heappush(self._lowest, item)
            else:
                heapq.heappushpop(self._lowest, item)
        self.worklist.add(entry.worklist, len(self.lines))
        self.rule_counts.update(entry.rule_counts)
        self.rule_severity.update(entry.rule_severity)
        self.lines.append(entry.line)
        row = entry.row
        self._spans.append((self._rows.tell(), len(row)))
        self._rows.write(row)

    def _department_rows(self, ranked: list[int]):
        """The departments' index rows, worst first, read back from the spool one by one."""
        for rank, i in enumerate(ranked, 1):
            offset, length = self._spans[i]
            self._rows.seek(offset)
            yield Markup(self._rows.read(length).decode().replace(RANK, str(rank)))

    def context(self) -> dict:
        # worst first: 退回 before 修改后通过 before 通过, then the lowest score
        lines = self.lines
        ranked = sorted(range(len(lines)), key=lambda i: (-DECISION_ORDER.get(lines[i].decision, 0), lines[i].score))
        rank = [0] * len(ranked)
        for position, i in enumerate(ranked, 1):
            rank[i] = position
        rows = sorted(self._lowest, key=lambda item: (rank[item[2]], item[3]))
        hist = _grade_hist(self.project_scores, self.config)
        top = self.rule_counts.most_common(10)
        return {
            "department_count": len(self.lines),
            "department_rows": self._department_rows(ranked),
            "worklist_rows": Markup("".join(self.worklist.html_rows(INDEX_PROJECTS))),
            "worklist_count": len(self.worklist),
            "worklist_counts": self.worklist.counts,
            "shown_worklist": min(len(self.worklist), INDEX_PROJECTS),
            "project_rows": Markup("".join(item[4] for item in rows)),
            "shown_projects": len(rows),
            "decisions": DECISIONS,
            "grades": list(GRADE_COLORS),
            "rules": sorted(self.rule_counts),
            "rule_titles": {c: short_title(c) for c in self.rule_counts},
            "finding_count": sum(self.rule_counts.values()),
            "project_count": len(self.project_scores),
            "dist_chart": svg.column_chart(hist, "项目得分分布", colors=_grade_color_list(hist)),
            "top_chart": _rule_chart(top, self.rule_severity, "最常见问题（按规则）"),
            "cfg": settings(self.config),
            "inputs": self.inputs,
            "review": self.review,
            "config": self.config.describe() if self.config is not None else None,
            "config_name": self.config.name() if self.config is not None else "默认配置",
        }

    def write(self, out_dir: Path) -> Path:
        path = Path(out_dir) / "index.html"
        try:
            with atomic_open(path) as out:
                for chunk in _env().get_template("index.html").generate(**self.context()):
                    out.write(chunk)
        finally:
            self.close()
        return path

    def close(self) -> None:
        self._rows.close()
        self.worklist.close()


def group_by_source(items) -> dict[str, list]:
    """Findings or scores grouped by their document."""
    out: dict[str, list] = defaultdict(list)
    for item in items:
        out[item.source].append(item)
    return out
