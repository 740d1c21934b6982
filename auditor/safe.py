"""Untrusted names and text made safe for every output: file names that are not valid UTF-8
shown escaped, control characters kept off the terminal, CSV cells that a spreadsheet would
run as formulas neutralised, and output file names bounded in bytes.
"""

from __future__ import annotations

import os
import re

# C0 controls (but tab and newline), DEL and C1 controls: what moves the cursor, clears the
# screen or sets a window title when printed raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Cells that a spreadsheet program reads as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MAX_NAME_BYTES = 180  # an output file name's stem; file systems allow 255 bytes per name


def shown(name: str | os.PathLike) -> str:
    """A file name as every output shows it: bytes that are not UTF-8 as ``\\xNN``, control
    characters as ``\\xNN`` too. Valid names come back unchanged."""
    text = os.fsdecode(name) if not isinstance(name, str) else name
    if not text.isprintable():
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
        text = _CONTROL_ALL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text


def terminal(text: str) -> str:
    """``text`` with control characters (escape sequences' lead-in among them) removed, for stderr
    and stdout; tab and newline stay."""
    return _CONTROL.sub("", text) if not text.isprintable() else text


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: a string starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP); numbers and other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(_FORMULA_START)


def csv_row(values) -> list:
    """``csv_cell`` of every value, in one pass (a findings file has hundreds of thousands of cells);
    None becomes an empty cell."""
    first = _FORMULA_FIRST
    return ["" if v is None else "'" + v if isinstance(v, str) and v[:1] in first else v for v in values]


def bounded(stem: str, limit: int = MAX_NAME_BYTES) -> str:
    """``stem`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    data = stem.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", "ignore")


def xml_text(text: str) -> str:
    """Text as XML character data: ``&``, ``<`` and ``>`` escaped (what xml.sax.saxutils.escape
    does, without the urllib, http and ssl modules it imports)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """Text as a quoted XML attribute value, quotes included (as xml.sax.saxutils.quoteattr)."""
    text = xml_text(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
