"""Word lists (shipped as package auditor.lexicons)."""
