"""Finding rules: the built-in catalog, `plugins` modules, and the `accord.rules` entry points."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from accord.errors import ConfigError
from accord.governance.rules import BUILTIN, Rule


def _rules_in(module: ModuleType) -> list[type[Rule]]:
    declared = getattr(module, "RULES", None)
    if declared is not None:
        return list(declared)
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Rule)
        and obj.__module__ == module.__name__
        and getattr(obj, "id", None)
    ]


def _import(name: str, base: Path | None) -> ModuleType:
    added = base is not None and str(base) not in sys.path
    if added:
        sys.path.insert(0, str(base))
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise ConfigError(f"plugin {name!r} could not be imported: {exc}") from None
    finally:
        if added:
            sys.path.remove(str(base))


def load_rules(plugins: Iterable[str] = (), base: Path | None = None) -> tuple[Rule, ...]:
    """Built-in rules, then plugin modules' rules, then entry-point rules; ids are unique."""
    classes: list[type[Rule]] = list(BUILTIN)
    for name in plugins:
        classes.extend(_rules_in(_import(name, base)))
    for point in entry_points(group="accord.rules"):
        try:
            loaded = point.load()
        except Exception as exc:
            raise ConfigError(f"entry point {point.name!r} failed to load: {exc}") from None
        classes.extend(_rules_in(loaded) if isinstance(loaded, ModuleType) else [loaded])
    rules: dict[str, Rule] = {}
    for cls in classes:
        if not (inspect.isclass(cls) and issubclass(cls, Rule)):
            raise ConfigError(f"{cls!r} is not an accord Rule subclass")
        if cls.id in rules and type(rules[cls.id]) is not cls:
            raise ConfigError(f"two rules share the id {cls.id!r}")
        rules[cls.id] = cls()
    return tuple(rules.values())
