"""`audit diff OLD NEW`: what a resubmission fixed, what is still open, what is new.

Each side is either documents (files or folders: checked and scored here, both sides on one
pool of workers), an ``audit score`` output folder (its findings.csv and scores.json), or a
findings file (findings.csv, .jsonl or findings.xlsx; without scores.json beside it the
score change is unknown). Both become ``DeptState`` records, which are matched:

- departments by their identity key (code, else normalised name), then by name similarity;
- projects within a pair of departments by code or normalised name, then by name similarity
  (rapidfuzz ``ratio`` ≥ ``threshold``), so renumbered and renamed projects still match;
- findings within a pair of projects by rule and normalised 三级指标 name (the parts of
  their stable ids, auditor/identity.py), then by rule and name similarity, so reordered
  rows and edited names still match.

An old finding with no partner is *fixed*, a pair is *still open*, a new one with no partner
is *new*. Findings of a project that was removed are counted apart (*withdrawn*); those of
an added project are new.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from auditor.identity import department_key, norm_name, project_key

THRESHOLD = 80.0  # rapidfuzz ratio (0-100) at or above which two names are the same one edited


@dataclass(slots=True)
class FindingState:
    id: str
    rule: str
    severity: str
    indicator: str  # the 三级指标 name as written ("" for a project finding)
    message: str
    row: int | None = None
    disposition: str = ""
    key: str = ""  # the indicator normalised (identity.norm_name): what findings are matched by

    def __post_init__(self) -> None:
        if not self.key and self.indicator:
            self.key = norm_name(self.indicator)

    def __reduce__(self):  # sent back by the workers by the ten thousand: as a plain tuple (twice as fast)
        return FindingState, (self.id, self.rule, self.severity, self.indicator, self.message, self.row,
                              self.disposition, self.key)  # fmt: skip


@dataclass(slots=True)
class ProjectState:
    key: str  # identity.project_key
    code: str
    name: str
    no: int | None
    score: float | None = None
    decision: str = ""
    findings: list[FindingState] = field(default_factory=list)


@dataclass(slots=True)
class DeptState:
    key: str  # identity.department_key
    code: str
    name: str
    source: str
    year: int | None = None
    score: float | None = None
    grade: str = ""
    decision: str = ""
    projects: list[ProjectState] = field(default_factory=list)
    findings: list[FindingState] = field(default_factory=list)  # department-level (no project)
    all_projects: bool = True  # False when read from a findings file alone: projects without findings unseen


def _finding_state(f) -> FindingState:
    return FindingState(f.id, f.rule, f.severity, f.indicator, f.message, f.row, f.disposition)


def state_of(dept, findings, scores) -> DeptState:
    """A checked and scored department as the diff needs it (small, sent back from a worker)."""
    by_no: dict[int | None, list[FindingState]] = defaultdict(list)
    for f in findings:
        by_no[f.project_no].append(_finding_state(f))
    known = {p.no for p in dept.projects}
    total = next((s for s in scores if s.project_no is None), None)
    project_score = {s.project_no: s for s in scores if s.project_no is not None}
    projects = []
    for p in dept.projects:
        s = project_score.get(p.no)
        projects.append(
            ProjectState(
                project_key(p.code, p.name), p.code, p.name, p.no,
                s.score if s else None, s.decision if s else "", by_no.get(p.no, []),
            )
        )  # fmt: skip
    return DeptState(
        department_key(dept.code, dept.name, dept.source), dept.code, dept.name, dept.source, dept.year,
        total.score if total else None, total.grade if total else "", total.decision if total else "",
        projects, [f for no, fs in by_no.items() if no not in known for f in fs],
    )  # fmt: skip


# --------------------------------------------------------------------------- loading a side


def _int(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _records_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _records_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _records_xlsx(path: Path) -> list[dict]:
    from openpyxl import load_workbook

    from auditor.model import SEVERITY_CN
    from auditor.report.excel import FINDING_COLUMNS

    labels = {label: key for key, label in FINDING_COLUMNS}
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        out, found = [], False
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [labels.get(str(v or "").strip(), str(v or "").strip()) for v in next(rows, ())]
            if "rule" not in header or "id" not in header:
                continue
            found = True
            out += [{k: ("" if v is None else v) for k, v in zip(header, row, strict=False)} for row in rows]
        severity = {cn: code for code, cn in SEVERITY_CN.items()}  # the workbook shows 错误/警告/提示
        for record in out:
            record["severity"] = severity.get(record.get("severity"), record.get("severity"))
        if not found:
            raise ValueError("没有含“规则”和“问题编号”列的工作表")
        return out
    finally:
        book.close()


def _read_findings(path: Path) -> list[dict]:
    from auditor.errors import InputError

    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head == b"PK\x03\x04":
            records = _records_xlsx(path)
        elif path.suffix.lower() == ".jsonl" or head[:1] == b"{":
            records = _records_jsonl(path)
        else:
            records = _records_csv(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as err:
        raise InputError(path.name, f"无法作为问题清单读取（{type(err).__name__}: {err}）") from None
    if records and "rule" not in records[0]:
        raise InputError(path.name, "不是问题清单：没有“规则”列")
    return records


def _finding_from(record: dict) -> FindingState:
    from auditor.identity import finding_id
    from auditor.model import SEVERITY_CN

    fid = str(record.get("id") or "")
    rule = str(record.get("rule") or "")
    if not fid:  # an older file: an id from what it has (no department or project context needed here)
        fid = finding_id(rule, "\x1f".join(str(record.get(k) or "") for k in ("project_code", "project", "row")))
    severity = str(record.get("severity") or "")
    severity = {cn: code for code, cn in SEVERITY_CN.items()}.get(severity, severity)  # findings.xlsx says 错误
    return FindingState(
        fid, rule, severity, str(record.get("indicator") or ""),
        str(record.get("message") or ""), _int(record.get("row")), str(record.get("disposition") or ""),
    )  # fmt: skip


def states_from_files(findings_path: Path, scores_path: Path | None) -> list[DeptState]:
    """A findings file (and the scores.json of the same run, if any) as DeptStates, by document."""
    depts: dict[str, DeptState] = {}
    projects: dict[tuple[str, int | None], ProjectState] = {}
    if scores_path is not None:
        data = json.loads(scores_path.read_text(encoding="utf-8"))
        for d in data.get("departments", []):
            source = str(d.get("source", ""))
            state = DeptState(
                department_key(d.get("department_code", ""), d.get("department", ""), source),
                str(d.get("department_code") or ""), str(d.get("department") or ""), source, d.get("year"),
                d.get("score"), d.get("grade", ""), d.get("decision", ""),
            )  # fmt: skip
            depts[source] = state
            for p in d.get("projects", []):
                ps = ProjectState(
                    project_key(p.get("project_code", ""), p.get("project", "")), str(p.get("project_code") or ""),
                    str(p.get("project") or ""), p.get("project_no"), p.get("score"), p.get("decision", ""),
                )  # fmt: skip
                state.projects.append(ps)
                projects[(source, ps.no)] = ps
    for record in _read_findings(findings_path):
        source = str(record.get("source") or "")
        state = depts.get(source)
        if state is None:
            code, name = str(record.get("department_code") or ""), str(record.get("department") or "")
            state = depts[source] = DeptState(department_key(code, name, source), code, name, source)
            state.all_projects = False
        finding = _finding_from(record)
        no = _int(record.get("project_no"))
        if no is None:
            state.findings.append(finding)
            continue
        project = projects.get((source, no))
        if project is None:
            code, name = str(record.get("project_code") or ""), str(record.get("project") or "")
            project = projects[(source, no)] = ProjectState(project_key(code, name), code, name, no)
            state.projects.append(project)
        project.findings.append(finding)
    return list(depts.values())


def report_files(path: Path) -> tuple[Path, Path | None] | None:
    """(findings file, scores.json or None) when ``path`` is an audit output folder or a findings file."""
    if path.is_dir():
        findings = path / "findings.csv"
        if findings.is_file() and (path / "scores.json").is_file():
            return findings, path / "scores.json"
        return None
    if path.suffix.lower() in (".csv", ".jsonl", ".xlsx"):
        with path.open("rb") as fh:
            head = fh.read(4096)
        if head[:4] == b"PK\x03\x04" and b"xl/" not in head:
            return None
        looks = head[:4] == b"PK\x03\x04" or b"rule" in head
        if looks:
            scores = path.parent / "scores.json"
            return path, scores if scores.is_file() and path.suffix.lower() == ".csv" else None
    return None


# --------------------------------------------------------------------------- matching


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def pair_up(
    old: list,
    new: list,
    exact: Callable[[object], object],
    fuzzy: Callable[[object], str] | None,
    threshold: float,
    compatible: Callable[[object, object], bool] | None = None,
) -> tuple[list[tuple[object, object]], list, list]:
    """Match two lists: first items with equal ``exact`` keys (in order), then the rest by
    ``fuzzy`` text similarity ≥ ``threshold``, best pairs first. Returns (pairs, old left, new left)."""
    waiting: dict[object, list[int]] = defaultdict(list)
    for j, item in enumerate(new):
        waiting[exact(item)].append(j)
    pairs: list[tuple[int, int]] = []
    taken = [False] * len(new)
    left_old: list[int] = []
    for i, item in enumerate(old):
        slot = waiting.get(exact(item))
        if slot:
            j = slot.pop(0)
            taken[j] = True
            pairs.append((i, j))
        else:
            left_old.append(i)
    left_new = [j for j in range(len(new)) if not taken[j]]
    if fuzzy is not None and left_old and left_new:
        scored = []
        for i in left_old:
            a = fuzzy(old[i])
            for j in left_new:
                if compatible is not None and not compatible(old[i], new[j]):
                    continue
                s = _ratio(a, fuzzy(new[j]))
                if s >= threshold:
                    scored.append((-s, i, j))
        scored.sort()
        used_i, used_j = set(), set()
        for _, i, j in scored:
            if i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                pairs.append((i, j))
        left_old = [i for i in left_old if i not in used_i]
        left_new = [j for j in left_new if j not in used_j]
    pairs.sort()
    return [(old[i], new[j]) for i, j in pairs], [old[i] for i in left_old], [new[j] for j in left_new]


@dataclass
class FindingsDiff:
    fixed: list[FindingState] = field(default_factory=list)
    open: list[tuple[FindingState, FindingState]] = field(default_factory=list)
    new: list[FindingState] = field(default_factory=list)


def diff_findings(old: list[FindingState], new: list[FindingState], threshold: float) -> FindingsDiff:
    pairs, fixed, added = pair_up(
        old, new, lambda f: (f.rule, f.key), lambda f: f.key, threshold, lambda a, b: a.rule == b.rule
    )
    return FindingsDiff(fixed, pairs, added)


@dataclass
class ProjectDiff:
    old: ProjectState | None
    new: ProjectState | None
    findings: FindingsDiff

    @cached_property
    def status(self) -> str:
        """新增 / 撤回, or what changed (改名、改编码、调序), or 保留; worked out once (the reports ask often)."""
        if self.old is None:
            return "新增"
        if self.new is None:
            return "撤回"
        changes = []
        if norm_name(self.old.name) != norm_name(self.new.name):
            changes.append("改名")
        if self.old.code != self.new.code:
            changes.append("改编码")
        if self.old.no != self.new.no:
            changes.append("调序")
        return "、".join(changes) or "保留"


@dataclass
class DeptDiff:
    old: DeptState | None
    new: DeptState | None
    projects: list[ProjectDiff]
    findings: FindingsDiff  # department-level findings
    _counts: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def status(self) -> str:
        return "新增" if self.old is None else "撤回" if self.new is None else "保留"

    @property
    def name(self) -> str:
        side = self.new or self.old
        return side.name or side.source

    @property
    def code(self) -> str:
        return (self.new or self.old).code

    def counts(self) -> dict[str, int]:
        """fixed / open / new / withdrawn findings, projects added / removed / renamed (counted once:
        a DeptDiff does not change once made, and the summary and both reports ask for them)."""
        if self._counts is not None:
            return self._counts
        out = {"fixed": len(self.findings.fixed), "open": len(self.findings.open), "new": len(self.findings.new)}
        out.update(withdrawn=0, added=0, removed=0, renamed=0)
        for p in self.projects:
            if p.old is None:
                out["added"] += 1
                out["new"] += len(p.new.findings)
            elif p.new is None:
                out["removed"] += 1
                out["withdrawn"] += len(p.old.findings)
            else:
                out["fixed"] += len(p.findings.fixed)
                out["open"] += len(p.findings.open)
                out["new"] += len(p.findings.new)
                out["renamed"] += "改名" in p.status
        if self.old is None:
            out["new"] += len(self.new.findings)
        if self.new is None:
            out["withdrawn"] += len(self.old.findings)
        self._counts = out
        return out

    @property
    def score_change(self) -> float | None:
        if self.old is None or self.new is None or self.old.score is None or self.new.score is None:
            return None
        return round(self.new.score - self.old.score, 2)


def diff_department(old: DeptState | None, new: DeptState | None, threshold: float = THRESHOLD) -> DeptDiff:
    if old is None or new is None:
        side = old or new
        projects = [ProjectDiff(p if old else None, p if new else None, FindingsDiff()) for p in side.projects]
        return DeptDiff(old, new, projects, FindingsDiff())

    def exact(p: ProjectState):
        return p.key

    pairs, removed, added = pair_up(old.projects, new.projects, exact, None, threshold)
    # a project that lost or gained its code, or was renamed: by normalised name, then by similarity
    more, removed, added = pair_up(removed, added, lambda p: norm_name(p.name), lambda p: norm_name(p.name), threshold)
    pairs += more
    if not new.all_projects:  # a project missing from a findings file has no findings left, it was not removed
        pairs += [(p, ProjectState(p.key, p.code, p.name, p.no)) for p in removed]
        removed = []
    projects = [ProjectDiff(a, b, diff_findings(a.findings, b.findings, threshold)) for a, b in pairs]
    projects.sort(key=lambda d: d.new.no or 0)
    projects += [ProjectDiff(None, p, FindingsDiff()) for p in added]
    projects += [ProjectDiff(p, None, FindingsDiff()) for p in removed]
    return DeptDiff(old, new, projects, diff_findings(old.findings, new.findings, threshold))


def _unique_keys(states: Iterable[DeptState]) -> list[DeptState]:
    """Two documents of one department on one side (e.g. two copies) keep apart: key#2."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for s in states:
        seen[s.key] += 1
        if seen[s.key] > 1:
            s.key = f"{s.key}#{seen[s.key]}"
        out.append(s)
    return out


def diff_runs(old: list[DeptState], new: list[DeptState], threshold: float = THRESHOLD) -> list[DeptDiff]:
    """Every department of either side, matched, in the new side's order (removed ones last)."""
    old, new = _unique_keys(old), _unique_keys(new)
    pairs, removed, added = pair_up(
        old, new, lambda d: d.key, lambda d: norm_name(d.name), threshold, lambda a, b: not (a.code and b.code)
    )
    new_order = {id(d): i for i, d in enumerate(new)}
    out = [diff_department(a, b, threshold) for a, b in pairs]
    out += [diff_department(None, b, threshold) for b in added]
    out.sort(key=lambda d: new_order[id(d.new)])
    out += [diff_department(a, None, threshold) for a in removed]
    return out


def document_states(sides: list[list[Path]], config=None, jobs: int = 1, on_loaded=None) -> list[list[DeptState]]:
    """Check and score both sides' documents (old, new) on one pool of workers (started once);
    the n-th documents of the two sides are checked together (batch.paired_states)."""
    from auditor.batch import Run, paired_states
    from auditor.checks import prepare
    from auditor.crosscheck import CrossCheck, worth_a_process
    from auditor.pipeline import Workers, collect_less

    jobs = max(1, min(jobs, max((len(files) for files in sides), default=1)))
    if jobs > 1:
        prepare(config)  # before the workers fork: they inherit the catalog and the classifier
    collect_less(freeze=jobs > 1)  # as batch.Run does (the copy-check processes fork after it)
    old, new = (Run(files, config, jobs, on_loaded=on_loaded or (lambda checked: None)) for files in sides)
    # each side's cross-document check (in a process of its own on a large run, forked before the pool, as check does)
    crosses = tuple(CrossCheck(config, separate=worth_a_process(jobs, len(files))) for files in sides)
    with Workers(jobs) as workers:
        return paired_states((old, new), workers, crosses)


def totals(diffs: list[DeptDiff]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for d in diffs:
        for k, v in d.counts().items():
            out[k] += v
        out["departments_added"] += d.old is None
        out["departments_removed"] += d.new is None
        change = d.score_change
        if change is not None:
            out["score_up"] += change > 0
            out["score_down"] += change < 0
        if d.old is not None and d.new is not None and d.old.decision and d.old.decision != d.new.decision:
            out["decision_changed"] += 1
    out["old_departments"] = sum(1 for d in diffs if d.old is not None)
    out["new_departments"] = sum(1 for d in diffs if d.new is not None)
    return dict(out)
