"""The gRPC runtime's measured contract, against the probe service:

(a) malformed requests -> INVALID_ARGUMENT naming the field, never INTERNAL (table of 60+ cases);
(b) deadlines: a short deadline ends a slow call with DEADLINE_EXCEEDED and cancels the handler;
(c) oversize requests and over-concurrency -> RESOURCE_EXHAUSTED while health stays SERVING;
(d) SIGTERM under load on a real process: NOT_SERVING within 1 s, every in-flight call OK, exit 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2

from autochem.config import GrpcSettings
from autochem.rpc import bad_request_details, make_channel
from autochem.v1 import common_pb2, events_pb2
from tests.support.rpc_probe import health_status, method, running_probe

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING

NITRIC = {"name": "Nitric acid", "formula": "HNO3", "cas_number": "7697-37-2", "synonyms": ["aqua fortis"]}
SHA = "a" * 64
ARTIFACT = {
    "uri": "file:///var/autochem/artifacts/ab/cd",
    "sha256": SHA,
    "size_bytes": 10,
    "media_type": "text/plain",
}


def chem(**changes) -> bytes:
    return events_pb2.ChemicalRegistered(**{**NITRIC, **changes}).SerializeToString()


def artifact(**changes) -> bytes:
    return common_pb2.ArtifactRef(**{**ARTIFACT, **changes}).SerializeToString()


VALID_CHEM = chem()
# Hand-made wire bytes: tag = field_number << 3 | wire_type.
NAME_TAG, SYNONYM_TAG, FORMULA_TAG, CAS_TAG = b"\x0a", b"\x12", b"\x1a", b"\x22"

# (case id, method, request bytes, field the message must name)
MALFORMED = [
    # --- bytes that are not a ChemicalRegistered at all
    ("garbage-ff", "Register", b"\xff", "request"),
    ("garbage-random", "Register", bytes(range(250, 256)) * 8, "request"),
    ("overlong-varint", "Register", b"\x08" + b"\xff" * 11, "request"),
    ("truncated-mid-string", "Register", VALID_CHEM[:5], "request"),
    ("length-beyond-end", "Register", NAME_TAG + b"\x7fabc", "request"),
    ("truncated-length-varint", "Register", NAME_TAG + b"\x80", "request"),
    ("field-number-zero", "Register", b"\x02\x01a", "request"),
    ("wire-type-7", "Register", b"\x0f\x00", "request"),
    ("unterminated-group", "Register", b"\x0b\x08\x01", "request"),
    ("stray-end-group", "Register", b"\x0c", "request"),
    ("bad-utf8-name", "Register", NAME_TAG + b"\x02\xff\xfe", "request"),
    ("bad-utf8-synonym", "Register", chem() + SYNONYM_TAG + b"\x01\xc3", "request"),
    ("bad-utf8-formula", "Register", NAME_TAG + b"\x01x" + FORMULA_TAG + b"\x02\xed\xa0", "request"),
    ("bad-utf8-cas", "Register", NAME_TAG + b"\x01x" + CAS_TAG + b"\x03\xe0\x80\x80", "request"),
    ("surrogate-utf8-name", "Register", NAME_TAG + b"\x03\xed\xa0\x80", "request"),
    # --- wrong wire types parse as unknown fields, leaving the real field empty
    ("name-as-varint", "Register", b"\x08\x05", "name"),
    ("name-as-fixed64", "Register", b"\x09" + b"\x00" * 8, "name"),
    ("name-as-fixed32", "Register", b"\x0d" + b"\x00" * 4, "name"),
    ("empty-message", "Register", b"", "name"),
    # --- field rules of ChemicalRegistered
    ("name-empty", "Register", chem(name=""), "name"),
    ("name-blank", "Register", chem(name="   "), "name"),
    ("name-too-long", "Register", chem(name="x" * 201), "name"),
    ("name-nul", "Register", chem(name="nitric\x00acid"), "name"),
    ("name-newline", "Register", chem(name="nitric\nacid"), "name"),
    ("name-del", "Register", chem(name="nitric\x7f"), "name"),
    ("name-c1-control", "Register", chem(name="nitric\x85acid"), "name"),
    ("cas-check-digit", "Register", chem(cas_number="7697-37-3"), "cas_number"),
    ("cas-no-dashes", "Register", chem(cas_number="7697372"), "cas_number"),
    ("cas-letters", "Register", chem(cas_number="abcd-37-2"), "cas_number"),
    ("cas-first-group-short", "Register", chem(cas_number="1-37-2"), "cas_number"),
    ("cas-trailing-space", "Register", chem(cas_number="7697-37-2 "), "cas_number"),
    ("formula-lowercase", "Register", chem(formula="hno3"), "formula"),
    ("formula-unbalanced", "Register", chem(formula="Ca(OH2"), "formula"),
    ("formula-leading-digit", "Register", chem(formula="2H2O"), "formula"),
    ("formula-punctuation", "Register", chem(formula="H2O!"), "formula"),
    ("formula-zero-count", "Register", chem(formula="H02"), "formula"),
    ("formula-too-long", "Register", chem(formula="H" * 101), "formula"),
    ("synonyms-too-many", "Register", chem(synonyms=[f"s{i}" for i in range(51)]), "synonyms"),
    ("synonym-empty", "Register", chem(synonyms=["a", "b", "c", ""]), "synonyms[3]"),
    ("synonym-control", "Register", chem(synonyms=["tab\there"]), "synonyms[0]"),
    ("synonym-too-long", "Register", chem(synonyms=["ok", "y" * 201]), "synonyms[1]"),
    ("requested-by-too-long", "Register", chem(requested_by="u" * 101), "requested_by"),
    ("requested-by-control", "Register", chem(requested_by="bob\x1b[31m"), "requested_by"),
    # --- bytes that are not an ArtifactRef
    ("artifact-garbage", "Store", b"\xff\xfe\xfd", "request"),
    ("artifact-truncated", "Store", artifact()[:-3], "request"),
    ("artifact-bad-utf8-uri", "Store", b"\x0a\x02\xc0\xaf", "request"),
    ("artifact-bad-utf8-media", "Store", artifact() + b"\x22\x01\xff", "request"),
    ("size-as-length-delimited", "Store", b"\x1a\x01x", "uri"),
    # --- field rules of ArtifactRef
    ("uri-empty", "Store", artifact(uri=""), "uri"),
    ("uri-http", "Store", artifact(uri="http://example.com/a"), "uri"),
    ("uri-no-scheme", "Store", artifact(uri="artifacts/ab/cd"), "uri"),
    ("uri-ftp", "Store", artifact(uri="ftp://host/a"), "uri"),
    ("uri-no-path", "Store", artifact(uri="file:///"), "uri"),
    ("uri-control", "Store", artifact(uri="file:///a\x01b"), "uri"),
    ("uri-too-long", "Store", artifact(uri="s3://b/" + "k" * 2100), "uri"),
    ("sha-short", "Store", artifact(sha256="a" * 63), "sha256"),
    ("sha-long", "Store", artifact(sha256="a" * 65), "sha256"),
    ("sha-uppercase", "Store", artifact(sha256="A" * 64), "sha256"),
    ("sha-non-hex", "Store", artifact(sha256="g" * 64), "sha256"),
    ("sha-empty", "Store", artifact(sha256=""), "sha256"),
    ("size-negative", "Store", artifact(size_bytes=-1), "size_bytes"),
    ("media-empty", "Store", artifact(media_type=""), "media_type"),
    ("media-no-slash", "Store", artifact(media_type="json"), "media_type"),
    ("media-no-subtype", "Store", artifact(media_type="application/"), "media_type"),
    ("media-bad-param", "Store", artifact(media_type="application/json; charset"), "media_type"),
    ("media-space", "Store", artifact(media_type="text /plain"), "media_type"),
    # --- the numeric rule of the unary-stream method
    ("count-negative", "Count", common_pb2.Progress(total=-1).SerializeToString(), "total"),
    ("count-garbage", "Count", b"\xff", "request"),
]


def assert_invalid_argument_naming(exc: grpc.aio.AioRpcError, field: str) -> None:
    assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT, (exc.code(), exc.details())
    details = exc.details()
    # "field: reason", alone or among "; "-separated violations.
    assert details.startswith(f"{field}: ") or f"; {field}: " in details, details
    assert field in [f for f, _ in bad_request_details(exc.trailing_metadata())]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def probe():
    async with running_probe() as running:
        yield running


async def test_table_has_at_least_50_distinct_cases():
    assert len(MALFORMED) >= 50
    assert len({case_id for case_id, *_ in MALFORMED}) == len(MALFORMED)


async def test_valid_requests_pass(probe):
    assert (await probe.unary("Register", events_pb2.ChemicalRegistered)(VALID_CHEM)).name == "Nitric acid"
    assert (await probe.unary("Store", common_pb2.ArtifactRef)(artifact())).sha256 == SHA
    formulas = ["H2O", "Ca(OH)2", "C6H12O6", "Al2(SO4)3", "NaCl"]
    for formula in formulas:
        await probe.unary("Register")(chem(formula=formula, cas_number="", synonyms=[]))


@pytest.mark.parametrize(("case_id", "rpc", "payload", "field"), MALFORMED, ids=[c[0] for c in MALFORMED])
async def test_malformed_request_is_invalid_argument(probe, case_id, rpc, payload, field):
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        if rpc == "Count":
            [_ async for _ in probe.unary_stream(rpc)(payload)]
        else:
            await probe.unary(rpc)(payload)
    assert_invalid_argument_naming(raised.value, field)


async def _requests(*payloads: bytes):
    for payload in payloads:
        yield payload


@pytest.mark.parametrize(
    ("case_id", "payloads", "field"),
    [
        ("second-message-garbage", (VALID_CHEM, b"\xff\xff"), "request"),
        ("second-message-bad-utf8", (VALID_CHEM, NAME_TAG + b"\x01\xff"), "request"),
        ("second-message-rule", (VALID_CHEM, chem(cas_number="7697-37-3")), "cas_number"),
        ("first-message-empty-name", (chem(name=""),), "name"),
    ],
)
@pytest.mark.parametrize("rpc", ["Collect", "Normalize"])
async def test_malformed_stream_message_is_invalid_argument(probe, rpc, case_id, payloads, field):
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        if rpc == "Collect":
            await probe.stream_unary(rpc)(_requests(*payloads))
        else:
            [_ async for _ in probe.stream_stream(rpc)(_requests(*payloads))]
    assert_invalid_argument_naming(raised.value, field)


async def test_server_still_healthy_after_the_table(probe):
    assert await health_status(probe.channel) == SERVING


# --- (b) deadlines ----------------------------------------------------------------------------------------


async def test_short_deadline_ends_slow_call_and_cancels_the_handler(probe):
    cancelled_before = probe.servicer.slow_cancelled
    started = time.monotonic()
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await probe.unary("Slow")(common_pb2.Quantity(value=10), timeout=0.3)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 5  # promptly: nowhere near the 10 s the handler wanted
    for _ in range(100):  # the server learns of the deadline on its own clock; allow it a moment
        if probe.servicer.slow_cancelled > cancelled_before:
            break
        await asyncio.sleep(0.02)
    assert probe.servicer.slow_cancelled == cancelled_before + 1
    assert probe.server.in_flight == 0
    assert await health_status(probe.channel) == SERVING


# --- (c) size and concurrency limits -----------------------------------------------------------------------


async def test_oversize_request_is_resource_exhausted_and_server_stays_healthy():
    settings = GrpcSettings(port=0, max_message_bytes=64 * 1024)
    async with running_probe(settings, client_max_message_bytes=4 * 1024 * 1024) as limited:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await limited.unary("Store")(artifact(uri="s3://bucket/" + "k" * 100_000))
        assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert await health_status(limited.channel) == SERVING
        assert (await limited.unary("Store", common_pb2.ArtifactRef)(artifact())).sha256 == SHA


async def test_calls_over_the_concurrency_limit_are_rejected_not_queued():
    limit, fired = 4, 12
    async with running_probe(GrpcSettings(port=0, max_concurrent_rpcs=limit)) as limited:
        slow = limited.unary("Slow", common_pb2.Quantity)
        calls = [
            asyncio.ensure_future(slow(common_pb2.Quantity(value=1.5), timeout=20)) for _ in range(fired)
        ]
        while limited.server.in_flight < limit:
            await asyncio.sleep(0.01)
        # Saturated: health probes still answer, and say SERVING.
        assert await health_status(limited.channel) == SERVING
        results = await asyncio.gather(*calls, return_exceptions=True)
        ok = [r for r in results if isinstance(r, common_pb2.Quantity)]
        rejected = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
        assert len(ok) == limit
        assert len(rejected) == fired - limit
        assert {r.code() for r in rejected} == {grpc.StatusCode.RESOURCE_EXHAUSTED}
        assert limited.servicer.slow_completed == limit and limited.servicer.slow_cancelled == 0
        assert await health_status(limited.channel) == SERVING


# --- (d) SIGTERM under load ---------------------------------------------------------------------------------


async def _read_port(proc: asyncio.subprocess.Process) -> int:
    while True:
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        if not line:
            raise RuntimeError("probe process exited before reporting its port")
        if line.startswith(b"PORT "):
            return int(line.split()[1])


async def test_sigterm_drains_in_flight_calls_and_exits_cleanly():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.rpc_probe", "--port", "0", "--drain-grace", "15",
        cwd=REPO_ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        port = await _read_port(proc)
        channel = make_channel(f"127.0.0.1:{port}", max_message_bytes=4 * 1024 * 1024, retry=None)
        slow = channel.unary_unary(
            method("Slow"),
            request_serializer=common_pb2.Quantity.SerializeToString,
            response_deserializer=common_pb2.Quantity.FromString,
        )
        in_flight = [
            asyncio.ensure_future(slow(common_pb2.Quantity(value=1.5), timeout=30)) for _ in range(20)
        ]
        assert await health_status(channel) == SERVING
        await asyncio.sleep(0.3)  # let all 20 reach the handler

        proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        not_serving_after = None
        while time.monotonic() - signalled < 3:
            try:
                if await health_status(channel, timeout=0.5) == NOT_SERVING:
                    not_serving_after = time.monotonic() - signalled
                    break
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.05)
        assert not_serving_after is not None and not_serving_after < 1.0, not_serving_after
        print(f"NOT_SERVING seen {not_serving_after:.3f} s after SIGTERM")

        results = await asyncio.gather(*in_flight, return_exceptions=True)
        failures = [r for r in results if not isinstance(r, common_pb2.Quantity)]
        assert not failures, failures
        assert await asyncio.wait_for(proc.wait(), timeout=20) == 0
        await channel.close()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
