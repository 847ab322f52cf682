"""A consumer process for the crash-safety test: ``python -m tests.support.bus_consumer_proc ...``.

It consumes one test topic with :class:`EventConsumer` and writes one effects row per event into the
database (same transaction as the ledger row). It prints one line per redelivery the ledger caught
(``duplicate <topic> <partition> <offset>``), flushed at once, so the counts survive a SIGKILL.
SIGTERM stops it gracefully.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys

from autochem.bus.consumer import EventConsumer, Outcome
from autochem.bus.topics import TOPICS
from autochem.storage.db import make_engine
from tests.support.bus_harness import effects_metadata, fast_kafka_settings, insert_effect_handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--max-poll-interval-ms", type=int, default=2000)
    parser.add_argument("--session-timeout-ms", type=int, default=2000)
    parser.add_argument("--heartbeat-interval-ms", type=int, default=400)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")

    spec = dataclasses.replace(TOPICS["chemicals.registered"], name=args.topic)
    engine = make_engine(args.db_url)
    effects_metadata.create_all(engine, checkfirst=True)
    kafka = fast_kafka_settings(
        args.bootstrap,
        max_poll_interval_ms=args.max_poll_interval_ms,
        session_timeout_ms=args.session_timeout_ms,
        heartbeat_interval_ms=args.heartbeat_interval_ms,
    )

    def report(outcome: Outcome, record) -> None:
        if outcome is Outcome.DUPLICATE:
            print(f"duplicate {record.topic} {record.partition} {record.offset}", flush=True)

    consumer = EventConsumer(
        kafka, args.group, [spec], insert_effect_handler(args.run_id), engine,
        service_name="bus-crash-test", on_outcome=report,
    )
    signal.signal(signal.SIGTERM, lambda *_: consumer.stop(timeout_s=0))
    print("started", flush=True)
    consumer.run()
    print(f"stopped {consumer.stats}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
