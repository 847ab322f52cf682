"""critique service: engineering rule checks, LLM review and judge scores of draft designs.

    python services/critique          # settings from AUTOCHEM_* environment variables

Starts SERVING at once: the language model and the judge are connected on first use, and while they
are unreachable a critique comes back rule-based with an INFO issue saying which step was skipped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from autochem.config import GrpcSettings, ServiceSettings
from autochem.critique.service import CritiqueServicer
from autochem.critique.wiring import LazyGenerationBackend, LazyJudgeScorer
from autochem.runtime import run_service
from autochem.v1 import critique_pb2_grpc


class CritiqueSettings(ServiceSettings):
    service_name: str = Field("critique", description="Name used in logs, metrics, traces.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50068), description="gRPC server settings (port 50068)."
    )
    metrics_port: int = Field(9168, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")
    llm_backend: Literal["none", "grpc", "local"] = Field(
        "grpc",
        description="Language model for the prose review: none (rules only), grpc (the slm-inference "
        "service at llm_target) or local (transformers generate in this process, loaded on first use).",
    )
    llm_target: str = Field("127.0.0.1:50067", description="host:port of slm-inference (llm_backend=grpc).")
    llm_timeout_s: float = Field(120.0, gt=0, description="Deadline of one LLM review call.")
    llm_model_version: str | None = Field(
        None, description="Model version to ask slm-inference for; None: whatever it serves."
    )
    llm_local_model_version: str = Field(
        "smollm2-135m-instruct", description="Version label of the local model (llm_backend=local)."
    )
    judge_backend: Literal["none", "grpc", "local"] = Field(
        "grpc",
        description="Judge for attribute scores: none, grpc (the reward-judge service at judge_target) or "
        "local (the deterministic judge in this process).",
    )
    judge_target: str = Field(
        "127.0.0.1:50064", description="host:port of reward-judge (judge_backend=grpc)."
    )
    judge_timeout_s: float = Field(180.0, gt=0, description="Deadline of one judge call.")


def llm_provider(settings: CritiqueSettings):
    if settings.llm_backend == "none":
        return None
    if settings.llm_backend == "grpc":

        def build_grpc():
            from autochem.inference.backends.grpc_client import GrpcSlmBackend

            return GrpcSlmBackend(
                settings.llm_target,
                timeout_s=settings.llm_timeout_s,
                model_version=settings.llm_model_version,
            )

        backend = LazyGenerationBackend(build_grpc, f"slm-inference at {settings.llm_target}")
    else:

        def build_local():
            from autochem.inference.backends.hf import HfGenerateBackend
            from autochem.inference.models import default_model_source

            return HfGenerateBackend(default_model_source(), model_version=settings.llm_local_model_version)

        backend = LazyGenerationBackend(build_local, "local transformers model")
    return lambda: backend


def judge_provider(settings: CritiqueSettings):
    if settings.judge_backend == "none":
        return None
    if settings.judge_backend == "grpc":

        def build_grpc():
            from autochem.judging.client import GrpcJudgeClient

            return GrpcJudgeClient(settings.judge_target, timeout_s=settings.judge_timeout_s)

        scorer = LazyJudgeScorer(build_grpc, f"reward-judge at {settings.judge_target}")
    else:

        def build_local():
            from autochem.judging.deterministic import DeterministicJudge

            return DeterministicJudge()

        scorer = LazyJudgeScorer(build_local, "deterministic judge")
    return lambda: scorer


def main() -> None:
    settings = CritiqueSettings()
    servicer = CritiqueServicer(llm=llm_provider(settings), judge=judge_provider(settings))
    run_service(
        settings,
        register=lambda server: server.add(servicer, critique_pb2_grpc.add_CritiqueServiceServicer_to_server),
    )


if __name__ == "__main__":
    main()
