"""Naming a schema on the command line: a schema file, or `contract.yaml@N`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.commands.common import display
from accord.config import find_config
from accord.errors import Location, UsageError
from accord.registry import Contract, ContractVersion
from accord.registry.loader import Files, Loader, check_meta
from accord.registry.model import JSON
from accord.registry.refs import Bundler
from accord.registry.yamlio import load_yaml, load_yaml_file


@dataclass(frozen=True, slots=True)
class NamedSchema:
    label: str
    schema: JSON
    """Bundled: every `$ref` local."""
    contract: Contract | None = None
    version: ContractVersion | None = None


def _reader(root: Path) -> Files:
    return lambda p: (root / p).read_bytes()


def contract_file(path: Path) -> tuple[Contract, str]:
    """Load one contract file on its own, with the registry root it belongs to."""
    if not path.is_file():
        raise UsageError("no such file", Location(str(path)))
    resolved = path.resolve()
    config_root = find_config().registry.resolve()
    root = config_root if resolved.is_relative_to(config_root) else resolved.parent.parent
    rel = resolved.relative_to(root).as_posix()
    loader = Loader(display(root), _reader(root))
    return loader.contract(rel), display(root)


def resolve(spec: str) -> NamedSchema:
    """`file.json`, `file.yaml` (a schema) or `contract.yaml@N` (a version of a contract)."""
    file, at, number = spec.rpartition("@")
    if at and number.isascii() and number.isdigit() and file:
        contract, _ = contract_file(Path(file))
        version = contract.version(int(number))
        if version is None:
            have = ", ".join(str(v.number) for v in contract.versions)
            raise UsageError(f"{contract.event} has no version {number} (it has {have})",
                             Location(file))
        return NamedSchema(spec, version.resolved, contract, version)
    path = Path(spec)
    if not path.is_file():
        raise UsageError("no such file (give a schema file or contract.yaml@VERSION)",
                         Location(spec))
    folder = path.resolve().parent
    document, source = load_yaml_file(path, spec)
    if not isinstance(document, dict | bool):
        raise UsageError("a schema must be a JSON object or a boolean", source.locate())
    if isinstance(document, dict) and "event" in document and "versions" in document:
        # Read as a schema, a contract file accepts anything: name one of its versions.
        raise UsageError(
            f"this is a contract file, not a schema; name a version: {spec}@VERSION",
            source.locate(),
        )
    check_meta(document, source, "")
    bundled = Bundler(lambda p: load_yaml((folder / p).read_bytes(), display(folder / p)))
    return NamedSchema(spec, bundled.bundle(document, path.name, source, ""))
