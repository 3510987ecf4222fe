"""Errors whose ``str()`` is the message a user reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: a file, and a line and column when known (1-based)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class AccordError(Exception):
    """Base of every error Accord reports to a user; exit code 2 at the CLI."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ConfigError(AccordError):
    """The configuration or policy file is unusable."""


class LoadError(AccordError):
    """A contract or shared schema file cannot be read into the registry."""


class RefError(LoadError):
    """A ``$ref`` is missing, remote, leaves the registry root, or forms a cycle."""


class SchemaError(LoadError):
    """A schema is not valid against its draft's meta-schema."""


class UsageError(AccordError):
    """A command was called with arguments that do not fit."""
