"""Text helpers for every stage: character tables that leave text untouched when it holds none
of their characters, word lists and labelled word tables that find their words in a text
quickly, and the size of the per-text caches.

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


class WordList:
    """A word list longest word first, with one regular expression that tells at C speed
    whether a text holds any of the words (most texts hold none)."""

    def __init__(self, words: list[str]):
        self.words = tuple(w for w in sorted(words, key=len, reverse=True) if w)
        self.set = frozenset(self.words)
        self._any = re.compile("|".join(map(re.escape, self.words))) if self.words else None

    def first_in(self, text: str) -> str | None:
        """The longest word that ``text`` contains (the first listed among equals), or None."""
        if self._any is None or self._any.search(text) is None:
            return None
        return next(w for w in self.words if w in text)


class WordTable:
    """Words with a label each (the first label given to a word stays), found in a text by
    looking up its substrings: a few dozen dictionary look-ups instead of one search per word."""

    def __init__(self, labelled: list[tuple[str, str]]):
        self.table: dict[str, str] = {}
        for word, label in labelled:
            if word:
                self.table.setdefault(word, label)
        self.longest = max(map(len, self.table), default=0)
        # at every position, the longest word starting there (the alternation lists longer words first)
        words = sorted(self.table, key=len, reverse=True)
        self._starts = re.compile("(?=(" + "|".join(map(re.escape, words)) + "))") if words else None

    def find(self, text: str, longest_first: bool) -> str | None:
        """The label of the winning word in ``text``, or None.

        ``longest_first``: the longest word wins, then the one ending last; otherwise the word
        ending last wins, then the longest.
        """
        n, table = len(text), self.table
        if longest_first:
            # the longest word of all is the longest starting at its own position, so the winner
            # is the best (length, end) among the longest words starting at each position
            if self._starts is None:
                return None
            best, best_key = None, (0, 0)
            for m in self._starts.finditer(text):
                word = m.group(1)
                key = (len(word), m.start() + len(word))
                if key > best_key:
                    best, best_key = word, key
            return None if best is None else table[best]
        for end in range(n, 0, -1):
            for size in range(min(self.longest, end), 0, -1):
                if (label := table.get(text[end - size : end])) is not None:
                    return label
        return None


# How many texts each per-text cache keeps (norm_text, parse_value, polarity ...). Repeated texts
# are a few thousand boilerplate phrases; a larger cache only holds one-off texts, and each
# worker process holds one of every cache (about 2 MB each when full).
TEXT_CACHE = 1 << 13
