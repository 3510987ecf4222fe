"""The registry: contract files in, an immutable model out. Imports nothing else of Accord."""

from accord.registry.loader import (
    RegistryLoadError,
    contract_schema,
    dump_contract,
    load_registry,
)
from accord.registry.model import (
    Contract,
    ContractVersion,
    Policy,
    Registry,
    RuleSetting,
    SharedSchema,
    SourceMap,
)
from accord.registry.policy import load_policy

__all__ = [
    "Contract",
    "ContractVersion",
    "Policy",
    "Registry",
    "RegistryLoadError",
    "RuleSetting",
    "SharedSchema",
    "SourceMap",
    "contract_schema",
    "dump_contract",
    "load_policy",
    "load_registry",
]
