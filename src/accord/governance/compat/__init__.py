"""Schema compatibility: does every instance of one version validate against another?"""

from accord.governance.compat.changes import KINDS, Change, CompatibilityResult, Kind
from accord.governance.compat.levels import (
    MODES,
    check_chain,
    check_compatibility,
    check_history,
    compare,
    is_equivalent,
)

__all__ = [
    "KINDS",
    "MODES",
    "Change",
    "CompatibilityResult",
    "Kind",
    "check_chain",
    "check_compatibility",
    "check_history",
    "compare",
    "is_equivalent",
]
