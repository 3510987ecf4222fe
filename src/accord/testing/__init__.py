"""Consumer-driven contract tests: matchers for `expects(fields=...)` and a Hypothesis strategy.

The pytest plugin (`accord.testing.plugin`) provides the `accord` fixture.
"""

from accord.testing.matchers import each_like, like, one_of, present, regex
from accord.testing.strategies import events

__all__ = ["each_like", "events", "like", "one_of", "present", "regex"]
