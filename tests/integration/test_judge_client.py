"""The reward-judge client other services use (critique, designer) against a real in-process server."""

from __future__ import annotations

import pytest

from autochem.config import GrpcSettings
from autochem.judging.client import ATTRIBUTES, GrpcJudgeClient
from autochem.judging.deterministic import DeterministicJudge
from autochem.judging.service import RewardJudgeServicer
from autochem.rpc import GrpcServer
from autochem.v1 import judge_pb2_grpc

pytestmark = pytest.mark.integration

CONTEXT = "Nitric acid is made by oxidising ammonia over a platinum-rhodium gauze at about 900 °C."


async def test_client_returns_attribute_scores_and_reward():
    server = GrpcServer(GrpcSettings(port=0), "reward-judge")
    server.add(RewardJudgeServicer(DeterministicJudge()), judge_pb2_grpc.add_RewardJudgeServicer_to_server)
    port = await server.start()
    await server.set_serving(True)
    client = GrpcJudgeClient(f"127.0.0.1:{port}", timeout_s=10)
    try:
        good = await client.score(
            "How is nitric acid made?",
            "By oxidising ammonia over a platinum-rhodium gauze at about 900 °C.",
            CONTEXT,
        )
        cut = await client.score("How is nitric acid made?", "By oxidising ammonia over a", CONTEXT)
    finally:
        await client.close()
        await server.shutdown(grace_s=0)
    assert set(good) == {*ATTRIBUTES, "reward"}
    assert all(0.0 <= good[a] <= 4.0 for a in ATTRIBUTES)
    assert good["reward"] > cut["reward"]
