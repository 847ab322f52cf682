"""kafka-python client keyword arguments derived from :class:`KafkaSettings` (one place for security too)."""

from __future__ import annotations

from typing import Any

from autochem.config import KafkaSettings


def common_client_config(kafka: KafkaSettings, service_name: str, role: str) -> dict[str, Any]:
    """Arguments every kafka-python client (producer, consumer, admin) of ``service_name`` takes.

    ``role`` ends the client id (``autochem-kg-builder-consumer``) so broker logs tell clients apart.
    """
    config: dict[str, Any] = {
        "bootstrap_servers": kafka.bootstrap_servers.split(","),
        "client_id": f"{kafka.client_id}-{service_name}-{role}",
        "security_protocol": kafka.security_protocol,
    }
    if kafka.sasl_mechanism:
        config["sasl_mechanism"] = kafka.sasl_mechanism
        config["sasl_plain_username"] = kafka.sasl_username
        if kafka.sasl_password is not None:
            config["sasl_plain_password"] = kafka.sasl_password.get_secret_value()
    return config


def consumer_group_config(kafka: KafkaSettings) -> dict[str, Any]:
    """Group timing from settings. Offsets are committed by the bus, never automatically."""
    return {
        "max_poll_interval_ms": kafka.max_poll_interval_ms,
        "session_timeout_ms": kafka.session_timeout_ms,
        "heartbeat_interval_ms": kafka.heartbeat_interval_ms,
        "max_poll_records": kafka.max_poll_records,
        "enable_auto_commit": False,
        # A new group starts at the beginning: events published before a service first started still count.
        "auto_offset_reset": "earliest",
    }
