"""gRPC servicer of ``autochem.v1.CritiqueService``: converts proto <-> domain and nothing else.

The language model and the judge are injected as factories so that the service starts and serves at once:
they are created on first use, and a factory that fails (the model service is not up yet) costs that
request its LLM/judge step only (an INFO issue says so), not the critique.
"""

from __future__ import annotations

from collections.abc import Callable

from autochem.critique.critique import CritiqueReport, DesignScorer, critique_design
from autochem.domain.convert import design_from_proto, issue_to_proto
from autochem.domain.issues import Severity
from autochem.errors import InvalidArgument
from autochem.inference.api import GenerationBackend
from autochem.v1 import critique_pb2, critique_pb2_grpc

LlmProvider = Callable[[], GenerationBackend]
JudgeProvider = Callable[[], DesignScorer]


class _Unavailable:
    """Stands in for an LLM/judge whose factory failed: every use raises the original reason."""

    def __init__(self, reason: BaseException) -> None:
        self.reason = reason

    async def generate(self, request):
        raise self.reason

    def __call__(self, prompt: str, response: str):
        raise self.reason


class CritiqueServicer(critique_pb2_grpc.CritiqueServiceServicer):
    def __init__(self, llm: LlmProvider | None = None, judge: JudgeProvider | None = None) -> None:
        self._llm_provider = llm
        self._judge_provider = judge

    def _resolve(self, provider):
        if provider is None:
            return None
        try:
            return provider()
        except Exception as exc:  # not reachable/loadable now; the request still gets the rules
            return _Unavailable(exc)

    async def Critique(self, request: critique_pb2.CritiqueRequest, context) -> critique_pb2.CritiqueResponse:
        if not request.HasField("design"):
            raise InvalidArgument("design", "required")
        options = request.options
        if options.max_issues < 0:
            raise InvalidArgument("options.max_issues", "must be 0 (all) or positive")
        try:
            design = design_from_proto(request.design)
        except InvalidArgument as exc:
            # The field path is relative to the Design message; the caller sent it as `design`.
            raise InvalidArgument(f"design.{exc.field}" if exc.field else "design", exc.reason) from None
        if options.use_llm and self._llm_provider is None:
            llm = _Unavailable(RuntimeError("no language model configured (llm_backend=none)"))
        else:
            llm = self._resolve(self._llm_provider) if options.use_llm else None
        if options.use_judge and self._judge_provider is None:
            judge = _Unavailable(RuntimeError("no judge configured (judge_backend=none)"))
        else:
            judge = self._resolve(self._judge_provider) if options.use_judge else None
        report = await critique_design(design, llm=llm, judge=judge)
        return report_to_proto(report, options.max_issues)


def report_to_proto(report: CritiqueReport, max_issues: int = 0) -> critique_pb2.CritiqueResponse:
    counts = report.counts
    kept = report.issues[:max_issues] if max_issues else report.issues
    return critique_pb2.CritiqueResponse(
        issues=[issue_to_proto(issue) for issue in kept],
        scores=report.scores,
        blocking=report.blocking,
        counts=critique_pb2.IssueCounts(
            info=counts[Severity.INFO],
            warning=counts[Severity.WARNING],
            error=counts[Severity.ERROR],
            blocking=counts[Severity.BLOCKING],
            omitted=len(report.issues) - len(kept),
        ),
        summary=report.summary(),
    )
