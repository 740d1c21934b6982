"""Synthetic corpus for scale benchmarks: N department documents recombined from the seed tables.

usage: python bench/make_corpus.py N OUTDIR [--seed S] [--seeds examples/] [--check K] [--copying C]

Each seed document is parsed with ``auditor.pipeline.load``; every synthetic department gets a
unique code, a name (city × bureau), a budget year 2019–2026 and 5–15 projects sampled from all
seeds' projects. Project names, codes and budgets are new, years move with the department's year,
numbers inside 指标值 change modestly while the value keeps its written form (≥95% stays ≥N%,
100% stays 100%), and about a third of the 三级指标 names get a topic prefix so that not every
table is a copy of a seed table. Some tables are copied inside a department on purpose (work for
DUP_TABLE), and a few rows get defects (empty or vague values, over-100% rates, description =
name) on top of the seeds' own. ``--copying heavy`` adds what the cross-document copy check
exists for: about half of all tables filled in from a few shared template tables per kind of
bureau (every 教育局 of every city and year draws on the same eight), each template thus
copied into about N / 80 departments, a tenth of the names edited.

Since every table is one of the seeds' 48 tables with some names changed, the light corpus's
names stop growing at about 15,000, and as N grows more and more tables of different
departments agree in 80% of their names by chance (at 100,000 departments three in four have
such a twin). ``--copying none`` keeps the tables apart as real ones are: most 产出 names (80%)
name the department's own place (柳河镇, 石桥村 …), as a department's own outputs do, so only
its 效益 and 满意度 names are shared and the names keep growing with N; ``--copying templates``
adds heavy's template tables to that: copies only where a department copied.

Every document is written in the seeds' "tabs" layout (a PDF text copy: one row a line, cells
split by tabs), which the text reader parses exactly. ``--check K`` reads K generated files back
with the real reader and parser and asserts that every written row comes back unchanged.
The document for department i depends only on (seed, i), so corpus-100 is a prefix of
corpus-1000. A hidden ``.manifest.json`` (skipped by ``audit``) records the counts.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.model import Department, Project  # noqa: E402
from auditor.pipeline import load  # noqa: E402

CITIES = (
    "秦皇岛市 唐山市 石家庄市 保定市 邯郸市 邢台市 沧州市 廊坊市 衡水市 承德市 张家口市 定州市 辛集市 太原市 大同市 "
    "晋中市 长治市 济南市 青岛市 烟台市 潍坊市 临沂市 淄博市 郑州市 洛阳市 开封市 新乡市 南阳市 合肥市 芜湖市 "
    "安庆市 南昌市 九江市 赣州市 长沙市 株洲市 湘潭市 岳阳市 武汉市 宜昌市 襄阳市 荆州市"
).split()
DISTRICTS = ("", "", "", "城区", "新区", "高新区", "经开区", "东区", "西区", "南区", "北区", "郊区", "开发区", "港区")
BUREAUS = (
    "工业和信息化局 财政局 教育局 科学技术局 公安局 民政局 司法局 人力资源和社会保障局 自然资源和规划局 "
    "生态环境局 住房和城乡建设局 交通运输局 水务局 农业农村局 商务局 文化广电和旅游局 卫生健康委员会 "
    "退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业局 城市管理综合行政执法局 "
    "行政审批局 发展和改革局 档案馆 地方志办公室 机关事务服务中心 体育局 粮食和物资储备局 信访局 "
    "民族宗教事务局 数据和政务服务局 供销合作社 残疾人联合会 妇女联合会 总工会 科学技术协会"
).split()
TOPICS = (
    "企业 园区 设备 培训 系统 平台 档案 车辆 人员 网络 资金 项目 场馆 设施 服务 活动 课程 学校 社区 村 道路 "
    "管网 监测 检测 宣传 调研 评审 验收 补贴 奖励 维修 采购 巡查 救助 安置 保障 应急 信息化 数据 会议 考核 "
    "督导 指导 认证 普查 统计 印刷 出版 演出 展览 赛事 医疗 卫生 养老 托育 就业 创业 科普 环境 绿化"
).split()
SUFFIXES = ("", "", "", "", "专项资金", "补助资金", "工作经费", "（一期）", "（二期）", "运行维护费", "奖补资金")
DEFECT_VALUES = ("较好", "显著提升", "有效保障", "按时完成", "持续提高")
# ``--copying none`` and ``templates``: a department's own place, put before most of its 产出 names
PLACE_CHARS = "东西南北中安平和兴隆泰康宁福寿长永新丰盛华阳明清河山林石桥湾塘岗坪坝集店庄营屯堡寨沟峪岭关头溪湖江源泉田园花柳杨桃李梅竹松青红白金玉龙凤鹤鹿马牛羊"
PLACE_KINDS = ("镇", "乡", "街道", "社区", "村")
PLACE_SHARE = 0.8
INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")

_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
_DATE_AFTER = re.compile(r"^\s*(?:年|月|日|号|季|时|:|：|/\d)")
_PERCENT_AFTER = re.compile(r"^\s*[%％]")


@dataclass
class Row:
    level1: str
    level2: str
    name: str
    description: str
    value: str
    basis: str


@dataclass
class Table:
    code: str
    name: str
    budget: float
    fiscal: float
    other: float | None
    purpose: str
    plan: list[tuple[str, str]]
    goal: str
    rows: list[Row] = field(default_factory=list)


# --------------------------------------------------------------------------- seeds


def load_seeds(folder: Path) -> list[tuple[Department, Project]]:
    """All projects with at least one named 三级指标 from the seed documents."""
    pool = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        dept = load(path)
        for project in dept.projects:
            if any(ind.name.strip() for ind in project.indicators):
                pool.append((dept, project))
    if not pool:
        raise SystemExit(f"no project tables found in {folder}")
    return pool


# --------------------------------------------------------------------------- perturbation


@functools.lru_cache(maxsize=1 << 16)  # the same seed texts come back in every department
def clean(text: str) -> str:
    """One cell of a tab-separated line: no tabs, no line breaks, no leading markdown marks."""
    text = " ".join(part.strip() for part in str(text or "").replace("\t", " ").splitlines() if part.strip())
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text.lstrip("#|").strip()


@functools.lru_cache(maxsize=1 << 16)
def shift_years(text: str, delta: int) -> str:
    if not delta or not text:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def _format_like(original: str, number: float) -> str:
    decimals = len(original.split(".")[1]) if "." in original else 0
    return f"{number:.{decimals}f}"


def perturb_numbers(text: str, rng: random.Random) -> str:
    """Change the numbers of a 指标值 modestly, keeping how it is written.

    Dates (2024 年 12 月 31 日), years and 100% stay; other percentages move by a few points
    within 1–100; counts and amounts scale by 0.7–1.3 and keep their decimals.
    """
    if rng.random() < 0.3:
        return text

    def swap(m: re.Match) -> str:
        raw = m.group(1)
        after = text[m.end() :]
        number = float(raw)
        if _DATE_AFTER.match(after) or _YEAR.fullmatch(raw):
            return raw
        if _PERCENT_AFTER.match(after):
            if number >= 100 or number <= 0:
                return raw
            new = min(100.0, max(1.0, number + rng.uniform(-5, 5)))
            if new >= 100 and number < 100:
                new = 99.0 if "." not in raw else 99.9
            return _format_like(raw, new)
        if number == 0:
            return raw
        new = number * rng.uniform(0.7, 1.3)
        if "." not in raw:
            new = max(1, round(new))
        return _format_like(raw, new)

    return _NUMBER.sub(swap, text)


def _scale_amount(text: str, factor: float) -> str:
    """A 资金支出计划 amount (not a percentage) scaled with the budget."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        return text
    return _format_like(text, float(text) * factor)


def project_code(rng: random.Random, year: int) -> str:
    region = f"{rng.randint(130100, 139999)}"
    tail = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))
    return f"{region}{year % 100:02d}P{tail}"


def project_name(seed: Project, delta: int, rng: random.Random) -> str:
    name = clean(shift_years(seed.name, delta)) or "项目"
    if rng.random() < 0.5:
        name = rng.choice(TOPICS) + name
    return name + rng.choice(SUFFIXES)


def make_table(
    seed: Project, seed_year: int, year: int, rng: random.Random, names_only: bool = False, place: str = ""
) -> Table:
    """A generated table from a seed table; ``names_only``: only the names (bench_copycheck.py), faster.
    With ``place`` most 产出 names name it, as a department's own tables name its own towns and sites."""
    delta = year - seed_year if seed_year else 0
    factor = rng.uniform(0.8, 1.5)
    budget = round((seed.budget or rng.uniform(5, 500)) * factor, 2)
    other = None
    fiscal = budget
    if rng.random() < 0.1:
        other = round(budget * rng.uniform(0.05, 0.3), 2)
        fiscal = round(budget - other, 2)
    table = Table(
        code=project_code(rng, year),
        name=project_name(seed, delta, rng),
        budget=budget,
        fiscal=fiscal,
        other=other,
        purpose=clean(shift_years(seed.purpose, delta)),
        plan=[(clean(cp), _scale_amount(clean(v), factor)) for cp, v in seed.spend_plan] or [("12月底", "100%")],
        goal=clean(shift_years(seed.goal, delta)) or "完成项目年度目标",
    )
    for ind in seed.indicators:
        name = clean(shift_years(ind.name, delta))
        if not name:
            continue
        if place and ind.level1.startswith("产出") and rng.random() < PLACE_SHARE:
            name = place + name
        elif rng.random() < 0.35:
            name = rng.choice(TOPICS) + name
        if names_only:
            table.rows.append(Row("", "", name, "", "", ""))
            continue
        value = clean(perturb_numbers(shift_years(ind.value, delta), rng))
        description = clean(shift_years(ind.description, delta))
        roll = rng.random()
        if roll < 0.015:
            value = ""  # defect: no value
        elif roll < 0.03:
            value = rng.choice(DEFECT_VALUES)  # defect: vague value
        elif roll < 0.04 and "%" in value:
            value = re.sub(r"\d+(?:\.\d+)?(?=\s*%)", lambda m: str(int(float(m.group()) + 10) + 100), value, count=1)
        elif roll < 0.05:
            description = name  # defect: description repeats the name
        table.rows.append(Row(clean(ind.level1), clean(ind.level2), name, description, value, clean(ind.basis)))
    return table


# --------------------------------------------------------------------------- departments


def department_code(i: int) -> str:
    """Unique for i < 900000 (7919 is prime and does not divide 900000)."""
    return str(100000 + (i * 7919) % 900000)


def department_name(i: int, rng: random.Random) -> str:
    district = rng.choice(DISTRICTS) if i >= len(CITIES) * len(BUREAUS) // 4 else ""
    return rng.choice(CITIES) + district + rng.choice(BUREAUS)


def place_name(i: int, seed: int) -> str:
    """Department i's own place (a town, street or village), from a space of about two million."""
    rng = random.Random(f"{seed}-{i}-place")
    return "".join(rng.choice(PLACE_CHARS) for _ in range(rng.choice((2, 2, 3)))) + rng.choice(PLACE_KINDS)


def make_department(
    i: int, seed: int, pool: list[tuple[Department, Project]], copying: str = "light", names_only: bool = False
) -> tuple[str, str, int, list[Table]]:
    rng = random.Random(f"{seed}-{i}")
    code = department_code(i)
    name = department_name(i, rng)
    year = rng.randint(2019, 2026)
    count = round(rng.triangular(5, 15, 9))
    place = place_name(i, seed) if copying in OWN_PLACES else ""
    tables = []
    for dept, project in rng.sample(pool, min(count, len(pool))):
        tables.append(make_table(project, dept.year or year, year, rng, names_only, place))
    if len(tables) >= 3 and rng.random() < 0.25:
        # a copied table: another project's indicators under a new project name
        source, target = rng.sample(range(len(tables)), 2)
        tables[target].rows = [Row(**vars(r)) for r in tables[source].rows]
    if copying in FROM_TEMPLATES:
        copy_templates(i, seed, name, tables, pool, names_only)
    return code, name, year, tables


# --------------------------------------------------------------------------- heavy copying

TEMPLATES = 8  # template tables per kind of bureau (a province's model tables for that kind of work)
TEMPLATE_SHARE = 0.5  # of a department's tables, how many are filled in from its kind's templates
TEMPLATE_EDIT = 0.1  # of a copied table's rows, how many get their name edited


COPYING = ("light", "heavy", "none", "templates")  # --copying
OWN_PLACES = ("none", "templates")  # the corpora whose 产出 names mostly name the department's own place
FROM_TEMPLATES = ("heavy", "templates")  # ... and those with half the tables from shared templates
_TEMPLATES: dict[tuple[int, str, int], Table] = {}


def template(seed: int, bureau: str, k: int, pool: list[tuple[Department, Project]]) -> Table:
    """Template ``k`` of a kind of bureau: one seed table as a generated table, the same everywhere."""
    key = (seed, bureau, k)
    if key not in _TEMPLATES:
        rng = random.Random(f"{seed}-template-{bureau}-{k}")
        dept, project = pool[rng.randrange(len(pool))]
        _TEMPLATES[key] = make_table(project, dept.year or 2024, dept.year or 2024, rng)
    return _TEMPLATES[key]


def copy_templates(i: int, seed: int, name: str, tables: list[Table], pool, names_only: bool = False) -> None:
    """``--copying heavy``: about half the tables of every department take their 三级指标 from one
    of the templates of the department's kind of bureau (the same 8 for every 教育局 of every city and
    year), with new values and a tenth of the names edited; so each template ends up in N / 80
    departments. Uses its own random stream: the rest of the department is as without copying."""
    rng = random.Random(f"{seed}-{i}-copying")
    bureau = next(b for b in BUREAUS if name.endswith(b))
    for table in tables:
        if rng.random() >= TEMPLATE_SHARE:
            continue
        model = template(seed, bureau, rng.randrange(TEMPLATES), pool)
        rows = []
        for r in model.rows:
            row_name = rng.choice(TOPICS) + r.name if rng.random() < TEMPLATE_EDIT else r.name
            value = r.value if names_only else perturb_numbers(r.value, rng)
            rows.append(Row(r.level1, r.level2, row_name, r.description, value, r.basis))
        table.rows = rows


def render(code: str, name: str, year: int, tables: list[Table]) -> str:
    """The document in the seeds' "tabs" layout."""
    out = [
        f"{year} 年部门预算信息公开",
        "",
        f"{code} {name}",
        "",
        f"预算年度：{year}",
        "",
        "单位：万元",
        "",
        "七、部门项目预算安排情况及绩效目标",
        "",
    ]
    for no, t in enumerate(tables, start=1):
        checkpoints = "\t".join(cp for cp, _ in t.plan)
        amounts = "\t".join(v for _, v in t.plan)
        out += [
            f"{no}、{t.name}绩效目标表",
            "",
            "单位：万元",
            "",
            f"项目编码\t{t.code}\t\t项目名称\t{t.name}",
            f"预算规模及资金用途\t预算数\t{t.budget:.2f}\t其中：财政资金\t{t.fiscal:.2f}\t其他资金\t"
            + (f"{t.other:.2f}" if t.other is not None else ""),
            f"\t{t.purpose}",
            f"资金支出计划（%）\t{checkpoints}",
            f"\t{amounts}",
            f"绩效目标\t{t.goal}",
            "\t".join(INDICATOR_HEADER),
        ]
        out += ["\t".join((r.level1, r.level2, r.name, r.description, r.value, r.basis)) for r in t.rows]
        out.append("")
    out += [f"{code} {name}", ""]
    return "\n".join(out)


def file_name(i: int, code: str) -> str:
    return f"{i:05d}_{code}.txt"


# --------------------------------------------------------------------------- check


def check(path: Path, code: str, name: str, year: int, tables: list[Table]) -> None:
    """Read the file back with the real reader and parser: every row must come back as written."""
    dept = load(path)
    assert (dept.code, dept.name, dept.year) == (code, name, year), (path, dept.code, dept.name, dept.year)
    assert len(dept.projects) == len(tables), (path, len(dept.projects), len(tables))
    for got, want in zip(dept.projects, tables, strict=True):
        assert (got.code, got.name) == (want.code, want.name), (path, got.code, got.name, want.code, want.name)
        assert got.budget == round(want.budget, 2), (path, got.name, got.budget, want.budget)
        rows = [Row(i.level1, i.level2, i.name, i.description, i.value, i.basis) for i in got.indicators]
        assert rows == want.rows, (path, want.name, len(rows), len(want.rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of departments")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=Path, default=ROOT / "examples", help="folder of seed documents")
    parser.add_argument("--check", type=int, default=5, metavar="K", help="read K generated files back (0: none)")
    parser.add_argument(
        "--copying",
        choices=COPYING,
        default="light",
        help="light: some tables copied inside a department; heavy: also half of all tables from shared templates; "
        "none, templates: the same, but most 产出 names name the department's own place",
    )
    args = parser.parse_args()

    start = time.perf_counter()
    pool = load_seeds(args.seeds)
    args.outdir.mkdir(parents=True, exist_ok=True)
    check_at = set(random.Random(args.seed).sample(range(args.n), min(args.check, args.n)))
    rows = projects = size = 0
    for i in range(args.n):
        code, name, year, tables = make_department(i, args.seed, pool, args.copying)
        path = args.outdir / file_name(i, code)
        data = render(code, name, year, tables).encode("utf-8")
        path.write_bytes(data)
        size += len(data)
        projects += len(tables)
        rows += sum(len(t.rows) for t in tables)
        if i in check_at:
            check(path, code, name, year, tables)
    manifest = {
        "departments": args.n,
        "projects": projects,
        "rows": rows,
        "bytes": size,
        "seed": args.seed,
        "copying": args.copying,
        "seed_projects": len(pool),
        "checked": len(check_at),
    }
    (args.outdir / ".manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    elapsed = time.perf_counter() - start
    print(
        f"{args.n} departments, {projects} projects, {rows} rows, {size / 1e6:.1f} MB in {args.outdir} "
        f"({elapsed:.1f} s; {len(check_at)} files read back and checked)"
    )


if __name__ == "__main__":
    main()
