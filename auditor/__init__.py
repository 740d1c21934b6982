"""auditor: quality audit of Chinese budget performance-indicator tables (绩效目标表)."""

import sys as _sys

__version__ = "0.1.0"

if _sys.dont_write_bytecode:  # (PYTHONDONTWRITEBYTECODE): compiled modules kept in the cache folder instead
    from auditor import bytecode as _bytecode

    _bytecode.install()
