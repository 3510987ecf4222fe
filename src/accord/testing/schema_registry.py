"""The `accord_schema_registry` fixture's server: the session's registry on a free port."""

from __future__ import annotations

from accord.config import find_config
from accord.registry import load_policy
from accord.serve import build_catalog
from accord.serve.server import BackgroundServer
from accord.testing.fixture import Session


def start(session: Session) -> BackgroundServer:
    policy_file = find_config(session.config.rootpath).policy
    policy = load_policy(policy_file if policy_file.exists() else None)
    return BackgroundServer(build_catalog(session.registry, policy)).start()
