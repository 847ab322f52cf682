"""reward-judge: multi-attribute scoring of responses (Score, ScoreBatch, Preference).

Five attributes 0–4, R = Σ α·score, keep threshold τ and DPO gap τ_DPO; backends: lexical checks
(deterministic), logprob-weighted Likert on a language model (likert), a Nemotron-style reward endpoint
(endpoint), combined by weighted mean. gRPC only for now: the datasets.generated consumer arrives with
synth-generator.
"""

# Greek letters of the paper's formulas (alpha, tau) in descriptions.
# ruff: noqa: RUF001, RUF002

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from autochem.config import GrpcSettings, ServiceSettings
from autochem.judging import InputLimits, RewardPolicy, RewardWeights, Thresholds, build_judge
from autochem.judging.factory import EndpointConfig
from autochem.judging.lm import LazyBackend, lm_backend_factory
from autochem.judging.service import RewardJudgeServicer
from autochem.runtime import run_service
from autochem.v1 import judge_pb2_grpc

JudgeKind = Literal["deterministic", "likert", "endpoint"]


class RewardWeightSettings(BaseModel):
    """α per attribute (see autochem.judging.scores.RewardWeights for why these defaults)."""

    helpfulness: float = Field(0.3, ge=-10, le=10, allow_inf_nan=False, description="α for helpfulness.")
    correctness: float = Field(0.4, ge=-10, le=10, allow_inf_nan=False, description="α for correctness.")
    coherence: float = Field(0.2, ge=-10, le=10, allow_inf_nan=False, description="α for coherence.")
    complexity: float = Field(
        0.05, ge=-10, le=10, allow_inf_nan=False, description="α for complexity (descriptive attribute)."
    )
    verbosity: float = Field(
        0.05, ge=-10, le=10, allow_inf_nan=False, description="α for verbosity (HelpSteer2 uses a negative one)."
    )

    def to_domain(self) -> RewardWeights:
        return RewardWeights(**self.model_dump()).validate()


class RewardJudgeSettings(ServiceSettings):
    service_name: str = Field("reward-judge", description="Name used in logs, metrics, traces and Kafka ids.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50064), description="gRPC server settings (port 50064)."
    )
    metrics_port: int = Field(9164, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")

    judges: list[JudgeKind] = Field(
        default_factory=lambda: ["deterministic", "likert"],
        min_length=1,
        description="Judge backends to run; more than one are combined by a weighted mean per attribute.",
    )
    judge_weights: dict[JudgeKind, float] = Field(
        default_factory=lambda: {"deterministic": 0.6, "likert": 0.4, "endpoint": 1.0},
        description="Share of each enabled backend in the combined attribute scores (renormalized to sum 1). "
        "The SmolLM2 Likert judge is weak, so by default the lexical checks weigh more.",
    )
    weights: RewardWeightSettings = Field(
        default_factory=RewardWeightSettings, description="α per attribute in R = Σ α·score."
    )
    keep_threshold: float = Field(2.5, ge=-1000, le=1000, allow_inf_nan=False, description="τ: keep when R ≥ τ.")
    preference_gap: float = Field(
        0.5, ge=-1000, le=1000, allow_inf_nan=False, description="τ_DPO: keep a pair when the gap ≥ τ_DPO."
    )
    max_batch_items: int = Field(64, ge=1, le=1024, description="Most items one ScoreBatch may carry.")
    max_prompt_chars: int = Field(8000, ge=100, description="Longest prompt accepted (characters).")
    max_response_chars: int = Field(16000, ge=100, description="Longest response accepted (characters).")
    max_context_chars: int = Field(32000, ge=100, description="Longest context accepted (characters).")

    lm_backend: Literal["grpc", "local", "llama.cpp"] = Field(
        "grpc",
        description="Language model of the Likert judge: 'grpc' = the slm-inference service, 'local' = "
        "SmolLM2 (or lm_model_path) loaded in this process, 'llama.cpp' = llama-cpp-python in process.",
    )
    slm_inference_address: str = Field(
        "127.0.0.1:50067", description="host:port of slm-inference when lm_backend is 'grpc'."
    )
    lm_model_path: str | None = Field(
        None, description="GGUF file or HF model directory for 'local'/'llama.cpp'; None: the bundled SmolLM2."
    )
    lm_timeout_s: float = Field(120.0, gt=0, description="Timeout of one language-model call (seconds).")
    likert_concurrency: int = Field(4, ge=1, le=64, description="Items of a batch the Likert judge rates at once.")

    reward_endpoint_url: str | None = Field(
        None,
        description="Base URL of an OpenAI-compatible reward model (e.g. https://integrate.api.nvidia.com/v1); "
        "needed when 'endpoint' is in judges.",
    )
    reward_endpoint_key: SecretStr | None = Field(None, description="API key of the reward endpoint.")
    reward_endpoint_model: str = Field(
        "nvidia/nemotron-4-340b-reward", description="Model name sent to the reward endpoint."
    )
    reward_endpoint_timeout_s: float = Field(60.0, gt=0, description="Timeout of one reward endpoint call.")

    @field_validator("judge_weights")
    @classmethod
    def _finite_non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if not (0.0 <= weight < float("inf")):
                raise ValueError(f"judge weight of {name} must be a finite number ≥ 0")
        return value

    def policy(self) -> RewardPolicy:
        return RewardPolicy(
            self.weights.to_domain(), Thresholds(keep=self.keep_threshold, preference_gap=self.preference_gap)
        ).validate()

    def limits(self) -> InputLimits:
        return InputLimits(
            max_prompt_chars=self.max_prompt_chars,
            max_response_chars=self.max_response_chars,
            max_context_chars=self.max_context_chars,
            max_batch_items=self.max_batch_items,
        )


def build_from_settings(settings: RewardJudgeSettings):
    lm = None
    if "likert" in settings.judges:
        factory = lm_backend_factory(
            settings.lm_backend,
            slm_inference_address=settings.slm_inference_address,
            timeout_s=settings.lm_timeout_s,
            model_path=settings.lm_model_path,
        )
        lm = LazyBackend(factory, f"{settings.lm_backend} language model")
    endpoint = None
    if "endpoint" in settings.judges:
        if not settings.reward_endpoint_url:
            raise SystemExit("judges includes 'endpoint' but reward_endpoint_url is not set")
        key = settings.reward_endpoint_key.get_secret_value() if settings.reward_endpoint_key else None
        endpoint = EndpointConfig(
            settings.reward_endpoint_url, key, settings.reward_endpoint_model, settings.reward_endpoint_timeout_s
        )
    return build_judge(
        settings.judges,
        policy=settings.policy(),
        limits=settings.limits(),
        member_weights=settings.judge_weights,
        lm_backend=lm,
        endpoint=endpoint,
        likert_concurrency=settings.likert_concurrency,
    )


def main() -> None:
    settings = RewardJudgeSettings()
    judge = build_from_settings(settings)
    # The language model is built on first use (LazyBackend): the service is SERVING at once, and Likert
    # requests made before slm-inference is up fail UNAVAILABLE instead of the whole service waiting.
    run_service(
        settings,
        register=lambda server: server.add(RewardJudgeServicer(judge), judge_pb2_grpc.add_RewardJudgeServicer_to_server),
    )


if __name__ == "__main__":
    main()
