"""librdkafka's mock Kafka cluster, from the confluent-kafka wheel, as a process of its own.

    python -m accord.broker.adapters.kafka_mock [--brokers 3]

prints ``kafka://127.0.0.1:PORT,...`` on its first line once the brokers listen, and
serves until it is terminated (or its standard input closes, when ``--stdin`` is given).
The cluster is the one librdkafka's own test suite runs against: real Kafka protocol on
loopback TCP ports, in memory. It is not Apache Kafka; see the engines page of the docs
for what it implements.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
import time

from confluent_kafka import Producer

START_TIMEOUT_S = 10.0
_BOOTSTRAP = re.compile(r"bootstrap\.servers=(\S+)")


class _Found(logging.Handler):
    """Catches the mock's log line that names its listeners."""

    def __init__(self) -> None:
        super().__init__()
        self.servers: str | None = None
        self.ready = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        match = _BOOTSTRAP.search(record.getMessage())
        if match and not self.ready.is_set():
            self.servers = match.group(1).rstrip(",")
            self.ready.set()


def start(brokers: int) -> tuple[Producer, str]:
    """A producer that owns a mock cluster, and the cluster's ``bootstrap.servers``."""
    found = _Found()
    log = logging.getLogger("accord.kafka.mock")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    log.addHandler(found)
    owner = Producer({"bootstrap.servers": "mock", "test.mock.num.brokers": brokers,
                      "debug": "mock"}, logger=log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not found.ready.is_set() and time.monotonic() < deadline:
        owner.poll(0.05)
    if found.servers is None:
        raise SystemExit("the mock cluster did not say where it listens")
    log.removeHandler(found)
    log.setLevel(logging.WARNING)
    return owner, found.servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", type=int, default=3)
    parser.add_argument("--stdin", action="store_true",
                        help="stop when standard input closes (a parent that dies)")
    args = parser.parse_args(argv)
    owner, servers = start(args.brokers)
    print(f"kafka://{servers}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.stdin:
        def watch() -> None:
            sys.stdin.read()
            stop.set()

        threading.Thread(target=watch, daemon=True).start()
    while not stop.wait(0.5):
        owner.poll(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
