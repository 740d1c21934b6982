"""A progress bar on stderr for long runs; silent with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import sys


class Progress:
    """Minimal progress reporter: ``with Progress(n, "读取") as bar: bar.advance(name)``."""

    def __init__(self, total: int, label: str, quiet: bool = False):
        self.total = total
        self.label = label
        self.done = 0
        self.enabled = not quiet and total > 1 and sys.stderr.isatty()

    def __enter__(self) -> Progress:
        return self

    def advance(self, name: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "█" * filled + "░" * (width - filled)
        sys.stderr.write(f"\r{self.label} {bar} {self.done}/{self.total} {name[:30]:30s}")
        sys.stderr.flush()

    def __exit__(self, *exc) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
