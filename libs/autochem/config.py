"""Typed settings shared by every service.

Each service defines one ``Settings`` subclass of :class:`ServiceSettings` (its own fields added)
and builds it once in ``__main__``; handlers receive it, they never read the environment.
Environment overrides use one prefix, ``AUTOCHEM_``, with ``__`` for nesting:
``AUTOCHEM_GRPC__PORT=50061``, ``AUTOCHEM_KAFKA__BOOTSTRAP_SERVERS=broker:9092``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "AUTOCHEM_"
DEFAULT_STATE_DIR = Path(".autochem")


class GrpcSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface the gRPC server binds to (0.0.0.0 in a pod).")
    port: int = Field(50051, ge=0, le=65535, description="gRPC port; 0 picks a free port (tests).")
    max_message_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        description="Largest request or response accepted; beyond it RESOURCE_EXHAUSTED.",
    )
    max_concurrent_rpcs: int = Field(
        64,
        ge=1,
        description="RPCs handled at once; further calls get RESOURCE_EXHAUSTED instead of queueing.",
    )
    drain_grace_s: float = Field(
        20.0, ge=0, description="On SIGTERM: seconds in-flight RPCs get to finish before the server stops."
    )
    auth_tokens: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Optional bearer tokens: token -> allowed method globs (e.g. ['/autochem.v1.Designer/*']). "
        "Empty disables auth.",
    )
    reflection: bool = Field(True, description="Serve gRPC server reflection.")


class KafkaSettings(BaseModel):
    bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Comma-separated Kafka bootstrap host:port list."
    )
    client_id: str = Field("autochem", description="Kafka client id prefix; the service name is appended.")
    max_poll_interval_ms: int = Field(
        10_000,
        ge=1000,
        description="Kafka max.poll.interval.ms. Short keeps group joins fast on Tansu; long handlers never "
        "block polling (the consumer pauses partitions and keeps polling while a handler runs).",
    )
    session_timeout_ms: int = Field(10_000, ge=1000, description="Kafka session.timeout.ms.")
    heartbeat_interval_ms: int = Field(1_000, ge=100, description="Kafka heartbeat.interval.ms.")
    max_attempts: int = Field(
        3, ge=1, description="Handler attempts per event before it is sent to <topic>.dlq."
    )
    retry_backoff_ms: int = Field(200, ge=0, description="Base backoff between handler attempts (doubles).")
    max_poll_records: int = Field(100, ge=1, description="Records fetched per poll.")
    security_protocol: str = Field("PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.")
    sasl_mechanism: str | None = Field(
        None, description="SASL mechanism (PLAIN, SCRAM-SHA-512) when SASL is used."
    )
    sasl_username: str | None = Field(None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(None, description="SASL password.")


class ServiceSettings(BaseSettings):
    """Fields every service has. Subclass per service and give ``service_name`` a default."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="ignore", validate_default=True
    )

    service_name: str = Field(
        "autochem", description="Name used in logs, metrics, traces and Kafka client ids."
    )
    log_level: str = Field("INFO", description="Python log level name.")
    log_json: bool = Field(True, description="Emit one JSON object per log line (False: human-readable).")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="Port of the Prometheus /metrics HTTP endpoint; 0 disables it."
    )
    metrics_host: str = Field("127.0.0.1", description="Interface the metrics endpoint binds to.")
    otlp_endpoint: str | None = Field(
        None,
        description="OTLP/gRPC collector endpoint (http://collector:4317). None: traces are not exported.",
    )
    state_dir: Path = Field(
        DEFAULT_STATE_DIR,
        description="Local directory for embedded defaults (SQLite files, artifacts, logs).",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the ledger/memory database; None means SQLite under state_dir. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    artifact_url: str | None = Field(
        None,
        description="fsspec URL of the artifact store root; None means state_dir/artifacts (s3://bucket/...).",
    )
    grpc: GrpcSettings = Field(default_factory=GrpcSettings, description="gRPC server settings.")
    kafka: KafkaSettings = Field(default_factory=KafkaSettings, description="Kafka client settings.")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = (self.state_dir / "db" / f"{self.service_name}.sqlite").resolve()
        return f"sqlite:///{path}"

    def resolved_artifact_url(self) -> str:
        if self.artifact_url:
            return self.artifact_url
        return (self.state_dir / "artifacts").resolve().as_uri()
