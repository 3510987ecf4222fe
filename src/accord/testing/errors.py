"""Errors a contract test reports: the plugin turns them into plain pytest failures."""

from __future__ import annotations

from accord.errors import AccordError


class ContractTestError(AccordError):
    """A contract test was given bad input (unknown event, bad matcher, bad field path...)."""


class ExpectationFileError(ContractTestError):
    """An expectation file on disk cannot be read or does not follow its format."""


class VerificationError(AssertionError):
    """A provider's events break the contract or a consumer's expectations: a test failure."""
