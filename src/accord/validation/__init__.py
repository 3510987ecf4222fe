"""Validation of instances against contract schemas (the layer below codegen, testing,
sim and tap; see DESIGN.md). Today: jsonschema validators that can reach nothing."""

from accord.validation.closed import CLOSED, NotFetched, closed_validator

__all__ = ["CLOSED", "NotFetched", "closed_validator"]
