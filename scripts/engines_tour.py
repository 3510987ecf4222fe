"""The tour's scenario again on NATS JetStream, Redis Streams and Kafka, when their servers
are installed (Debian: apt-get install nats-server redis-server). Kafka is librdkafka's mock
cluster from the confluent-kafka wheel, so it needs no install.

Each server is started on free loopback ports with throwaway storage, and stopped at the
end. Exit status: the first failing run's, else 0.

    python scripts/engines_tour.py [EVENTS]
"""

from __future__ import annotations

import subprocess
import sys

from accord.broker.adapters import local


def main() -> int:
    events = sys.argv[1] if len(sys.argv) > 1 else "300"
    status = 0
    for engine in local.ENGINES:
        if local.binary(engine) is None:
            print(f"skipped {engine}: {engine}-server is not installed "
                  f"(apt-get install {engine}-server)")
            continue
        with local.serve(engine) as url:
            argv = ["accord", "sim", "run", "scenarios/shop.yaml", "--events", events,
                    "--broker", url]
            print("==", " ".join(argv), flush=True)
            code = subprocess.call([sys.executable, "-m", *argv])
            status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main())
