"""Accord: event contracts in git, checked, generated, tested, simulated and documented."""

from importlib.metadata import PackageNotFoundError, version

from accord.errors import AccordError

try:
    __version__ = version("accord")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["AccordError", "__version__"]
