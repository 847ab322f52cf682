"""A probe service for the gRPC runtime's contract tests, built from existing messages with generic handlers
(service protos arrive later). Run it standalone to test signals:

    python -m tests.support.rpc_probe --port 0 --max-concurrent 64 --drain-grace 10

It prints ``PORT <n>`` on stdout once serving.

Methods of ``autochem.test.Probe``:
  Register  (unary)         ChemicalRegistered, validated by ChemicalModel  -> ChemicalRegistered (normalized)
  Store     (unary)         ArtifactRef, validated by ArtifactModel         -> ArtifactRef
  Slow      (unary)         Quantity(value=seconds)                          -> Quantity; sleeps that long
  Fail      (unary)         Issue(code=<error kind>, message=...)            -> raises that error
  Flaky     (unary)         Progress(stage=key, total=n)                     -> fails n times with Unavailable
  Echo      (unary)         Progress                                         -> Issue: what the handler saw
  Count     (unary-stream)  Progress(total=n)                                -> n Progress messages
  Collect   (stream-unary)  ChemicalRegistered*                              -> Progress(done=count)
  Normalize (stream-stream) ChemicalRegistered*                              -> ChemicalRegistered*
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from autochem import errors
from autochem.config import GrpcSettings
from autochem.observability import configure_logging
from autochem.rpc import GrpcServer, current_rpc, make_channel, require, time_remaining, to_model
from autochem.v1 import common_pb2, events_pb2

SERVICE = "autochem.test.Probe"

# --- validation models (the rules the malformed-request table breaks) -----------------------------------


def _no_control_chars(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _cas_number(value: str) -> str:
    if value == "":
        return value
    if not re.fullmatch(r"\d{2,7}-\d{2}-\d", value):
        raise ValueError("must look like 7697-37-2")
    digits = value.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    if sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 != check:
        raise ValueError("check digit is wrong")
    return value


_ELEMENT_GROUP = r"(?:[A-Z][a-z]?|\((?:[A-Z][a-z]?(?:[1-9]\d*)?)+\))(?:[1-9]\d*)?"
_FORMULA = re.compile(rf"(?:{_ELEMENT_GROUP})+")


def _formula(value: str) -> str:
    if value and not _FORMULA.fullmatch(value):
        raise ValueError("is not a chemical formula (e.g. HNO3, Ca(OH)2)")
    return value


Text = Annotated[str, AfterValidator(_no_control_chars)]
Name = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_no_control_chars), AfterValidator(_not_blank)
]


class ChemicalModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    synonyms: list[Name] = Field(default_factory=list, max_length=50)
    formula: Annotated[str, Field(max_length=100), AfterValidator(_formula)] = ""
    cas_number: Annotated[str, AfterValidator(_cas_number)] = ""
    requested_by: Annotated[Text, Field(max_length=100)] = ""


URI_SCHEMES = ("file", "s3", "gs", "memory")
_MEDIA_TOKEN = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
_MEDIA_TYPE = re.compile(
    rf"{_MEDIA_TOKEN}/{_MEDIA_TOKEN}(?:\s*;\s*{_MEDIA_TOKEN}=(?:{_MEDIA_TOKEN}|\"[^\"]*\"))*"
)


def _artifact_uri(value: str) -> str:
    scheme, sep, rest = value.partition("://")
    if not sep or scheme not in URI_SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(URI_SCHEMES)}")
    if not rest.strip("/"):
        raise ValueError("has no path")
    return value


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.fullmatch(value):
        raise ValueError("is not a media type (e.g. application/json)")
    return value


class ArtifactModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uri: Annotated[Text, Field(max_length=2048), AfterValidator(_artifact_uri)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size_bytes: Annotated[int, Field(ge=0)]
    media_type: Annotated[str, AfterValidator(_media_type)]


# --- servicer ---------------------------------------------------------------------------------------------

ERRORS_BY_KIND = {
    "invalid_argument": lambda msg: errors.InvalidArgument("widget.parts[2].size", msg),
    "not_found": errors.NotFound,
    "already_exists": errors.AlreadyExists,
    "failed_precondition": errors.FailedPrecondition,
    "resource_exhausted": errors.ResourceExhausted,
    "unavailable": errors.Unavailable,
    "deadline_exceeded": errors.DeadlineExceeded,
    "unauthenticated": errors.Unauthenticated,
    "permission_denied": errors.PermissionDenied,
}


class ProbeServicer:
    """Thin on purpose: converts proto <-> model and leaves statuses to the runtime."""

    def __init__(self) -> None:
        self.slow_started = 0
        self.slow_completed = 0
        self.slow_cancelled = 0
        self.attempts: Counter[str] = Counter()

    async def register(
        self, request: events_pb2.ChemicalRegistered, context
    ) -> events_pb2.ChemicalRegistered:
        chemical = to_model(ChemicalModel, request)
        return events_pb2.ChemicalRegistered(
            name=chemical.name.strip(),
            synonyms=chemical.synonyms,
            formula=chemical.formula,
            cas_number=chemical.cas_number,
            requested_by=chemical.requested_by,
        )

    async def store(self, request: common_pb2.ArtifactRef, context) -> common_pb2.ArtifactRef:
        to_model(ArtifactModel, request)
        return request

    async def slow(self, request: common_pb2.Quantity, context) -> common_pb2.Quantity:
        require(0 <= request.value <= 60, "value", "seconds must be within 0..60")
        self.slow_started += 1
        try:
            await asyncio.sleep(request.value)
        except asyncio.CancelledError:
            self.slow_cancelled += 1
            raise
        self.slow_completed += 1
        return request

    async def fail(self, request: common_pb2.Issue, context) -> common_pb2.Issue:
        if request.code == "internal":
            raise RuntimeError("secret: connection string postgresql://admin:hunter2@db")
        if request.code == "pydantic":
            to_model(ArtifactModel, common_pb2.ArtifactRef(uri="file:///a", sha256="x", media_type="a/b"))
        raise ERRORS_BY_KIND[request.code](request.message or "probe failure")

    async def flaky(self, request: common_pb2.Progress, context) -> common_pb2.Progress:
        self.attempts[request.stage] += 1
        if request.message == "invalid":
            raise errors.InvalidArgument("message", "always invalid")
        if request.message == "internal":
            raise RuntimeError("always broken")
        if self.attempts[request.stage] <= request.total:
            raise errors.Unavailable("dependency down, try again")
        return common_pb2.Progress(stage=request.stage, done=self.attempts[request.stage])

    async def echo(self, request: common_pb2.Progress, context) -> common_pb2.Issue:
        """Reports what the handler saw: deadline left (suggestion), metadata (message), method (path)."""
        remaining = time_remaining()
        metadata = "\n".join(f"{k}={v}" for k, v in context.invocation_metadata() if isinstance(v, str))
        rpc = current_rpc()
        return common_pb2.Issue(
            path=rpc.method if rpc else "",
            message=metadata,
            suggestion="none" if remaining is None else f"{remaining:.3f}",
        )

    async def count(self, request: common_pb2.Progress, context):
        require(request.total >= 0, "total", "must not be negative")
        for i in range(request.total):
            yield common_pb2.Progress(done=i + 1, total=request.total)

    async def collect(self, request_iterator, context) -> common_pb2.Progress:
        n = 0
        async for request in request_iterator:
            to_model(ChemicalModel, request)
            n += 1
        return common_pb2.Progress(done=n)

    async def normalize(self, request_iterator, context):
        async for request in request_iterator:
            yield await self.register(request, context)


def method_handlers(servicer: ProbeServicer) -> dict[str, grpc.RpcMethodHandler]:
    chem, art, qty = events_pb2.ChemicalRegistered, common_pb2.ArtifactRef, common_pb2.Quantity
    issue, progress = common_pb2.Issue, common_pb2.Progress

    def unary(fn, req, resp):
        return grpc.unary_unary_rpc_method_handler(fn, req.FromString, resp.SerializeToString)

    return {
        "Register": unary(servicer.register, chem, chem),
        "Store": unary(servicer.store, art, art),
        "Slow": unary(servicer.slow, qty, qty),
        "Fail": unary(servicer.fail, issue, issue),
        "Flaky": unary(servicer.flaky, progress, progress),
        "Echo": unary(servicer.echo, progress, issue),
        "Count": grpc.unary_stream_rpc_method_handler(
            servicer.count, progress.FromString, progress.SerializeToString
        ),
        "Collect": grpc.stream_unary_rpc_method_handler(
            servicer.collect, chem.FromString, progress.SerializeToString
        ),
        "Normalize": grpc.stream_stream_rpc_method_handler(
            servicer.normalize, chem.FromString, chem.SerializeToString
        ),
    }


def add_probe_to_server(servicer: ProbeServicer, server) -> None:
    """Shaped like a generated ``add_XServicer_to_server``, so GrpcServer.add() runs as services use it."""
    handlers = method_handlers(servicer)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    server.add_registered_method_handlers(SERVICE, handlers)


def method(name: str) -> str:
    return f"/{SERVICE}/{name}"


# --- in-process harness for tests -------------------------------------------------------------------------


@dataclass
class RunningProbe:
    server: GrpcServer
    servicer: ProbeServicer
    channel: grpc.aio.Channel
    target: str

    def unary(self, name: str, response_type=None):
        """A multicallable for Probe/<name>; it sends ``bytes`` as is and any message serialized."""
        return self.channel.unary_unary(
            method(name), request_serializer=_serialize, response_deserializer=_parser(response_type)
        )

    def unary_stream(self, name: str, response_type=None):
        return self.channel.unary_stream(
            method(name), request_serializer=_serialize, response_deserializer=_parser(response_type)
        )

    def stream_unary(self, name: str, response_type=None):
        return self.channel.stream_unary(
            method(name), request_serializer=_serialize, response_deserializer=_parser(response_type)
        )

    def stream_stream(self, name: str, response_type=None):
        return self.channel.stream_stream(
            method(name), request_serializer=_serialize, response_deserializer=_parser(response_type)
        )


def _serialize(request) -> bytes:
    return request if isinstance(request, bytes) else request.SerializeToString()


def _parser(response_type):
    return response_type.FromString if response_type is not None else None


@asynccontextmanager
async def running_probe(
    settings: GrpcSettings | None = None,
    *,
    token: str | None = None,
    serving: bool = True,
    client_max_message_bytes: int | None = None,
    **channel_kwargs,
) -> AsyncIterator[RunningProbe]:
    """An in-process probe server on a free port and a client channel to it (made by make_channel).

    ``client_max_message_bytes`` lets the client send more than the server accepts (oversize tests)."""
    settings = settings or GrpcSettings(port=0)
    servicer = ProbeServicer()
    server = GrpcServer(settings, "rpc-probe")
    server.add(servicer, add_probe_to_server)
    port = await server.start()
    if serving:
        await server.set_serving(True)
    target = f"127.0.0.1:{port}"
    channel = make_channel(
        target,
        max_message_bytes=client_max_message_bytes or settings.max_message_bytes,
        token=token,
        **channel_kwargs,
    )
    try:
        yield RunningProbe(server, servicer, channel, target)
    finally:
        await channel.close()
        await server.shutdown(grace_s=0)


async def health_status(channel: grpc.aio.Channel, service: str = "", timeout: float = 2.0) -> int:
    """grpc.health.v1 Check for ``service`` ("" = the whole server): a HealthCheckResponse status value."""
    stub = health_pb2_grpc.HealthStub(channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    return response.status


# --- standalone process (SIGTERM test) ---------------------------------------------------------------------


async def serve(settings: GrpcSettings) -> None:
    server = GrpcServer(settings, "rpc-probe")
    server.add(ProbeServicer(), add_probe_to_server)
    port = await server.start()
    server.install_signal_handlers()
    await server.set_serving(True)
    print(f"PORT {port}", flush=True)
    await server.wait_for_termination()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-concurrent", type=int, default=64)
    parser.add_argument("--drain-grace", type=float, default=10.0)
    args = parser.parse_args(argv)
    configure_logging("rpc-probe", json=False)
    settings = GrpcSettings(
        port=args.port, max_concurrent_rpcs=args.max_concurrent, drain_grace_s=args.drain_grace
    )
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
