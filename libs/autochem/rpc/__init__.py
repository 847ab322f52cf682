"""gRPC runtime shared by every AutoChem service: server, interceptors, error mapping, validation, client."""

from autochem.rpc.client import (
    DEFAULT_RETRY,
    DEFAULT_TIMEOUT_S,
    RetryPolicy,
    call,
    call_sync,
    make_channel,
    make_sync_channel,
)
from autochem.rpc.context import RpcInfo, current_rpc, time_remaining
from autochem.rpc.errors import bad_request_details, failure_for, field_path
from autochem.rpc.server import GrpcServer
from autochem.rpc.validation import message_to_dict, require, to_model

__all__ = [
    "DEFAULT_RETRY",
    "DEFAULT_TIMEOUT_S",
    "GrpcServer",
    "RetryPolicy",
    "RpcInfo",
    "bad_request_details",
    "call",
    "call_sync",
    "current_rpc",
    "failure_for",
    "field_path",
    "make_channel",
    "make_sync_channel",
    "message_to_dict",
    "require",
    "time_remaining",
    "to_model",
]
