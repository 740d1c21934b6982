"""Findings -> deductions -> project and department scores, grades and review decisions.

Every weight and threshold comes from rules/scoring.yaml, overridden by audit.toml's
``[scoring]`` table (docs/scoring.md). A score is always 100 minus the sum of its listed
deductions, so a reader can check it by hand.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

from auditor.model import Deduction, Department, Finding, Project, Score
from auditor.resources import data_dir, read_yaml

FULL = 100.0
_FIELD_CN = {"code": "项目编码", "budget": "预算数", "purpose": "资金用途", "goal": "绩效目标"}


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return read_yaml(data_dir("rules") / "scoring.yaml")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def settings(config=None) -> dict[str, Any]:
    """The scoring settings: shipped defaults with audit.toml's [scoring] merged in."""
    override = config.section("scoring") if config is not None else {}
    return _merge(_defaults(), override)


@lru_cache(maxsize=256)  # the catalog does not change within a run; called for every deduction
def rule_title(code: str) -> str:
    try:
        from auditor.checks.catalog import get_rule
    except ImportError:
        return ""
    try:
        rule = get_rule(code)
    except Exception:  # noqa: BLE001 - a broken catalog must not stop scoring
        return ""
    return rule.title.split("（")[0] if rule else ""  # without the parenthetical gloss


def _pts(x: float) -> float:
    return round(x + 0.0, 2)


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade(score: float, cfg: dict[str, Any]) -> str:
    """The grade whose threshold ``score`` reaches (grades listed best first)."""
    for name, floor in sorted(cfg["grades"].items(), key=lambda kv: -kv[1]):
        if score >= floor:
            return name
    return cfg["lowest_grade"]


DECISION_ORDER = {"通过": 0, "修改后通过": 1, "退回": 2}


def decision(score: float, findings: list[Finding], cfg: dict[str, Any]) -> str:
    """通过 / 修改后通过 / 退回 by the conditions of cfg['decision'] (see ``decide`` for the reason)."""
    return decide(score, findings, cfg)[0]


def decide(score: float, findings: list[Finding], cfg: dict[str, Any]) -> tuple[str, str]:
    """(decision, the reason in words) by the conditions of cfg['decision'] and cfg['template']."""
    rule = cfg["decision"]
    errors = sum(1 for f in findings if f.severity == "error")
    ret = rule.get("return", {})
    reasons = []
    if score < ret.get("below_score", -1):
        reasons.append(f"得分{_fmt(score)}分，低于{_fmt(ret['below_score'])}分")
    if errors >= ret.get("min_errors", float("inf")):
        reasons.append(f"错误级问题{errors}处，达到{_fmt(ret['min_errors'])}处")
    returning = set(ret.get("rules", ()))
    blocking = sorted({f.rule for f in findings if f.rule in returning})
    if blocking:
        reasons.append("存在" + "、".join(f"“{rule_title(c) or c}”（{c}）" for c in blocking) + "问题")
    if reasons:
        return "退回", "；".join(reasons)
    otherwise = rule.get("otherwise", "修改后通过")
    template = template_reason(findings, cfg)
    ok = rule.get("pass", {})
    min_score, max_errors = ok.get("min_score", FULL + 1), ok.get("max_errors", 0)
    if score >= min_score and errors <= max_errors and not template:
        return "通过", f"得分{_fmt(score)}分，不低于{_fmt(min_score)}分，" + (
            "无错误级问题" if errors == 0 else f"错误级问题{errors}处，未超过{_fmt(max_errors)}处"
        )
    if template:
        reasons.append(template)
    if score < min_score:
        reasons.append(f"得分{_fmt(score)}分，低于通过线{_fmt(min_score)}分")
    if errors > max_errors:
        codes = sorted({f.rule for f in findings if f.severity == "error"})
        reasons.append(f"有错误级问题{errors}处（{'、'.join(codes)}）")
    return otherwise, "；".join(reasons)


def template_reason(findings: list[Finding], cfg: dict[str, Any]) -> str:
    """Why a project's table is a copied template (cfg['template']), or ''."""
    tp = cfg.get("template") or {}
    copied_rules = set(tp.get("copied", ()))
    copied = sorted({f.rule for f in findings if f.rule in copied_rules})
    if not copied:
        return ""
    generic_rules = set(tp.get("generic", ()))
    generic = sum(1 for f in findings if f.rule in generic_rules)
    if generic < tp.get("min_generic", 1):
        return ""
    return f"套用模板：指标表与其他项目雷同（{'、'.join(copied)}），且{generic}个三级指标名称空泛"


def template_deductions(findings: list[Finding], cfg: dict[str, Any]) -> list[Deduction]:
    """The extra deduction of a copied template table (cfg['template']['points'])."""
    reason = template_reason(findings, cfg)
    points = (cfg.get("template") or {}).get("points", 0)
    return [Deduction(points=_pts(points), reason=reason)] if reason and points else []


def _finalise(deductions: list[Deduction]) -> tuple[float, list[Deduction]]:
    """Score = 100 - sum(deductions); a floor line keeps the sum honest when it passes 100."""
    total = _pts(sum(d.points for d in deductions))
    if total > FULL:
        deductions.append(Deduction(points=_pts(FULL - total), reason=f"扣分合计 {_fmt(total)} 分，以 100 分为限"))
        total = FULL
    return _pts(FULL - total), deductions


def rule_deductions(findings: list[Finding], cfg: dict[str, Any]) -> list[Deduction]:
    """One deduction per rule: count x points, capped per rule."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    out = []
    rule_points, severity_points, rule_cap, cap_per_rule = (
        cfg["rule_points"],
        cfg["severity_points"],
        cfg["rule_cap"],
        cfg["cap_per_rule"],
    )
    for code in sorted(by_rule, key=lambda c: (-len(by_rule[c]), c)):
        items = by_rule[code]
        each = rule_points.get(code, severity_points.get(items[0].severity, 0))
        cap = rule_cap.get(code, cap_per_rule)
        raw = each * len(items)
        points = min(raw, cap)
        if points <= 0:
            continue
        rows = sorted({f.row for f in items if f.row is not None})
        where = f"（第{'、'.join(map(str, rows))}行）" if rows else ""
        title = rule_title(code)
        reason = f"{code}{' ' + title if title else ''}：{len(items)} 处{where}，每处 {_fmt(each)} 分"
        if raw > cap:
            reason += f"，本规则上限 {_fmt(cap)} 分"
        out.append(Deduction(points=_pts(points), reason=reason, rule=code, row=rows[0] if len(rows) == 1 else None))
    return out


def structure_deductions(project: Project, cfg: dict[str, Any]) -> list[Deduction]:
    """Completeness of the table itself: enough indicator rows, header fields filled."""
    st = cfg["structure"]
    out = []
    missing = max(0, st["min_indicators"] - len(project.indicators))
    if missing:
        points = min(missing * st["per_missing_indicator"], st["missing_indicators_cap"])
        out.append(
            Deduction(
                points=_pts(points),
                reason=f"结构完整性：三级指标仅 {len(project.indicators)} 个，少于 {st['min_indicators']} 个",
            )
        )
    for name, points in st.get("missing_field_points", {}).items():
        value = getattr(project, name, None)
        if points and (value is None or value == ""):
            out.append(Deduction(points=_pts(points), reason=f"结构完整性：未填写{_FIELD_CN.get(name, name)}"))
    return out


def score_project(dept: Department, project: Project, findings: list[Finding], cfg: dict[str, Any]) -> Score:
    deductions = (
        rule_deductions(findings, cfg) + template_deductions(findings, cfg) + structure_deductions(project, cfg)
    )
    value, deductions = _finalise(deductions)
    verdict, reason = decide(value, findings, cfg)
    cap = (cfg.get("template") or {}).get("decision")
    if cap in DECISION_ORDER and DECISION_ORDER[verdict] < DECISION_ORDER[cap] and template_reason(findings, cfg):
        verdict = cap
    return Score(
        source=dept.source,
        score=value,
        grade=grade(value, cfg),
        decision=verdict,
        reason=reason,
        project_no=project.no,
        project_code=project.code,
        project=project.name,
        budget=project.budget,
        deductions=deductions,
    )


def _weights(projects: list[Project], cfg: dict[str, Any]) -> list[float]:
    budgets = [p.budget if p.budget and p.budget > 0 else None for p in projects]
    known = [b for b in budgets if b is not None]
    mode = cfg["department"].get("missing_budget_weight", "mean")
    if mode == "mean":
        fill = sum(known) / len(known) if known else 1.0
    elif mode == "zero":
        fill = 0.0
    else:
        fill = float(mode)
    raw = [b if b is not None else fill for b in budgets]
    total = sum(raw)
    if total <= 0:
        return [1.0 / len(projects)] * len(projects)
    return [r / total for r in raw]


def score_department(
    dept: Department, project_scores: list[Score], dept_findings: list[Finding], all_findings: list[Finding], cfg
) -> Score:
    dc = cfg["department"]
    deductions: list[Deduction] = []
    if not dept.projects:
        deductions.append(Deduction(points=_pts(FULL - dc["no_projects_score"]), reason="未识别到项目支出绩效目标表"))
    else:
        for project, weight, ps in zip(dept.projects, _weights(dept.projects, cfg), project_scores, strict=True):
            lost = _pts((FULL - ps.score) * weight)
            if lost > 0:
                deductions.append(
                    Deduction(
                        points=_pts(lost),
                        reason=f"项目{project.no}「{project.name}」得 {_fmt(ps.score)} 分，按预算权重 {weight:.1%} 折算",
                    )
                )
        n = len(dept.projects)
        bp = dc.get("boilerplate", {})
        boilerplate = set(bp.get("rules", ()))
        flagged = {f.project_no for f in all_findings if f.rule in boilerplate and f.project_no}
        if bp and len(flagged) / n > bp.get("share", 1):
            deductions.append(
                Deduction(
                    points=_pts(bp["points"]),
                    reason=f"部门检查：{len(flagged)}/{n} 个项目表为模板化套用，超过 {bp['share']:.0%}",
                )
            )
        rt = dc.get("returned", {})
        returned = sum(1 for s in project_scores if s.decision == "退回")
        if rt and returned / n > rt.get("share", 1):
            deductions.append(
                Deduction(
                    points=_pts(rt["points"]),
                    reason=f"部门检查：{returned}/{n} 个项目表需退回，超过 {rt['share']:.0%}",
                )
            )
    deductions += rule_deductions(dept_findings, cfg)
    value, deductions = _finalise(deductions)
    verdict, reason = department_decision(dept, value, project_scores, dept_findings, cfg)
    return Score(
        source=dept.source,
        score=value,
        grade=grade(value, cfg),
        decision=verdict,
        reason=reason,
        budget=_pts(sum(p.budget or 0 for p in dept.projects)),
        deductions=deductions,
    )


def department_decision(
    dept: Department, score: float, project_scores: list[Score], dept_findings: list[Finding], cfg
) -> tuple[str, str]:
    """The department's decision from its projects (docs/scoring.md):

    退回 when at least ``department.decision.return_projects`` projects are 退回, or by the
    project conditions on the department's score and department-level findings; 通过 only when
    every project is 通过 and those conditions pass; 修改后通过 otherwise.
    """
    if not dept.projects:
        return "退回", "未识别到项目支出绩效目标表"
    need = (cfg["department"].get("decision") or {}).get("return_projects", 1)
    returned = [s for s in project_scores if s.decision == "退回"]
    own, own_reason = decide(score, dept_findings, cfg)
    reasons = []
    if need and len(returned) >= need:
        names = "、".join(f"「{s.project}」" if s.project else f"项目{s.project_no}" for s in returned[:3])
        reasons.append(f"{names}{'等' if len(returned) > 3 else ''}{len(returned)}个项目退回")
    if own == "退回":
        reasons.append(own_reason)
    if reasons:
        return "退回", "；".join(reasons)
    revise = [s for s in project_scores if s.decision != "通过"]
    if own == "通过" and not revise:
        return "通过", f"{len(project_scores)}个项目均通过；{own_reason}"
    if revise:
        reasons.append(f"{len(revise)}个项目需修改后通过")
    if own != "通过":
        reasons.append(own_reason)
    return cfg["decision"].get("otherwise", "修改后通过"), "；".join(reasons)


def score_all(departments: list[Department], findings: list[Finding], config=None) -> list[Score]:
    """Project scores then the department score, for each department in order."""
    from auditor.dispositions import is_accepted

    cfg = settings(config)
    findings = [f for f in findings if not is_accepted(f)]  # accepted as is: shown, not counted
    by_key: dict[tuple[str, int | None], list[Finding]] = defaultdict(list)
    for f in findings:
        by_key[(f.source, f.project_no)].append(f)
    scores: list[Score] = []
    for dept in departments:
        project_scores = [score_project(dept, p, by_key[(dept.source, p.no)], cfg) for p in dept.projects]
        known = {p.no for p in dept.projects}
        dept_findings = [f for (src, no), fs in by_key.items() if src == dept.source and no not in known for f in fs]
        dept_all = [f for f in findings if f.source == dept.source]
        scores += project_scores
        scores.append(score_department(dept, project_scores, dept_findings, dept_all, cfg))
    return scores
