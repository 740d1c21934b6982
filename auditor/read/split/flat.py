"""Document-site previews: a whole table, or a whole page, on one line with every delimiter gone.

``…绩效指标一级指标二级指标三级指标分值年度指标值…产出指标(50分)数量指标指标1…批次10≥1200批1356批10…``

The header is found as a run of column words anywhere in the line; the text after it is cut at
level labels, then into rows where a value begins right after text (…到位率|100%, …场次|120场)
or where a template prefix (指标1, 指标2) opens the next row; each row is taken apart by the
columns the header names after the 三级指标 (分值 before the value, 实际完成值 after it). A table
is kept only when every row it cut has a name and a value that reads as one; otherwise nothing is
invented and the caller warns that the cells could not be told apart.
"""

from __future__ import annotations

import re
from functools import cache

from auditor.model import Block
from auditor.read.split import words
from auditor.read.split.align import Row, Token
from auditor.read.split.glued import _fact_pattern, _facts, _split_description, peel, split_name_value
from auditor.read.split.rows import build
from auditor.read.split.spaced import header_roles
from auditor.values import units

_PAGE = re.compile(r"^\d{1,3}、")
_PREFIX = re.compile(r"指标\d{1,2}[:：.、]?")
_END = re.compile(r"……|总分|合计|说明|注[:：]|附件|项目名称|绩效目标自评表|绩效目标表")
_DATE = r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?(?:前|之前|以前)?"
_SUFFIX = r"(?:以上|以下|以内|之内|内|前)?"
_LONG = 200  # a line this long that holds a header is a flattened table


@cache
def _quantity() -> re.Pattern:
    names = sorted({*units(), "小时", "%", "％", "‰"}, key=len, reverse=True)
    unit = "|".join(map(re.escape, names))
    return re.compile(rf"(?:{_DATE}|(?:[≥≤≧≦><=＞＜＝]{{1,2}})?(?<![\d.])\d[\d,]*(?:\.\d+)?(?:{unit})?{_SUFFIX})")


def find_headers(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, roles) of every run of glued header words in ``text`` that makes a header.

    A header naming no 三级 column (一级 | 二级 | 绩效标准 | 当年预期实现值) gets one after the 二级."""
    found = []
    chain: list[re.Match] = []
    best = None
    for m in words.header_pattern().finditer(text):
        if chain and m.start() != chain[-1].end():
            if best is not None:
                found.append(best)
            chain, best = [], None
        chain.append(m)
        toks = [c.group() for c in chain]
        roles = header_roles(toks)
        if roles is None and "二级指标" in toks and "name" not in _roles(toks):
            roles = header_roles([*toks, "三级指标"])
            if roles:
                roles = roles[:-1]
                roles.insert(toks.index("二级指标") + 1, "name")
        if roles:
            best = (chain[0].start(), m.end(), roles)
    if best is not None:
        found.append(best)
    return found


def _roles(toks: list[str]) -> list[str]:
    table = words.header_roles()
    return [table.get(t, "") for t in toks]


def _cut_rows(text: str, prefixed: bool, paired: bool = False) -> list[str]:
    """A label group's text cut into row strings (``paired``: an actual value follows each target)."""
    if prefixed and _PREFIX.match(text):
        starts = [m.start() for m in _PREFIX.finditer(text)]
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    rows = []
    pos = 0
    for m in _quantity().finditer(text):
        if m.start() - pos < 4 or not re.match(r"[\u4e00-\u9fff]", text[m.start() - 1]):
            continue
        end = m.end()
        if paired and (actual := _quantity().match(text, end)) and actual.end() > end:
            end = actual.end()
        rows.append(text[pos:end])
        pos = end
    if pos < len(text):
        rest = text[pos:]
        if rows and (not _quantity().search(rest) or len(rest) <= 8 and not re.search(r"[\u4e00-\u9fff]{4}", rest)):
            rows[-1] += text[pos:]
        else:
            rows.append(text[pos:])
    return rows


def _fields(row: str, after: list[str]) -> dict[str, str] | None:
    """Role → text for one row string, by the columns after the 三级指标."""
    got: dict[str, str] = {}
    if after and after[0] == "weight":  # 分值 before the value
        prefix = _PREFIX.match(row)
        m = re.compile(r"\d").search(row, prefix.end() if prefix else 0)
        if not m:
            return None
        start = m.start()
        got["name"] = row[:start]
        rest = row[start:]
        for size in (2, 1):
            if rest[:size].isdigit() and int(rest[:size]) % 5 == 0 and int(rest[:size]) > 0:
                got["weight"], rest = rest[:size], rest[size:]
                break
        else:
            return None
        score = re.search(r"(?<![\d.])(\d{1,2}(?:\.\d)?)([^\d%]*)$", rest)
        if score and "score" in after:
            got["score"] = score.group(1)
            got["deviation"] = score.group(2)
            rest = rest[: score.start()]
        value, actual = _pair(rest)
        got["value"], got["actual"] = value, actual
        return got if got["name"] and value else None
    if "actual" in after:
        m = _quantity().search(row)
        while m and (m.start() < 4 or not re.match(r"[\u4e00-\u9fff]", row[m.start() - 1])):
            m = _quantity().search(row, m.end())
        head = row[: m.start()] if m else row
        tail = row[m.start() :] if m else ""
        if not tail:
            name, _, value = split_name_value(row)
            value, actual = _pair(value)
        else:
            name = head
            value, actual = _pair(tail)
        got.update(name=name, value=value, actual=actual)
        return got if name and value else None
    name, desc, value = split_name_value(row, "description" in after)
    if not value and desc:
        _, _, value = split_name_value(desc)
        desc = desc[: len(desc) - len(value)] if value else desc
    got.update(name=name, description=desc, value=value)
    return got if name and value else None


def _pair(text: str) -> tuple[str, str]:
    """A target and an actual value run together: two quantities, or one phrase written twice."""
    m = _quantity().match(text)
    if m and m.end() > 0:
        return text[: m.end()], text[m.end() :]
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] and (text[:half] == text[half:] or words.value_score(text[half:]) > 0.5):
        return text[:half], text[half:]
    return text, ""


def read_body(body: str, roles: list[str], grades: list[str] | None = None) -> tuple[list[Row], list[str]]:
    """Rows cut out of a header's body, and the pieces that could not be read with confidence.

    ``grades`` (优 良 中 差) are the sub-columns of a 评价标准 header: each row's value is one
    quantity per grade, written ``100%(优)/95%(良)/…``."""
    stop = _END.search(body)
    if stop:
        body = body[: stop.start()]
    body = re.sub(r"…+|\.{3,}", "", body)  # a …… row
    if "caption" in roles:
        body = re.sub(rf"绩效指标(?={words.label_pattern().pattern})", "", body)
    after = [r for r in roles[roles.index("name") + 1 :] if r not in ("remark", "basis")]
    cols = {role: k for k, role in enumerate(roles)}
    pos = 0
    level: dict[str, str] = {}
    groups: list[tuple[dict[str, str], str]] = []
    for m in words.label_pattern().finditer(body):
        if m.start() > pos:
            groups.append((dict(level), body[pos : m.start()]))
        kinds = words.level_kinds(m.group())
        if "l1" in kinds and ("l2" not in kinds or peel(body[m.end() :])[0]):
            level = {"level1": m.group()}
        else:
            level = {**{k: v for k, v in level.items() if k == "level1"}, "level2": m.group()}
        pos = m.end()
    if pos < len(body):
        groups.append((dict(level), body[pos:]))
    prefixed = bool(_PREFIX.search(body))
    rows: list[Row] = []
    unread: list[str] = []
    numeric = [r for r in after if r in _NUMERIC]
    if (unnamed := _unnamed_rows(groups, roles)) is not None:
        return [Row({cols[r]: [Token(t)] for r, t in got.items() if r in cols and t}) for got in unnamed], []
    for level, text in groups:
        if not level and len(numeric) >= 3 and ({"unit", "sign"} & set(after)):
            listed, missed = _numbered_rows(text, numeric, "remark" in roles or "deviation" in roles)
            unread += missed
            for got in listed:
                rows.append(Row({cols[r]: [Token(t)] for r, t in got.items() if r in cols and t}))
            continue
        if grades:
            graded, missed = _graded_rows(text, grades)
            unread += missed
            for got in graded:
                got.update(level)
                rows.append(Row({cols[r]: [Token(t)] for r, t in got.items() if r in cols and t}))
            continue
        paired = "actual" in after and after.index("actual") == after.index("value") + 1 if "value" in after else False
        for piece in _cut_rows(text, prefixed, paired):
            got = _fields(piece, after)
            if got is None or not _confident(got, after):
                unread.append(piece)
                continue
            got.update(level)
            rows.append(Row({cols[r]: [Token(t)] for r, t in got.items() if r in cols and t}))
    return rows, unread


_NUMERIC = ("value", "weight", "actual", "score")
_LONG_TERM = re.compile(r"(?:长期|中期)(?:绩效)?(?:指标|目标)?$")
_ANNUAL = re.compile(r"年度(?:绩效)?(?:指标|目标)?$")


@cache
def _numbered_row() -> re.Pattern:
    names = sorted({*units(), "%", "％"}, key=len, reverse=True)
    unit = "|".join(map(re.escape, names))
    return re.compile(rf"(?<=[\u4e00-\u9fff])({unit})?([≥≤≧≦><=＞＜＝]{{0,2}})(\d[\d.]{{3,}})")


def _unnamed_rows(groups: list[tuple[dict[str, str], str]], roles: list[str]) -> list[dict[str, str]] | None:
    """A template whose rows hold only numbers under their labels (数量指标92100, 质量指标92100 …):
    no names; the digits every row ends with alike are the column after the value (备注), the
    rest is the value. None when the table is not of that kind."""
    texts = [text for _, text in groups]
    later = roles[roles.index("value") + 1 :] if "value" in roles else []
    if len(texts) < 3 or not later or not all(re.fullmatch(r"\d{3,}", t) for t in texts):
        return None
    tail = texts[0]
    for text in texts[1:]:
        while tail and not text.endswith(tail):
            tail = tail[1:]
    tail = tail.lstrip("0")  # the column is a number of its own: no leading zero
    if len(tail) < 2 or any(len(t) <= len(tail) for t in texts):
        return None
    return [{**level, "value": text[: -len(tail)], later[0]: tail} for level, text in groups]


def _numbered_rows(text: str, numeric: list[str], explained: bool) -> tuple[list[dict[str, str]], list[str]]:
    """A level-less list whose numbers ran together (人数 人 ≥ 800 10 826 10 → 人数人≥8001082610):
    the digits are split into the header's number columns where exactly one split makes sense."""
    rows: list[dict[str, str]] = []
    unread: list[str] = []
    end = 0
    doubt = False  # the row before lost points: its explanation ran into this row's name
    for m in _numbered_row().finditer(text):
        name = text[end : m.start()]
        end = m.end()
        parts = _split_numbers(m.group(3), numeric)
        if parts is None or doubt or len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
            unread.append(name + m.group())
            doubt = False
            continue
        unit, sign = m.group(1) or "", m.group(2)
        got = {"name": name, **parts}
        got["value"] = sign + parts["value"] + unit
        doubt = explained and "score" in parts and "weight" in parts and float(parts["score"]) < float(parts["weight"])
        rows.append(got)
    return rows, unread


def _split_numbers(digits: str, roles: list[str]) -> dict[str, str] | None:
    """The one way to cut ``digits`` into one number per role (分值 a multiple of 5, 得分 at most the
    分值, 实际完成值 near the target), else None."""
    found: list[dict[str, str]] = []

    def number(piece: str) -> bool:
        return bool(re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", piece))

    def walk(rest: str, k: int, got: dict[str, str]) -> None:
        if len(found) > 1:
            return
        if k == len(roles):
            if not rest and _plausible(got):
                found.append(dict(got))
            return
        for size in range(1, len(rest) - (len(roles) - k - 1) + 1):
            piece = rest[:size]
            if number(piece):
                got[roles[k]] = piece
                walk(rest[size:], k + 1, got)
                del got[roles[k]]

    walk(digits, 0, {})
    return found[0] if len(found) == 1 else None


def _plausible(got: dict[str, str]) -> bool:
    weight = float(got["weight"]) if "weight" in got else None
    if weight is not None and not (0 < weight <= 100 and weight % 5 == 0):
        return False
    if weight is not None and "score" in got and float(got["score"]) > weight:
        return False
    if "value" in got and "actual" in got:
        value, actual = float(got["value"]), float(got["actual"])
        if value > 0 and not 0.5 <= actual / value <= 2:
            return False
    return True


_GRADE = re.compile(r"优秀|良好|不合格|合格|优|良|中|差")
_BASIS = re.compile(r"^(?:按|依据|根据).{1,24}?(?:评价|确定|计算|考核)")


def _graded_rows(text: str, grades: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of a graded table: name, description, one quantity per grade, then the basis."""
    found = list(_quantity().finditer(text))
    runs = []
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and found[j + 1].start() == found[j].end():
            j += 1
        if j - i + 1 == len(grades):
            runs.append((found[i].start(), found[j].end(), [m.group() for m in found[i : j + 1]]))
        i = j + 1
    rows: list[dict[str, str]] = []
    end = 0
    for start, stop, values in runs:
        head = text[end:start]
        if rows and (basis := _BASIS.match(head)):
            rows[-1]["basis"] = basis.group()
            head = head[basis.end() :]
        name, desc = _split_description(head)
        value = "/".join(f"{v}({g})" for v, g in zip(values, grades, strict=True))
        rows.append({"name": name, "description": desc, "value": value})
        end = stop
    if rows and (basis := _BASIS.match(text[end:])):
        rows[-1]["basis"] = basis.group()
    good = [r for r in rows if len(re.findall(r"[\u4e00-\u9fff]", r["name"])) >= 2]
    return good, [r["name"] for r in rows if r not in good] + ([] if runs else [text[:24]])


def _confident(got: dict[str, str], after: list[str]) -> bool:
    """A row read from glued text is kept only when nothing in it shows a wrong cut."""
    name, value = got.get("name", ""), got.get("value", "")
    if re.search(r"\d{7,}", value) or words.value_score(value) < 0.5:
        return False  # numbers of several columns run together, or no value at all
    if "description" in after and not got.get("description"):
        return False
    if len(re.findall(r"[\u4e00-\u9fff]", name)) < 2 or re.search(r"\d%", name):
        return False  # a number where the name should be: columns not told apart
    return not _two_rows().search(name + got.get("description", ""))


@cache
def _two_rows() -> re.Pattern:
    """A name ending and a value opening inside one cell (…覆盖率不低于上年…): two rows run together."""
    openers = [o for o in words.value_openers() if len(o) > 1]
    return re.compile(f"(?:{words.strong_endings().pattern})(?:{'|'.join(map(re.escape, openers))})")


def segment(lines: list[tuple[int, str]], warnings: list[str], source: str = "") -> list[Block] | None:
    """Blocks for runs holding flattened tables. Rows that cannot be cut with confidence are left
    out and named in ``warnings``; a page (``2、…``) without a header of its own continues the table
    of the page before."""
    out: list[Block] = []
    found = False
    roles: list[str] | None = None
    title = ""
    pending = ""  # the body of the open table, pages joined
    start_line = 0

    grades: list[str] = []
    previous = 0  # where the open table's header starts on its line

    def close() -> None:
        nonlocal found, pending
        if roles is None or not pending:
            return
        rows, unread = read_body(pending, roles, grades)
        if rows:
            found = True
            for block in build(rows, roles, start_line):
                block.line = block.line or start_line
                out.append(block)
        if unread:
            shown = "、".join(piece[:24] for piece in unread[:3])
            warnings.append(
                f"{source}第{start_line}行{title}：单元格的分隔已丢失，{len(unread)} 处无法区分单元格，未抽取（{shown}）"
            )
        pending = ""

    for number, text in lines:
        key = "".join(text.split())
        if len(key) < _LONG:
            close()
            roles = None
            out.append(Block([text], number))
            continue
        page = _PAGE.match(key)
        body = key[page.end() :] if page else key
        heads = find_headers(body)
        if not heads and roles is not None and page:
            pending += body  # the next page of the same table
            continue
        close()
        roles = None
        pos = 0
        for head_start, head_end, head_roles in heads:
            front = body[pos:head_start]
            if roles is not None:  # the previous table's rows, then what stands before this one
                stop = _END.search(front) or _ANNUAL.search(front)
                pending, front = (front[: stop.start()], front[stop.start() :]) if stop else (front, "")
                if _LONG_TERM.search(body[:previous]) and _ANNUAL.search(front):
                    pending = ""  # a 长期/中期 set followed by the 年度 set: the 年度 set is the table's
                close()
            out.extend(_front(front, number))
            title = _title(body[:head_start])
            roles, start_line, pos, previous = head_roles, number, head_end, head_start
            grade_run = re.match(r"(?:优秀|良好|不合格|合格|优|良|中|差){3,6}", body[pos:])
            grades = _GRADE.findall(grade_run.group()) if grade_run and "value" in roles else []
            if grade_run:
                pos += grade_run.end()
        if roles is None:
            out.extend(_front(key, number))
        else:
            pending = body[pos:]
    close()
    return out if found or warnings else None


def _front(text: str, number: int) -> list[Block]:
    """What stands before a table on its line: a paragraph, the table's title as a paragraph of its
    own, then the project facts from the first fact label on as one row of label and value cells
    (项目名称X主管部门Y)."""
    if not text:
        return []
    out: list[Block] = []
    title = _TITLE.search(text)
    if title and title.end() < len(text) - 1:
        if title.start():
            out.append(Block([text[: title.start()]], number))
        out.append(Block([title.group()], number))
        text = text[title.end() :]
    first = _fact_pattern().search(text)
    if first is None:
        return [*out, Block([text], number)]
    if first.start():
        out.append(Block([text[: first.start()]], number))
    return out + _facts(number, text[first.start() :])


_TITLE = re.compile(
    r"[^,，。;；:：、\s\d]{0,30}\d{4}年度?[^,，。;；:：\s]{2,30}?(?:绩效目标自评表|绩效自评表|绩效目标表)"
)


def _title(text: str) -> str:
    dated = re.findall(r"\d{4}年度?[^,，。:：;；\s]{2,40}?(?:绩效目标自评表|绩效目标表|自评表|评价表|指标表)", text)
    if dated:
        return f"的“{dated[-1]}”"
    m = re.findall(r"[^,，。:：;；\s]{2,40}?(?:绩效目标自评表|绩效目标表|自评表|评价表|指标表)", text)
    return f"的“{m[-1]}”" if m else "的绩效指标表"
