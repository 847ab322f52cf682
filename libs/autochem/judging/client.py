"""A client of the reward-judge service, for services that want attribute scores (critique, designer)."""

from __future__ import annotations

from autochem.rpc import make_channel
from autochem.v1 import judge_pb2, judge_pb2_grpc

ATTRIBUTES = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")


class GrpcJudgeClient:
    """``await score(prompt, response, context)`` → {attribute: 0..4, "reward": R} from reward-judge."""

    def __init__(self, target: str, *, timeout_s: float = 30.0, max_message_bytes: int = 4 << 20) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self._channel = make_channel(target, max_message_bytes=max_message_bytes, default_timeout_s=timeout_s)
        self._stub = judge_pb2_grpc.RewardJudgeStub(self._channel)

    async def score(self, prompt: str, response: str, context: str | None = None) -> dict[str, float]:
        reply = await self._stub.Score(
            judge_pb2.ScoreRequest(prompt=prompt, response=response, context=context or ""),
            timeout=self.timeout_s,
        )
        scores = {name: getattr(reply.result.scores, name) for name in ATTRIBUTES}
        scores["reward"] = reply.result.reward
        return scores

    async def close(self) -> None:
        await self._channel.close()
