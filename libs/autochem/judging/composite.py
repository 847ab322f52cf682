"""Several judges as one: attribute scores are the weighted mean of the members' scores, R is computed from
those means with the composite's own policy, and every member's verdict is kept in ``components``."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from autochem.judging.base import DEFAULT_LIMITS, InputLimits, Judge, JudgeBase, JudgeItem
from autochem.judging.scores import ATTRIBUTES, JudgeScores, RewardPolicy, check_finite


class CompositeJudge(JudgeBase):
    """Weighted mean of member judges per attribute. A member that fails fails the whole score: a dataset
    filter must not silently switch to a different scorer halfway through a dataset."""

    name = "composite"

    def __init__(
        self,
        members: Sequence[tuple[Judge, float]],
        policy: RewardPolicy | None = None,
        limits: InputLimits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(policy, limits, max_concurrency=4)
        if not members:
            raise ValueError("a composite judge needs at least one member")
        for i, (_, weight) in enumerate(members):
            check_finite(weight, f"members[{i}].weight", 0.0, 1000.0)
        total = sum(w for _, w in members)
        if total <= 0:
            raise ValueError("member weights must not all be zero")
        self.members = [(judge, weight / total) for judge, weight in members]

    def member_weights(self) -> dict[str, float]:
        return {judge.name: weight for judge, weight in self.members}

    async def _score_item(self, item: JudgeItem) -> JudgeScores:
        # Members validate again and score under their own policies; the mean uses attribute scores only.
        parts = await asyncio.gather(
            *(judge.score(item.prompt, item.response, item.context) for judge, _ in self.members)
        )
        attributes = {
            name: sum(weight * getattr(part, name) for (_, weight), part in zip(self.members, parts, strict=True))
            for name in ATTRIBUTES
        }
        details = {f"weight.{judge.name}": weight for judge, weight in self.members}
        flags = tuple(dict.fromkeys(flag for part in parts for flag in part.flags))
        components = tuple(part.with_policy(self.policy) for part in parts)
        return self.policy.scores(self.name, attributes, details, flags, components)
