"""The 审核意见书: one Word letter per department (python-docx), written beside its scorecard.

The form a finance bureau sends back: title, 文号, salutation, the department's score and
decision with the reason, the 退回 and 修改后通过 projects by name with their numbered problems
and fixes, the deadline, a closing, 落款 and date; A4, a running header and page numbers
(第 X 页 共 Y 页, Word fields). 文号, deadline, 落款, date, contact and closing come from
audit.toml's ``[letter]`` table; what is not set stays a visible placeholder to fill in.

Writing hundreds of letters must stay cheap (python-docx spends ~100 ms on one letter, which
would double `audit score` on a large run): the package (page setup, styles, running header,
page-number footer) is built with python-docx once and kept in the cache folder (auditor.cache), and each letter writes only its
body paragraphs as WordprocessingML text (every document text escaped) between the cached head
and section properties of ``word/document.xml``, appended to the other parts, which were
compressed once (a letter is ≈36 KB, not the 830 KB of python-docx's styles stored as they are).
The result is read back by python-docx in the tests.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
import zlib
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path

from auditor.dispositions import accepted_label, is_accepted
from auditor.model import Finding
from auditor.report.atomic import write_whole
from auditor.safe import xml_text

PLACEHOLDERS = {
    "number": "〔　　〕　号",
    "issuer": "（落款单位）",
    "deadline": "　　年　　月　　日前",
    "contact": "",
    "closing": "特此函告。",
}
MAX_RULES = 8  # problems listed per project (one per rule), the rest summed up in one line
MAX_ACCEPTED = 50  # findings accepted as they are, listed one a line; the rest summed up in one line
BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # anything paragraph() must change


def letter_name(scorecard: str) -> str:
    """The letter's file name beside its scorecard: ``<stem>-审核意见书.docx``."""
    return f"{Path(scorecard).stem}-审核意见书.docx"


def settings(config=None) -> dict[str, str]:
    """[letter] of audit.toml over the placeholders."""
    values = dict(PLACEHOLDERS)
    if config is not None:
        values.update({k: str(v) for k, v in config.section("letter").items()})
    return values


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- the package, once


class _Package:
    """A letter package built once: the python-docx Document and every zip member but the body."""

    def __init__(self):
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        normal = doc.styles["Normal"]
        normal.font.name, normal.font.size = BODY_FONT, Pt(16)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
        normal.paragraph_format.line_spacing = Pt(28)
        normal.paragraph_format.space_after = Pt(0)
        header = section.header.paragraphs[0]
        header.text = "项目支出绩效目标审核意见书"
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.runs[0].font.size = Pt(10.5)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
            run = footer.add_run()
            run.font.size = Pt(10.5)
            if text in ("PAGE", "NUMPAGES"):  # a Word field: the page number, the page count
                for kind, instr in (
                    ("begin", None),
                    (None, f" {text} "),
                    ("separate", None),
                    (None, "1"),
                    ("end", None),
                ):
                    if kind:
                        char = OxmlElement("w:fldChar")
                        char.set(qn("w:fldCharType"), kind)
                        run._r.append(char)
                    elif instr.strip() == "1":
                        t = OxmlElement("w:t")
                        t.text = "1"
                        run._r.append(t)
                    else:
                        code = OxmlElement("w:instrText")
                        code.set(qn("xml:space"), "preserve")
                        code.text = instr
                        run._r.append(code)
            else:
                run.text = text
        body = doc.element.body
        for child in list(body)[:-1]:  # keep only the section properties
            body.remove(child)
        buffer = io.BytesIO()
        doc.save(buffer)
        with zipfile.ZipFile(buffer) as zf:
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
        xml = dict(members)["word/document.xml"].decode("utf-8")
        cut = xml.index("<w:sectPr")
        self.head, self.tail = xml[:cut], xml[cut:]
        # every part but the body, compressed once: each letter copies these bytes and appends its body
        prefix = io.BytesIO()
        with zipfile.ZipFile(prefix, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for name, data in members:
                if name != "word/document.xml":
                    zf.writestr(zipfile.ZipInfo(name, date_time=_EPOCH), data, zipfile.ZIP_DEFLATED, 9)
        self.prefix = prefix.getvalue()
        # the ready-made members and their central directory, apart: each letter's body goes between
        *_, count, size, offset, _ = struct.unpack(_END_RECORD, self.prefix[-struct.calcsize(_END_RECORD) :])
        self.members, self.directory, self.count = self.prefix[:offset], self.prefix[offset : offset + size], count

    def zipped(self, document: bytes) -> bytes:
        """The package with ``document`` as word/document.xml, deflated (level 1) after the other
        members, byte for byte as ``zipfile`` appends it, without reading the package again."""
        deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = deflate.compress(document) + deflate.flush()
        crc, at, name = zlib.crc32(document), len(self.members), _BODY
        sizes = (crc, len(body), len(document), len(name))
        local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, *sizes, 0)
        entry = struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, _SYSTEM, 20, 0, 0, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, *sizes,
            0, 0, 0, 0, 0o600 << 16, at,
        )  # fmt: skip
        directory = self.directory + entry + name
        end = struct.pack(_END_RECORD, b"PK\x05\x06", 0, 0, self.count + 1, self.count + 1, len(directory),
                          at + len(local) + len(name) + len(body), 0)  # fmt: skip
        return b"".join((self.members, local, name, body, directory, end))

    def write(self, path: Path, paragraphs: list[str]) -> None:
        """The package with ``paragraphs`` (``<w:p>`` texts) as its body, written whole to ``path``."""
        write_whole(path, self.zipped((self.head + "".join(paragraphs) + self.tail).encode("utf-8")))


_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip member times: the same bytes for the same letter
_DOS_DATE = 1 << 5 | 1  # _EPOCH as a zip header's date (its time is 0)
_BODY = b"word/document.xml"
_END_RECORD = "<4s4H2LH"  # a zip's end of central directory record (no comment)
_SYSTEM = 0 if sys.platform == "win32" else 3  # the "made by" system zipfile writes


_package: _Package | None = None


def _get_package() -> _Package:
    """The package: built with python-docx once, then kept in the cache folder (auditor.cache)
    under a hash of this module and the installed python-docx, so a run imports no python-docx."""
    global _package
    if _package is None:
        from importlib.util import find_spec

        from auditor.cache import pickled

        docx = Path(find_spec("docx").origin)  # python-docx as installed: its place and its file's time
        key = (Path(__file__).read_bytes(), str(docx), docx.stat().st_mtime_ns)
        _package = pickled("letter-package", key, _Package)
    return _package


# --------------------------------------------------------------------------- the content


def problems(findings: list[Finding], limit: int = MAX_RULES) -> list[str]:
    """A project's problems, one numbered line per rule (most serious first) with its fix."""
    from auditor.report.html import short_title

    order = {"error": 0, "warning": 1, "info": 2}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    ranked = sorted(by_rule.items(), key=lambda kv: (min(order.get(f.severity, 3) for f in kv[1]), -len(kv[1]), kv[0]))
    lines = []
    for code, fs in ranked[:limit]:
        rows = sorted({f.row for f in fs if f.row is not None})
        where = f"（第{'、'.join(map(str, rows[:10]))}{'等' if len(rows) > 10 else ''}行）" if rows else ""
        count = f"，共{len(fs)}处" if len(fs) > 1 else ""
        text = f"{short_title(code)}{where}{count}：{fs[0].message.rstrip('。')}。"
        if fs[0].suggestion:
            text += f"修改建议：{fs[0].suggestion.rstrip('。')}。"
        lines.append(text)
    rest = ranked[limit:]
    if rest:
        lines.append(f"另有{sum(len(fs) for _, fs in rest)}处其他问题，详见评分卡。")
    return lines


def accepted_lines(card, accepted: list[Finding], limit: int = MAX_ACCEPTED) -> list[str]:
    """One line per finding a reviewer accepted as it is (dispositions.is_accepted): where it
    is, what it says, and “已接受（理由）”."""
    from auditor.report.html import short_title

    names = {x.project.no: x.project.name or f"项目{x.project.no}" for x in card.projects}
    lines = []
    for f in accepted[:limit]:
        place = names.get(f.project_no, "部门整体") + (f"（第{f.row}行）" if f.row is not None else "")
        lines.append(f"{place}，{short_title(f.rule)}：{f.message.rstrip('。')}。{accepted_label(f)}。")
    if len(accepted) > limit:
        lines.append(f"另有{len(accepted) - limit}处已接受的问题，详见评分卡。")
    return lines


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


@cache
def _style(bold: bool, align: str, indent: bool, size: float, font: str) -> tuple[str, str]:
    """A paragraph style's opening tags: of the ``<w:p>`` (with its properties) and of its run."""
    ppr = ('<w:ind w:firstLineChars="200" w:firstLine="640"/>' if indent else "") + (
        f'<w:jc w:val="{align}"/>' if align else ""
    )
    rpr = (
        (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>' if font else "")
        + ("<w:b/>" if bold else "")
        + (f'<w:sz w:val="{round(size * 2)}"/>' if size else "")
    )
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}", (
        f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">'
    )


def paragraph(
    text: str = "", *, bold: bool = False, align: str = "", indent: bool = True, size: float = 0, font: str = ""
) -> str:
    """One ``<w:p>``: first line indented two characters unless ``indent`` is False, ``align``
    left|center|right, the run bold, in ``size`` points and ``font`` when given."""
    start, run = _style(bold, align, indent, size, font)
    if not text:
        return start + "</w:p>"
    if _SPECIAL.search(text) is not None:
        text = xml_text(_DROP.sub("", text))
    return f"{start}{run}{text}</w:t></w:r></w:p>"


def build(card, values: dict[str, str], today: date) -> list[str]:
    """The letter's body paragraphs for a scorecard ``card`` (report.html.Card)."""
    dept, score = card.dept, card.score
    name = dept.name or dept.source
    year = f"{dept.year}年度" if dept.year else ""
    out: list[str] = []

    def para(text: str = "", **style) -> None:
        out.append(paragraph(text, **style))

    title = values.get("title") or f"关于{name}{year}项目支出绩效目标审核意见的函"
    para(title, bold=True, align="center", indent=False, size=22, font=TITLE_FONT)
    para(values["number"], align="center", indent=False)
    para()
    para(f"{name}：", indent=False)
    budget = f"，预算合计{score.budget:g}万元" if score.budget else ""
    para(
        f"根据预算绩效管理有关规定，我们对你单位报送的{year}项目支出绩效目标表（共{len(card.projects)}个项目{budget}）"
        "进行了审核。现将审核意见函告如下："
    )
    para("一、总体审核意见", bold=True, font="黑体")
    counts = "、".join(f"{d}{card.decisions.get(d, 0)}个" for d in ("通过", "修改后通过", "退回"))
    para(
        f"部门综合得分{score.score:g}分，评定等级为“{score.grade}”，审核结论为“{score.decision}”"
        f"（{score.reason}）。其中{counts}。"
    )
    section = 2
    for verdict, heading, ask in (
        ("退回", "需退回重新编制的项目", "请按下列问题重新编制绩效目标表后重新报送。"),
        ("修改后通过", "需修改完善后通过的项目", "请按下列问题逐项修改完善，经复核无误后予以通过。"),
    ):
        chosen = [x for x in card.projects if x.score.decision == verdict]
        if not chosen:
            continue
        para(f"{_cn_number(section)}、{heading}（{len(chosen)}个）", bold=True, font="黑体")
        section += 1
        for n, x in enumerate(chosen, 1):
            p, s = x.project, x.score
            facts = "，".join(
                part
                for part in (
                    f"项目编码{p.code}" if p.code else "",
                    f"预算{p.budget:g}万元" if p.budget is not None else "",
                    f"得分{s.score:g}分",
                    f"等级“{s.grade}”",
                )
                if part
            )
            para(f"（{_cn_number(n)}）{p.name or f'项目{p.no}'}（{facts}）", bold=True)
            para(f"审核结论：{s.decision}（{s.reason}）。{ask}")
            for i, line in enumerate(problems([f for f in x.findings if not is_accepted(f)]) or [s.reason], 1):
                para(f"{i}. {line}")
    passed = [x.project.name or f"项目{x.project.no}" for x in card.projects if x.score.decision == "通过"]
    if passed:
        para(f"{_cn_number(section)}、予以通过的项目（{len(passed)}个）", bold=True, font="黑体")
        section += 1
        para(
            "、".join(f"“{n}”" for n in passed)
            + "绩效目标设置基本规范，予以通过，请在执行中一并完善评分卡所列提示事项。"
        )
    accepted = [f for f in card.findings if is_accepted(f)]
    if accepted:
        para(f"{_cn_number(section)}、已接受的问题（{len(accepted)}处）", bold=True, font="黑体")
        section += 1
        para("下列问题经审核沟通，按原表予以接受，不计入评分，本次无需修改：")
        for i, line in enumerate(accepted_lines(card, accepted), 1):
            para(f"{i}. {line}")
    para(f"{_cn_number(section)}、有关要求", bold=True, font="黑体")
    if card.decisions.get("退回", 0) or card.decisions.get("修改后通过", 0):
        para(
            f"请你单位对照本意见书和评分卡所列问题及修改建议，逐项修改完善绩效目标表，确保绩效指标具体、可衡量、可考核，"
            f"并于{values['deadline']}将修改后的绩效目标表报送。"
        )
    if values.get("contact"):
        para(f"联系人及电话：{values['contact']}")
    para(values["closing"])
    para()
    para(values["issuer"], align="right", indent=False)
    para(values.get("date") or _cn_date(today), align="right", indent=False)
    return out


def write_letter(card, out_dir: Path, config=None, today: date | None = None) -> Path:
    """The department's 审核意见书 beside its scorecard; returns its path."""
    path = Path(out_dir) / letter_name(card.file)
    _get_package().write(path, build(card, settings(config), today or date.today()))
    return path
