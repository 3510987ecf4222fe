"""Instance generation from a schema: the layer below governance, testing and sim (see
DESIGN.md). `stream.SampleStream` gives valid samples, boundary values and tolerant-reader
variants, used by the pytest plugin's samples and strategies, the simulator's producers
and the compatibility engine's witnesses. Light on import: the pytest plugin loads
`fields` at start-up, so nothing here pulls in a validator until it is used."""

from accord.samples.errors import SampleError

__all__ = ["SampleError"]
