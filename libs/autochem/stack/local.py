"""`autochem up | down | status | logs`: the broker and every existing service as local processes."""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import Field

from autochem.config import ServiceSettings
from autochem.stack.broker import TansuBroker, wait_for_port
from autochem.stack.processes import ManagedProcess, StackState, spawn, stop
from autochem.stack.registry import BROKER_PORT, REPO_ROOT, SERVICES_DIR, ServiceSpec, existing_services

BROKER = "broker"


class StackSettings(ServiceSettings):
    """Settings of the local-stack CLI (env prefix AUTOCHEM_, like every service)."""

    service_name: str = Field("stack", description="Name used in logs.")
    log_json: bool = Field(False, description="The CLI logs for people, not for a log pipeline.")
    broker_host: str = Field("127.0.0.1", description="Interface the embedded Tansu broker listens on.")
    broker_port: int = Field(BROKER_PORT, ge=1, le=65535, description="Port of the embedded Tansu broker.")
    ready_timeout_s: float = Field(
        180.0, gt=0, description="How long `up` waits for each service to be SERVING."
    )
    stop_timeout_s: float = Field(
        25.0, gt=0, description="How long `down` waits for a graceful exit before SIGKILL."
    )
    services_dir: Path = Field(
        SERVICES_DIR, description="Where service mains live (services/<name>/__main__.py)."
    )

    @property
    def stack_dir(self) -> Path:
        return self.state_dir / "stack"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"


@dataclass
class ComponentStatus:
    name: str
    pid: int | None
    running: bool
    endpoint: str
    health: str


def grpc_health(port: int, host: str = "127.0.0.1", timeout_s: float = 1.0) -> str:
    """The overall health status a service reports ('SERVING', 'NOT_SERVING', …) or why it could not say."""
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=timeout_s
            )
        except grpc.RpcError as exc:
            return f"UNREACHABLE ({exc.code().name})"
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


class LocalStack:
    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.state = StackState(settings.stack_dir / "processes.json")

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.settings.broker_host}:{self.settings.broker_port}"

    def service_env(self, spec: ServiceSpec) -> dict[str, str]:
        env = os.environ.copy()
        env.update(
            {
                "AUTOCHEM_SERVICE_NAME": spec.name,
                "AUTOCHEM_GRPC__PORT": str(spec.grpc_port),
                "AUTOCHEM_METRICS_PORT": str(spec.metrics_port),
                "AUTOCHEM_KAFKA__BOOTSTRAP_SERVERS": self.bootstrap_servers,
                "AUTOCHEM_STATE_DIR": str(self.settings.state_dir.resolve()),
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def running(self) -> list[ManagedProcess]:
        return [p for p in self.state.load() if p.is_ours_and_alive()]

    def up(self, progress=print) -> list[ManagedProcess]:
        """Start the broker, create the topics, start each existing service and wait until it is SERVING."""
        if alive := self.running():
            names = ", ".join(p.name for p in alive)
            raise RuntimeError(f"the stack is already up ({names}); run `autochem down` first")
        started: list[ManagedProcess] = []
        try:
            broker = TansuBroker(host=self.settings.broker_host, port=self.settings.broker_port)
            if wait_for_port(broker.host, broker.port, 0.2):
                raise RuntimeError(
                    f"port {self.bootstrap_servers} is taken by a process this stack did not start"
                )
            progress(f"starting Kafka-protocol broker (Tansu) on {self.bootstrap_servers}")
            proc = spawn(
                BROKER,
                broker.command(),
                self.settings.log_dir / "broker.log",
                os.environ.copy(),
                port=broker.port,
            )
            started.append(proc)
            self.state.save(started)
            if not wait_for_port(broker.host, broker.port, 20):
                raise RuntimeError(f"broker did not listen on {self.bootstrap_servers}; see {proc.log_path}")
            from autochem.bus.topics import ensure_topics

            created = ensure_topics(self.bootstrap_servers)
            progress(f"topics ready ({len(created)} created)")
            for spec in existing_services(self.settings.services_dir):
                progress(f"starting {spec.name} on :{spec.grpc_port}")
                svc = spawn(
                    spec.name,
                    [sys.executable, str(spec.directory(self.settings.services_dir))],
                    self.settings.log_dir / f"{spec.name}.log",
                    self.service_env(spec),
                    port=spec.grpc_port,
                    cwd=REPO_ROOT,
                )
                started.append(svc)
                self.state.save(started)
            for svc in started[1:]:
                self._wait_serving(svc)
                progress(f"{svc.name} is SERVING")
        except BaseException:
            for proc in reversed(started):
                stop(proc, self.settings.stop_timeout_s)
            self.state.clear()
            raise
        return started

    def _wait_serving(self, proc: ManagedProcess) -> None:
        deadline = time.monotonic() + self.settings.ready_timeout_s
        health = "UNKNOWN"
        while time.monotonic() < deadline:
            if not proc.is_ours_and_alive():
                raise RuntimeError(
                    f"{proc.name} exited during start-up; last log lines:\n{tail(Path(proc.log_path), 20)}"
                )
            health = grpc_health(proc.port)
            if health == "SERVING":
                return
            time.sleep(0.3)
        raise RuntimeError(f"{proc.name} not SERVING after {self.settings.ready_timeout_s}s (last: {health})")

    def down(self, progress=print) -> list[tuple[str, str]]:
        """Stop, in reverse start order, exactly the processes `up` recorded."""
        results = []
        for proc in reversed(self.state.load()):
            outcome = stop(proc, self.settings.stop_timeout_s)
            progress(f"{proc.name} (pid {proc.pid}): {outcome}")
            results.append((proc.name, outcome))
        self.state.clear()
        return results

    def status(self) -> list[ComponentStatus]:
        recorded = {p.name: p for p in self.state.load()}
        rows = []
        broker = recorded.get(BROKER)
        broker_alive = bool(broker and broker.is_ours_and_alive())
        listening = wait_for_port(self.settings.broker_host, self.settings.broker_port, 0.2)
        rows.append(
            ComponentStatus(
                BROKER,
                broker.pid if broker else None,
                broker_alive,
                self.bootstrap_servers,
                "LISTENING" if listening else "DOWN",
            )
        )
        for spec in existing_services(self.settings.services_dir):
            proc = recorded.get(spec.name)
            alive = bool(proc and proc.is_ours_and_alive())
            health = grpc_health(spec.grpc_port) if alive else "DOWN"
            rows.append(
                ComponentStatus(
                    spec.name, proc.pid if proc else None, alive, f"127.0.0.1:{spec.grpc_port}", health
                )
            )
        return rows

    def log_path(self, name: str) -> Path:
        return self.settings.log_dir / f"{name}.log"


def tail(path: Path, lines: int) -> str:
    if not path.exists():
        return f"(no log at {path})"
    with open(path, errors="replace") as fh:
        return "".join(deque(fh, maxlen=lines))
