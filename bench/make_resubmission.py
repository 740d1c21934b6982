"""A resubmitted corpus for `audit diff`: every department of a make_corpus.py corpus edited the
way a department fixes a returned table.

usage: python bench/make_resubmission.py CORPUS OUTDIR [--seed S]

Each document is read back with the real reader and parser and written again in the same
"tabs" layout (bench/make_corpus.render) under the same file name, after these edits, each
drawn per department from (seed, file name): empty or vague 指标值 are given a number (most
defects fixed); with probability 0.5 one sound row gets a vague value (a new defect); rows are
reordered inside their 一级指标 (0.5 of the projects); one project is renamed (0.3 of the
departments); two projects swap places (0.3, so both are renumbered); one project is dropped
and one added (0.05 each). `bench/bench_diff.py` times `audit diff` on the pair against one
`audit check`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from make_corpus import DEFECT_VALUES, Row, Table, render  # noqa: E402

from auditor.pipeline import load  # noqa: E402

FIXES = ("≥95%", "≥10项", "100%", "≥90%")


def table_of(project) -> Table:
    t = Table(
        code=project.code,
        name=project.name,
        budget=project.budget or 0.0,
        fiscal=project.fiscal_funds if project.fiscal_funds is not None else project.budget or 0.0,
        other=project.other_funds,
        purpose=project.purpose,
        plan=list(project.spend_plan) or [("12月底", "100%")],
        goal=project.goal,
    )
    t.rows = [Row(i.level1, i.level2, i.name, i.description, i.value, i.basis) for i in project.indicators]
    return t


def resubmit(tables: list[Table], rng: random.Random) -> list[Table]:
    for t in tables:
        for r in t.rows:
            if (not r.value or r.value in DEFECT_VALUES) and rng.random() < 0.8:
                r.value = rng.choice(FIXES)
        if rng.random() < 0.5:
            order = {level: n for n, level in enumerate(dict.fromkeys(r.level1 for r in t.rows))}
            rng.shuffle(t.rows)
            t.rows.sort(key=lambda r: order[r.level1])  # shuffled within each 一级指标
    if rng.random() < 0.5:
        t = rng.choice(tables)
        sound = [r for r in t.rows if r.value and r.value not in DEFECT_VALUES]
        if sound:
            rng.choice(sound).value = rng.choice(DEFECT_VALUES)
    if rng.random() < 0.3:
        t = rng.choice(tables)
        t.name = t.name + rng.choice(("项目", "（续）", "经费"))
    if len(tables) >= 2 and rng.random() < 0.3:
        a, b = rng.sample(range(len(tables)), 2)
        tables[a], tables[b] = tables[b], tables[a]
    if len(tables) >= 3 and rng.random() < 0.05:
        tables.pop(rng.randrange(len(tables)))
    if rng.random() < 0.05:
        extra = table_of_copy(rng.choice(tables))
        extra.code, extra.name = extra.code + "9", "新增" + extra.name
        tables.append(extra)
    return tables


def table_of_copy(t: Table) -> Table:
    copy = Table(**{k: v for k, v in vars(t).items() if k != "rows"})
    copy.rows = [Row(**vars(r)) for r in t.rows]
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    args.outdir.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in args.corpus.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        dept = load(path)
        rng = random.Random(f"{args.seed}-{path.name}")
        tables = resubmit([table_of(p) for p in dept.projects], rng)
        text = render(dept.code, dept.name, dept.year or 2024, tables)
        (args.outdir / path.name).write_text(text, encoding="utf-8")
    print(f"{len(files)} departments resubmitted into {args.outdir} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
