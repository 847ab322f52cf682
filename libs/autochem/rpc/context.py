"""The RPC being handled, reachable from domain code without passing the gRPC context around."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

import grpc


@dataclass(frozen=True)
class RpcInfo:
    method: str  # full method path, e.g. /autochem.v1.Designer/DesignProcess
    context: grpc.aio.ServicerContext


_current_rpc: ContextVar[RpcInfo | None] = ContextVar("autochem_current_rpc", default=None)


def current_rpc() -> RpcInfo | None:
    """The RPC this task is handling, or None outside an RPC."""
    return _current_rpc.get()


def time_remaining() -> float | None:
    """Seconds left before the caller's deadline; None outside an RPC (clients from autochem.rpc.client
    always set a deadline, so inside an RPC it is None only for foreign clients that set none).

    When the deadline passes grpc cancels the handler task by itself; use this to size work up front
    (e.g. pass a shorter timeout to a downstream call, or refuse work that cannot finish in time).
    """
    rpc = _current_rpc.get()
    return rpc.context.time_remaining() if rpc else None


def set_current_rpc(info: RpcInfo) -> None:
    """Called by the runtime as an RPC starts. Each RPC runs in its own asyncio task (its own copy of the
    context variables), so this needs no reset."""
    _current_rpc.set(info)
