"""Render the layout catalog's gold rows as clean tab tables, so rules can be measured without the reader.

usage: python bench/render_gold.py GOLD_DIR OUT_DIR [--files A,B,...] [--half even|odd]

GOLD_DIR holds ``gold.csv`` (file,n,level1,level2,name,value,codes) and ``projects.csv``
(file,project,budget_wan,year,department). For every layout file one document
``OUT_DIR/<file>.r.txt`` is written in the seed documents' tab layout: the department, the budget
year, then one 绩效目标表 per project with its 预算数 and the gold rows as printed (level labels,
names and values exactly as in gold.csv; empty cells stay empty). Score it with
``eval_match.py GOLD rows.csv findings.jsonl --suffix .r.txt``.

Rows are assigned to the file's projects by where their names first stand in the layout file
after the project's name (a project whose name is not found starts where the 一级 sequence
restarts at 产出); the budget year of a document is the latest year of its projects.
``--half even|odd`` keeps every other layout file (by number) for a development / held-out split.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from pathlib import Path

_SPACE = re.compile(r"[\s|]+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "")


def _starts(text: str, projects: list[dict], rows: list[dict]) -> list[int]:
    """The row index where each project starts (first project at 0)."""
    body = _norm(text)
    pos, at = [], 0
    for r in rows:  # each row's position, searched forward from the previous one
        key = _norm(r["name"])[:12]
        found = body.find(key, at) if key else -1
        if found >= 0:
            at = found
        pos.append(at)
    starts = [0]
    for p in projects[1:]:
        name = _norm(p["project"])
        hit = body.find(name, 0) if name else -1
        cands = [m.start() for m in re.finditer(re.escape(name), body)] if name and hit >= 0 else []
        prev = starts[-1]
        idx = None
        for c in cands:  # the first row after an occurrence of the name, past the previous project's start
            later = [i for i in range(prev + 1, len(rows)) if pos[i] > c]
            if later and (idx is None or later[0] > prev):
                idx = later[0]
                if any(pos[i] < c for i in range(prev, idx)):
                    break
        if idx is None:  # restart of the 一级 sequence at 产出 after 效益/满意度
            seen_later = False
            for i in range(prev + 1, len(rows)):
                l1 = rows[i]["level1"] + rows[i]["level2"]
                if "效益" in l1 or "满意" in l1:
                    seen_later = True
                elif seen_later and ("产出" in l1 or any(w in l1 for w in ("数量", "质量"))):
                    idx = i
                    break
        starts.append(idx if idx is not None else len(rows))
    return starts


def render(gold_dir: Path, out_dir: Path, keep) -> list[str]:
    gold = list(csv.DictReader(open(gold_dir / "gold.csv", encoding="utf-8-sig")))
    projects = defaultdict(list)
    for p in csv.DictReader(open(gold_dir / "projects.csv", encoding="utf-8-sig")):
        projects[p["file"]].append(p)
    by_file = defaultdict(list)
    for r in gold:
        by_file[r["file"]].append(r)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file, rows in by_file.items():
        if not keep(file):
            continue
        projs = projects.get(file) or [{"project": "", "budget_wan": "", "year": "", "department": ""}]
        text = (gold_dir / file).read_text(encoding="utf-8") if (gold_dir / file).is_file() else ""
        starts = _starts(text, projs, rows) + [len(rows)]
        years = [int(p["year"]) for p in projs if p["year"].strip().isdigit()]
        dept = next((p["department"] for p in projs if p["department"]), "某部门")
        lines = [dept, "", f"预算年度：{max(years) if years else ''}", "", "单位：万元", ""]
        for k, p in enumerate(projs):
            part = rows[starts[k] : max(starts[k], starts[k + 1])]
            if not part:
                continue
            name = p["project"] or f"项目{k + 1}"
            lines += [f"{k + 1}、{name}绩效目标表", "", "单位：万元", ""]
            lines.append(f"项目编码\tR{file[:2]}{k + 1:02d}\t\t项目名称\t{name}\t")
            lines.append(f"预算规模及资金用途\t预算数\t{p['budget_wan']}\t其中：财政资金\t{p['budget_wan']}\t其他资金")
            lines.append("\t用于本项目支出。\t\t\t\t")
            lines.append("一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据")
            for r in part:
                lines.append("\t".join([r["level1"], r["level2"], r["name"], "", r["value"], ""]))
            lines.append("")
        target = out_dir / f"{file}.r.txt"
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(target.name)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--half", choices=["even", "odd"])
    args = ap.parse_args()

    def keep(file: str) -> bool:
        if not args.half:
            return True
        n = int(file[:2])
        return (n % 2 == 0) == (args.half == "even")

    for name in render(args.gold_dir, args.out_dir, keep):
        print(name)


if __name__ == "__main__":
    main()
