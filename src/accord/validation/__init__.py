"""Validation of instances against contract schemas: the layer below codegen, testing,
sim and tap (see DESIGN.md). `validator(schema)` is the one entry point."""

from accord.validation.closed import CLOSED, NotFetched, closed_validator
from accord.validation.validators import Validator, errors, validator

__all__ = ["CLOSED", "NotFetched", "Validator", "closed_validator", "errors", "validator"]
