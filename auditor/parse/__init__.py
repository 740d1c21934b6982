"""Blocks → Department / Project / Indicator, written once for every input format.

Modules, one concern each: ``vocab`` (the vocabulary read from ``lexicons/``), ``segment``
(the walk over a document's blocks: tables, projects, headers), ``header`` (header rows and
column roles), ``rows`` (indicator rows), ``project`` (project facts), ``department``
(department facts) and ``state`` (what the walk knows so far).
"""

from auditor.parse.project import clean_markup
from auditor.parse.segment import parse_blocks
from auditor.parse.vocab import label_of, norm

__all__ = ["clean_markup", "label_of", "norm", "parse_blocks"]
