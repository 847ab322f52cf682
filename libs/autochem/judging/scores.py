# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""Scores, weights and thresholds of the dataset filters (DESIGN §6 "Dataset filters").

Every judge rates a response on the five attributes of the Nemotron/HelpSteer2 reward models, each on
0–4 with the HelpSteer2 meaning, so scores from different judges can be averaged and compared:

- helpfulness: how well the response answers the question asked;
- correctness: the facts stated are true (here: supported by the given context when there is one);
- coherence: clear, consistent, complete sentences;
- complexity: the expertise needed to write it (0 = anyone, 4 = a domain expert) — descriptive, not "good";
- verbosity: how much detail relative to what was asked (0 = terse, 4 = very long) — descriptive.

The scalar reward is R = Σ α_l · score_l; a sample is kept when R ≥ τ, and a DPO pair is kept when
R(chosen) − R(rejected) ≥ τ_DPO.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from autochem.errors import InvalidArgument

ATTRIBUTES: tuple[str, ...] = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
SCORE_MIN = 0.0
SCORE_MAX = 4.0
# A weight beyond this is certainly a units mistake (weights are meant to be O(1)); negative weights are
# allowed because HelpSteer2's recommended reward uses a negative verbosity weight.
MAX_ABS_WEIGHT = 10.0


def check_finite(value: float, field_name: str, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidArgument(field_name, "must be a number")
    if not math.isfinite(value):
        raise InvalidArgument(field_name, "must be a finite number")
    if not low <= value <= high:
        raise InvalidArgument(field_name, f"must be in {low:g}..{high:g}")
    return float(value)


@dataclass(frozen=True)
class RewardWeights:
    """α per attribute in R = Σ α_l · score_l.

    Defaults sum to 1 so R stays on the 0–4 scale of the attributes (thresholds read the same way).
    Correctness weighs most because the filtered datasets teach facts: a fluent wrong answer is the most
    harmful sample to keep. Helpfulness next (does it answer the question asked), coherence after it.
    Complexity and verbosity get only 0.05 each: they describe a response rather than grade it (a longer or
    more technical answer is not a better one), so they only break near-ties toward the more substantive
    answer. HelpSteer2 even gives verbosity a negative weight; set it below zero here for that behaviour.
    """

    helpfulness: float = 0.3
    correctness: float = 0.4
    coherence: float = 0.2
    complexity: float = 0.05
    verbosity: float = 0.05

    def validate(self, field_prefix: str = "weights") -> RewardWeights:
        for name in ATTRIBUTES:
            check_finite(getattr(self, name), f"{field_prefix}.{name}", -MAX_ABS_WEIGHT, MAX_ABS_WEIGHT)
        if all(getattr(self, name) == 0.0 for name in ATTRIBUTES):
            raise InvalidArgument(field_prefix, "at least one weight must be non-zero")
        return self

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in ATTRIBUTES}

    def reward(self, scores: Mapping[str, float]) -> float:
        return sum(getattr(self, name) * scores[name] for name in ATTRIBUTES)


@dataclass(frozen=True)
class Thresholds:
    """τ (keep a sample when R ≥ τ) and τ_DPO (keep a preference pair when the gap ≥ τ_DPO).

    With the default weights R is on 0–4. τ = 2.5 keeps responses that are better than "partly right,
    partly helpful" (≈2) on the heavily weighted attributes; τ_DPO = 0.5 asks the chosen response to be
    half a Likert step better overall, so near-ties (noise of any judge) do not become training signal.
    """

    keep: float = 2.5
    preference_gap: float = 0.5

    def validate(self, field_prefix: str = "thresholds") -> Thresholds:
        bound = MAX_ABS_WEIGHT * SCORE_MAX * len(ATTRIBUTES)  # |R| can never exceed this
        check_finite(self.keep, f"{field_prefix}.keep", -bound, bound)
        check_finite(self.preference_gap, f"{field_prefix}.preference_gap", -bound, bound)
        return self


@dataclass(frozen=True)
class RewardPolicy:
    """Weights and thresholds together: what turns attribute scores into R and pass/fail."""

    weights: RewardWeights = field(default_factory=RewardWeights)
    thresholds: Thresholds = field(default_factory=Thresholds)

    def validate(self) -> RewardPolicy:
        self.weights.validate()
        self.thresholds.validate()
        return self

    def scores(
        self,
        judge: str,
        attributes: Mapping[str, float],
        details: Mapping[str, float] | None = None,
        flags: tuple[str, ...] = (),
        components: tuple[JudgeScores, ...] = (),
    ) -> JudgeScores:
        """JudgeScores from raw attribute scores (clamped to 0–4), with R and passed computed here."""
        clamped = {name: clamp_score(attributes[name]) for name in ATTRIBUTES}
        reward = self.weights.reward(clamped)
        return JudgeScores(
            **clamped,
            reward=reward,
            passed=reward >= self.thresholds.keep,
            judge=judge,
            details=dict(details or {}),
            flags=flags,
            components=components,
        )


def clamp_score(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"attribute score must be finite, got {value}")
    return min(SCORE_MAX, max(SCORE_MIN, float(value)))


@dataclass(frozen=True)
class JudgeScores:
    """One judge's verdict on one response.

    ``details`` holds numeric diagnostics (e.g. ``grounding``, ``correctness.digit_mass``), ``flags`` short
    findings (``truncated``, ``off_topic``, ``refusal``), ``components`` the per-backend scores a composite
    judge combined (empty for a single backend).
    """

    helpfulness: float
    correctness: float
    coherence: float
    complexity: float
    verbosity: float
    reward: float
    passed: bool
    judge: str = ""
    details: dict[str, float] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    components: tuple[JudgeScores, ...] = ()

    def attributes(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in ATTRIBUTES}

    def with_policy(self, policy: RewardPolicy) -> JudgeScores:
        """The same attribute scores with R and passed recomputed under other weights/thresholds."""
        reward = policy.weights.reward(self.attributes())
        return replace(
            self,
            reward=reward,
            passed=reward >= policy.thresholds.keep,
            components=tuple(c.with_policy(policy) for c in self.components),
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "components"}
        out["flags"] = list(self.flags)
        out["components"] = [c.as_dict() for c in self.components]
        return out


@dataclass(frozen=True)
class PreferenceResult:
    """gap = R(chosen) − R(rejected); ``passed`` when gap ≥ τ_DPO."""

    gap: float
    passed: bool
    chosen: JudgeScores
    rejected: JudgeScores

    @classmethod
    def of(cls, chosen: JudgeScores, rejected: JudgeScores, policy: RewardPolicy) -> PreferenceResult:
        gap = chosen.reward - rejected.reward
        return cls(gap=gap, passed=gap >= policy.thresholds.preference_gap, chosen=chosen, rejected=rejected)
