"""The one place where the services of the local stack and their ports are declared.

A service takes part in ``autochem up`` once its code exists (``services/<name>/__main__.py``);
services arrive with their issues, so early on the stack may be the broker alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVICES_DIR = REPO_ROOT / "services"

BROKER_PORT = 9092


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    grpc_port: int
    metrics_port: int
    grpc_service: str  # fully qualified gRPC service name its health entry reports on
    summary: str

    def directory(self, services_dir: Path = SERVICES_DIR) -> Path:
        return services_dir / self.name

    def exists(self, services_dir: Path = SERVICES_DIR) -> bool:
        return (self.directory(services_dir) / "__main__.py").is_file()


# Ports: gRPC 500xx, metrics 91xx, in pipeline order. Charts and docs read the same table.
SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("web-agents", 50061, 9161, "autochem.v1.WebAgents", "research agents harvesting documents"),
    ServiceSpec(
        "kg-builder", 50062, 9162, "autochem.v1.KgBuilder", "knowledge graph build and Graph RAG retrieval"
    ),
    ServiceSpec("synth-generator", 50063, 9163, "autochem.v1.SynthGenerator", "synthetic dataset generation"),
    ServiceSpec(
        "reward-judge", 50064, 9164, "autochem.v1.RewardJudge", "multi-attribute scoring of responses"
    ),
    ServiceSpec("trainer", 50065, 9165, "autochem.v1.Trainer", "SFT/DPO/RAIT and GRPO fine-tuning"),
    ServiceSpec("pruner", 50066, 9166, "autochem.v1.Pruner", "structured width/depth pruning"),
    ServiceSpec("slm-inference", 50067, 9167, "autochem.v1.SlmInference", "small language model serving"),
    ServiceSpec(
        "critique", 50068, 9168, "autochem.v1.CritiqueService", "engineering rule checks and LLM critique"
    ),
    ServiceSpec(
        "dwsim-validator", 50069, 9169, "autochem.v1.Validator", "flowsheet and control-loop simulation"
    ),
    ServiceSpec(
        "designer", 50070, 9170, "autochem.v1.Designer", "the closed design loop (public entry point)"
    ),
)


def by_name(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in SERVICES)
    raise KeyError(f"unknown service {name!r}; known: {known}")


def existing_services(services_dir: Path = SERVICES_DIR) -> list[ServiceSpec]:
    return [s for s in SERVICES if s.exists(services_dir)]
