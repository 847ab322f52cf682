from __future__ import annotations

import subprocess
import sys
import time

from autochem.stack.processes import ManagedProcess, StackState, process_start_time, spawn, stop
from autochem.stack.registry import SERVICES, by_name


def test_ports_are_declared_once_and_unique():
    grpc_ports = [s.grpc_port for s in SERVICES]
    metrics_ports = [s.metrics_port for s in SERVICES]
    assert len(SERVICES) == 10
    assert len(set(grpc_ports)) == len(grpc_ports)
    assert len(set(metrics_ports)) == len(metrics_ports)
    assert not set(grpc_ports) & set(metrics_ports)
    assert by_name("designer").grpc_port == 50070


def test_spawn_and_stop_exactly_our_process(tmp_path):
    proc = spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "s.log", env={})
    assert proc.is_ours_and_alive()
    state = StackState(tmp_path / "state.json")
    state.save([proc])
    [loaded] = state.load()
    assert loaded == proc
    assert stop(loaded, timeout_s=5) == "stopped"
    assert not proc.is_ours_and_alive()
    assert stop(loaded) == "not running"


def test_a_reused_pid_is_not_ours(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        real_start = process_start_time(other.pid)
        impostor = ManagedProcess("x", other.pid, real_start - 1, [], str(tmp_path / "x.log"))
        assert not impostor.is_ours_and_alive()
        assert stop(impostor) == "not running"
        time.sleep(0.1)
        assert other.poll() is None, "stop() must not touch a process it did not start"
    finally:
        other.kill()
        other.wait()


def test_stop_escalates_to_sigkill(tmp_path):
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    log = tmp_path / "stubborn.log"
    proc = spawn("stubborn", [sys.executable, "-c", code], log, env={})
    for _ in range(100):
        if log.exists() and "ready" in log.read_text():
            break
        time.sleep(0.05)
    assert stop(proc, timeout_s=0.5) == "killed after timeout"
    for _ in range(100):
        if not proc.is_ours_and_alive():
            break
        time.sleep(0.02)
    assert not proc.is_ours_and_alive()
