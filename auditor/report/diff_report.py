"""`audit diff` output: the terminal summary, diff.html (one self-contained page in the
scorecards' style) and diff.xlsx (sheets 部门, 项目, 问题). Every file is written atomically;
every document text in the page is escaped.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from auditor.diff import DeptDiff, FindingState, ProjectDiff, totals
from auditor.report.atomic import atomic_open
from auditor.report.html import _env, _esc, _num, decision_badge, severity_badge, short_title
from auditor.report.xlsx import Sheet, Workbook

FIXED, OPEN, NEW, WITHDRAWN = "已修改", "仍存在", "新增", "随项目撤回"
SUMMARY_LINES = 30


def _change(old, new) -> str:
    if old is None and new is None:
        return "—"
    if old is None or new is None:
        return f"{_num(old) or '—'}→{_num(new) or '—'}"
    delta = round(new - old, 2)
    return f"{_num(old)}→{_num(new)}（{'+' if delta > 0 else ''}{_num(delta)}）" if delta else f"{_num(new)}（不变）"


def _decision_change(d: DeptDiff | ProjectDiff) -> str:
    old = d.old.decision if d.old is not None else ""
    new = d.new.decision if d.new is not None else ""
    return new or old or "—" if old == new else f"{old or '—'}→{new or '—'}"


def _interest(d: DeptDiff) -> tuple:
    c = d.counts()
    return (-(abs(d.score_change or 0)), -(c["fixed"] + c["new"] + c["added"] + c["removed"]), d.name)


def summary_text(diffs: list[DeptDiff], old_label: str, new_label: str) -> str:
    """The terminal summary: totals, then the departments that changed most (at most SUMMARY_LINES)."""
    t = totals(diffs)
    g = t.get
    lines = [
        f"对比：{old_label}（{g('old_departments', 0)} 个部门）→ {new_label}（{g('new_departments', 0)} 个部门）"
        f"；部门新增 {g('departments_added', 0)}，撤回 {g('departments_removed', 0)}",
        f"问题：已修改 {g('fixed', 0)}，仍存在 {g('open', 0)}，新增 {g('new', 0)}"
        + (f"，随项目撤回 {g('withdrawn', 0)}" if g("withdrawn") else ""),
        f"项目：新增 {g('added', 0)}，撤回 {g('removed', 0)}，改名 {g('renamed', 0)}",
        f"得分：提高 {g('score_up', 0)} 个部门，降低 {g('score_down', 0)} 个；审核结论变化 {g('decision_changed', 0)} 个",
    ]
    changed = sorted((d for d in diffs if _changed(d)), key=_interest)
    if changed:
        lines.append("")
        lines.append("变化最大的部门：")
        for d in changed[:SUMMARY_LINES]:
            c = d.counts()
            status = f"（{d.status}）" if d.status != "保留" else ""
            old = d.old.score if d.old else None
            new = d.new.score if d.new else None
            projects = f"；项目新增 {c['added']}，撤回 {c['removed']}" if c["added"] or c["removed"] else ""
            lines.append(
                f"  {d.code or '—'} {d.name}{status}：得分 {_change(old, new)}，结论 {_decision_change(d)}；"
                f"已修改 {c['fixed']}，仍存在 {c['open']}，新增 {c['new']}{projects}"
            )
        if len(changed) > SUMMARY_LINES:
            lines.append(f"……另有 {len(changed) - SUMMARY_LINES} 个部门有变化，见 diff.html / diff.xlsx")
    return "\n".join(lines)


def _changed(d: DeptDiff) -> bool:
    c = d.counts()
    return bool(d.status != "保留" or c["fixed"] or c["new"] or c["added"] or c["removed"] or d.score_change)


# --------------------------------------------------------------------------- diff.html


_STATUS_CLASS = {FIXED: "st-fixed", OPEN: "st-open", NEW: "st-new", WITHDRAWN: "st-gone"}


def _finding_row(status: str, f: FindingState, old: FindingState | None = None) -> str:
    title = short_title(f.rule)
    rule = _esc(f.rule) + (f'<br><small class="meta">{_esc(title)}</small>' if title != f.rule else "")
    name = _esc(f.indicator or "（项目）")
    if old is not None and old.indicator != f.indicator:
        name += f'<br><small class="meta">原：{_esc(old.indicator)}</small>'
    rows = f.row if old is None or old.row == f.row else f"{old.row}→{f.row}"
    return (
        f'<tr><td><span class="st {_STATUS_CLASS[status]}">{status}</span></td><td class="num">{rows or ""}</td>'
        f"<td>{severity_badge(f.severity)}</td><td>{rule}</td><td>{name}</td><td>{_esc(f.message)}</td>"
        f'<td class="meta">{_esc(f.id)}</td></tr>\n'
    )


def _project_section(p: ProjectDiff) -> str:
    side = p.new or p.old
    old_name = p.old.name if p.old is not None and p.new is not None and p.old.name != p.new.name else ""
    head = (
        f'<h4>{_esc(str(side.no or ""))}. {_esc(side.name or "（未命名项目）")}　<span class="st">{_esc(p.status)}</span>'
        f"　{_esc(_change(p.old.score if p.old else None, p.new.score if p.new else None))} 分"
        f"　{_esc(_decision_change(p))}</h4>\n"
    )
    if old_name:
        head += f'<p class="meta">原名：{_esc(old_name)}{"（原编码 " + _esc(p.old.code) + "）" if p.old.code != p.new.code else ""}</p>\n'
    rows = []
    if p.old is None:
        rows += [_finding_row(NEW, f) for f in p.new.findings]
    elif p.new is None:
        rows += [_finding_row(WITHDRAWN, f) for f in p.old.findings]
    else:
        rows += [_finding_row(FIXED, f) for f in p.findings.fixed]
        rows += [_finding_row(NEW, f) for f in p.findings.new]
        rows += [_finding_row(OPEN, b, a) for a, b in p.findings.open]
    if not rows:
        return head + '<p class="empty">前后均无问题。</p>\n'
    return head + _TABLE_HEAD + "".join(rows) + "</tbody></table>\n"


_TABLE_HEAD = (
    '<table class="findings"><colgroup><col style="width:8%"><col style="width:5%"><col style="width:6%">'
    '<col style="width:14%"><col style="width:16%"><col style="width:36%"><col style="width:15%"></colgroup>\n'
    "<thead><tr><th>状态</th><th>行</th><th>级别</th><th>规则</th><th>三级指标</th><th>问题</th><th>问题编号</th></tr></thead><tbody>\n"
)


def _department_row(i: int, d: DeptDiff) -> str:
    c = d.counts()
    old = d.old.score if d.old else None
    new = d.new.score if d.new else None
    change = d.score_change
    return (
        f'<tr><td><a href="#dept-{i}">{_esc(d.name)}</a></td><td>{_esc(d.code)}</td><td>{_esc(d.status)}</td>'
        f'<td class="num">{_num(old)}</td><td class="num">{_num(new)}</td>'
        f'<td class="num" data-sort="{change if change is not None else 0}">{_num(change)}</td>'
        f"<td>{_decision_html(d)}</td>"
        f'<td class="num">{c["fixed"]}</td><td class="num">{c["open"]}</td><td class="num">{c["new"]}</td>'
        f'<td class="num">+{c["added"]}/-{c["removed"]}</td></tr>\n'
    )


def _decision_html(d: DeptDiff) -> str:
    old = d.old.decision if d.old is not None else ""
    new = d.new.decision if d.new is not None else ""
    if old == new:
        return str(decision_badge(new)) if new else "—"
    return f"{decision_badge(old) if old else '—'} → {decision_badge(new) if new else '—'}"


def _department_section(i: int, d: DeptDiff) -> str:
    c = d.counts()
    old = d.old.score if d.old else None
    new = d.new.score if d.new else None
    out = [
        f'<section class="project" id="dept-{i}"><h3>{_esc(d.name)}（{_esc(d.code or "无编码")}）　{_esc(d.status)}　'
        f"得分 {_esc(_change(old, new))}　{_decision_html(d)}</h3>\n",
        f'<p class="meta">旧：{_esc(d.old.source if d.old else "—")}　新：{_esc(d.new.source if d.new else "—")}　'
        f"已修改 {c['fixed']}，仍存在 {c['open']}，新增 {c['new']}；项目新增 {c['added']}，撤回 {c['removed']}</p>\n",
    ]
    if d.findings.fixed or d.findings.new or d.findings.open:
        rows = [_finding_row(FIXED, f) for f in d.findings.fixed] + [_finding_row(NEW, f) for f in d.findings.new]
        rows += [_finding_row(OPEN, b, a) for a, b in d.findings.open]
        out.append("<h4>部门层面</h4>\n" + _TABLE_HEAD + "".join(rows) + "</tbody></table>\n")
    out += [_project_section(p) for p in d.projects]
    out.append("</section>\n")
    return "".join(out)


def write_html(diffs: list[DeptDiff], path: Path, old_label: str, new_label: str, config=None) -> Path:
    from auditor.scoring import settings

    t = totals(diffs)
    shown = [(i, d) for i, d in enumerate(diffs, 1) if _changed(d)]
    context = {
        "old_label": old_label,
        "new_label": new_label,
        "t": t,
        "department_rows": Markup("".join(_department_row(i, d) for i, d in enumerate(diffs, 1))),
        "sections": (Markup(_department_section(i, d)) for i, d in shown),
        "unchanged": len(diffs) - len(shown),
        "cfg": settings(config),
    }
    with atomic_open(path) as out:
        for chunk in _env().get_template("diff.html").generate(**context):
            out.write(chunk)
    return path


# --------------------------------------------------------------------------- diff.xlsx

DEPT_SHEET = Sheet(
    "部门",
    ["部门", "部门编码", "状态", "旧文件", "新文件", "旧得分", "新得分", "得分变化", "旧结论", "新结论",
     "已修改", "仍存在", "新增", "随项目撤回", "新增项目", "撤回项目", "改名项目"],
    [24, 10, 6, 24, 24, 8, 8, 8, 10, 10, 7, 7, 7, 9, 8, 8, 8],
)  # fmt: skip
PROJECT_SHEET = Sheet(
    "项目",
    ["部门", "部门编码", "状态", "旧序号", "新序号", "旧项目编码", "新项目编码", "旧项目名称", "新项目名称",
     "旧得分", "新得分", "旧结论", "新结论", "已修改", "仍存在", "新增"],
    [22, 10, 10, 6, 6, 20, 20, 28, 28, 8, 8, 10, 10, 7, 7, 7],
    {"旧项目名称", "新项目名称"},
)  # fmt: skip
FINDING_SHEET = Sheet(
    "问题",
    ["部门", "部门编码", "项目序号", "项目名称", "状态", "规则", "级别", "三级指标", "原三级指标", "行", "问题",
     "问题编号", "原问题编号"],
    [22, 10, 6, 28, 9, 16, 6, 20, 20, 6, 50, 22, 22],
    {"问题", "项目名称"},
)  # fmt: skip


def _finding_cells(d: DeptDiff, p: ProjectDiff | None, status: str, f: FindingState, old: FindingState | None = None):
    side = None if p is None else (p.new or p.old)
    return FINDING_SHEET.row(
        [
            d.name, d.code, side.no if side else None, side.name if side else "", status, f.rule, f.severity,
            f.indicator, old.indicator if old is not None and old.indicator != f.indicator else "", f.row,
            f.message, f.id, old.id if old is not None and old.id != f.id else "",
        ]
    )  # fmt: skip


def _findings_of(d: DeptDiff, p: ProjectDiff | None) -> list[str]:
    if p is not None and p.old is None:
        return [_finding_cells(d, p, NEW, f) for f in p.new.findings]
    if p is not None and p.new is None:
        return [_finding_cells(d, p, WITHDRAWN, f) for f in p.old.findings]
    fd = p.findings if p is not None else d.findings
    if p is None and d.old is None:
        return [_finding_cells(d, None, NEW, f) for f in d.new.findings]
    if p is None and d.new is None:
        return [_finding_cells(d, None, WITHDRAWN, f) for f in d.old.findings]
    rows = [_finding_cells(d, p, FIXED, f) for f in fd.fixed]
    rows += [_finding_cells(d, p, OPEN, b, a) for a, b in fd.open]
    rows += [_finding_cells(d, p, NEW, f) for f in fd.new]
    return rows


def write_xlsx(diffs: list[DeptDiff], path: Path) -> Path:
    book = Workbook(path, [DEPT_SHEET, PROJECT_SHEET, FINDING_SHEET])
    try:
        for d in diffs:
            c = d.counts()
            o, n = d.old, d.new
            book.add(0, [DEPT_SHEET.row([
                d.name, d.code, d.status, o.source if o else "", n.source if n else "",
                o.score if o else None, n.score if n else None, d.score_change,
                o.decision if o else "", n.decision if n else "",
                c["fixed"], c["open"], c["new"], c["withdrawn"], c["added"], c["removed"], c["renamed"],
            ])])  # fmt: skip
            project_rows = []
            for p in d.projects:
                po, pn = p.old, p.new
                fd = p.findings
                counts = (
                    (0, 0, len(pn.findings)) if po is None else (0, 0, 0) if pn is None
                    else (len(fd.fixed), len(fd.open), len(fd.new))
                )  # fmt: skip
                project_rows.append(PROJECT_SHEET.row([
                    d.name, d.code, p.status, po.no if po else None, pn.no if pn else None,
                    po.code if po else "", pn.code if pn else "", po.name if po else "", pn.name if pn else "",
                    po.score if po else None, pn.score if pn else None,
                    po.decision if po else "", pn.decision if pn else "", *counts,
                ]))  # fmt: skip
            book.add(1, project_rows)
            rows = _findings_of(d, None)
            for p in d.projects:
                rows += _findings_of(d, p)
            book.add(2, rows)
        return book.close()
    except BaseException:
        book.abort()
        raise


def write_diff(diffs: list[DeptDiff], out_dir: Path, old_label: str, new_label: str, config=None) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_html(diffs, out_dir / "diff.html", old_label, new_label, config),
        write_xlsx(diffs, out_dir / "diff.xlsx"),
    ]
