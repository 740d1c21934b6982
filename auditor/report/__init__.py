"""Output writers: rows, findings, scores and HTML scorecards. Every file goes through atomic.py."""
