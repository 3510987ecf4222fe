"""jsonschema validators confined to the schema itself: no network, no files.

A contract's schema arrives bundled (every shared `$ref` is under `$defs`), so a validator
never needs another resource. jsonschema's default, when a reference names an unknown URI,
is to fetch it over the network (with a deprecation warning) or to follow `file://`;
from a pull request's contract that is a request to any host, or a read of any file.
Every validator Accord builds gets `CLOSED` as its registry, whose retrieval refuses.
"""

from __future__ import annotations

from typing import Any

import referencing
import referencing.exceptions
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

NotFetched = referencing.exceptions.NoSuchResource
"""A reference to a resource outside the schema: Accord never fetches one."""


def _refuse(uri: str) -> referencing.Resource[Any]:
    raise NotFetched(ref=uri)  # type: ignore[call-arg]


CLOSED: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]


def closed_validator(schema: Any, *, format_checker: Any = None) -> Any:
    """A jsonschema validator for ``schema`` (its `$schema`, else 2020-12) that resolves
    references only inside ``schema``."""
    cls = validator_for(schema, default=Draft202012Validator)
    if format_checker is None:
        return cls(schema, registry=CLOSED)
    return cls(schema, registry=CLOSED, format_checker=format_checker)
