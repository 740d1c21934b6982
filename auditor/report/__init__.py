"""Output writers: rows, findings, scores and HTML scorecards. Every file goes through atomic.py."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from auditor.report.atomic import atomic_open


def scores_document(departments, findings, scores) -> dict:
    """scores.json: each department's score with its projects, every score with its deductions."""
    count: dict[tuple, int] = {}
    for f in findings:
        count[(f.source, f.project_no)] = count.get((f.source, f.project_no), 0) + 1
    out = []
    for dept in departments:
        mine = [s for s in scores if s.source == dept.source]
        total = next(s for s in mine if s.project_no is None)
        record = {"source": dept.source, "department_code": dept.code, "department": dept.name, "year": dept.year}
        record.update(asdict(total))
        record["findings"] = sum(1 for f in findings if f.source == dept.source)
        record["projects"] = [
            {**asdict(s), "findings": count.get((s.source, s.project_no), 0)} for s in mine if s.project_no is not None
        ]
        out.append(record)
    return {"departments": out}


def write_reports(departments, findings, scores, out_dir: Path, config=None) -> list[Path]:
    """Write index.html, one scorecard per department, findings.csv/xlsx and scores.json into out_dir."""
    from auditor.report.excel import write_xlsx
    from auditor.report.findings import write_findings
    from auditor.report.html import write_html

    out_dir = Path(out_dir)
    written = write_html(departments, findings, scores, out_dir, config)
    path = out_dir / "findings.csv"
    write_findings(findings, "csv", str(path))
    written.append(path)
    written.append(write_xlsx(departments, findings, scores, out_dir / "findings.xlsx"))
    path = out_dir / "scores.json"
    with atomic_open(path) as out:
        json.dump(scores_document(departments, findings, scores), out, ensure_ascii=False, indent=1)
        out.write("\n")
    written.append(path)
    return written
