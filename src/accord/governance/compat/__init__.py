"""Schema compatibility: does every instance of one version validate against another?"""

from accord.governance.compat.changes import KINDS, Change, CompatibilityResult, Kind
from accord.governance.compat.levels import (
    check_chain,
    check_compatibility,
    check_history,
    compare,
    is_equivalent,
)
from accord.registry.model import LEVELS as MODES
from accord.registry.model import UNDECLARED

__all__ = [
    "KINDS",
    "MODES",
    "UNDECLARED",
    "Change",
    "CompatibilityResult",
    "Kind",
    "check_chain",
    "check_compatibility",
    "check_history",
    "compare",
    "is_equivalent",
]
