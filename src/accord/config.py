"""Finding the configuration: `[tool.accord]` in pyproject.toml, or accord.yaml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from accord.errors import ConfigError, Location
from accord.registry.yamlio import load_yaml_file

_KEYS = {"registry", "policy", "plugins", "expectations"}


@dataclass(frozen=True, slots=True)
class Config:
    """Where the registry and its policy are, with paths resolved against ``base``."""

    base: Path
    registry: Path
    policy: Path
    plugins: tuple[str, ...] = ()
    expectations: Path | None = None
    file: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _from_mapping(values: dict[str, object], base: Path, file: Path) -> Config:
    for key in values:
        if key not in _KEYS:
            raise ConfigError(f"unknown setting {key!r}; expected one of {sorted(_KEYS)}",
                              Location(str(file)))
    plugins = values.get("plugins", [])
    if not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
        raise ConfigError("plugins must be a list of module paths", Location(str(file)))
    expectations = values.get("expectations")
    return Config(
        base=base,
        registry=base / str(values.get("registry", "contracts")),
        policy=base / str(values.get("policy", "governance/policy.yaml")),
        plugins=tuple(plugins),
        expectations=base / str(expectations) if expectations else None,
        file=file,
    )


def find_config(start: Path | None = None) -> Config:
    """Walk up from ``start`` (the current folder) to the first configuration."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"invalid TOML: {exc}", Location(str(pyproject))) from None
            except OSError as exc:
                raise ConfigError(
                    f"cannot read the file: {exc.strerror or exc}", Location(str(pyproject))
                ) from None
            section = data.get("tool", {}).get("accord")
            if isinstance(section, dict):
                return _from_mapping(section, folder, pyproject)
        accord_yaml = folder / "accord.yaml"
        if accord_yaml.is_file():
            document, _ = load_yaml_file(accord_yaml)
            if not isinstance(document, dict):
                raise ConfigError("accord.yaml must be a mapping", Location(str(accord_yaml), 1))
            return _from_mapping(document, folder, accord_yaml)
    return Config(base=here, registry=here / "contracts", policy=here / "governance/policy.yaml")
