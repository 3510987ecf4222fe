"""The tour's scenario again on NATS JetStream, Redis Streams and Kafka, when their servers
are installed (Debian: apt-get install nats-server redis-server). Kafka is librdkafka's mock
cluster from the confluent-kafka wheel, so it needs no install.

Each server is started on free loopback ports with throwaway storage, and stopped at the
end. Each run's verdict is printed as it comes, then one line per engine. Exit status: 2
when a run could not be made (an engine unusable, bad input), else 0. A violation found
on an engine does not fail the tour: these runs are in real time, and a handler whose
state depends on how independent producers interleave (the shop's projection) can end
differently from the virtual-time baseline on a busy machine; that is a finding the
report shows, and site/docs/engines.md explains.

    python scripts/engines_tour.py [EVENTS]
"""

from __future__ import annotations

import subprocess
import sys

from accord.broker.adapters import local


def main() -> int:
    events = sys.argv[1] if len(sys.argv) > 1 else "300"
    status = 0
    verdicts: list[str] = []
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
            verdicts.append(f"{engine}: " + ("ok" if code == 0 else "violations found (see "
                                              "above)" if code == 1 else "could not run"))
            if code not in (0, 1):
                status = 2
    print("engines tour:", "; ".join(verdicts) or "no engine installed")
    return status


if __name__ == "__main__":
    sys.exit(main())
