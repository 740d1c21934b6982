"""Rule engine: load the rule catalog (rules/*.yaml) and run its checkers over departments."""
