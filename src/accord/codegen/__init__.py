"""Typed Python event classes from the registry (`accord gen python`)."""

from __future__ import annotations

from accord.codegen.build import CodegenError
from accord.codegen.writer import STYLES, generate_python, stale_files, write_package

__all__ = ["STYLES", "CodegenError", "generate_python", "stale_files", "write_package"]
