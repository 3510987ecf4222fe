"""Accord: event contracts in git, checked, generated, tested, simulated and documented."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from accord import _native
from accord._version import __version__
from accord.errors import AccordError

_native.install()  # compiled modules whose sources changed since are imported as source

if TYPE_CHECKING:
    from accord.governance.compat import Change, CompatibilityResult, check_compatibility
    from accord.registry import Contract, ContractVersion, Policy, Registry, load_registry

# Public names load on first use, so that `accord --version` and pre-commit stay quick.
_LAZY = {
    "Change": "accord.governance.compat",
    "CompatibilityResult": "accord.governance.compat",
    "check_compatibility": "accord.governance.compat",
    "Contract": "accord.registry",
    "ContractVersion": "accord.registry",
    "Policy": "accord.registry",
    "Registry": "accord.registry",
    "load_registry": "accord.registry",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "AccordError",
    "Change",
    "CompatibilityResult",
    "Contract",
    "ContractVersion",
    "Policy",
    "Registry",
    "__version__",
    "check_compatibility",
    "load_registry",
]
