"""The pytest plugin (entry point `pytest11: accord`): options, the `accord` fixture, hooks.

Loaded by every pytest run in any project that installs Accord, so it imports nothing of
Accord at load time; the library loads when a test first asks for the fixture.
"""

from __future__ import annotations

import traceback
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from accord.testing.fixture import Accord, Session

_SESSION: pytest.StashKey[Session] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accord", "Accord consumer-driven contract tests")
    options = (
        ("registry", "PATH", "contract registry folder (default: the Accord configuration's)"),
        ("expectations", "DIR", "folder of consumer expectation files (default: the "
                                "configuration's `expectations`, else expectations/ beside the "
                                "registry)"),
        ("samples", "N", "events per Expectation.samples() call (default 25)"),
        ("seed", "N", "seed of the generated events (default 0: the same events every run)"),
    )
    for name, metavar, text in options:
        group.addoption(f"--accord-{name}", dest=f"accord_{name}", metavar=metavar, default=None,
                        help=text)
        parser.addini(f"accord_{name}", text, default=None)


def _session(config: pytest.Config) -> Session:
    session = config.stash.get(_SESSION, None)
    if session is None:
        from accord.testing.fixture import Session

        session = config.stash[_SESSION] = Session(config)
    return session


@pytest.fixture
def accord(request: pytest.FixtureRequest) -> Generator[Accord, None, None]:
    """Contracts, consumers and providers of the Accord registry."""
    from accord.testing.fixture import Accord

    session = _session(request.config)
    yield Accord(session, request.node.nodeid)
    session.expectations = []


@pytest.fixture(scope="session")
def accord_schema_registry(request: pytest.FixtureRequest) -> Generator[str, None, None]:
    """The project's registry served over the Schema Registry API; yields its URL."""
    from accord.testing.schema_registry import start

    server = start(_session(request.config))
    yield server.url
    server.stop()


def pytest_itemcollected(item: pytest.Item) -> None:
    # Every collected id, deselected ones included: an expectation whose test still exists
    # is kept even when this run did not execute it.
    item.config.stash.setdefault(_COLLECTED, set()).add(item.nodeid)


_COLLECTED: pytest.StashKey[set[str]] = pytest.StashKey()


def _user_frame(item: pytest.Item, exc: BaseException) -> str:
    path = str(getattr(item, "path", ""))
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == path:
            return f"\n  at {item.nodeid.split('::')[0]}:{frame.lineno}: {frame.line}"
    return ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        result = yield
    except Exception as exc:
        state = item.config.stash.get(_SESSION, None)
        message = None
        if state is not None or type(exc).__module__.startswith("accord."):
            from accord.testing.fixture import explain

            message = explain(state, exc)
        if not message:
            raise
        message += _user_frame(item, exc)
    else:
        state = item.config.stash.get(_SESSION, None)
        if state is not None:
            state.test_passed(item.nodeid)
        return result
    # Outside the except block, so that pytest shows Accord's message alone.
    pytest.fail(message, pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_SESSION, None)
    if state is None or exitstatus == pytest.ExitCode.INTERRUPTED \
            or hasattr(session.config, "workerinput"):
        return
    state.collected = session.config.stash.get(_COLLECTED, set())
    messages = state.write_files()
    if messages:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        for message in messages:
            if reporter is not None:
                reporter.write_line(f"accord: {message}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
