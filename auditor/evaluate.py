"""`audit eval`: extraction and findings scored against a labelled sample.

Two label files, both CSV (UTF-8, with or without BOM):

* rows: ``file,n,level1,level2,name,value,codes`` — every 三级指标 row of each labelled document
  (``file`` its file name, ``n`` its order in the document), ``codes`` the row rule codes a
  reviewer gives it, separated by ``;`` (empty: a clean row);
* projects (optional): ``file,code[,project]`` — one line per project- or department-level code.

The program's rows are matched to the labelled rows per file by 三级指标 name (spaces and
punctuation ignored: equal names first, in order, then the most similar name at 80% or more).
Row findings are compared on matched rows, code by code; a finding on a row that matches no
labelled row is a false positive. Project-level codes, when a projects file is given, are
compared as counts per (file, code). Scores: per code precision, recall and F1; micro (all
codes pooled) and macro (mean F1 over the codes that have labels).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from auditor.model import Department

_PUNCT = re.compile(r"[\s()（）:：、,，.。;；\"“”'‘’|*★\-—_\[\]【】]+")
_SIGNS = str.maketrans({"≧": "≥", "≦": "≤"})
SIMILAR = 80  # the least rapidfuzz ratio at which two 三级指标 names are the same row


def norm(text: str) -> str:
    """A cell compared: no spaces or punctuation, one spelling of ≥ and ≤."""
    return _PUNCT.sub("", text or "").translate(_SIGNS).replace(">=", "≥").replace("<=", "≤")


class GoldRow(NamedTuple):
    file: str
    n: int
    level2: str
    name: str
    value: str
    codes: frozenset[str]


class Row(NamedTuple):
    """One row the program extracted, where its findings point."""

    file: str
    project_no: int
    row: int
    level2: str
    name: str
    value: str


class Found(NamedTuple):
    """Where one finding points (from a Finding, or a line of `audit check --format jsonl`)."""

    source: str
    rule: str
    project_no: int | None
    row: int | None

    @classmethod
    def of(cls, record) -> Found:
        get = record.get if isinstance(record, dict) else lambda key: getattr(record, key)
        return cls(get("source"), get("rule"), get("project_no"), get("row"))


class Collected:
    """A findings writer (``batch.Run.check``) that keeps where each finding points."""

    fmt = "jsonl"

    def __init__(self):
        self.found: list[Found] = []

    def write(self, text: str, count: int) -> None:
        self.found += [Found.of(json.loads(line)) for line in text.splitlines() if line]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def read_gold(path: Path) -> list[GoldRow]:
    """The labelled rows; a missing column is a ValueError naming it."""
    records = _read_csv(path)
    missing = {"file", "n", "name"} - set(records[0] if records else {})
    if missing:
        raise ValueError(f"{path}: 缺少列 {', '.join(sorted(missing))}")
    return [
        GoldRow(
            r["file"],
            int(r["n"]),
            r.get("level2") or "",
            r["name"],
            r.get("value") or "",
            frozenset(c.strip() for c in (r.get("codes") or "").split(";") if c.strip()),
        )
        for r in records
    ]


def read_gold_projects(path: Path) -> Counter:
    """The labelled project-level codes, counted per (file, code)."""
    records = _read_csv(path)
    if records and not {"file", "code"} <= set(records[0]):
        raise ValueError(f"{path}: 需要 file 和 code 两列")
    return Counter((r["file"], r["code"].strip()) for r in records if r["code"].strip())


def rows_of(dept: Department) -> list[Row]:
    return [
        Row(dept.source, p.no, ind.row, ind.level2, ind.name, ind.value) for p in dept.projects for ind in p.indicators
    ]


def match_rows(gold: list[GoldRow], rows: list[Row]) -> dict[GoldRow, Row]:
    """Each labelled row's program row, per file: equal names first, then the most similar."""
    from rapidfuzz import fuzz

    by_file: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_file[row.file].append(row)
    matched: dict[GoldRow, Row] = {}
    labelled: dict[str, list[GoldRow]] = defaultdict(list)
    for g in gold:
        labelled[g.file].append(g)
    for file, wanted in labelled.items():
        free = list(by_file.get(file, []))
        for g in wanted:
            hit = next((r for r in free if norm(r.name) == norm(g.name)), None)
            if hit is not None:
                matched[g] = hit
                free.remove(hit)
        for g in wanted:
            if g in matched or not free:
                continue
            best = max(free, key=lambda r: fuzz.ratio(norm(r.name), norm(g.name)))
            if fuzz.ratio(norm(best.name), norm(g.name)) >= SIMILAR:
                matched[g] = best
                free.remove(best)
    return matched


@dataclass
class Tally:
    """True and false positives and false negatives of one code (or of all, pooled)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.labelled if self.labelled else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    files: int
    gold_rows: int
    rows: int  # the program's rows in the labelled files
    matched: int
    values_agree: int
    level2_agree: int
    codes: dict[str, Tally] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)  # one line per false positive or negative

    @property
    def row_recall(self) -> float:
        return self.matched / self.gold_rows if self.gold_rows else 0.0

    @property
    def row_precision(self) -> float:
        return self.matched / self.rows if self.rows else 0.0

    @property
    def micro(self) -> Tally:
        return Tally(*(sum(getattr(t, k) for t in self.codes.values()) for k in ("tp", "fp", "fn")))

    @property
    def macro_f1(self) -> float:
        scored = [t.f1 for t in self.codes.values() if t.labelled]
        return sum(scored) / len(scored) if scored else 0.0

    def to_dict(self) -> dict:
        micro = self.micro
        return {
            "files": self.files,
            "gold_rows": self.gold_rows,
            "rows": self.rows,
            "matched": self.matched,
            "row_recall": round(self.row_recall, 4),
            "row_precision": round(self.row_precision, 4),
            "value_agrees": round(self.values_agree / max(self.matched, 1), 4),
            "level2_agrees": round(self.level2_agree / max(self.matched, 1), 4),
            "codes": {
                code: {"labelled": t.labelled, "tp": t.tp, "fp": t.fp, "fn": t.fn, "f1": round(t.f1, 4)}
                for code, t in sorted(self.codes.items())
            },
            "micro": {
                "precision": round(micro.precision, 4),
                "recall": round(micro.recall, 4),
                "f1": round(micro.f1, 4),
            },
            "macro_f1": round(self.macro_f1, 4),
        }


def evaluate(
    gold: list[GoldRow],
    rows: list[Row],
    findings: list[Found],
    projects: Counter | None = None,
    only: set[str] | None = None,
) -> Evaluation:
    """Score the program's ``rows`` and ``findings`` against the labels (``only``: these codes alone)."""
    files = {g.file for g in gold}
    rows = [r for r in rows if r.file in files]
    matched = match_rows(gold, rows)
    result = Evaluation(
        files=len(files),
        gold_rows=len(gold),
        rows=len(rows),
        matched=len(matched),
        values_agree=sum(norm(r.value) == norm(g.value) for g, r in matched.items()),
        level2_agree=sum(
            norm(r.level2).removesuffix("指标") == norm(g.level2).removesuffix("指标") for g, r in matched.items()
        ),
    )

    def keep(code: str) -> bool:
        return only is None or code in only

    found: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    at_project: Counter = Counter()
    for f in findings:
        if f.source not in files or not keep(f.rule):
            continue
        if f.row is not None and f.project_no is not None:
            found[(f.source, f.project_no, f.row)].add(f.rule)
        else:
            at_project[(f.source, f.rule)] += 1
    tally: dict[str, Tally] = defaultdict(Tally)
    seen: set[tuple[str, int, int]] = set()
    for g in gold:
        row = matched.get(g)
        got: set[str] = set()
        if row is not None:
            seen.add((row.file, row.project_no, row.row))
            got = found.get((row.file, row.project_no, row.row), set())
        want = {c for c in g.codes if keep(c)}
        for code in want | got:
            if code in want and code in got:
                tally[code].tp += 1
                continue
            kind = "漏报" if code in want else "误报"
            if code in want:
                tally[code].fn += 1
            else:
                tally[code].fp += 1
            result.mistakes.append(f"{kind} {code}: {g.file} #{g.n} {g.name} = {g.value}")
    for key, codes in found.items():  # findings on rows that match no labelled row
        if key not in seen:
            for code in codes:
                tally[code].fp += 1
                result.mistakes.append(f"误报 {code}: {key[0]} 项目{key[1]} 第{key[2]}行（无对应标注行）")
    if projects is not None:
        wanted = Counter({k: n for k, n in projects.items() if k[0] in files and keep(k[1])})
        for key in sorted(set(wanted) | set(at_project)):
            want, got = wanted[key], at_project[key]
            tally[key[1]].tp += min(want, got)
            tally[key[1]].fn += max(0, want - got)
            tally[key[1]].fp += max(0, got - want)
            if want != got:
                result.mistakes.append(
                    f"{'漏报' if want > got else '误报'} {key[1]}: {key[0]}（标注 {want}，检出 {got}）"
                )
    result.codes = dict(tally)
    return result


def render(result: Evaluation, show: bool = False) -> str:
    """The evaluation as a plain-text table; the last line sums it up."""
    m = max(result.matched, 1)
    lines = [
        f"标注行 {result.gold_rows}（{result.files} 个文件）；抽取行 {result.rows}；匹配 {result.matched}",
        f"rows recall {result.row_recall:.3f}  precision {result.row_precision:.3f}  "
        f"value agrees {result.values_agree / m:.3f}  level2 agrees {result.level2_agree / m:.3f}",
        f"{'code':20} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}",
    ]
    for code, t in sorted(result.codes.items()):
        lines.append(f"{code:20} {t.labelled:5d} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f}")
    if show:
        lines += sorted(result.mistakes)
    micro = result.micro
    with_labels = sum(1 for t in result.codes.values() if t.labelled)
    lines.append(
        f"findings micro P {micro.precision:.3f} R {micro.recall:.3f} F1 {micro.f1:.3f}  "
        f"macro F1 {result.macro_f1:.3f} over {with_labels} codes"
    )
    return "\n".join(lines) + "\n"


def render_json(result: Evaluation) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
