from __future__ import annotations

import pydantic
import pytest
from pydantic import BaseModel

from autochem.config import ENV_PREFIX, GrpcSettings, KafkaSettings, ServiceSettings
from autochem.stack.local import StackSettings

SETTINGS_CLASSES = [ServiceSettings, GrpcSettings, KafkaSettings, StackSettings]


def _all_models(cls: type[BaseModel], seen=None):
    seen = seen if seen is not None else set()
    if cls in seen:
        return seen
    seen.add(cls)
    for field in cls.model_fields.values():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            _all_models(ann, seen)
    return seen


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda c: c.__name__)
def test_every_settings_field_is_described(cls):
    for model in _all_models(cls):
        missing = [name for name, f in model.model_fields.items() if not (f.description or "").strip()]
        assert not missing, f"{model.__name__} fields without a description: {missing}"


def test_env_overrides_use_one_prefix_and_nest(monkeypatch):
    monkeypatch.setenv(f"{ENV_PREFIX}SERVICE_NAME", "kg-builder")
    monkeypatch.setenv(f"{ENV_PREFIX}GRPC__PORT", "50123")
    monkeypatch.setenv(f"{ENV_PREFIX}KAFKA__BOOTSTRAP_SERVERS", "broker-0:9092,broker-1:9092")
    monkeypatch.setenv(f"{ENV_PREFIX}KAFKA__SASL_PASSWORD", "s3cret")
    monkeypatch.setenv("GRPC__PORT", "1")  # an unprefixed variable must be ignored
    s = ServiceSettings()
    assert s.service_name == "kg-builder"
    assert s.grpc.port == 50123
    assert s.kafka.bootstrap_servers == "broker-0:9092,broker-1:9092"
    assert s.kafka.sasl_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(s)


def test_invalid_env_value_names_the_field(monkeypatch):
    monkeypatch.setenv(f"{ENV_PREFIX}GRPC__PORT", "99999")
    with pytest.raises(pydantic.ValidationError) as err:
        ServiceSettings()
    assert "grpc.port" in str(err.value).replace("\n", " ") or "port" in str(err.value)


def test_default_stores_live_under_state_dir(tmp_path):
    s = ServiceSettings(service_name="designer", state_dir=tmp_path)
    assert s.resolved_database_url() == f"sqlite:///{tmp_path.resolve()}/db/designer.sqlite"
    assert s.resolved_artifact_url() == (tmp_path / "artifacts").resolve().as_uri()
    s2 = ServiceSettings(database_url="postgresql+psycopg://u@h/db", artifact_url="s3://bucket/x")
    assert s2.resolved_database_url() == "postgresql+psycopg://u@h/db"
    assert s2.resolved_artifact_url() == "s3://bucket/x"
