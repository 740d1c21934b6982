"""Text helpers for every stage: character tables that leave text untouched when it holds none
of their characters, and the size of the per-text caches.

``str.translate`` with a dict walks every character in Python-level lookups, so on a whole
document it costs more than the rest of reading; a ``Translation`` first searches for any of
its characters (one C-level regular-expression scan) and translates only when one is there.
"""

from __future__ import annotations

import re


class Translation:
    """``Translation({"\u3000": " ", "\u200b": ""})(text)``: ``text.translate`` of that table, fast."""

    def __init__(self, mapping: dict[str, str | None]):
        self.table = str.maketrans(mapping)
        self.pattern = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(self.table)) + "]")

    def __call__(self, text: str) -> str:
        return text.translate(self.table) if self.pattern.search(text) else text


# How many texts each per-text cache keeps (norm_text, parse_value, polarity ...). Repeated texts
# are a few thousand boilerplate phrases; a larger cache only holds one-off texts, and each
# worker process holds one of every cache (about 2 MB each when full).
TEXT_CACHE = 1 << 13
