"""A progress bar on stderr for long runs; silent with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import sys
import time


class Progress:
    """Minimal progress reporter: ``bar = Progress(n, "读取"); bar.advance(name) ...; bar.close()``."""

    def __init__(self, total: int, label: str, quiet: bool = False):
        self.total = total
        self.label = label
        self.done = 0
        self.enabled = not quiet and total > 1 and sys.stderr.isatty()
        self.shown = False
        self.start = time.monotonic()
        self._last = 0.0

    def __enter__(self) -> Progress:
        return self

    def advance(self, name: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and self.done < self.total):
            return
        self._last = now
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "█" * filled + "░" * (width - filled)
        rate = self.done / max(now - self.start, 1e-9)
        sys.stderr.write(f"\r{self.label} {bar} {self.done}/{self.total} {rate:.1f} 个/秒 {name[:24]:24s}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        """Wipe the bar's line so that a message can be printed; the next advance redraws it."""
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._last = 0.0

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.shown = False
        self.enabled = False

    def __exit__(self, *exc) -> None:
        self.close()
