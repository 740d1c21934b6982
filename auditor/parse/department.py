"""Department facts (code, name, budget year) found anywhere in a document."""

from __future__ import annotations

import re
from collections import Counter

from auditor.model import Block, Department

_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_YEAR = re.compile(r"预算年度\s*[:：]?\s*(20\d\d)")
_TITLE_YEAR = re.compile(r"(20\d\d)\s*年\s*(?:度\s*)?(?:部门|单位)?\s*(?:预算|项目支出绩效|项目绩效)")
_DEPT_LINE = re.compile(r"^(\d{3,12})\s*[-—_:：、]?\s*([\u4e00-\u9fff][\u4e00-\u9fff（）()·]{2,40})$")
_ORG_SUFFIX = re.compile(
    r"(局|委|委员会|办|办公室|院|中心|所|站|队|馆|会|部|处|厅|署|府|室|校|学|园|社|台|团|组|本级|机关|公司|街道|镇|乡|场|司|行|库)$"
)
_TITLE_NAME = re.compile(
    r"^([\u4e00-\u9fff（）()]{2,40}?"
    + _ORG_SUFFIX.pattern[:-1]
    + r")\s*20\d\d\s*年\s*度?\s*(?:部门预算|单位预算|部门项目支出|项目支出绩效|预算项目)"
)
_DEPT_LABEL = re.compile(r"^(?:部门|单位|预算单位|部门名称|单位名称|预算部门)\s*[:：]\s*(.+)$")


def department_facts(blocks: list[Block], dept: Department) -> None:
    """Department code, name and budget year, from anywhere in the document.

    The code and name come from a "471 秦皇岛市工业和信息化局" line (the most frequent one
    naming an organisation), else a "部门：…" label, else a cover title "…局2024年部门预算".
    The year comes from "预算年度：2024", else a title "2024年部门预算", else "（2024年度）"
    next to a 绩效目标表 title.
    """
    candidates: Counter[tuple[str, str]] = Counter()
    labelled = ""
    titled = ""  # "XX局2024年部门预算" on a cover page
    years: Counter[int] = Counter()
    title_year = table_year = None
    for block in blocks:
        cells = block.cells
        try:
            joined = "\n".join(cells)
        except TypeError:  # a cell that is not text: every cell looked at below
            joined = ":"
        if not (":" in joined or "：" in joined or "预算" in joined or "绩效" in joined):
            # without a colon, 预算 or 绩效 in the row only a code line (471 …局: three digits) can be here
            cells = [cell for cell in cells if cell[:3].isdigit() or cell[:1].isspace()]
        for cell in cells:
            text = (cell or "").strip() if isinstance(cell, str) else ""
            if not text or len(text) > 80:
                if text and title_year is None and (m := _TITLE_YEAR.search(text[:200])):
                    title_year = int(m.group(1))
                continue
            if not (text[0].isdigit() or "：" in text or ":" in text or "预算" in text or "绩效" in text):
                continue  # most cells (indicator text) can hold none of what is looked for below
            compact = " ".join(text.split())
            if compact[0].isdigit() and (m := _DEPT_LINE.match(compact)):
                name = m.group(2)
                if not name.startswith(("年", "月", "日", "元", "万", "号")):
                    candidates[(m.group(1), name)] += 1
            elif not labelled and ("：" in compact or ":" in compact) and (m := _DEPT_LABEL.match(compact)):
                value = m.group(1).strip()
                if not _MONEY_UNIT.match("单位:" + value) and re.search(r"[\u4e00-\u9fff]{3}", value):
                    labelled = value
            if table_year is None and "绩效目标" in compact and (m := re.search(r"(20\d\d)\s*年度", compact)):
                table_year = int(m.group(1))
            if "预算" not in compact and "绩效" not in compact:
                continue
            if m := _YEAR.search(compact):
                years[int(m.group(1))] += 1
            elif title_year is None and (m := _TITLE_YEAR.search(compact)):
                title_year = int(m.group(1))
            if not titled and (m := _TITLE_NAME.match(compact)):
                titled = m.group(1)
    named = Counter({key: n for key, n in candidates.items() if _ORG_SUFFIX.search(key[1])})
    if named or candidates:
        (code, name), _ = (named or candidates).most_common(1)[0]
        dept.code = code
        dept.name = re.sub(r"(本级|机关)$", "", name) or name
    elif labelled:
        match = re.match(r"^(\d{3,12})\s*(.+)$", labelled)
        dept.code, dept.name = (match.group(1), match.group(2)) if match else ("", labelled)
    elif titled:
        dept.name = titled
    if years:
        dept.year = years.most_common(1)[0][0]
    else:
        dept.year = title_year or table_year
