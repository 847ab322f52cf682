"""Start, track and stop the local stack's processes.

The state file records each process's pid AND its kernel start time, so ``down`` stops exactly the
processes ``up`` started: a pid that was reused by something else after a crash is left alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


def process_start_time(pid: int) -> int | None:
    """Kernel start time of ``pid`` in clock ticks since boot (None if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    state = fields[0]
    if state == "Z":  # a zombie has exited; only its parent's wait is missing
        return None
    return int(fields[19])


@dataclass
class ManagedProcess:
    name: str
    pid: int
    start_time: int
    command: list[str]
    log_path: str
    port: int | None = None

    def is_ours_and_alive(self) -> bool:
        return process_start_time(self.pid) == self.start_time


def spawn(
    name: str,
    command: list[str],
    log_path: Path,
    env: dict[str, str],
    port: int | None = None,
    cwd: Path | None = None,
) -> ManagedProcess:
    """Start ``command`` in its own session (so it outlives the CLI) with output appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    start = None
    for _ in range(50):
        start = process_start_time(proc.pid)
        if start is not None:
            break
        time.sleep(0.01)
    if start is None:
        raise RuntimeError(f"{name} exited immediately; see {log_path}")
    return ManagedProcess(name, proc.pid, start, command, str(log_path), port)


def stop(proc: ManagedProcess, timeout_s: float = 25.0) -> str:
    """SIGTERM, wait up to ``timeout_s`` for a graceful drain, then SIGKILL. Returns what happened."""
    if not proc.is_ours_and_alive():
        return "not running"
    os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not proc.is_ours_and_alive():
            return "stopped"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    return "killed after timeout"


class StackState:
    """The JSON file listing what ``up`` started, in start order."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[ManagedProcess]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text())
        return [ManagedProcess(**item) for item in data.get("processes", [])]

    def save(self, processes: list[ManagedProcess]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"processes": [asdict(p) for p in processes]}, indent=2))
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
