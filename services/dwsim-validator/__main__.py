"""dwsim-validator service: steady-state flowsheet simulation and control-loop checks of designs.

    python services/dwsim-validator   # settings from AUTOCHEM_* environment variables

gRPC ``autochem.v1.Validator/Validate``; consumes ``designs.completed`` (the design JSON in the artifact
store), stores the ValidationReport there and publishes ``validations.completed``. Health stays
NOT_SERVING until the simulator is imported and warm (BioSTEAM takes ~10-20 s to import).
"""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import Field

from autochem.bus.consumer import EventConsumer
from autochem.bus.topics import TOPICS
from autochem.config import GrpcSettings, ServiceSettings
from autochem.runtime import run_service
from autochem.simulation.options import ValidationOptions
from autochem.simulation.service import ValidatorServicer, designs_completed_handler
from autochem.simulation.validator import default_validator
from autochem.v1 import validator_pb2_grpc


class ValidatorSettings(ServiceSettings):
    service_name: str = Field("dwsim-validator", description="Name used in logs, metrics, traces.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50069), description="gRPC server settings (port 50069)."
    )
    metrics_port: int = Field(9169, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")
    backend: Literal["biosteam", "dwsim"] = Field(
        "biosteam", description="Default steady-state simulator; a request may pick the other."
    )
    dwsim_path: str | None = Field(
        None,
        description="Directory holding DWSIM.Automation.dll (needs pythonnet); None: the DWSIM backend "
        "reports itself unavailable.",
    )
    validation: ValidationOptions = Field(
        default_factory=ValidationOptions,
        description="Default tolerances and loop limits (AUTOCHEM_VALIDATION__CLOSURE_TOLERANCE=...).",
    )
    consume: bool = Field(True, description="Consume designs.completed (False: gRPC only).")
    consumer_group: str = Field("dwsim-validator", description="Kafka consumer group for designs.completed.")
    max_design_bytes: int = Field(16 * 1024 * 1024, ge=1024, description="Largest design artifact accepted.")


def main() -> None:
    settings = ValidatorSettings()
    defaults = settings.validation.model_copy(update={"backend": settings.backend})
    validator = default_validator(settings.dwsim_path, defaults)
    servicer = ValidatorServicer(validator)

    async def ready() -> None:
        await asyncio.to_thread(validator.warm_up)

    def consumers(runtime):
        if not settings.consume:
            return []
        handler = designs_completed_handler(
            validator,
            runtime.artifacts,
            lambda event, key: runtime.publisher.publish(
                TOPICS["validations.completed"], event, key=event.design_id, idempotency_key=key
            ),
            max_design_bytes=settings.max_design_bytes,
        )
        return [
            EventConsumer(
                settings.kafka,
                settings.consumer_group,
                [TOPICS["designs.completed"]],
                handler,
                runtime.engine,
                service_name=settings.service_name,
            )
        ]

    run_service(
        settings,
        register=lambda server: server.add(servicer, validator_pb2_grpc.add_ValidatorServicer_to_server),
        consumers=consumers,
        ready=ready,
    )


if __name__ == "__main__":
    main()
