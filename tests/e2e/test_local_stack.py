"""`autochem up | status | logs | down` as a person runs them, on real processes and a real broker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from kafka import KafkaAdminClient

from autochem.stack.broker import free_port
from autochem.stack.processes import StackState

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# A minimal service built on the shared runtime: enough to prove `up` starts, health-checks and stops
# every service that exists. Real services arrive with their issues.
SERVICE_MAIN = textwrap.dedent(
    """
    from autochem.config import ServiceSettings
    from autochem.runtime import run_service

    run_service(ServiceSettings(), register=lambda server: None)
    """
)


def _cli(env, *args, timeout=240):
    return subprocess.run(
        [sys.executable, "-m", "autochem.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_up_status_logs_down(tmp_path):
    services = tmp_path / "services"
    (services / "critique").mkdir(parents=True)
    (services / "critique" / "__main__.py").write_text(SERVICE_MAIN)
    broker_port = free_port()
    env = os.environ.copy()
    env.update(
        AUTOCHEM_STATE_DIR=str(tmp_path / "state"),
        AUTOCHEM_BROKER_PORT=str(broker_port),
        AUTOCHEM_SERVICES_DIR=str(services),
    )
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        up = _cli(env, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        assert "critique is SERVING" in up.stdout

        again = _cli(env, "up")
        assert again.returncode == 1 and "already up" in again.stdout

        status = _cli(env, "status")
        assert status.returncode == 0, status.stdout
        assert "LISTENING" in status.stdout and "SERVING" in status.stdout

        admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{broker_port}")
        topics = set(admin.list_topics())
        admin.close()
        assert {"chemicals.registered", "chemicals.registered.dlq", "designs.completed"} <= topics

        logs = _cli(env, "logs", "critique", "-n", "20")
        assert logs.returncode == 0 and "critique" in logs.stdout

        procs = StackState(tmp_path / "state" / "stack" / "processes.json").load()
        assert [p.name for p in procs] == ["broker", "critique"]

        down = _cli(env, "down")
        assert down.returncode == 0, down.stdout + down.stderr
        assert all(not p.is_ours_and_alive() for p in procs)
        assert bystander.poll() is None, "down must stop only what up started"

        after = _cli(env, "status")
        assert after.returncode == 3
    finally:
        _cli(env, "down")
        bystander.kill()
        bystander.wait()
