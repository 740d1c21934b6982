"""The project's own exceptions: input problems are reported, never raised as tracebacks."""

from __future__ import annotations


class AuditError(Exception):
    """Base class for errors the CLI reports as one clear line."""


class InputError(AuditError):
    """A document cannot be read or understood; the batch goes on without it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):  # survives the trip back from a worker process
        return (InputError, (self.path, self.reason))


class ConfigError(AuditError):
    """audit.toml is malformed or names an unknown rule."""


class RunStopped(AuditError):
    """A stage failed where no single document can take the blame; the run stops (exit 4)."""
