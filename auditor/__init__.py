"""auditor: quality audit of Chinese budget performance-indicator tables (绩效目标表)."""

__version__ = "0.1.0"
