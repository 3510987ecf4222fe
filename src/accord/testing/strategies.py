"""`accord.testing.events(event, version=None)`: a Hypothesis strategy of valid events.

Built on hypothesis-jsonschema (`from_schema`), which shrinks failures to small events;
`Expectation.samples()` uses Accord's own seeded generator instead, which is faster and
rotates through every enum value and union branch. Hypothesis is imported on first use only.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.testing.errors import ContractTestError

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from accord.registry.model import Registry

JSON = Any
# Formats hypothesis-jsonschema does not draw itself (it warns when one of its own is
# overridden): realistic values from Accord's table.
_OWN_FORMATS = ("url", "duration", "uuid")


@lru_cache(maxsize=8)
def _registry(root: str) -> Registry:
    from accord.errors import AccordError
    from accord.registry import load_registry

    try:
        return load_registry(root)
    except AccordError as exc:
        raise ContractTestError(f"cannot load the registry: {exc}") from None


def _configured_registry() -> Registry:
    from accord.config import find_config
    from accord.errors import AccordError

    try:
        config = find_config()
    except AccordError as exc:
        raise ContractTestError(f"cannot read the Accord configuration: {exc}") from None
    return _registry(str(Path(config.registry)))


def _formats() -> dict[str, SearchStrategy[str]]:
    from hypothesis import strategies as st

    from accord.samples.formats import FORMATS

    return {name: st.randoms(use_true_random=False).map(FORMATS[name]) for name in _OWN_FORMATS}


def strategy_for(schema: JSON) -> SearchStrategy[JSON]:
    """Valid instances of a bundled schema (local `#/...` refs only)."""
    from hypothesis_jsonschema import from_schema

    from accord.testing.contract import validator_for_schema

    is_valid = validator_for_schema(schema).is_valid
    # hypothesis-jsonschema rewrites the schema it is given in place (it inlines refs and
    # merges subschemas): it gets a copy, or the contract's schema would change under us.
    return from_schema(copy.deepcopy(schema), custom_formats=_formats()).filter(is_valid)


def events(event: str, version: int | None = None, *,
           wrapped: bool = True) -> SearchStrategy[JSON]:
    """Events of ``event`` (default: its latest active version), for `@given`.

    For an `envelope: cloudevents` contract each is a structured-mode CloudEvent around
    the drawn data, as `samples()` gives (the source drawn from the contract's producers),
    unless ``wrapped=False`` asks for the data alone. The registry is the one the Accord
    configuration names, found from the current folder. The strategy is built on first
    draw, so a bad name fails the test, not the import.
    """
    from hypothesis import strategies as st

    from accord.testing.contract import resolve
    from accord.testing.envelopes import envelope, has_envelope

    def build() -> SearchStrategy[JSON]:
        contract, chosen = resolve(_configured_registry(), event, version)
        data = strategy_for(chosen.resolved)
        if not (wrapped and has_envelope(contract)):
            return data
        return st.builds(lambda d, i: envelope(contract, chosen, d, i), data,
                         st.integers(min_value=0, max_value=10_000))

    return st.deferred(build)
