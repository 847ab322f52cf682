"""How often each judge backend prefers the correct answer of a correct/corrupted pair.

    make eval-judges                       # every pair, deterministic + Likert (local SmolLM2) + composite
    .venv/bin/python benchmarks/eval_judges.py --limit 30 --judges deterministic
    .venv/bin/python benchmarks/eval_judges.py --endpoint-url https://integrate.api.nvidia.com/v1 \
        --endpoint-key "$NVIDIA_API_KEY" --judges endpoint

Pairs: tests/data/judge_pairs.jsonl (question, context, correct answer, corrupted answer, corruption kind:
wrong_fact / truncated / off_topic). A judge "prefers correct" when R(correct) > R(corrupted) under the
default weights; equal R is a tie. Time per pair = scoring both answers. The composite reuses the member
judges' scores of the same texts (no second model pass) and reports the members' summed time.

The Likert judge runs on SmolLM2-135M in process through PrefixCachingScorer (one forward per rating,
shared prompt prefix reused); ``--lm hf`` uses HfGenerateBackend instead (5 forwards per rating, slower).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autochem.judging import (
    CompositeJudge,
    DeterministicJudge,
    JudgeScores,
    LikertLlmJudge,
    RewardModelEndpointJudge,
    RewardPolicy,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAIRS = REPO_ROOT / "tests" / "data" / "judge_pairs.jsonl"


class MemoJudge:
    """Wraps a judge so the composite reuses scores already computed for the same texts."""

    def __init__(self, judge) -> None:
        self.judge = judge
        self.name = judge.name
        self.policy = judge.policy
        self.seconds: dict[tuple, float] = {}
        self._memo: dict[tuple, JudgeScores] = {}

    async def score(self, prompt: str, response: str, context: str | None = None) -> JudgeScores:
        key = (prompt, response, context)
        if key not in self._memo:
            start = time.perf_counter()
            self._memo[key] = await self.judge.score(prompt, response, context)
            self.seconds[key] = time.perf_counter() - start
        return self._memo[key]


@dataclass
class Tally:
    correct: int = 0
    tie: int = 0
    wrong: int = 0
    gaps: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def n(self) -> int:
        return self.correct + self.tie + self.wrong

    def add(self, gap: float, seconds: float) -> None:
        if gap > 1e-9:
            self.correct += 1
        elif gap < -1e-9:
            self.wrong += 1
        else:
            self.tie += 1
        self.gaps.append(gap)
        self.seconds += seconds


def load_pairs(path: Path, limit: int | None) -> list[dict]:
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pairs[:limit] if limit else pairs


def build_lm(kind: str):
    from autochem.inference.models import default_model_source

    source = default_model_source()
    if kind == "hf":
        from autochem.inference.backends.hf import HfGenerateBackend

        return HfGenerateBackend(source, model_version="base")
    from autochem.judging.local_scorer import PrefixCachingScorer

    return PrefixCachingScorer.from_source(source)


async def evaluate(args) -> int:
    pairs = load_pairs(Path(args.pairs), args.limit)
    policy = RewardPolicy()
    wanted = [j.strip() for j in args.judges.split(",") if j.strip()]
    judges: dict[str, MemoJudge] = {}
    if "deterministic" in wanted or "composite" in wanted:
        judges["deterministic"] = MemoJudge(DeterministicJudge(policy))
    if "likert" in wanted or "composite" in wanted:
        started = time.perf_counter()
        lm = build_lm(args.lm)
        await lm.start()
        print(f"loaded {lm.info().model_name} for the Likert judge in {time.perf_counter() - started:.1f} s", flush=True)
        judges["likert"] = MemoJudge(LikertLlmJudge(lm, policy))
    if args.endpoint_url:
        judges["endpoint"] = MemoJudge(
            RewardModelEndpointJudge(args.endpoint_url, args.endpoint_key, args.endpoint_model, policy)
        )
    order = [name for name in ("deterministic", "likert", "endpoint") if name in judges and name in wanted]
    composite = None
    if "composite" in wanted:
        weights = {"deterministic": args.w_deterministic, "likert": 1.0 - args.w_deterministic}
        composite = CompositeJudge([(judges[n], w) for n, w in weights.items()], policy)
        order.append("composite")

    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for index, pair in enumerate(pairs):
        q, ctx = pair["question"], pair["context"]
        kinds = [pair["kind"]] + ([f"wrong_fact/{pair['facet']}"] if pair["kind"] == "wrong_fact" else [])
        for name in order:
            if name == "composite":
                chosen = await composite.score(q, pair["correct"], ctx)
                rejected = await composite.score(q, pair["corrupted"], ctx)
                seconds = sum(
                    judges[m].seconds.get((q, text, ctx), 0.0)
                    for m in ("deterministic", "likert")
                    for text in (pair["correct"], pair["corrupted"])
                )
            else:
                judge = judges[name]
                chosen = await judge.score(q, pair["correct"], ctx)
                rejected = await judge.score(q, pair["corrupted"], ctx)
                # Cost of scoring both texts, also when the correct answer's score came from the memo.
                seconds = judge.seconds[(q, pair["correct"], ctx)] + judge.seconds[(q, pair["corrupted"], ctx)]
            gap = chosen.reward - rejected.reward
            for kind in (*kinds, "all"):
                tallies[(name, kind)].add(gap, seconds)
        if args.progress and (index + 1) % 10 == 0:
            print(f"  {index + 1}/{len(pairs)} pairs", file=sys.stderr, flush=True)

    facets = sorted({k for _, k in tallies if k.startswith("wrong_fact/")})
    kinds_order = ["all", "wrong_fact", "truncated", "off_topic", *facets]
    print(f"\n{len(pairs)} pairs from {args.pairs}; R = default weights {policy.weights.as_dict()}")
    header = f"{'judge':<14} {'corruption':<22} {'n':>4} {'prefers correct':>16} {'ties':>5} {'prefers corrupted':>18} {'mean gap':>9} {'s/pair':>8}"
    print(header)
    print("-" * len(header))
    for name in order:
        for kind in kinds_order:
            t = tallies.get((name, kind))
            if not t or not t.n:
                continue
            share = f"{t.correct}/{t.n} ({100 * t.correct / t.n:.0f}%)"
            print(
                f"{name:<14} {kind:<22} {t.n:>4} {share:>16} {t.tie:>5} {t.wrong:>18} "
                f"{sum(t.gaps) / t.n:>9.2f} {t.seconds / t.n:>8.3f}"
            )
        print()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default=str(DEFAULT_PAIRS), help="JSONL of judge pairs")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs (quick runs)")
    parser.add_argument(
        "--judges", default="deterministic,likert,composite", help="comma list: deterministic,likert,composite,endpoint"
    )
    parser.add_argument("--lm", choices=("scorer", "hf"), default="scorer", help="Likert LM backend (in process)")
    parser.add_argument("--w-deterministic", type=float, default=0.6, help="composite share of the deterministic judge")
    parser.add_argument("--endpoint-url", default=None, help="OpenAI-compatible reward model base URL")
    parser.add_argument("--endpoint-key", default=None, help="API key of the reward endpoint")
    parser.add_argument("--endpoint-model", default="nvidia/nemotron-4-340b-reward")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    args = parser.parse_args(argv)
    if args.endpoint_url and "endpoint" not in args.judges:
        args.judges += ",endpoint"
    return asyncio.run(evaluate(args))


if __name__ == "__main__":
    sys.exit(main())
