"""`accord tap`: validate live traffic on a real engine against the registry."""

from .identify import Identifier, NotJson, Verdict
from .monitor import TapOptions, tap
from .report import TapReport

__all__ = ["Identifier", "NotJson", "TapOptions", "TapReport", "Verdict", "tap"]
