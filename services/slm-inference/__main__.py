"""slm-inference: small language model serving (Generate, GenerateStream, ScoreContinuations, ListModels)
with admission control and hot swap to each version published on models.promoted."""

from __future__ import annotations

import asyncio

from autochem.bus.consumer import EventConsumer
from autochem.inference.service import SlmInferenceServicer
from autochem.inference.serving import (
    AdmissionQueue,
    InferenceService,
    ModelRegistry,
    PromotionHandler,
    SlmInferenceSettings,
    create_backend,
    initial_model_spec,
)
from autochem.runtime import ServiceRuntime, run_service
from autochem.v1 import inference_pb2_grpc


def main() -> None:
    settings = SlmInferenceSettings()
    initial = initial_model_spec(settings)
    registry = ModelRegistry(lambda spec: create_backend(settings, spec))
    service = InferenceService(registry, AdmissionQueue(settings.max_running, settings.max_queued))
    loop_holder: list[asyncio.AbstractEventLoop] = []

    async def load_initial_model() -> None:
        loop_holder.append(asyncio.get_running_loop())
        await registry.promote(initial)

    def promotion_consumers(runtime: ServiceRuntime):
        if not (settings.promotions and settings.local_backends):
            return []  # remote servers load their own models
        handler = PromotionHandler(
            registry,
            loop_holder[0],
            base=initial.source,
            unpack_dir=settings.models_dir,
            load_timeout_s=settings.model_load_timeout_s,
        )
        return [
            EventConsumer(
                settings.kafka,
                f"{settings.service_name}-{settings.replica_id}",  # one group per replica: all see every event
                ["models.promoted"],
                handler,
                runtime.engine,
                service_name=settings.service_name,
            )
        ]

    run_service(
        settings,
        register=lambda server: server.add(
            SlmInferenceServicer(service), inference_pb2_grpc.add_SlmInferenceServicer_to_server
        ),
        consumers=promotion_consumers,
        ready=load_initial_model,
    )


if __name__ == "__main__":
    main()
