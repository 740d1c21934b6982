"""Rule catalog as YAML data (shipped as package auditor.rules)."""
