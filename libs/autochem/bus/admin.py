"""Operational queries on the bus: true end offsets and consumer-group lag."""

from __future__ import annotations

import time
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from autochem.errors import DeadlineExceeded, NotFound


def true_end_offsets(
    bootstrap_servers: str, topic: str, *, timeout_s: float = 10.0, **client_cfg: Any
) -> dict[int, int]:
    """The end offset (offset of the next message to be written) of every partition of ``topic``.

    Why not just ``KafkaConsumer.end_offsets()``: the Tansu broker answers ListOffsets(latest) with the
    base offset of the partition's LAST RECORD BATCH, not the offset after its last record, so a batch of
    N records makes the lag look N-1 smaller than it is (Apache Kafka answers correctly). The high
    watermark that a Fetch response carries is right on both. So: a group-less probe consumer is
    assigned the partitions, seeks to that (possibly low) ListOffsets answer — never past the true end,
    so the fetch is valid — polls once, and reads ``highwater()`` from the fetch response.
    """
    probe = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        # The seek position is usually at or next to the end: don't let the broker hold the fetch open.
        fetch_max_wait_ms=10,
        **client_cfg,
    )
    try:
        partitions = probe.partitions_for_topic(topic)
        if not partitions:
            raise NotFound(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        probe.assign(tps)
        for tp, listed_end in probe.end_offsets(tps, timeout_ms=int(timeout_s * 1000)).items():
            probe.seek(tp, listed_end)
        deadline = time.monotonic() + timeout_s
        high_watermarks: dict[int, int] = {}
        while len(high_watermarks) < len(tps):
            if time.monotonic() > deadline:
                missing = sorted(tp.partition for tp in tps if tp.partition not in high_watermarks)
                raise DeadlineExceeded(f"no fetch response for {topic!r} partitions {missing} in {timeout_s}s")
            probe.poll(timeout_ms=100)
            for tp in tps:
                high_watermark = probe.highwater(tp)
                if high_watermark is not None:
                    high_watermarks[tp.partition] = high_watermark
        return high_watermarks
    finally:
        probe.close(autocommit=False)


def committed_offsets(
    bootstrap_servers: str, group_id: str, topic: str, partitions: list[int], **client_cfg: Any
) -> dict[int, int | None]:
    """The offsets ``group_id`` committed on ``topic``'s partitions (None where it never committed)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_cfg)
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        offsets = admin.list_group_offsets({group_id: tps}).get(group_id, {})
    finally:
        admin.close()
    result: dict[int, int | None] = {}
    for tp in tps:
        committed = offsets.get(tp)
        result[tp.partition] = committed.offset if committed is not None and committed.offset >= 0 else None
    return result


def consumer_lag(
    bootstrap_servers: str, group_id: str, topic: str, *, timeout_s: float = 10.0, **client_cfg: Any
) -> dict[int, int]:
    """Messages of ``topic`` not yet committed by ``group_id``, per partition: true end - committed offset.

    A partition the group never committed on counts from offset 0 (the bus consumes a new group from the
    earliest offset). ``client_cfg`` goes to the kafka-python clients (security settings, client_id).
    """
    end_offsets = true_end_offsets(bootstrap_servers, topic, timeout_s=timeout_s, **client_cfg)
    committed = committed_offsets(bootstrap_servers, group_id, topic, sorted(end_offsets), **client_cfg)
    return {
        partition: max(0, end - (committed[partition] or 0)) for partition, end in sorted(end_offsets.items())
    }
