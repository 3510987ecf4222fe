"""The registry served read-only over Confluent Schema Registry's REST API."""

from accord.serve.catalog import Catalog, build_catalog
from accord.serve.subjects import STRATEGIES

__all__ = ["STRATEGIES", "Catalog", "build_catalog"]
