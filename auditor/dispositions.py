"""Reviewers' dispositions (处理意见) of findings, read back from a filled-in findings.xlsx or a text file.

A disposition names a finding by its stable id (auditor/identity.py) and says what the bureau
decided: 采纳 (the finding stands), 不采纳 (rejected, with a reason) or 已沟通 (talked over with
the department and accepted as it is). Findings marked 不采纳 or 已沟通 are *accepted as is*:
they leave the score but stay on the scorecard as “已接受（理由）”. A disposition whose finding
no longer exists is *stale* and reported, as ruff reports an unused ``# noqa``.

Sources (``audit score --dispositions FILE`` or ``[review] dispositions = "FILE"`` in audit.toml):

- an .xlsx workbook: any sheet whose header has 问题编号 and 处理意见 (理由 optional), such as
  findings.xlsx's 问题清单 after a reviewer filled it in;
- a text baseline, one finding a line: ``问题编号 [处理意见] [理由…]``, fields split by white
  space or tabs, ``#`` starts a comment; without a 处理意见 the line means 已沟通.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import ConfigError

ADOPT, REJECT, DISCUSSED = "采纳", "不采纳", "已沟通"
CHOICES = (ADOPT, REJECT, DISCUSSED)
ACCEPTED = frozenset({REJECT, DISCUSSED})  # the finding is accepted as it is: it leaves the score
_ID_HEADERS = ("问题编号", "编号", "id")
_DISPOSITION_HEADERS = ("处理意见", "disposition")
_REASON_HEADERS = ("理由", "reason")
_ID = re.compile(r"^[A-Z][A-Z0-9_]*-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Disposition:
    id: str
    disposition: str
    reason: str = ""
    file: str = ""  # the file it came from (its name)
    sheet: str = ""  # the workbook's sheet ("" for a text file)
    line: int = 0  # the sheet's row or the text file's line

    @property
    def where(self) -> str:
        """Where it came from, for messages: ``file 工作表“sheet”第N行`` or ``file 第N行``."""
        return f"{self.file} 工作表“{self.sheet}”第{self.line}行" if self.sheet else f"{self.file} 第{self.line}行"


def is_accepted(finding) -> bool:
    """True when a reviewer accepted this finding as it is (it does not count in the score)."""
    return finding.disposition in ACCEPTED


def accepted_label(finding) -> str:
    """How reports show an accepted finding: 已接受（理由）."""
    return f"已接受（{finding.reason or finding.disposition}）"


def apply(findings, dispositions: dict[str, Disposition] | None) -> list[str]:
    """Copy each finding's disposition onto it; returns the ids that were used."""
    used = []
    if not dispositions:
        return used
    for f in findings:
        d = dispositions.get(f.id)
        if d is not None:
            f.disposition, f.reason = d.disposition, d.reason
            used.append(f.id)
    return used


def load(path: str | Path) -> dict[str, Disposition]:
    """The dispositions of a workbook or text file, by finding id. Raises ConfigError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"处理意见文件 {path} 不存在")
    with path.open("rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"
    items = _from_workbook(path) if zipped else _from_text(path)
    out: dict[str, Disposition] = {}
    for d in items:
        if d.disposition not in CHOICES:
            raise ConfigError(f"{d.where}：处理意见“{d.disposition}”无效，应为 采纳、不采纳 或 已沟通")
        out[d.id] = d  # a later line wins
    return out


def _from_text(path: Path) -> list[Disposition]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"处理意见文件 {path} 既不是 xlsx 工作簿，也不是 UTF-8 编码的文本文件") from None
    except OSError as err:
        raise ConfigError(f"处理意见文件 {path} 无法读取：{err.strerror or err}") from None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if not _ID.match(parts[0]):
            raise ConfigError(f"{path.name} 第{n}行：“{parts[0]}”不是问题编号（形如 VAGUE-3fa29c1b07d2）")
        disposition = parts[1] if len(parts) > 1 else DISCUSSED
        out.append(Disposition(parts[0], disposition, parts[2].strip() if len(parts) > 2 else "", path.name, "", n))
    return out


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, label in enumerate(header):
        if label.strip().lower() in names:
            return i
    return None


def _cell(row: tuple, i: int | None) -> str:
    return "" if i is None or i >= len(row) or row[i] is None else str(row[i]).strip()


def _from_workbook(path: Path) -> list[Disposition]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any damage is one clear message
        raise ConfigError(
            f"处理意见文件 {path} 不是有效的 xlsx 工作簿（文件已损坏？{type(err).__name__}: {err}）"
        ) from None
    out: list[Disposition] = []
    found = False
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(v or "") for v in next(rows, ())]
            id_col, disp_col = _column(header, _ID_HEADERS), _column(header, _DISPOSITION_HEADERS)
            if id_col is None or disp_col is None:
                continue
            found = True
            reason_col = _column(header, _REASON_HEADERS)
            for n, row in enumerate(rows, 2):
                fid, disposition = _cell(row, id_col), _cell(row, disp_col)
                if fid and disposition:
                    out.append(Disposition(fid, disposition, _cell(row, reason_col), path.name, sheet.title, n))
    finally:
        book.close()
    if not found:
        raise ConfigError(f"处理意见文件 {path} 中没有含“问题编号”和“处理意见”列的工作表")
    return out


def stale(dispositions: dict[str, Disposition], used: set[str]) -> list[Disposition]:
    """Dispositions whose finding no longer exists, in file order."""
    return [d for fid, d in dispositions.items() if fid not in used]
